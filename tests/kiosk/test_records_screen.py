"""Rekap & Arsip in the kiosk: the PPID proposes, reviews and establishes a seeded month's DIP,
exports it (read back with openpyxl), sees the monthly report, seals and verifies the archive; other
roles are refused with the reason."""

from __future__ import annotations


from openpyxl import load_workbook

from tests.kiosk.conftest import login, screen_name, text_of, until
from tests.records.seed import MONTH, seed_month
from tests.kiosk.pilot import notices, run

SK = "188.4/27/PPID/IX/2026"


def statuses(screen) -> list[str]:  # noqa: ANN001
    return [e["status"] for e in screen.rows.values()]


async def open_month(pilot, month: str) -> None:  # noqa: ANN001
    """From the home screen: p, then type the month and Enter."""
    await pilot.press("p")
    await until(pilot, lambda: screen_name(pilot) == "RecordsScreen", what="records screen")
    await pilot.press("b")
    pilot.app.screen.query_one("#records-month").value = month
    await pilot.press("enter")
    await until(pilot, lambda: pilot.app.screen.month == month
                and "September 2026" in text_of(pilot.app.screen.query_one("#report-totals")),
                what="month loaded")


def test_ppid_dip_report_and_archive() -> None:
    seeded = seed_month()
    w = seeded.w
    settings = w.ctx.settings

    async def scenario(pilot) -> None:  # noqa: ANN001
        await login(pilot, "ppid1", seeded.passwords["ppid1"])
        await open_month(pilot, MONTH)
        screen = pilot.app.screen
        # the report's summary: one line per channel, SLA per step (the Kepala Dinas was late once)
        assert "Videotron" in text_of(screen.query_one("#report-channels"))
        assert "3/4" in text_of(screen.query_one("#report-sla"))
        assert screen.rows == {}

        await pilot.press("u")
        await until(pilot, lambda: statuses(screen) and set(statuses(screen)) == {"usulan"},
                    what="proposals")
        proposed = len(screen.rows)
        assert proposed >= 2
        table = screen.query_one("#dip")

        # accept the first, reject the second with a reason through the note dialog
        table.move_cursor(row=0)
        first = screen._selected()["id"]
        await pilot.press("t")
        await until(pilot, lambda: screen.rows.get(str(first), {}).get("status") == "diterima",
                    what="accepted")
        second = next(k for k, e in screen.rows.items() if e["status"] == "usulan")
        table.move_cursor(row=list(screen.rows).index(second))
        await pilot.press("x")
        await until(pilot, lambda: screen_name(pilot) == "NoteDialog")
        pilot.app.screen.query_one("#note").text = "Sudah tercantum dalam DIP tahunan"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: second not in screen.rows, what="rejected")

        # establishing is refused while proposals wait (the services' reason, in red)
        if "usulan" in statuses(screen):
            await pilot.press("s")
            await until(pilot, lambda: screen_name(pilot) == "InputDialog")
            pilot.app.screen.query_one("#line").value = SK
            await pilot.press("enter")
            await until(pilot, lambda: any("belum ditelaah" in n for n in notices(pilot)),
                        what="refusal while proposals wait")
            while "usulan" in statuses(screen):
                table.move_cursor(row=0)
                pending = statuses(screen).count("usulan")
                await pilot.press("t")
                await until(pilot, lambda p=pending: statuses(screen).count("usulan") == p - 1)
        assert statuses(screen).count("diterima") == proposed - 1

        await pilot.press("s")
        await until(pilot, lambda: screen_name(pilot) == "InputDialog")
        pilot.app.screen.query_one("#line").value = SK
        await pilot.press("enter")
        await until(pilot, lambda: "Ditetapkan" in text_of(screen.query_one("#dip-state")),
                    what="established")
        assert SK in text_of(screen.query_one("#dip-state"))

        # export XLSX to $WARTA_HOME/exports and read it back
        await pilot.press("e")
        await until(pilot, lambda: screen_name(pilot) == "ChoiceDialog")
        await pilot.click("#choice-xlsx")
        await until(pilot, lambda: hasattr(screen, "last_export"), what="export")
        path = screen.last_export
        assert path.parent == (settings.home / "exports").resolve() and path.suffix == ".xlsx"
        assert any(str(path) in n for n in notices(pilot))
        cells = [str(c) for row in load_workbook(path).active.iter_rows(values_only=True)
                 for c in row if c is not None]
        assert any(SK in c for c in cells)
        accepted = [e["ringkasan"] for e in screen.rows.values()]
        assert all(any(r in c for c in cells) for r in accepted)

        # seal the month, verify it, then see a changed file named
        await pilot.press("a")
        await until(pilot, lambda: screen_name(pilot) == "ConfirmDialog")
        await pilot.click("#yes")
        await until(pilot, lambda: "disegel" in text_of(screen.query_one("#archive-state")),
                    what="sealed")
        await pilot.press("v")
        await until(pilot, lambda: "utuh:" in text_of(screen.query_one("#archive-state")),
                    what="verified")
        assert "TIDAK" not in text_of(screen.query_one("#archive-state"))
        proof = next(p for p in (settings.archive / "2026" / "09").rglob("bukti-*.txt"))
        proof.write_text("diubah orang\n", encoding="utf-8")
        await pilot.press("v")
        await until(pilot, lambda: "diubah:" in text_of(screen.query_one("#archive-state")),
                    what="tamper found")
        assert proof.name in text_of(screen.query_one("#archive-state"))

    run(settings, w, scenario)
    versions = w.dip.dip_versions()
    assert [v["sk_number"] for v in versions] == [SK]


def test_other_roles_are_refused_with_the_reason(home) -> None:
    settings, w, _ids = home

    async def kabid(pilot) -> None:  # noqa: ANN001
        from kiosk.screens.records import RecordsScreen

        await login(pilot, "kabid1")
        assert pilot.app.screen.check_action("records", ()) is False  # the key is not offered
        await pilot.press("p")
        await pilot.app.push_screen(RecordsScreen())
        await until(pilot, lambda: any("hanya untuk PPID dan Kepala Dinas" in n
                                       for n in notices(pilot)), what="refusal")
        await until(pilot, lambda: screen_name(pilot) == "HomeScreen", what="back home")

    run(settings, w, kabid)

    async def kadis(pilot) -> None:  # noqa: ANN001
        await login(pilot, "kadis1")
        await pilot.press("p")
        await until(pilot, lambda: screen_name(pilot) == "RecordsScreen")
        await pilot.press("s")
        await until(pilot, lambda: screen_name(pilot) == "InputDialog")
        pilot.app.screen.query_one("#line").value = SK
        await pilot.press("enter")
        await until(pilot, lambda: any("tidak berwenang" in n for n in notices(pilot)),
                    what="services' refusal")
        assert w.dip.dip_versions() == []

    run(settings, w, kadis)
