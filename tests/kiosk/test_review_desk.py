"""The kiosk as a review desk: the reviewer sees a word-level diff (daily windows included) and
the channels' own renderings of what will go out, one key each; the notes of a return are shown
in full where the work is redone (editor, home, the Kabid's review after a Sekretaris return,
the detail timeline); the channel limits of shared/limits.py are shown as the user types and
refuse the save with the services' sentence; a dikecualikan draft is saved without channels."""

from __future__ import annotations

from textual.widgets import Checkbox, Input, Select, TabbedContent, TextArea

from kiosk.screens.editor import EditorScreen
from tests.domain.test_limits import TITLE, body_of_seconds
from tests.kiosk.conftest import login, text_of, until
from tests.kiosk.dataset import sample
from tests.kiosk.pilot import notices, run

OPENING = "Loket pelayanan keliling dibuka pukul 08.00-14.00 setiap hari kerja di Kantor Camat."
CHANGED = OPENING.replace("08.00-14.00", "08.00-15.00")
LONG_NOTE = ("Lengkapi syarat pendaftaran: fotokopi KTP, kartu keluarga, surat pengantar RT/RW, dan "
             "pas foto berwarna ukuran 3x4 sebanyak dua lembar; tambahkan nomor narahubung yang "
             "aktif pada jam kerja, alamat surel resmi dinas, dan tautan formulir daring; periksa "
             "kembali tanggal penutupan pendaftaran agar sama dengan surat edaran Sekretaris Daerah.")


def _submitted_with_windows(w, ids) -> int:  # noqa: ANN001
    """Reviewed once by kabid1 (returned), then revised: a new hour and a longer window."""
    p, kabid = ids["pelaksana1"], ids["kabid1"]
    item = w.drafting.create_item(p, title="Pelayanan Keliling Adminduk", body=OPENING,
                                  summary="Jadwal pelayanan keliling.", klasifikasi="berkala",
                                  sasaran="masyarakat", channels=["videotron", "radio", "web", "print"],
                                  daily_windows=[{"start": "16:00", "end": "18:00"}])
    w.review.submit(p, item)
    w.review.return_item(kabid, item, "Perpanjang jam layanan.")
    w.drafting.revise(p, item, body=CHANGED, daily_windows=[{"start": "16:00", "end": "21:00"}])
    w.review.submit(p, item)
    return item


def test_review_shows_word_changes_windows_and_every_channels_preview(home) -> None:
    settings, w, ids = home
    item = _submitted_with_windows(w, ids)

    async def scenario(pilot) -> None:  # noqa: ANN001
        from kiosk.screens.review import ReviewScreen
        from kiosk.widgets.slide import SlideView

        await login(pilot, "kabid1")
        await pilot.app.push_screen(ReviewScreen(item))
        screen = pilot.app.screen
        await until(pilot, lambda: screen.item and screen.previews, what="review and previews")
        diff = text_of(screen.query_one("#diff"))
        assert "Perubahan sejak revisi 1 (terakhir Anda lihat) ke revisi 2:" in diff
        assert "~ Loket pelayanan keliling dibuka pukul [-08.00-14.00-]{+08.00-15.00+} setiap " \
               "hari kerja di Kantor Camat." in diff
        assert "~ Jendela harian: [-16:00-18:00-]{+16:00-21:00+}" in diff
        assert f"- {OPENING}" not in diff and f"+ {CHANGED}" not in diff  # not the paragraph
        tabs = screen.query_one("#review-tabs", TabbedContent)
        await pilot.press("2")
        assert tabs.active == "tab-radio"
        radio = text_of(screen.query_one("#pv-radio"))
        assert radio.startswith("Durasi siar: ± ") and "Pengumuman tentang Pelayanan" in radio
        await pilot.press("3")
        assert tabs.active == "tab-videotron"
        assert screen.query_one("#pv-videotron", SlideView).shows_image
        await pilot.press("4")
        printed = text_of(screen.query_one("#pv-print"))
        assert "PELAYANAN KELILING ADMINDUK" in printed and CHANGED in printed
        await pilot.press("5")
        assert tabs.active == "tab-web" and CHANGED in text_of(screen.query_one("#pv-web"))
        await pilot.press("1")
        assert tabs.active == "tab-diff"

    run(settings, w, scenario)


def test_only_the_channels_it_goes_to_are_previewed(home) -> None:
    settings, w, ids = home
    item = w.drafting.create_item(ids["pelaksana1"], **dict(sample("renstra"), channels=["web"]))
    w.review.submit(ids["pelaksana1"], item)

    async def scenario(pilot) -> None:  # noqa: ANN001
        from kiosk.screens.review import ReviewScreen

        await login(pilot, "kabid1")
        await pilot.app.push_screen(ReviewScreen(item))
        screen = pilot.app.screen
        await until(pilot, lambda: screen.item and screen.previews, what="review and previews")
        assert "seluruh isi revisi 1" in text_of(screen.query_one("#diff"))
        await pilot.press("2")
        assert any("tidak dikirim ke kanal Radio" in m for m in notices(pilot))
        assert screen.query_one("#review-tabs", TabbedContent).active == "tab-diff"

    run(settings, w, scenario)


def test_return_notes_in_full_in_editor_home_and_detail(home) -> None:
    settings, w, ids = home
    item = w.drafting.create_item(ids["pelaksana1"], **sample("cpns"))
    w.review.submit(ids["pelaksana1"], item)
    w.review.return_item(ids["kabid1"], item, LONG_NOTE)

    async def scenario(pilot) -> None:  # noqa: ANN001
        from kiosk.screens.detail import DetailScreen

        await login(pilot, "pelaksana1")
        inbox = text_of(pilot.app.screen.query_one("#inbox"))
        assert LONG_NOTE in " ".join(inbox.split()) and "…" not in inbox
        await pilot.app.push_screen(EditorScreen(item_id=item))
        editor = pilot.app.screen
        notes = editor.query_one("#return-notes")
        await until(pilot, lambda: LONG_NOTE in text_of(notes), what="return note")
        assert text_of(notes).startswith("⚠ Dikembalikan oleh Agus Santoso, S.Sos., M.M. "
                                         "(Pemeriksaan Kabid/Kasubag, ")
        # wrapped, not cut (the layout follows the text a refresh later)
        await until(pilot, lambda: notes.display and notes.size.height >= 3, what="note laid out")
        await pilot.press("escape")
        await pilot.app.push_screen(DetailScreen(item, live_seconds=0))
        detail = pilot.app.screen
        await until(pilot, lambda: detail.item, what="detail")
        table = detail.query_one("#timeline")
        cells = [str(table.get_row_at(i)[6]) for i in range(table.row_count)]
        assert LONG_NOTE in cells

    run(settings, w, scenario)


def test_kabid_sees_why_the_sekretaris_returned_it(home) -> None:
    settings, w, ids = home
    item = w.drafting.create_item(ids["pelaksana1"], **sample("renstra"))
    w.review.submit(ids["pelaksana1"], item)
    w.review.approve(ids["kabid1"], item)
    w.review.return_item(ids["sekretaris1"], item, "Sebutkan dasar hukum Renstra dan nomor Perbupnya.")

    async def scenario(pilot) -> None:  # noqa: ANN001
        from kiosk.screens.review import ReviewScreen

        await login(pilot, "kabid1")
        await pilot.app.push_screen(ReviewScreen(item))
        screen = pilot.app.screen
        await until(pilot, lambda: screen.item, what="review loaded")
        notes = text_of(screen.query_one("#return-notes"))
        sekretaris = w.queries.get_item(item)["steps"][-2]["actor_name"]
        assert f"Dikembalikan oleh {sekretaris} (Pemeriksaan Sekretaris" in notes
        assert "Sebutkan dasar hukum Renstra dan nomor Perbupnya." in notes
        assert "Tidak ada perubahan sejak revisi 1" in text_of(screen.query_one("#diff"))

    run(settings, w, scenario)


async def _new_draft(pilot, title: str, body: str, channels: list[str]) -> EditorScreen:  # noqa: ANN001
    await login(pilot, "pelaksana1")
    await pilot.app.push_screen(EditorScreen())
    editor = pilot.app.screen
    editor.query_one("#title", Input).value = title
    editor.query_one("#body", TextArea).text = body
    for channel in channels:
        editor.query_one(f"#ch-{channel}", Checkbox).value = True
    return editor


def test_a_632_second_radio_text_is_refused_as_you_type_and_on_save(home) -> None:
    settings, w, _ids = home
    said = "Radio: durasi siar ± 632 detik; paling lama 300 detik (dibaca 130 kata per menit)"

    async def scenario(pilot) -> None:  # noqa: ANN001
        editor = await _new_draft(pilot, TITLE, body_of_seconds(632), ["radio"])
        problems = editor.query_one("#problems")
        await until(pilot, lambda: said in text_of(problems), what="live limit")
        assert "Siap diajukan" not in text_of(problems)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: said in notices(pilot), what="save refused")
        await pilot.press("f3")
        await until(pilot, lambda: notices(pilot).count(said) == 2, what="submit refused")
        assert w.queries.list_items() == []

    run(settings, w, scenario)


def test_a_200_character_videotron_title_is_refused(home) -> None:
    settings, w, _ids = home
    said = "Videotron: judul 200 karakter; paling banyak 120"

    async def scenario(pilot) -> None:  # noqa: ANN001
        editor = await _new_draft(pilot, "J" * 200, "Isi pengumuman.", ["videotron"])
        await until(pilot, lambda: said in text_of(editor.query_one("#problems")), what="limit")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: said in notices(pilot), what="save refused")
        assert w.queries.list_items() == []

    run(settings, w, scenario)


def test_a_dikecualikan_draft_is_saved_without_channels_for_the_register(home) -> None:
    settings, w, ids = home

    async def scenario(pilot) -> None:  # noqa: ANN001
        editor = await _new_draft(pilot, "Data pribadi pemohon informasi",
                                  "Rincian data pribadi pemohon.", [])
        editor.query_one("#klas", Select).value = "dikecualikan"
        problems = editor.query_one("#problems")
        await until(pilot, lambda: "Siap disimpan" in text_of(problems), what="ready to save")
        assert "register informasi dikecualikan" in text_of(problems)
        assert all(editor.query_one(f"#ch-{c}", Checkbox).disabled
                   for c in ("videotron", "radio", "web", "print"))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any("tersimpan" in m for m in notices(pilot)), what="saved")
        await until(pilot, lambda: any("PPID mencatatnya dalam register informasi dikecualikan"
                                       in m for m in notices(pilot)), what="register note")
        [row] = w.queries.list_items(ids["pelaksana1"])
        assert row["klasifikasi"] == "dikecualikan" and row["channels"] == []
        assert w.queries.inbox(ids["ppid1"])[0]["kind"] == "exempt"

    run(settings, w, scenario)
