"""Nothing typed in the editor is lost (issue #17, point 4): autosave to the user's draft slot when
the form changed, the slot offered back when the draft is opened again (even by another kiosk
process), Esc with changes asks (stay, throw away, save), Esc without changes leaves at once, and
the idle lock keeps the unsaved draft, says so at the owner's next sign-in and restores it."""

from __future__ import annotations

from textual.widgets import Input, TextArea

from kiosk.screens.editor import EditorScreen
from tests.kiosk.conftest import login, screen_name, text_of, until
from tests.kiosk.dataset import sample
from tests.kiosk.pilot import notices, run

TITLE = "Jadwal vaksinasi anak di puskesmas"
BODY = "Vaksinasi dilaksanakan Sabtu pukul 08.00 sampai"  # half a sentence: unsaved work


def quick(settings):  # noqa: ANN001, ANN201
    """The kiosk settings with a short autosave interval (the default is 5 s)."""
    return settings.with_overrides(kiosk={"autosave_seconds": 0.2})


async def open_editor(pilot, editor: EditorScreen | None = None) -> EditorScreen:  # noqa: ANN001
    """Open ``editor`` (default: a new draft with n) and wait until its form is known."""
    if editor is None:
        await pilot.press("n")
    else:
        await pilot.app.push_screen(editor)
    def editors() -> list:
        return [s for s in pilot.app.screen_stack if isinstance(s, EditorScreen)]

    # the editor may already be covered by its offer to restore
    await until(pilot, lambda: bool(editors()), what="editor")
    opened = editors()[-1]
    await until(pilot, lambda: opened._baseline is not None, what="editor loaded")
    return opened


def asked(pilot) -> bool:  # noqa: ANN001
    """Whether the unsaved-changes question is shown (composed: its buttons can be clicked)."""
    return screen_name(pilot) == "UnsavedDialog" and bool(pilot.app.screen.query("#cancel"))


async def type_draft(pilot, editor: EditorScreen) -> None:  # noqa: ANN001
    """Type a title and half a body, as an operator does."""
    editor.query_one("#title", Input).focus()
    await pilot.press(*"Jadwal")
    editor.query_one("#title", Input).value = TITLE  # the rest at once: Pilot types slowly
    editor.query_one("#body", TextArea).text = BODY
    await pilot.pause()


def test_autosave_keeps_the_form_and_a_new_kiosk_offers_it_back(home) -> None:
    settings, w, ids = home
    settings = quick(settings)
    p = ids["pelaksana1"]

    async def typing(pilot) -> None:  # noqa: ANN001
        await login(pilot, "pelaksana1")
        editor = await open_editor(pilot)
        assert w.drafting.load_slot(p, "new") is None  # an untouched form is not kept
        await type_draft(pilot, editor)
        await until(pilot, lambda: (w.drafting.load_slot(p, "new") or {}).get("fields", {})
                    .get("body") == BODY, what="autosaved")
        kept = w.drafting.load_slot(p, "new")
        assert kept["fields"]["title"] == TITLE and kept["by_lock"] is False
        # unchanged since: the next tick writes nothing
        editor.autosave()
        await pilot.pause()
        assert w.drafting.load_slot(p, "new")["updated_at"] == kept["updated_at"]
        # the kiosk ends here without saving (a closed terminal, a crash)

    run(settings, w, typing)

    async def reopening(pilot) -> None:  # noqa: ANN001
        await login(pilot, "pelaksana1")
        editor = await open_editor(pilot)
        await until(pilot, lambda: screen_name(pilot) == "ConfirmDialog"
                    and bool(pilot.app.screen.query("#yes")), what="restore offered")
        question = text_of(pilot.app.screen.query_one(".dialog-text"))
        assert question.startswith("Ada perubahan yang belum disimpan dari ")
        assert question.endswith("WIB. Pulihkan?")
        await pilot.click("#yes")
        await until(pilot, lambda: editor.query_one("#title", Input).value == TITLE, what="restored")
        assert editor.query_one("#body", TextArea).text == BODY
        # the slot is stored now: saving drops it
        editor.query_one("#ch-web").value = True
        editor.query_one("#body", TextArea).text = BODY + " 12.00."
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any("tersimpan" in m for m in notices(pilot)), what="saved")
        await until(pilot, lambda: w.drafting.load_slot(p, "new") is None, what="slot dropped")
        assert w.drafting.load_slot(p, f"item:{editor.item_id}") is None
        assert w.queries.get_item(editor.item_id, p)["title"] == TITLE

    run(settings, w, reopening)


def test_esc_asks_with_changes_and_leaves_at_once_without(home) -> None:
    settings, w, ids = home
    p = ids["pelaksana1"]
    item = w.drafting.create_item(p, **sample("renstra"))
    stored = w.queries.get_item(item, p)["title"]

    async def scenario(pilot) -> None:  # noqa: ANN001
        await login(pilot, "pelaksana1")
        editor = await open_editor(pilot, EditorScreen(item_id=item))
        await pilot.press("escape")  # nothing changed: straight back
        await until(pilot, lambda: screen_name(pilot) == "HomeScreen", what="back at once")

        editor = await open_editor(pilot, EditorScreen(item_id=item))
        editor.query_one("#title", Input).value = "Judul baru yang belum disimpan"
        await pilot.press("escape")
        await until(pilot, lambda: asked(pilot), what="question")
        assert [b.label.plain for b in pilot.app.screen.query("Button")] == [
            "Simpan draf", "Buang perubahan", "Batal"]
        assert pilot.app.screen.focused.id == "cancel"  # the safe choice
        await pilot.click("#cancel")
        await until(pilot, lambda: screen_name(pilot) == "EditorScreen", what="stayed")
        assert editor.query_one("#title", Input).value == "Judul baru yang belum disimpan"

        await pilot.press("escape")
        await until(pilot, lambda: asked(pilot), what="question")
        await pilot.click("#discard")
        await until(pilot, lambda: screen_name(pilot) == "HomeScreen", what="thrown away")
        assert w.queries.get_item(item, p)["revision"] == 1
        assert w.queries.get_item(item, p)["title"] == stored
        await until(pilot, lambda: w.drafting.load_slot(p, f"item:{item}") is None, what="no slot")

        editor = await open_editor(pilot, EditorScreen(item_id=item))
        assert editor.query_one("#title", Input).value == stored  # nothing offered back
        editor.query_one("#title", Input).value = "Judul yang disimpan lewat Esc"
        await pilot.press("escape")
        await until(pilot, lambda: asked(pilot), what="question")
        await pilot.click("#save")
        await until(pilot, lambda: screen_name(pilot) == "HomeScreen", what="saved and back")
        saved = w.queries.get_item(item, p)
        assert (saved["revision"], saved["title"]) == (2, "Judul yang disimpan lewat Esc")
        assert w.drafting.load_slot(p, f"item:{item}") is None

    run(settings, w, scenario)


def test_esc_save_of_a_refused_form_stays_with_the_text(home) -> None:
    settings, w, ids = home

    async def scenario(pilot) -> None:  # noqa: ANN001
        await login(pilot, "pelaksana1")
        editor = await open_editor(pilot)
        editor.query_one("#body", TextArea).text = BODY  # no title, no channel: cannot be saved
        await pilot.press("escape")
        await until(pilot, lambda: asked(pilot), what="question")
        await pilot.click("#save")
        await until(pilot, lambda: any(n.title == "Belum dapat disimpan"
                                       for n in pilot.app._notifications), what="refusal")
        assert screen_name(pilot) == "EditorScreen"
        assert editor.query_one("#body", TextArea).text == BODY
        assert sum(w.queries.count_by_state().values()) == 0

    run(settings, w, scenario)


def test_the_idle_lock_keeps_the_draft_and_the_owner_gets_it_back(home) -> None:
    settings, w, ids = home
    p = ids["pelaksana1"]
    secured = "Draf yang belum disimpan diamankan saat layar dikunci; buka untuk melanjutkan."

    async def scenario(pilot) -> None:  # noqa: ANN001
        app = pilot.app
        await login(pilot, "pelaksana1")
        editor = await open_editor(pilot)
        await type_draft(pilot, editor)
        assert app.check_idle_lock(app.last_activity + settings.kiosk.idle_lock_seconds + 1)
        await until(pilot, lambda: screen_name(pilot) == "LoginScreen", what="locked")
        slot = w.drafting.load_slot(p, "new")
        assert slot is not None and slot["by_lock"] and slot["fields"]["body"] == BODY
        assert not [n for n in app._notifications if n.severity == "error"]  # a quiet lock
        # another user signs in: not told (the slot is not theirs)
        await login(pilot, "kabid1")
        await until(pilot, lambda: not any(w.name == "secured-drafts" for w in app.workers),
                    what="sign-in checks done")
        assert secured not in notices(pilot)
        await pilot.press("ctrl+l")
        await until(pilot, lambda: screen_name(pilot) == "LoginScreen", what="locked")
        await login(pilot, "pelaksana1")
        await until(pilot, lambda: secured in notices(pilot), what="told after sign-in")
        editor = await open_editor(pilot)
        await until(pilot, lambda: editor.query_one("#body", TextArea).text == BODY,
                    what="restored")
        assert editor.query_one("#title", Input).value == TITLE
        assert screen_name(pilot) == "EditorScreen"  # restored without asking: the notice said so
        await until(pilot, lambda: any(m.startswith("Perubahan dari ") and m.endswith("dipulihkan.")
                                       for m in notices(pilot)), what="said restored")
        await until(pilot, lambda: w.drafting.secured_slots(p) == [], what="told once")

    run(settings, w, scenario)
