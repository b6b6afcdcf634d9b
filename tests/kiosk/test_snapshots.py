"""Snapshots of the main screens at 80×24 and 120×40 over a fixed dataset with a frozen clock
(``pytest --snapshot-update`` rewrites them after an intended change)."""

from __future__ import annotations

import time

import pytest
from textual.widgets import DataTable

from kiosk.app import WartaKiosk
from shared.config import Settings
from tests.kiosk.conftest import login, screen_name, until
from tests.kiosk.dataset import FROZEN_NOW, make_home, snapshot_data

SIZES = [(80, 24), (120, 40)]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """One fixed home for every snapshot of this module."""
    settings = Settings(home=tmp_path_factory.mktemp("kiosk-snap") / "var", lang="id")
    settings, w, ids = make_home(settings)
    return settings, w, snapshot_data(w, ids)


async def settle(pilot, timeout: float = 10.0) -> None:  # noqa: ANN001
    """No running worker, no blinking cursor, and a picture that no longer changes (tables size
    their columns after the rows arrive): two screenshots in a row must be the same."""
    await pilot.app.workers.wait_for_complete()
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    deadline = time.monotonic() + timeout
    previous = None
    while time.monotonic() < deadline:
        await pilot.pause(0.1)
        await pilot.app.workers.wait_for_complete()
        # a table sizes its columns on an idle pass after its rows arrive: under load that pass
        # can come after two identical pictures, so wait for it explicitly
        if any(t._require_update_dimensions or t._new_rows  # noqa: SLF001 - Textual's own flags
               for t in pilot.app.screen.query(DataTable)):
            previous = None
            continue
        shot = pilot.app.export_screenshot()
        if shot == previous:
            return
        previous = shot
    raise AssertionError("the screen kept changing")


def app_for(data) -> WartaKiosk:  # noqa: ANN001
    settings, w, _items = data
    # no autosave: a draft slot left by one size's run would make the next ask "Pulihkan?"
    quiet = settings.with_overrides(kiosk={"autosave_seconds": 3600})
    return WartaKiosk(quiet, w, clock=lambda: FROZEN_NOW)


async def _open(pilot, user: str, keys: tuple[str, ...], screen: str, ready) -> None:  # noqa: ANN001
    await login(pilot, user)
    if keys:
        await pilot.press(*keys)
    await until(pilot, lambda: screen_name(pilot) == screen, what=screen)
    await until(pilot, lambda: ready(pilot.app.screen), what=f"{screen} loaded")
    await settle(pilot)


def _waiting_loaded(screen) -> bool:  # noqa: ANN001
    return screen.query_one("#waiting").row_count > 0


CASES = {
    "home_kabid": ("kabid1", (), "HomeScreen", _waiting_loaded),
    "home_pelaksana": ("pelaksana1", (), "HomeScreen", _waiting_loaded),
    "review": ("kabid1", ("enter",), "ReviewScreen", lambda s: bool(s.item)),
    "list": ("kadis1", ("d",), "ItemListScreen", lambda s: s.query_one("#items").row_count >= 3),
    "editor_new": ("pelaksana1", ("n",), "EditorScreen", lambda s: True),
    "monitor": ("ppid1", ("m",), "MonitorScreen", lambda s: s.query_one("#monitor").row_count),
    "help": ("kabid1", ("f1",), "HelpDialog", lambda s: s.query_one("#keys").row_count),
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_login_screen(snap_compare, data, size) -> None:
    async def before(pilot) -> None:  # noqa: ANN001
        await until(pilot, lambda: pilot.app.screen.query_one("#demo-accounts").row_count == 6)
        await settle(pilot)

    assert snap_compare(app_for(data), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("case", list(CASES))
def test_screen(snap_compare, data, case, size) -> None:
    user, keys, screen, ready = CASES[case]

    async def before(pilot) -> None:  # noqa: ANN001
        await _open(pilot, user, keys, screen, ready)

    assert snap_compare(app_for(data), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_detail_screen(snap_compare, data, size) -> None:
    item_id = data[2]["approved"]

    async def before(pilot) -> None:  # noqa: ANN001
        from kiosk.screens.detail import DetailScreen

        await login(pilot, "kadis1")
        await pilot.app.push_screen(DetailScreen(item_id, live_seconds=0))
        await until(pilot, lambda: pilot.app.screen.item, what="detail loaded")
        await settle(pilot)

    assert snap_compare(app_for(data), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_editor_radio_preview(snap_compare, data, size) -> None:
    item_id = data[2]["returned"]

    async def before(pilot) -> None:  # noqa: ANN001
        from kiosk.screens.editor import EditorScreen

        await login(pilot, "pelaksana1")
        await pilot.app.push_screen(EditorScreen(item_id=item_id))
        editor = pilot.app.screen
        await until(pilot, lambda: editor.query_one("#title").value, what="draft loaded")
        # the click lands only once the tab bar is laid out at its final width: click again until
        # the previews start (each try waits on the condition with its own deadline)
        for _try in range(5):
            await pilot.click("#--content-tab-tab-radio")
            try:
                await until(pilot, lambda: editor.preview_stats, what="previews rendered", timeout=4)
                break
            except AssertionError:
                continue
        await until(pilot, lambda: editor.preview_stats, what="previews rendered")
        await settle(pilot)

    assert snap_compare(app_for(data), terminal_size=size, run_before=before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("tab", ["2", "3"], ids=["radio", "videotron"])
def test_review_previews(snap_compare, data, size, tab) -> None:
    """The reviewer's previews, one key away: the radio script with its air time, the slide."""
    async def before(pilot) -> None:  # noqa: ANN001
        await _open(pilot, "kabid1", ("enter",), "ReviewScreen",
                    lambda s: bool(s.item and s.previews))
        await pilot.press(tab)
        await settle(pilot)

    assert snap_compare(app_for(data), terminal_size=size, run_before=before)
