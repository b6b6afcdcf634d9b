"""The whole SOP through the kiosk's UI (App.run_test + Pilot): disposition, draft, a return at
each level, approval with the number, deliveries confirmed by the in-process workers, revocation."""

from __future__ import annotations

import asyncio

import pytest

from kiosk.app import WartaKiosk
from warta.cmd_kiosk import start_workers
from tests.kiosk.conftest import login, logout, screen_name, text_of, until, waiting_ids

BODY = ("Dinas Komunikasi dan Informatika menyelenggarakan sosialisasi keterbukaan informasi "
        "publik pada Senin, 30 November 2026 pukul 09.00 WIB di Aula Kantor Gubernur.")


async def open_waiting(pilot, item_id: int, screen: str) -> None:  # noqa: ANN001
    """Choose the announcement in 'waiting for me' and wait for ``screen``."""
    assert str(item_id) in waiting_ids(pilot)
    table = pilot.app.screen.query_one("#waiting")
    row = next(i for i in range(table.row_count) if str(table.get_row_at(i)[0]) == str(item_id))
    table.focus()
    table.move_cursor(row=row)
    await pilot.press("enter")
    await until(pilot, lambda: screen_name(pilot) == screen, what=screen)


async def review(pilot, item_id: int, decision: str, note: str = "") -> None:  # noqa: ANN001
    """Open the review, then approve ('s') or return ('k') with a note."""
    await open_waiting(pilot, item_id, "ReviewScreen")
    await until(pilot, lambda: pilot.app.screen.item, what="review loaded")
    await pilot.press(decision)
    if decision == "k":
        await until(pilot, lambda: screen_name(pilot) == "NoteDialog", what="note dialog")
        await pilot.press("ctrl+s")  # an empty note is refused in the dialog itself
        assert screen_name(pilot) == "NoteDialog"
        assert "catatan" in text_of(pilot.app.screen.query_one("#note-error"))
        pilot.app.screen.query_one("#note").insert(note)
        await pilot.press("ctrl+s")
    await until(pilot, lambda: screen_name(pilot) in ("HomeScreen", "ConfirmDialog",
                                                      "DetailScreen"), what="decision done")


async def decide(pilot, user: str, item_id: int, decision: str, note: str = "") -> None:  # noqa: ANN001
    """Sign in as ``user``, decide on the item, sign out."""
    await login(pilot, user)
    await review(pilot, item_id, decision, note)
    await until(pilot, lambda: screen_name(pilot) == "HomeScreen", what="back home")
    await logout(pilot)


def latest_id(w, ids) -> int:  # noqa: ANN001
    return w.queries.list_items(ids["kadis1"], limit=1)[0]["id"]


@pytest.mark.slow
def test_full_sop_through_the_ui(home) -> None:
    asyncio.run(_full_sop(*home))


async def _full_sop(settings, w, ids) -> None:  # noqa: ANN001
    app = WartaKiosk(settings, w, start_backbone=start_workers(settings))
    async with app.run_test(size=(110, 40)) as pilot:
        # Kabid/Kasubag gives the disposition
        await login(pilot, "kabid1")
        await pilot.press("a")
        await until(pilot, lambda: screen_name(pilot) == "AssignDialog")
        await until(pilot, lambda: pilot.app.screen.query_one("#assignee").value == "pelaksana1")
        pilot.app.screen.query_one("#instructions").insert("Susun pengumuman sosialisasi KIP.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: w.queries.dispositions_for(ids["pelaksana1"]), what="disposition")
        await logout(pilot)

        # the Pelaksana sees it and drafts from it
        await login(pilot, "pelaksana1")
        disp = pilot.app.screen.query_one("#dispositions")
        assert disp.row_count == 1 and "sosialisasi KIP" in str(disp.get_row_at(0)[1])
        disp.focus()
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(pilot) == "EditorScreen")
        editor = pilot.app.screen
        assert editor.disposition_id is not None
        await pilot.click("#title")
        await pilot.press(*"Sosialisasi Keterbukaan Informasi Publik")
        editor.query_one("#summary").value = "Sosialisasi KIP bagi masyarakat."
        editor.query_one("#body").text = BODY
        await pilot.pause()
        assert "kanal" in text_of(editor.query_one("#problems"))  # no channel yet: not ready
        for ch in ("web", "print"):
            editor.query_one(f"#ch-{ch}").value = True
        await until(pilot, lambda: "Siap diajukan" in text_of(editor.query_one("#problems")))
        await pilot.press("f3")
        await until(pilot, lambda: screen_name(pilot) == "HomeScreen", what="submitted")
        item_id = latest_id(w, ids)
        assert w.queries.get_item(item_id, ids["kadis1"])["state"] == "review_kabid"
        await logout(pilot)

        # Kabid returns it to the drafter with a note
        await decide(pilot, "kabid1", item_id, "k", "Cantumkan tempat acara dengan lengkap.")
        assert w.queries.get_item(item_id, ids["kadis1"])["state"] == "returned"

        # the drafter sees the note, revises and hands it in again
        await login(pilot, "pelaksana1")
        assert "Cantumkan tempat" in text_of(pilot.app.screen.query_one("#inbox"))
        await open_waiting(pilot, item_id, "EditorScreen")
        editor = pilot.app.screen
        await until(pilot, lambda: editor.query_one("#body").text == BODY, what="draft loaded")
        editor.query_one("#body").text = BODY.replace("Aula", "Aula Lantai 2,")
        await pilot.press("f3")
        await until(pilot, lambda: screen_name(pilot) == "HomeScreen", what="resubmitted")
        await logout(pilot)

        # Kabid sees only what changed since the revision he returned
        await login(pilot, "kabid1")
        await open_waiting(pilot, item_id, "ReviewScreen")
        await until(pilot, lambda: pilot.app.screen.item)
        diff = text_of(pilot.app.screen.query_one("#diff"))
        assert "revisi 1" in diff and "Lantai 2" in diff
        await pilot.press("s")
        await until(pilot, lambda: screen_name(pilot) == "HomeScreen")
        await logout(pilot)

        # Sekretaris returns to Kabid; Kabid approves again; Kepala Dinas returns to Kabid
        await decide(pilot, "sekretaris1", item_id, "k", "Periksa lagi ejaan judul.")
        assert w.queries.get_item(item_id, ids["kadis1"])["state"] == "review_kabid"
        await decide(pilot, "kabid1", item_id, "s")
        await decide(pilot, "sekretaris1", item_id, "s")
        await decide(pilot, "kadis1", item_id, "k", "Tambahkan narahubung.")
        assert w.queries.get_item(item_id, ids["kadis1"])["state"] == "review_kabid"
        for user in ("kabid1", "sekretaris1"):
            await decide(pilot, user, item_id, "s")

        # Kepala Dinas approves: the confirmation shows the number it will get
        expected = w.queries.next_number()
        await login(pilot, "kadis1")
        await review(pilot, item_id, "s")
        assert screen_name(pilot) == "ConfirmDialog"
        assert expected in text_of(pilot.app.screen.query_one(".dialog-text"))
        await pilot.click("#yes")
        await until(pilot, lambda: screen_name(pilot) == "DetailScreen", what="detail")
        detail = pilot.app.screen
        assert w.queries.get_item(item_id, ids["kadis1"])["number"] == expected

        # the in-process workers deliver; the detail refreshes live until every channel confirms
        await until(pilot, lambda: detail.item.get("deliveries") and all(
            d["state"] == "confirmed" for d in detail.item["deliveries"]), timeout=90,
            what="deliveries confirmed")
        table = detail.query_one("#deliveries")
        assert table.row_count == 2
        assert all(str(table.get_row_at(i)[2]) == "Terkonfirmasi" for i in range(2))
        assert all(str(table.get_row_at(i)[7]) != "—" for i in range(2))  # checksum shown
        timeline = detail.query_one("#timeline")
        assert timeline.row_count >= 9  # drafting, 3 returns, 2 re-drafts/reviews... all shown

        # Kepala Dinas revokes with a reason
        await pilot.press("c")
        await until(pilot, lambda: screen_name(pilot) == "NoteDialog")
        pilot.app.screen.query_one("#note").insert("Acara ditunda oleh panitia.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: detail.item.get("state") == "revoked", what="revoked")
        assert "Acara ditunda" in text_of(detail.query_one("#item-head"))
        # the pencabutan is a delivery of its own per channel; the publication keeps its proof
        await until(pilot, lambda: [d["state"] for d in w.queries.get_item(item_id, ids["kadis1"])[
            "deliveries"] if d["kind"] == "revoke"] == ["revoked", "revoked"], timeout=60,
            what="revocation delivered")
        shown = w.queries.get_item(item_id, ids["kadis1"])["deliveries"]
        assert [d["state"] for d in shown if d["kind"] == "publish"] == ["confirmed", "confirmed"]

        def rows() -> list[tuple[str, ...]]:
            return sorted(tuple(str(c) for c in table.get_row_at(i)[1:3])
                          for i in range(table.row_count))

        detail.action_reload()
        await until(pilot, lambda: rows() == [("Pencabutan", "Pencabutan terkonfirmasi")] * 2
                    + [("Terbit", "Terkonfirmasi")] * 2, what="pencabutan rows")
