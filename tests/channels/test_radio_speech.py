"""The radio script as spoken Indonesian: money, numbers, times and dates in the three zones,
acronyms, web addresses, air time, and the serta-merta mark; the corpus of written forms
(tests/data/radio/speech_corpus.tsv) against what the listener hears."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from channels.radio import script_for
from channels.radio.script import URGENT_MARK, build
from channels.radio.speech_text import (
    Glossary, GlossaryError, air_seconds, for_voice, load_glossary, spoken_datetime, spoken_text)
from shared.messages import Kind
from shared.settings import RadioSettings
from tests.factories import agency, snapshot

GL = load_glossary(RadioSettings().glossary)


def test_money_is_spelled_out_with_rupiah():
    assert spoken_text("Rp1.250.000") == "satu juta dua ratus lima puluh ribu rupiah"
    assert spoken_text("sebesar Rp 3.044.300,50.") == \
        "sebesar tiga juta empat puluh empat ribu tiga ratus rupiah lima puluh sen."


def test_bracketed_repetition_of_a_spelled_amount_is_not_read_twice():
    assert spoken_text("Rp600.000 (enam ratus ribu rupiah) per keluarga") == \
        "enam ratus ribu rupiah per keluarga"
    assert spoken_text("sebanyak 7 (tujuh) hari") == "sebanyak tujuh hari"


@pytest.mark.parametrize("text, spoken", [
    ("245 formasi", "dua ratus empat puluh lima formasi"),
    ("97,4% dari target", "sembilan puluh tujuh koma empat persen dari target"),
    ("tahun 2025-2029", "tahun dua ribu dua puluh lima sampai dua ribu dua puluh sembilan"),
    ("kode 045", "kode nol empat lima"),
    ("Tahap IV", "Tahap empat"),
    ("hubungi 0811-4800-123", "hubungi nol delapan satu satu, empat delapan nol nol, satu dua tiga"),
])
def test_numbers_are_spelled_out(text, spoken):
    assert spoken_text(text) == spoken


def test_times_in_text_are_spoken_with_their_zone():
    # the printed script keeps the zone as written (announcers know it); the voice says it in full
    assert spoken_text("pukul 09.00 sampai dengan 12.30 WITA") == \
        "pukul sembilan sampai dengan pukul dua belas lewat tiga puluh menit WITA"
    assert spoken_text("mulai 23.59 WIT") == "mulai pukul dua puluh tiga lewat lima puluh sembilan menit WIT"


@pytest.mark.parametrize("zone, expected", [
    ("Asia/Jakarta", "Sabtu, dua puluh satu November dua ribu dua puluh enam, pukul sembilan WIB"),
    ("Asia/Makassar", "Sabtu, dua puluh satu November dua ribu dua puluh enam, pukul sepuluh WITA"),
    ("Asia/Jayapura", "Sabtu, dua puluh satu November dua ribu dua puluh enam, pukul sebelas WIT"),
])
def test_dates_and_times_are_spoken_in_the_agency_zone(zone, expected):
    moment = datetime(2026, 11, 21, 2, 0, tzinfo=timezone.utc)
    assert spoken_datetime(moment, zone) == expected
    text, _ = script_for(snapshot("renstra", agency=agency(zone)))
    assert f"ditetapkan pada {expected}." in text


def test_a_date_crossing_midnight_in_the_east():
    # 16:30 UTC is already the next day in Jayapura (UTC+9)
    moment = datetime(2026, 11, 21, 16, 30, tzinfo=timezone.utc)
    assert spoken_datetime(moment, "Asia/Jayapura") == \
        "Minggu, dua puluh dua November dua ribu dua puluh enam, pukul satu lewat tiga puluh menit WIT"
    assert spoken_datetime(moment, "Asia/Jakarta").endswith("pukul dua puluh tiga lewat tiga puluh menit WIB")


def test_validity_window_is_spoken():
    snap = snapshot("banjir", start=datetime(2026, 11, 21, 0, 0, tzinfo=timezone.utc),
                    end=datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc))
    text, _ = script_for(snap)
    assert "berlaku mulai Sabtu, dua puluh satu November dua ribu dua puluh enam, pukul tujuh WIB" in text
    assert "sampai Senin, dua puluh tiga November dua ribu dua puluh enam, pukul dua puluh dua WIB" in text


def test_acronyms_are_expanded_without_repeating_the_bracket():
    assert spoken_text("Rencana Strategis (Renstra) dan ASN", GL) == \
        "Rencana Strategis dan Aparatur Sipil Negara"
    assert spoken_text("Posko BPBD", GL) == "Posko Badan Penanggulangan Bencana Daerah"


def test_spelled_acronyms_are_marked_and_voiced_as_letters():
    gl = Glossary(spell=frozenset({"DPRD"}))
    assert spoken_text("rapat DPRD", gl) == "rapat D-P-R-D"
    assert for_voice("rapat D-P-R-D pukul sembilan WIB") == \
        "rapat de pe er de pukul sembilan Waktu Indonesia Barat"


def test_custom_glossary_file(tmp_path, monkeypatch):
    path = tmp_path / "g.toml"
    path.write_text('[expand]\nDLH = "Dinas Lingkungan Hidup"\n[spell]\nwords = ["TPA"]\n')
    monkeypatch.setenv("WARTA_RADIO_GLOSSARY", str(path))
    snap = snapshot("renstra", title="DLH menutup TPA", body="Isi.")
    text, _ = script_for(snap, RadioSettings())
    assert "Dinas Lingkungan Hidup menutup T-P-A" in text


def test_web_addresses_are_read_out():
    assert spoken_text("melalui sscasn.bkn.go.id mulai") == \
        "melalui sscasn titik bkn titik go titik id mulai"
    assert spoken_text("laman https://ppid.example.go.id/renstra.") == \
        "laman ppid titik example titik go titik id garis miring renstra."
    assert spoken_text("surel diskominfo@example.go.id") == \
        "surel diskominfo et example titik go titik id"


def test_air_time_follows_the_reading_rate(monkeypatch):
    # 130 two-syllable words and one full stop at the calibrated rate: 130*2*0.2405 + 0.5514 s
    assert air_seconds("satu " * 129 + "satu.", 130) == 64
    assert air_seconds("satu " * 129 + "satu.", 65) == 127
    assert air_seconds("", 130) == 0 and air_seconds(" .. ", 130) == 0
    slow = RadioSettings(words_per_minute=100)
    fast = RadioSettings(words_per_minute=200)
    text, slow_s = script_for(snapshot("cpns"), slow)
    _, fast_s = script_for(snapshot("cpns"), fast)
    assert slow_s == air_seconds(text, 100) and slow_s > fast_s > 0


def test_opening_and_closing_are_configurable_per_station(monkeypatch):
    monkeypatch.setenv("WARTA_RADIO_STATION", "RRI Pontianak")
    monkeypatch.setenv("WARTA_RADIO_OPENING", "Selamat pagi pendengar {station}.")
    monkeypatch.setenv("WARTA_RADIO_CLOSING", "Sekian dari {unit}, {unknown}.")
    text, _ = script_for(snapshot("renstra"), RadioSettings())
    assert text.startswith("Selamat pagi pendengar RRI Pontianak.")
    assert text.endswith("Sekian dari Dinas Komunikasi dan Informatika, {unknown}.")


def test_serta_merta_script_is_marked_urgent_and_others_are_not():
    urgent = build(snapshot("banjir"), Kind.PUBLISH, RadioSettings())
    normal = build(snapshot("renstra"), Kind.PUBLISH, RadioSettings())
    assert urgent.urgent and URGENT_MARK in urgent.text and URGENT_MARK in urgent.markdown
    assert not normal.urgent and URGENT_MARK not in normal.text


def test_revocation_script_says_so_with_reason():
    snap = snapshot("bansos", revoked_at=datetime(2026, 11, 22, 1, 0, tzinfo=timezone.utc),
                    revoked_reason="Jadwal diubah")
    text, _ = script_for(snap, kind=Kind.REVOKE)
    assert ("telah dicabut pada Minggu, dua puluh dua November dua ribu dua puluh enam, "
            "pukul delapan WIB") in text
    assert "Alasan pencabutan: Jadwal diubah" in text


CORPUS = Path(__file__).resolve().parents[1] / "data" / "radio" / "speech_corpus.tsv"


def _corpus() -> list[tuple[str, str]]:
    rows = []
    for number, line in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.startswith("#"):
            written, heard = line.split("\t")
            rows.append(pytest.param(written, heard, id=f"{number}:{written[:40]}"))
    return rows


def test_the_corpus_is_big_enough():
    assert len(_corpus()) >= 200


@pytest.mark.parametrize("written, heard", _corpus())
def test_corpus(written, heard):
    """Each written form is heard as a careful announcer would say it."""
    assert for_voice(spoken_text(written, GL)) == heard


def test_the_voice_gets_respellings_the_script_keeps_the_written_word():
    script = spoken_text("suhu 35°C, hubungi Call Center 112", GL)
    assert script == "suhu tiga puluh lima derajat Celsius, hubungi Call Center satu satu dua"
    assert for_voice(script, GL) == \
        "suhu tiga puluh lima derajat selsius, hubungi kol senter satu satu dua"


def test_office_glossary_extends_the_bundled_one(tmp_path):
    path = tmp_path / "kantor.toml"
    path.write_text('[expand]\nDLH = "Dinas Lingkungan Hidup"\nKK = "Kartu Keluarga"\n'
                    '[spell]\nwords = ["BPBD"]\n[abbreviations]\n"Jl." = "Jalan Raya"\n'
                    '[units]\n"ton" = "ton"\n[voice]\nAula = "aula"\n', encoding="utf-8")
    gl = load_glossary(path)
    text = spoken_text("DLH dan BPBD di Jl. Merdeka, Kec. Delta Pawan, bawa KK dan KTP", gl)
    # own entries win (KK expanded, BPBD spelled, Jl.), bundled ones stay (Kec., KTP)
    assert text == ("Dinas Lingkungan Hidup dan B-P-B-D di Jalan Raya Merdeka, Kecamatan Delta "
                    "Pawan, bawa Kartu Keluarga dan Kartu Tanda Penduduk")
    assert for_voice("Aula", gl) == "aula"


@pytest.mark.parametrize("content, why", [
    ("[expand\nASN = 1", "bukan TOML yang sah"),
    ("[expand]\nASN = 1\n", "harus berisi pasangan"),
    ('[spell]\nwords = "ASN"\n', "harus daftar teks"),
])
def test_a_broken_glossary_is_refused_in_indonesian(tmp_path, content, why):
    path = tmp_path / "rusak.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GlossaryError, match=why):
        load_glossary(path)
    with pytest.raises(GlossaryError, match="tidak dapat dibaca"):
        load_glossary(tmp_path / "tidak-ada.toml")
