"""Work finds its owner, through the kiosk: the PPID's home lists a parked delivery under "Perlu
tindakan" with the count in the top bar and Enter opens its detail; the monitor names the parked
item and opens it; the list's status filter "Pengiriman: Ditahan (parkir)" finds exactly it; a
supervisor's home shows a late step of the people under them and the notice sent about it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from textual.widgets import Select

from shared.models import Delivery, WorkflowStep
from shared.timefmt import utcnow
from shared.vocab import DeliveryState
from tests.kiosk.conftest import login, screen_name, text_of, until
from tests.kiosk.dataset import sample
from tests.kiosk.pilot import run
from tests.kiosk.test_screens import approved_item


def row_keys(table) -> list[str]:  # noqa: ANN001
    return [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]


async def enter_on(pilot, table, key: str, screen: str) -> None:  # noqa: ANN001
    """Put the cursor on the row ``key`` of ``table``, press Enter, wait for ``screen``."""
    table.focus()
    table.move_cursor(row=row_keys(table).index(key))
    await pilot.press("enter")
    await until(pilot, lambda: screen_name(pilot) == screen, what=screen)


def test_a_parked_delivery_finds_the_ppid(home) -> None:
    settings, w, ids = home
    parked, other = approved_item(w, ids), approved_item(w, ids)
    with w.ctx.tx() as s:
        s.execute(update(Delivery).where(Delivery.announcement_id == parked,
                                         Delivery.channel == "print")
                  .values(state=DeliveryState.PARKED, last_error="printer macet"))
    delivery = next(d for d in w.monitor.named_deliveries(ids["ppid1"]))["id"]
    title = w.queries.get_item(parked)["title"]

    async def scenario(pilot) -> None:  # noqa: ANN001
        await login(pilot, "ppid1")
        home = pilot.app.screen
        table = home.query_one("#waiting")
        await until(pilot, lambda: f"parked:{delivery}" in row_keys(table), what="parked line")
        assert "Perlu tindakan: 1" in text_of(home.query_one("#home-top"))
        row = table.get_row(f"parked:{delivery}")
        assert str(row[0]) == str(parked)
        assert str(row[1]).startswith("Cetak (printer macet): Sosialisasi")
        assert str(row[2]) == "Diparkir"
        await enter_on(pilot, table, f"parked:{delivery}", "DetailScreen")
        assert pilot.app.screen.item_id == parked
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(pilot) == "HomeScreen")

        # the monitor names it, and opens it
        await pilot.press("m")
        await until(pilot, lambda: screen_name(pilot) == "MonitorScreen")
        monitor = pilot.app.screen
        named = monitor.query_one("#parked-items")
        await until(pilot, lambda: named.row_count == 1, what="parked table")
        cells = [str(c) for c in named.get_row_at(0)]
        assert cells[0] == str(parked) and title.startswith(cells[1].rstrip("…"))
        assert cells[2] == "Cetak" and cells[3] == "printer macet"
        assert "1 pengiriman diparkir" in text_of(monitor.query_one("#parked-list"))
        await enter_on(pilot, named, f"{delivery}:{parked}", "DetailScreen")
        assert pilot.app.screen.item_id == parked
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(pilot) == "MonitorScreen")
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(pilot) == "HomeScreen")

        # the list's status filter: "diparkir" finds exactly it
        await pilot.press("d")
        await until(pilot, lambda: screen_name(pilot) == "ItemListScreen")
        listing = pilot.app.screen
        items = listing.query_one("#items")
        await until(pilot, lambda: items.row_count == 2, what="both items listed")
        choice = listing.query_one("#f-state", Select)
        assert ("Pengiriman: Ditahan (parkir)", "delivery:parked") in [
            (str(p), v) for p, v in choice._options]
        choice.value = "delivery:parked"
        await until(pilot, lambda: row_keys(items) == [f"{parked}:approved"], what="filtered")
        choice.value = "delivery:pending"
        await until(pilot, lambda: row_keys(items) == [f"{other}:approved", f"{parked}:approved"],
                    what="pending ones")

    run(settings, w, scenario)


def test_a_supervisor_sees_and_is_told_of_a_late_step(home) -> None:
    settings, w, ids = home
    item = w.drafting.create_item(ids["pelaksana1"], **sample("renstra"))
    w.review.submit(ids["pelaksana1"], item)
    with w.ctx.tx() as s:  # the Kabid's check (one hour) began three hours ago
        s.execute(update(WorkflowStep).where(WorkflowStep.decided_at.is_(None))
                  .values(started_at=utcnow() - timedelta(hours=3),
                          due_at=utcnow() - timedelta(hours=2)))

    async def scenario(pilot) -> None:  # noqa: ANN001
        await login(pilot, "sekretaris1")
        home = pilot.app.screen
        table = home.query_one("#waiting")
        await until(pilot, lambda: any(k.startswith("overdue:") for k in row_keys(table)),
                    what="overdue line")
        key = next(k for k in row_keys(table) if k.startswith("overdue:"))
        row = [str(c) for c in table.get_row(key)]
        assert row[0] == str(item) and "Kabid/Kasubag" in row[1] and row[3].startswith("TERLAMBAT")
        await until(pilot, lambda: "melewati batas waktu" in text_of(home.query_one("#inbox")),
                    what="the notice in the inbox")
        assert "Perlu tindakan: 1" in text_of(home.query_one("#home-top"))
        await enter_on(pilot, table, key, "DetailScreen")
        assert pilot.app.screen.item_id == item

    run(settings, w, scenario)
    # told once: the home's refreshes do not tell again
    assert w.todo.notify_overdue() == 0
    notes = [n for n in w.queries.inbox(ids["sekretaris1"]) if n["kind"] == "overdue"]
    assert len(notes) == 1
