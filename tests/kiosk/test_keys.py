"""Discoverable keys (issue #17, point 5), through Textual's Pilot: the command palette offers the
role's actions and runs them, a dialog's key bar shows the dialog's keys, the Kepala Dinas's final
confirmation approves only on the key it shows, one key opens each preview, F1 is per role and
screen, and at 80×24 the key bar and the editor's status line are whole on every screen."""

from __future__ import annotations

from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets import TabbedContent

from kiosk.widgets.keybar import KeyBar
from tests.kiosk.conftest import login, logout, screen_name, text_of, until
from tests.kiosk.dataset import sample
from tests.kiosk.pilot import run


def at_kadis(w, ids) -> int:  # noqa: ANN001
    """An announcement waiting for the Kepala Dinas's final approval."""
    item = w.drafting.create_item(ids["pelaksana1"], **sample("renstra"))
    w.review.submit(ids["pelaksana1"], item)
    for who in ("kabid1", "sekretaris1"):
        w.review.approve(ids[who], item)
    return item


def bar_text(pilot) -> str:  # noqa: ANN001
    """What the active screen's (or dialog's) own key bar shows."""
    return pilot.app.screen.query_one(KeyBar).render().plain


async def palette(pilot) -> list[str]:  # noqa: ANN001
    """Open the command palette and return the commands it offers before anything is typed."""
    await pilot.press("ctrl+p")
    await until(pilot, lambda: CommandPalette.is_open(pilot.app), what="palette")
    listing = pilot.app.screen.query_one(CommandList)
    await until(pilot, lambda: listing.option_count > 0, what="commands")
    await pilot.pause(0.2)  # discovery hits arrive in batches: wait until the count holds
    await until(pilot, lambda: listing.option_count == len(_titles(listing)), what="settled")
    return _titles(listing)


def _titles(listing) -> list[str]:  # noqa: ANN001
    return [str(listing.get_option_at_index(i).hit.text) for i in range(listing.option_count)]


async def run_command(pilot, title: str) -> None:  # noqa: ANN001
    """Search ``title`` in the open palette and choose the first match."""
    pilot.app.screen.query_one(CommandInput).value = title
    listing = pilot.app.screen.query_one(CommandList)
    await until(pilot, lambda: listing.option_count > 0
                and str(listing.get_option_at_index(0).hit.text) == title, what=title)
    await pilot.press("down", "enter")


def test_palette_offers_the_roles_commands_and_runs_them(home) -> None:
    settings, w, _ids = home
    seen: dict[str, list[str]] = {}

    async def scenario(pilot) -> None:  # noqa: ANN001
        from kiosk.commands import commands_for

        await until(pilot, lambda: screen_name(pilot) == "LoginScreen", what="sign-in")
        assert commands_for(pilot.app, pilot.app.screen) == []  # nothing before sign-in
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        assert not CommandPalette.is_open(pilot.app)
        for user in ("pelaksana1", "kabid1", "kadis1"):
            await login(pilot, user)
            seen[user] = await palette(pilot)
            await pilot.press("escape")
            await until(pilot, lambda: screen_name(pilot) == "HomeScreen", what="palette closed")
            if user != "kadis1":
                await logout(pilot)
        # Rekap & Arsip from the palette opens the screen; from there the palette still offers
        # the home's commands, run by the home screen
        await palette(pilot)
        await run_command(pilot, "Rekap & Arsip")
        await until(pilot, lambda: screen_name(pilot) == "RecordsScreen", what="records")
        assert "Daftar/Cari" in await palette(pilot)
        await run_command(pilot, "Daftar/Cari")
        await until(pilot, lambda: screen_name(pilot) == "ItemListScreen", what="list")
        await logout(pilot)
        await login(pilot, "pelaksana1")
        await palette(pilot)
        await run_command(pilot, "Draf baru")
        await until(pilot, lambda: screen_name(pilot) == "EditorScreen", what="editor")

    run(settings, w, scenario, size=(100, 30))
    for user in seen:
        assert {"Daftar/Cari", "Pemantauan", "Bantuan", "Kunci", "Keluar"} <= set(seen[user]), user
        assert "Perintah" not in seen[user]  # the palette does not list itself
    assert "Draf baru" in seen["pelaksana1"] and "Disposisi" not in seen["pelaksana1"]
    assert "Rekap & Arsip" not in seen["pelaksana1"]
    assert "Disposisi" in seen["kabid1"] and "Draf baru" not in seen["kabid1"]
    assert "Rekap & Arsip" not in seen["kabid1"]
    assert "Rekap & Arsip" in seen["kadis1"] and "Draf baru" not in seen["kadis1"]


def test_dialogs_show_their_own_keys_and_the_final_approval_needs_its_key(home) -> None:
    settings, w, ids = home
    item = at_kadis(w, ids)
    shown: dict[str, str] = {}

    async def scenario(pilot) -> None:  # noqa: ANN001
        await login(pilot, "kabid1")
        await pilot.press("a")
        await until(pilot, lambda: screen_name(pilot) == "AssignDialog", what="assign dialog")
        shown["assign"] = bar_text(pilot)
        await pilot.press("escape")
        await logout(pilot)

        await login(pilot, "kadis1")
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(pilot) == "ReviewScreen"
                    and pilot.app.screen.item, what="review")
        await pilot.press("k")
        await until(pilot, lambda: screen_name(pilot) == "NoteDialog", what="note dialog")
        shown["note"] = bar_text(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: screen_name(pilot) == "ReviewScreen", what="back")

        await pilot.press("s")
        await until(pilot, lambda: screen_name(pilot) == "ConfirmDialog", what="confirmation")
        dialog = pilot.app.screen
        shown["confirm"] = bar_text(pilot)
        shown["hint"] = text_of(dialog.query_one("#yes-hint"))
        assert dialog.focused is not None and dialog.focused.id == "no"  # the safe default
        await pilot.press("enter")  # Enter on the default cancels
        await until(pilot, lambda: screen_name(pilot) == "ReviewScreen", what="cancelled")
        assert w.queries.get_item(item, ids["kadis1"])["state"] == "review_kadis"

        await pilot.press("s")
        await until(pilot, lambda: screen_name(pilot) == "ConfirmDialog", what="confirmation")
        await pilot.press("y")  # the key the dialog shows
        await until(pilot, lambda: screen_name(pilot) == "DetailScreen", what="approved")

    run(settings, w, scenario, size=(100, 30))
    assert shown["note"].startswith("Ctrl+S Kirim") or shown["note"].startswith(" Ctrl+S Kirim")
    assert "Esc Batal" in shown["note"] and "Setujui" not in shown["note"]  # not the review's
    assert "Ctrl+S Kirim" in shown["assign"] and "Disposisi" not in shown["assign"]
    assert "y Setujui & terbitkan" in shown["confirm"] and "Esc Batal" in shown["confirm"]
    assert "Tekan y" in shown["hint"] and "Enter atau Esc membatalkan" in shown["hint"]
    approved = w.queries.get_item(item, ids["kadis1"])
    assert approved["state"] != "review_kadis" and approved["number"]


def test_one_key_opens_each_tab_and_preview(home) -> None:
    settings, w, ids = home
    item = w.drafting.create_item(ids["pelaksana1"], **sample("banjir"))
    w.review.submit(ids["pelaksana1"], item)

    async def scenario(pilot) -> None:  # noqa: ANN001
        await login(pilot, "kabid1")
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(pilot) == "ReviewScreen"
                    and pilot.app.screen.item, what="review")
        tabs = pilot.app.screen.query_one("#review-tabs", TabbedContent)
        for key, tab in (("f6", "radio"), ("3", "videotron"), ("f9", "web"), ("f5", "diff"),
                         ("2", "radio")):
            await pilot.press(key)
            await until(pilot, lambda t=tab: tabs.active == f"tab-{t}", what=f"{key} → {tab}")
        await logout(pilot)

        await login(pilot, "pelaksana1")
        await pilot.press("n")
        await until(pilot, lambda: screen_name(pilot) == "EditorScreen", what="editor")
        editor = pilot.app.screen
        editor.query_one("#title").value = "Uji tombol pratinjau"
        editor.query_one("#body").text = "Isi pengumuman untuk pratinjau radio."
        editor.query_one("#ch-radio").value = True
        editor.query_one("#body").focus()  # the TextArea binds F6/F7 itself: the tabs win
        await until(pilot, lambda: editor.focused is editor.query_one("#body"), what="body")
        tabs = editor.query_one("#editor-tabs", TabbedContent)
        await pilot.press("f6")
        await until(pilot, lambda: tabs.active == "tab-radio", what="F6 → radio")
        await until(pilot, lambda: editor.preview_stats, what="the radio preview rendered")
        assert "Durasi siar" in text_of(editor.query_one("#pv-radio"))
        await pilot.press("f7")
        await until(pilot, lambda: tabs.active == "tab-videotron", what="F7 → videotron")
        await pilot.press("f5")
        await until(pilot, lambda: tabs.active == "tab-form", what="F5 → form")
        await until(pilot, lambda: editor.focused is editor.query_one("#body"),
                    what="back in the field being typed in")

    run(settings, w, scenario, size=(100, 30))


async def help_rows(pilot) -> tuple[str, list[tuple[str, ...]]]:  # noqa: ANN001
    """Open F1 over the current screen; its sentence and its rows, then close it."""
    await pilot.press("f1")
    await until(pilot, lambda: screen_name(pilot) == "HelpDialog", what="help")
    dialog = pilot.app.screen
    table = dialog.query_one("#keys")
    await until(pilot, lambda: table.row_count > 0, what="help rows")
    rows = [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
    sentence = text_of(dialog.query_one("#help-text"))
    await pilot.press("escape")
    await until(pilot, lambda: screen_name(pilot) != "HelpDialog", what="help closed")
    return sentence, rows


def test_help_is_per_role_and_screen(home) -> None:
    settings, w, ids = home
    at_kadis(w, ids)
    seen: dict[str, tuple[str, list[tuple[str, ...]]]] = {}

    async def scenario(pilot) -> None:  # noqa: ANN001
        for user in ("pelaksana1", "kabid1", "kadis1"):
            await login(pilot, user)
            seen[user] = await help_rows(pilot)
            if user != "kadis1":
                await logout(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: screen_name(pilot) == "ReviewScreen", what="review")
        seen["review"] = await help_rows(pilot)

    run(settings, w, scenario, size=(100, 30))
    whats = {user: {r[2] for r in rows} for user, (_s, rows) in seen.items()}
    assert "Draf baru" in whats["pelaksana1"] and "Disposisi" not in whats["pelaksana1"]
    assert "Disposisi" in whats["kabid1"] and "Draf baru" not in whats["kabid1"]
    assert "Rekap & Arsip" in whats["kadis1"] and "Rekap & Arsip" not in whats["kabid1"]
    for user in ("pelaksana1", "kabid1", "kadis1"):  # this screen's keys, not every screen's
        assert "Ajukan ke Kabid" not in whats[user] and "Kembalikan" not in whats[user]
        assert ("Semua layar", "F1", "Bantuan") in seen[user][1]
        assert ("Semua layar", "Ctrl+P", "Perintah") in seen[user][1]
        assert seen[user][0].startswith("Bantuan: Beranda")
    sentences = {seen[u][0] for u in ("pelaksana1", "kabid1", "kadis1")}
    assert len(sentences) == 3  # one per role
    sentence, rows = seen["review"]
    assert ("Pemeriksaan", "2 · F6", "Pratinjau radio") in rows
    assert ("Pemeriksaan", "s", "Setujui") in rows
    assert "tombol y" in sentence and "Draf baru" not in {r[2] for r in rows}


SCREENS_80x24 = [
    # (user, keys from home, screen expected)
    ("pelaksana1", ("n",), "EditorScreen"),
    ("pelaksana1", ("d",), "ItemListScreen"),
    ("kabid1", ("enter",), "ReviewScreen"),
    ("kabid1", ("enter", "k"), "NoteDialog"),
    ("kabid1", ("a",), "AssignDialog"),
    ("kabid1", ("m",), "MonitorScreen"),
    ("kabid1", ("f1",), "HelpDialog"),
    ("kadis1", ("p",), "RecordsScreen"),
    ("kadis1", ("enter", "s"), "ConfirmDialog"),
]


def whole(pilot, widget) -> str | None:  # noqa: ANN001
    """Why ``widget`` is not wholly on the 80×24 screen, or None when it is: inside the screen,
    shown, and as many lines as its content needs at its width (none clipped); for the key bar
    also no line wider than the bar (no key cut off at the right)."""
    screen = pilot.app.screen.region
    region, inner = widget.region, widget.content_region
    if not region or not screen.contains_region(region):
        return f"{widget} at {region} is not inside {screen}"
    if not widget.visible or not widget.display:
        return f"{widget} is hidden"
    needed = widget.get_content_height(inner, inner, inner.width)
    if needed > inner.height:
        return f"{widget}: needs {needed} lines, has {inner.height}"
    if isinstance(widget, KeyBar):
        lines = widget.render().plain.split("\n")
        if any(len(line.rstrip()) > inner.width for line in lines):
            return f"{widget}: a line wider than {inner.width}: {lines}"
    return None


def test_every_screen_keeps_its_key_bar_and_status_line_at_80x24(home) -> None:
    settings, w, ids = home
    item = w.drafting.create_item(ids["pelaksana1"], **sample("banjir"))
    w.review.submit(ids["pelaksana1"], item)
    at_kadis(w, ids)
    problems: list[str] = []
    checked: list[str] = []

    async def check(pilot, name: str) -> None:  # noqa: ANN001
        await pilot.pause(0.1)
        await pilot.app.workers.wait_for_complete()
        bar = pilot.app.screen.query_one(KeyBar)
        problems.extend(f"{name}: {p}" for p in [whole(pilot, bar)] if p)
        if bar.region.bottom != 24:
            problems.append(f"{name}: the key bar ends at row {bar.region.bottom}")
        checked.append(name)

    async def scenario(pilot) -> None:  # noqa: ANN001
        await until(pilot, lambda: screen_name(pilot) == "LoginScreen", what="sign-in")
        await check(pilot, "LoginScreen")
        user = None
        for who, keys, expected in SCREENS_80x24:
            if who != user:
                if user:
                    await logout(pilot)
                await login(pilot, who)
                user = who
                await check(pilot, f"HomeScreen {who}")
            for key in keys:
                await pilot.press(key)
                await pilot.pause(0.1)
            await until(pilot, lambda e=expected: screen_name(pilot) == e, what=expected)
            await check(pilot, expected)
            if expected == "EditorScreen":
                editor = pilot.app.screen
                status = editor.query_one("#problems")
                problems.extend(f"status line: {p}" for p in [whole(pilot, status)] if p)
                top = status.region.y
                editor.query_one("#editor-form").scroll_end(animate=False)  # the form's end
                await pilot.pause(0.1)
                if status.region.y != top or whole(pilot, status):
                    problems.append("the status line scrolled out of view with the form")
            while screen_name(pilot) != "HomeScreen":
                await pilot.press("escape")
                await pilot.pause(0.05)
        from kiosk.screens.detail import DetailScreen

        await pilot.app.push_screen(DetailScreen(item, live_seconds=0))
        await until(pilot, lambda: screen_name(pilot) == "DetailScreen"
                    and pilot.app.screen.item, what="detail")
        await check(pilot, "DetailScreen")

    run(settings, w, scenario, size=(80, 24))
    assert not problems, problems
    assert len(checked) >= 13, checked
