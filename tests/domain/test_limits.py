"""One place for the channel rules (shared/limits.py): the services refuse a draft that breaks a
channel's limit on save and on submit, with the Indonesian reason naming the channel and the
figure, and the CLI refuses with the same sentence; the air-time estimate in shared agrees with
the radio channel's own; a dikecualikan item is saved without channels and said to go to the
PPID's exempt register; the reviewer's diff is word by word and covers the daily windows."""

from __future__ import annotations

import pytest

from shared import limits
from shared.errors import InvalidInput, Refused
from shared.services.queries import content_lines, word_diff
from tests.domain.helpers import draft, fingerprint
from tests.factories import demo_item, demo_items, snapshot
from tests.test_cli import run

SENTENCE = "Petugas kependudukan melayani warga di balai desa setiap pagi, kecuali hari libur. "
TITLE = "Pelayanan Keliling Administrasi Kependudukan"


def body_of_seconds(seconds: int, title: str = TITLE) -> str:
    """A body whose radio script is estimated at exactly ``seconds`` (at the default rate)."""
    words = (SENTENCE * 200).split()
    low, high = 1, len(words)
    while low < high:  # the shortest body that reaches the figure
        mid = (low + high) // 2
        if limits.air_seconds(title, " ".join(words[:mid])) < seconds:
            low = mid + 1
        else:
            high = mid
    body = " ".join(words[:low])
    assert limits.air_seconds(title, body) == seconds
    return body


def test_the_shared_estimate_follows_the_radio_channels() -> None:
    speech = pytest.importorskip("channels.radio.speech_text")
    assert limits.WEIGHTS == speech.WEIGHTS  # recalibrate both together
    for item in demo_items():
        snap = snapshot(item["key"])
        _text, channel = speech.script_for(snap)
        ours = limits.air_seconds(snap.title, snap.body, klasifikasi=snap.klasifikasi)
        assert abs(ours - channel) <= 0.10 * channel, (item["key"], ours, channel)
    long = snapshot("renstra", title=TITLE, body=body_of_seconds(632))
    _text, channel = speech.script_for(long)
    assert abs(632 - channel) <= 0.10 * channel


def test_a_632_second_radio_text_is_refused_on_save(warta) -> None:
    before = fingerprint(warta)
    with pytest.raises(InvalidInput) as exc:
        draft(warta, "renstra", title=TITLE, body=body_of_seconds(632), channels=["radio"])
    assert str(exc.value) == ("Radio: durasi siar ± 632 detik; paling lama 300 detik "
                              "(dibaca 130 kata per menit)")
    assert fingerprint(warta) == before
    # the same text is fine where air time does not count
    assert draft(warta, "renstra", title=TITLE, body=body_of_seconds(632), channels=["web"])


def test_limits_are_checked_again_on_submit(warta, monkeypatch) -> None:
    item = draft(warta, "renstra", title=TITLE, body=body_of_seconds(200), channels=["radio"])
    monkeypatch.setenv("WARTA_RADIO_WORDS_PER_MINUTE", "60")  # the station reads slower now
    before = fingerprint(warta)
    with pytest.raises(Refused, match=r"^Radio: durasi siar ± \d+ detik; paling lama 300 detik "
                                      r"\(dibaca 60 kata per menit\)$"):
        warta.review.submit(warta.ids["pelaksana1"], item)
    assert fingerprint(warta) == before


def test_a_200_character_videotron_title_is_refused(warta) -> None:
    title = ("Pengumuman " * 20)[:200]
    with pytest.raises(InvalidInput, match="^Videotron: judul 200 karakter; paling banyak 120$"):
        draft(warta, "renstra", title=title, channels=["videotron", "web"])
    item = draft(warta, "renstra", channels=["videotron"])
    with pytest.raises(InvalidInput, match="Videotron: judul 200 karakter"):
        warta.drafting.revise(warta.ids["pelaksana1"], item, title=title)


def test_web_summary_and_print_body_limits(warta) -> None:
    with pytest.raises(InvalidInput, match="^Web: ringkasan 501 karakter; paling banyak 500$"):
        draft(warta, "renstra", summary="r" * 501, channels=["web"])
    with pytest.raises(InvalidInput, match="^Cetak: isi 6001 karakter; paling banyak 6000$"):
        draft(warta, "renstra", body="Isi. " * 1200 + "x", channels=["print"])


def test_the_cli_refuses_with_the_services_sentence(warta) -> None:
    common = ("--class", "berkala", "--audience", "masyarakat")
    long = run(warta, "pelaksana1", "item", "create", "--title", TITLE, "--body",
               body_of_seconds(632), "--channels", "radio", *common, expect_ok=False)
    assert long["error"] == ("Radio: durasi siar ± 632 detik; paling lama 300 detik "
                             "(dibaca 130 kata per menit)") and long["_rc"] == 2
    title = run(warta, "pelaksana1", "item", "create", "--title", "J" * 200, "--body", "Isi.",
                "--channels", "videotron", *common, expect_ok=False)
    assert title["error"] == "Videotron: judul 200 karakter; paling banyak 120"
    words = run(warta, "pelaksana1", "item", "create", "--title", TITLE, "--body",
                " ".join(["penduduk"] * 2000), "--channels", "radio", *common, expect_ok=False)
    assert words["error"].startswith("Radio: durasi siar ± ")
    assert run(warta, None, "item", "list")["items"] == []  # nothing reached review, or a draft


def test_a_dikecualikan_item_is_saved_without_channels_for_the_register(warta) -> None:
    p = warta.ids["pelaksana1"]
    item = draft(warta, "renstra", klasifikasi="dikecualikan", channels=[])
    shown = warta.queries.get_item(item, p)
    assert shown["channels"] == [] and shown["state"] == "draft"
    assert "PPID mencatatnya dalam register informasi dikecualikan" in shown["register_note"]
    assert warta.queries.get_item(draft(warta, "renstra"), p)["register_note"] is None
    told = warta.queries.inbox(warta.ids["ppid1"])
    assert told and told[0]["kind"] == "exempt" and f"#{item}" in told[0]["message"]
    with pytest.raises(Refused, match="register informasi dikecualikan"):
        warta.review.submit(p, item)
    cli = run(warta, "pelaksana1", "item", "create", "--title", "Data pribadi pemohon",
              "--body", "Rincian data pribadi.", "--class", "dikecualikan", "--audience",
              "masyarakat")
    assert cli["channels"] == [] and "register informasi dikecualikan" in cli["register_note"]


def test_word_diff_marks_the_changed_words_not_the_paragraph() -> None:
    old = ["Judul: Layanan", "Loket buka pukul 08.00-14.00 setiap hari kerja di kantor camat.", ""]
    new = ["Judul: Layanan", "Loket buka pukul 08.00-15.00 setiap hari kerja di kantor camat.", ""]
    assert word_diff(old, new) == [{"op": "change", "parts": [
        ["=", "Loket buka pukul "], ["-", "08.00-14.00"], ["+", "08.00-15.00"],
        ["=", " setiap hari kerja di kantor camat."]]}]
    assert word_diff(old, old) == []


def test_the_reviewers_diff_has_the_daily_windows_and_the_early_warning(warta) -> None:
    p, kabid = warta.ids["pelaksana1"], warta.ids["kabid1"]
    item = draft(warta, "renstra")
    warta.drafting.revise(p, item, daily_windows=[{"start": "16:00", "end": "18:00"}])
    warta.review.submit(p, item)
    warta.queries.diff_since_seen(kabid, item)
    warta.review.return_item(kabid, item, "Perpanjang jam tayang sore.")
    warta.drafting.revise(p, item, daily_windows=[{"start": "16:00", "end": "21:00"}])
    warta.review.submit(p, item)
    diff = warta.queries.diff_since_seen(kabid, item)
    assert (diff["from_revision"], diff["to_revision"]) == (2, 3)
    assert diff["changes"] == [{"op": "change", "parts": [
        ["=", "Jendela harian: "], ["-", "16:00-18:00"], ["+", "16:00-21:00"]]}]
    assert "+Jendela harian: 16:00-21:00" in diff["diff"]
    alert = demo_item("banjir")
    lines = content_lines({**alert, "alert": {"urgency": "Immediate", "severity": "Severe",
                                              "certainty": "Likely", "response_type": "Evacuate",
                                              "category": "Met", "instruction": "Mengungsi.",
                                              "areas": []}}, "Asia/Jakarta")
    assert "Peringatan dini: Segera, Berat, Kemungkinan besar, Mengungsi, Cuaca dan banjir" in lines
    assert "Instruksi: Mengungsi." in lines
