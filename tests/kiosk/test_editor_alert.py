"""The editor's early-warning (CAP) section: shown only for serta-merta, its choices stored with the
revision exactly as picked, a refusal of the service shown in its own words with nothing stored and
nothing lost, and a saved draft reopened with its choices."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Checkbox, Input, Select, SelectionList, TextArea

from kiosk.screens.editor import EditorScreen
from kiosk.widgets.alert_form import CHOICES, AlertForm, option_label
from shared import alerting
from shared.alerting import Area
from shared.errors import InvalidInput
from shared.i18n import _catalog
from tests.kiosk.conftest import login, screen_name, text_of, until
from tests.kiosk.dataset import sample
from tests.kiosk.pilot import notices, run

TIMUR = "6171020"  # Kecamatan Pontianak Timur in the demo profile
INSTRUCTION = "Warga bantaran Sungai Kapuas segera mengungsi ke posko Kantor Camat."


async def new_draft(pilot, klas: str) -> EditorScreen:  # noqa: ANN001
    """Sign in as pelaksana1, open a new draft (n) and fill a valid announcement of class ``klas``."""
    await login(pilot, "pelaksana1")
    await pilot.press("n")
    await until(pilot, lambda: screen_name(pilot) == "EditorScreen", what="editor")
    editor = pilot.app.screen
    await until(pilot, lambda: bool(editor.query("#alert-areas")), what="editor composed")
    fields = sample("banjir")
    editor.query_one("#title", Input).value = fields["title"]
    editor.query_one("#body", TextArea).text = fields["body"]
    editor.query_one("#klas", Select).value = klas
    await until(pilot, lambda: editor.query_one(AlertForm).display == (klas == "serta-merta"),
                what="section shown for the class")
    editor.query_one("#ch-web", Checkbox).value = True
    return editor


def total(w) -> int:  # noqa: ANN001
    """How many announcements are stored."""
    return sum(w.queries.count_by_state().values())


def test_serta_merta_choices_are_stored_as_picked(home) -> None:
    settings, w, _ids = home

    async def scenario(pilot) -> None:  # noqa: ANN001
        editor = await new_draft(pilot, "serta-merta")
        problems = editor.query_one("#problems")
        editor.query_one("#alert-response-type", Select).value = "Evacuate"
        editor.query_one("#alert-severity", Select).value = "Extreme"
        # Segera (the default) and Ekstrem need an instruction: the editor says so right away
        await until(pilot, lambda: "wajib disertai instruksi" in text_of(problems),
                    what="instruction required")
        editor.query_one("#alert-instruction", TextArea).text = INSTRUCTION
        await until(pilot, lambda: "Siap diajukan" in text_of(problems), what="valid")
        # tick Kecamatan Pontianak Timur with the keyboard, as an operator would
        areas = editor.query_one("#alert-areas", SelectionList)
        areas.focus()
        await pilot.pause()
        areas.highlighted = [a.code for a in w.ctx.profile.areas].index(TIMUR)
        await pilot.press("space")
        assert areas.selected == [TIMUR]
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any("tersimpan" in m for m in notices(pilot)), what="saved")
        alert = w.queries.get_item(editor.item_id)["alert"]
        assert alert == {"urgency": "Immediate", "severity": "Extreme", "certainty": "Likely",
                         "response_type": "Evacuate", "category": "Other",
                         "instruction": INSTRUCTION, "areas": [TIMUR]}

    run(settings, w, scenario, size=(80, 24))


def test_refusal_is_shown_in_the_service_words_and_nothing_is_stored(home) -> None:
    settings, w, ids = home

    async def scenario(pilot) -> None:  # noqa: ANN001
        editor = await new_draft(pilot, "serta-merta")
        before = total(w)
        editor.query_one("#alert-urgency", Select).value = "Immediate"
        editor.query_one("#alert-severity", Select).value = "Extreme"
        form = editor.query_one(AlertForm)
        with pytest.raises(InvalidInput) as refused:  # what the service says to these choices
            w.drafting.create_item(ids["pelaksana1"], **sample("banjir"), alert=form.values())
        reason = str(refused.value)
        problems = editor.query_one("#problems")
        await until(pilot, lambda: reason in text_of(problems), what="refusal on screen")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: reason in notices(pilot), what="refusal notified")
        await pilot.press("f3")
        await pilot.pause(0.3)
        assert total(w) == before, "a refused draft was stored"
        assert editor.item_id is None
        # nothing is lost: the choices and the text are still there; an instruction fixes it
        assert editor.query_one("#alert-severity", Select).value == "Extreme"
        assert editor.query_one("#title", Input).value == sample("banjir")["title"]
        editor.query_one("#alert-instruction", TextArea).text = INSTRUCTION
        await pilot.press("ctrl+s")
        await until(pilot, lambda: editor.item_id is not None, what="saved after the fix")
        stored = w.queries.get_item(editor.item_id)
        assert stored["revision"] == 1 and stored["alert"]["instruction"] == INSTRUCTION

        # the same refusal on an existing draft stores no new revision
        editor.query_one("#alert-instruction", TextArea).text = ""
        await until(pilot, lambda: reason in text_of(problems), what="refusal again")
        await pilot.press("ctrl+s")
        await pilot.pause(0.3)
        assert w.queries.get_item(editor.item_id)["revision"] == 1

    run(settings, w, scenario, size=(80, 24))


def test_other_classes_show_no_section_and_store_none(home) -> None:
    settings, w, _ids = home

    async def scenario(pilot) -> None:  # noqa: ANN001
        editor = await new_draft(pilot, "serta-merta")
        editor.query_one("#alert-severity", Select).value = "Minor"  # chosen, then abandoned
        editor.query_one("#klas", Select).value = "berkala"
        await until(pilot, lambda: not editor.query_one(AlertForm).display, what="section hidden")
        assert "alert" not in editor.gather()  # not sent
        assert "Peringatan dini" not in str(pilot.app.export_screenshot())
        await pilot.press("ctrl+s")
        await until(pilot, lambda: editor.item_id is not None, what="saved")
        stored = w.queries.get_item(editor.item_id)
        assert stored["klasifikasi"] == "berkala" and stored["alert"] is None

    run(settings, w, scenario, size=(80, 24))


def test_reopened_draft_shows_its_saved_choices(home) -> None:
    settings, w, ids = home
    saved = {"urgency": "Expected", "severity": "Severe", "certainty": "Observed",
             "response_type": "Shelter", "category": "Met", "instruction": INSTRUCTION,
             "areas": ["6171040", TIMUR]}
    item = w.drafting.create_item(ids["pelaksana1"], **sample("banjir"), alert=saved)

    async def scenario(pilot) -> None:  # noqa: ANN001
        await login(pilot, "pelaksana1")
        await pilot.app.push_screen(EditorScreen(item_id=item))
        editor = pilot.app.screen
        instruction = editor.query_one("#alert-instruction", TextArea)
        await until(pilot, lambda: instruction.text == INSTRUCTION, what="draft loaded")
        assert editor.query_one(AlertForm).display
        for field, _label, _enum in CHOICES:
            select = editor.query_one(f"#alert-{field.replace('_', '-')}", Select)
            assert select.value == saved[field], field
        assert set(editor.query_one("#alert-areas", SelectionList).selected) == {"6171040", TIMUR}
        # the form holds exactly what was stored: saving it unchanged makes no new revision
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any("tersimpan" in m for m in notices(pilot)), what="saved")
        assert w.queries.get_item(item)["revision"] == 1
        assert w.queries.get_item(item)["alert"] == saved

    run(settings, w, scenario, size=(120, 40))


def test_every_alert_label_has_an_english_translation() -> None:
    english = _catalog("en")
    labels = ["Peringatan dini (CAP)", "Instruksi: apa yang harus dilakukan warga",
              "Wilayah (tidak dipilih = seluruh wilayah)"]
    labels += [label for _field, label, _enum in CHOICES]
    labels += [alerting.LABELS[m.value] for _field, _label, enum in CHOICES for m in enum]
    assert [text for text in labels if text not in english] == []
    assert option_label("Evacuate") == "Mengungsi"  # Indonesian unless WARTA_LANG says otherwise


class Host(App):
    """Just the section, over the given profile areas."""

    def __init__(self, areas: list[Area]) -> None:
        super().__init__()
        self.areas = areas

    def compose(self) -> ComposeResult:
        yield AlertForm(self.areas)


def test_areas_the_profile_no_longer_has_are_named_and_not_sent() -> None:
    async def check() -> None:
        timur = Area(code=TIMUR, name="Kecamatan Pontianak Timur")
        async with Host([timur]).run_test() as pilot:
            form = pilot.app.query_one(AlertForm)
            form.load({**alerting.defaults().model_dump(mode="json"), "areas": ["6171999", TIMUR]})
            await pilot.pause()
            assert form.values()["areas"] == [TIMUR]
            assert "6171999" in text_of(form.query_one("#alert-areas-note"))
        async with Host([]).run_test() as pilot:  # a profile without [[areas]]
            form = pilot.app.query_one(AlertForm)
            await pilot.pause()
            assert not form.query_one("#alert-areas").display
            assert "seluruh wilayah" in text_of(form.query_one("#alert-areas-note"))
            assert form.values()["areas"] == []

    asyncio.run(check())
