"""Exactly what docs/KIOSK.md (and the README's kiosk paragraph) tells a new user to do: start the
kiosk on a demo home, sign in as pelaksana1 with the password shown on the sign-in screen, draft
an announcement, hand it in, and see it waiting for kabid1."""

from __future__ import annotations

import asyncio

from kiosk.app import WartaKiosk
from warta.cmd_kiosk import start_workers
from shared.bootstrap import init_home
from shared.config import get_settings
from shared.services.root import Services
from tests.kiosk.conftest import logout, screen_name, text_of, until, waiting_ids


async def pick_demo_account(pilot, username: str) -> None:  # noqa: ANN001
    """Choose the account in the demo table of the sign-in screen, then press Enter."""
    await until(pilot, lambda: screen_name(pilot) == "LoginScreen")
    table = pilot.app.screen.query_one("#demo-accounts")
    await until(pilot, lambda: table.row_count > 0, what="demo accounts shown")
    row = next(i for i in range(table.row_count) if table.get_row_at(i)[0] == username)
    table.focus()
    table.move_cursor(row=row)
    await pilot.press("enter")  # fills the form and focuses the password
    await pilot.press("enter")  # signs in
    await until(pilot, lambda: screen_name(pilot) == "HomeScreen", what=f"home of {username}")
    await until(pilot, lambda: pilot.app.screen.query_one("#waiting").row_count > 0)


async def _readme(settings, w) -> None:  # noqa: ANN001
    app = WartaKiosk(settings, w, start_backbone=start_workers(settings))  # what `make run` starts
    async with app.run_test(size=(80, 24)) as pilot:
        await pick_demo_account(pilot, "pelaksana1")
        await pilot.press("n")
        await until(pilot, lambda: screen_name(pilot) == "EditorScreen")
        editor = pilot.app.screen
        await pilot.press(*"Pemadaman listrik terjadwal")
        editor.query_one("#body").text = ("PLN akan memadamkan listrik di Kecamatan Pontianak "
                                          "Kota pada Sabtu pukul 08.00 sampai 12.00 WIB.")
        editor.query_one("#ch-web").value = True
        await until(pilot, lambda: "Siap diajukan" in text_of(editor.query_one("#problems")))
        await pilot.press("f3")
        await until(pilot, lambda: screen_name(pilot) == "HomeScreen", what="submitted")
        await logout(pilot)
        await pick_demo_account(pilot, "kabid1")
        item = w.queries.list_items(None, text="Pemadaman listrik")[0]
        assert item["state"] == "review_kabid"
        assert str(item["id"]) in waiting_ids(pilot)
        table = pilot.app.screen.query_one("#waiting")
        assert str(table.get_row_at(0)[1]).startswith("Pemadaman listrik")  # clipped at 80 columns


def test_readme_walkthrough() -> None:
    settings = get_settings()
    accounts = init_home(settings, demo=True)  # `warta init --demo`
    assert {a["username"] for a in accounts} >= {"pelaksana1", "kabid1"}
    asyncio.run(_readme(settings, Services.build(settings)))
