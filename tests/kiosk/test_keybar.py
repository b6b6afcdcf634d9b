"""The key bar: the screen's shown bindings as one line, tight when narrow, wrapped between pairs
when even that does not fit, dimmed when disabled, and a click on a pair pressing its key (the
browser kiosk has a mouse)."""

from __future__ import annotations

import asyncio

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from kiosk.widgets.keybar import KeyBar
from tests.kiosk.conftest import until


class _Screen(Screen):
    BINDINGS = [Binding("n", "new", "Draf baru"), Binding("a", "assign", "Disposisi"),
                Binding("x", "hidden", "Tersembunyi", show=False),
                Binding("k", "kunci", "Kunci")]

    def __init__(self) -> None:
        super().__init__()
        self.pressed: list[str] = []
        self.assign_allowed: bool | None = True

    def compose(self) -> ComposeResult:
        yield Static("isi")
        yield KeyBar()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.assign_allowed if action == "assign" else True

    def action_new(self) -> None:
        self.pressed.append("new")

    def action_assign(self) -> None:
        self.pressed.append("assign")

    def action_kunci(self) -> None:
        self.pressed.append("kunci")


class _App(App[None]):
    def on_mount(self) -> None:
        self.push_screen(_Screen())


def _run(size: tuple[int, int], scenario) -> None:  # noqa: ANN001
    async def main() -> None:
        app = _App()
        async with app.run_test(size=size) as pilot:
            await until(pilot, lambda: isinstance(app.screen, _Screen), what="screen")
            await scenario(pilot, app.screen, app.screen.query_one(KeyBar))
    asyncio.run(main())


def test_shows_the_shown_bindings_in_order_and_clicks_press_them() -> None:
    async def scenario(pilot, screen, bar) -> None:  # noqa: ANN001
        text = bar.render().plain
        assert text.index("Draf baru") < text.index("Disposisi") < text.index("Kunci")
        assert "Tersembunyi" not in text
        assert text.startswith(" n Draf baru ")  # roomy at 100 columns
        await pilot.click(KeyBar, offset=(text.index("Disposisi"), 0))
        await until(pilot, lambda: screen.pressed == ["assign"], what="click on Disposisi")
        assert bar.key_at(text.index("Kunci")) == ("k", True)
        assert bar.key_at(len(text) + 5) is None

    _run((100, 10), scenario)


def test_disabled_binding_is_dimmed_and_a_click_does_nothing() -> None:
    async def scenario(pilot, screen, bar) -> None:  # noqa: ANN001
        screen.assign_allowed = None  # check_action None: shown but disabled
        screen.refresh_bindings()
        await until(pilot, lambda: bar.key_at(bar.render().plain.index("Disposisi"))
                    == ("a", False), what="Disposisi disabled")
        text = bar.render()
        start = text.plain.index("Disposisi")
        assert any(span.style.dim for span in text.spans if span.start <= start < span.end)
        await pilot.click(KeyBar, offset=(start, 0))
        await pilot.press("n")
        await until(pilot, lambda: screen.pressed == ["new"], what="n still works")

    _run((100, 10), scenario)


def test_hidden_binding_and_tight_form_when_narrow() -> None:
    async def scenario(pilot, screen, bar) -> None:  # noqa: ANN001
        assert bar.render().plain.startswith("n Draf baru a Disposisi")  # tight at 30 columns
        screen.assign_allowed = False  # check_action False: not shown at all
        screen.refresh_bindings()
        await until(pilot, lambda: "Disposisi" not in bar.render().plain, what="hidden")

    _run((30, 10), scenario)


def test_keys_are_written_for_people() -> None:
    from kiosk.widgets.keybar import key_label

    assert [key_label(k) for k in ("ctrl+s", "escape", "f3", "s", "1", "shift+tab")] == [
        "Ctrl+S", "Esc", "F3", "s", "1", "Shift+Tab"]


class _Many(_Screen):
    BINDINGS = [Binding(k, f"press('{k}')", f"Fungsi nomor {i}") for i, k in enumerate("bcdefghij")]

    def action_press(self, key: str) -> None:
        self.pressed.append(key)


def test_a_bar_that_does_not_fit_wraps_between_pairs_and_none_is_cut() -> None:
    class _ManyApp(App[None]):
        def on_mount(self) -> None:
            self.push_screen(_Many())

    async def main() -> None:
        async with _ManyApp().run_test(size=(40, 10)) as pilot:
            await until(pilot, lambda: isinstance(pilot.app.screen, _Many), what="screen")
            bar = pilot.app.screen.query_one(KeyBar)
            await until(pilot, lambda: bar.region.height > 1, what="the bar grows")
            lines = bar.render().plain.split("\n")
            assert len(lines) == bar.region.height and bar.region.bottom == 10
            assert all(len(line.rstrip()) <= 40 for line in lines), lines
            text = " ".join(lines)
            for i, k in enumerate("bcdefghij"):  # every pair whole, on one line
                assert f"{k} Fungsi nomor {i} " in text, (k, lines)
            second = lines[1]
            key = second.split()[0]
            assert bar.key_at(second.index("Fungsi"), 1) == (key, True)
            await pilot.click(KeyBar, offset=(second.index("Fungsi"), 1))
            await until(pilot, lambda: pilot.app.screen.pressed == [key], what="click, line 2")

    asyncio.run(main())


def test_home_offers_each_role_only_its_own_keys(home) -> None:
    from tests.kiosk.conftest import login, screen_name
    from tests.kiosk.pilot import run

    settings, w, _ids = home
    seen: dict[str, str] = {}

    async def scenario(pilot) -> None:  # noqa: ANN001
        from tests.kiosk.conftest import logout

        for user in ("pelaksana1", "kabid1", "ppid1"):
            await login(pilot, user)
            seen[user] = pilot.app.screen.query_one(KeyBar).render().plain
            if user == "kabid1":
                await pilot.press("n")  # absent for Kabid: nothing opens
                assert screen_name(pilot) == "HomeScreen"
            await logout(pilot)

    run(settings, w, scenario, size=(120, 30))
    assert "Draf baru" in seen["pelaksana1"] and "Disposisi" not in seen["pelaksana1"]
    assert "Disposisi" in seen["kabid1"] and "Draf baru" not in seen["kabid1"]
    assert "Rekap & Arsip" in seen["ppid1"]
    assert "Draf baru" not in seen["ppid1"] and "Disposisi" not in seen["ppid1"]
    assert "Rekap & Arsip" not in seen["kabid1"]
