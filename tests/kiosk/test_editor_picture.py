"""The editor's optional picture and emptied dates: a path is checked as it is typed, the picture
is stored (normalised) on saving, shown in the slide preview, and can be removed; emptying the start
or end field clears it in the saved revision."""

from __future__ import annotations

from PIL import Image
from textual.widgets import Checkbox, Input

from kiosk.screens.editor import EditorScreen
from tests.kiosk.conftest import login, screen_name, text_of, until
from tests.kiosk.dataset import sample
from tests.kiosk.pilot import notices, run


def test_picture_is_saved_previewed_and_removed(home, tmp_path) -> None:
    settings, w, ids = home
    photo = tmp_path / "foto.png"
    Image.new("RGB", (1200, 900), (250, 200, 0)).save(photo)  # bright yellow: easy to find
    fields = sample("renstra")
    item = w.drafting.create_item(ids["pelaksana1"], **fields)

    async def scenario(pilot) -> None:  # noqa: ANN001
        await login(pilot, "pelaksana1")
        await pilot.app.push_screen(EditorScreen(item_id=item))
        editor = pilot.app.screen
        await until(pilot, lambda: editor.query_one("#title", Input).value == fields["title"],
                    what="draft loaded")
        problems = editor.query_one("#problems")
        editor.query_one("#image", Input).value = str(tmp_path / "tidak-ada.jpg")
        await until(pilot, lambda: "tidak ditemukan" in text_of(problems), what="missing file")
        editor.query_one("#image", Input).value = str(photo)
        editor.query_one("#image-caption", Input).value = "Halaman kantor"
        await until(pilot, lambda: "Siap diajukan" in text_of(problems), what="valid again")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any("tersimpan" in m for m in notices(pilot)), what="saved")
        stored = w.queries.get_item(item)["image"]
        assert stored["width"] == 1200 and stored["caption"] == "Halaman kantor"
        await until(pilot, lambda: "1200×900" in text_of(editor.query_one("#image-state")))
        assert editor.query_one("#image", Input).value == ""  # the path is used once

        editor._tokens.clear()
        result = editor._previews(editor.gather())  # the same call the preview worker makes
        slide = result["videotron"].image
        assert slide is not None
        small = slide.convert("RGB").resize((192, 108), Image.Resampling.NEAREST).tobytes()
        pixels = [small[i:i + 3] for i in range(0, len(small), 3)]
        yellow = sum(1 for r, g, b in pixels if r > 230 and 180 < g < 220 and b < 30)
        assert yellow > len(pixels) // 50, "the picture is not on the slide preview"

        editor.query_one("#image-remove", Checkbox).value = True
        await pilot.press("ctrl+s")
        await until(pilot, lambda: w.queries.get_item(item)["image"] is None, what="removed")
        assert w.queries.get_item(item)["revision"] == 3

    run(settings, w, scenario, size=(120, 40))


def test_emptied_start_and_end_are_cleared(home) -> None:
    settings, w, ids = home
    item = w.drafting.create_item(ids["pelaksana1"], **sample("renstra"))

    async def scenario(pilot) -> None:  # noqa: ANN001
        await login(pilot, "pelaksana1")
        await pilot.app.push_screen(EditorScreen(item_id=item))
        editor = pilot.app.screen
        await until(pilot, lambda: editor.query_one("#title", Input).value != "", what="loaded")
        editor.query_one("#start", Input).value = "2026-12-01 08:00"
        editor.query_one("#end", Input).value = "2026-12-02 17:00"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: w.queries.get_item(item)["end_at"] is not None, what="dates saved")
        editor.query_one("#start", Input).value = ""
        editor.query_one("#end", Input).value = ""
        await pilot.press("ctrl+s")
        await until(pilot, lambda: w.queries.get_item(item)["revision"] == 3, what="second save")
        shown = w.queries.get_item(item)
        assert shown["start_at"] is None and shown["end_at"] is None
        assert screen_name(pilot) == "EditorScreen"

    run(settings, w, scenario, size=(120, 40))
