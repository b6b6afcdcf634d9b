"""Official numbers stay unique and gap-free when Kepala Dinas approvals race (PostgreSQL and SQLite)."""

from __future__ import annotations

import threading

from shared.config import get_settings
from shared.services.root import Services
from tests.domain.helpers import draft, to_state


def test_concurrent_final_approvals_get_distinct_consecutive_numbers(warta):
    items = []
    for n in range(8):
        item = draft(warta, "renstra", title=f"Sosialisasi Renstra sesi {n + 1}")
        to_state(warta, item, "review_kadis")
        items.append(item)
    barrier = threading.Barrier(len(items))
    numbers: dict[int, str] = {}
    errors: list[BaseException] = []

    def approve(item_id: int) -> None:
        w = Services.build(get_settings())  # its own sessions, as separate kiosk desks would have
        barrier.wait(timeout=30)
        try:
            numbers[item_id] = w.review.approve(warta.ids["kadis1"], item_id)
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=approve, args=(i,)) for i in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    seqs = sorted(int(n.split("/")[0]) for n in numbers.values())
    assert seqs == list(range(1, len(items) + 1))
    assert {warta.queries.get_item(i)["number"] for i in items} == set(numbers.values())
