"""The radio renderer: script files, espeak-ng audio as MP3, and the podcast feed as radio
automation imports it (stable GUIDs, audio enclosures with exact lengths, durations)."""

from __future__ import annotations

import subprocess
from datetime import datetime, timezone

import feedparser

from channels import get_renderer
from channels.radio import RadioRenderer
from channels.radio.audio import NoSpeech, Pcm, SpeechError, read_wav
from channels.radio.settings import RadioSettings
from shared.messages import Kind
from tests.conftest import require_tool
from tests.factories import envelope, snapshot


def _feed(root):
    parsed = feedparser.parse((root / "radio" / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def test_registry_builds_the_radio_renderer(tmp_path):
    assert isinstance(get_renderer("radio", tmp_path), RadioRenderer)


def test_audio_feed_has_exact_enclosures_and_durations(tmp_path):
    require_tool("espeak-ng")
    r = RadioRenderer(tmp_path)
    assert r.audio_off is None
    files = r.render(envelope("radio", snapshot("bansos")))
    mp3 = next(f for f in files if f.suffix == ".mp3")
    assert mp3.read_bytes()[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"ID")  # MPEG frame/ID3
    assert {f.suffix for f in files} == {".txt", ".md", ".mp3"}
    entry = _feed(tmp_path).entries[0]
    (enc,) = entry.enclosures
    assert enc.type.startswith("audio/")
    assert int(enc.length) == mp3.stat().st_size
    assert enc.href == f"http://localhost:8000/radio/audio/{mp3.name}"
    h, m, s = (int(x) for x in entry.itunes_duration.split(":"))
    assert 10 < h * 3600 + m * 60 + s < 600
    assert "enam ratus ribu rupiah" in entry.description


def test_duration_comes_from_the_pcm_frames():
    require_tool("espeak-ng")
    wav = subprocess.run(["espeak-ng", "-v", "id", "--stdout"], input=b"satu dua tiga",
                         capture_output=True, check=True).stdout
    pcm = read_wav(wav)
    assert pcm.rate == 22050 and pcm.channels == 1
    assert pcm.seconds == len(pcm.frames) / (2 * 22050) and 0.5 < pcm.seconds < 5


def test_without_speech_engine_the_feed_still_carries_the_script(tmp_path, monkeypatch):
    monkeypatch.setenv("WARTA_RADIO_TTS", "none")
    r = RadioRenderer(tmp_path)
    assert any("audio mati" in w and "WARTA_RADIO_TTS=none" in w for w in r.health())
    files = r.render(envelope("radio", snapshot("cpns")))
    assert {f.suffix for f in files} == {".txt", ".md"}
    entry = _feed(tmp_path).entries[0]
    assert not entry.get("enclosures")
    assert "sscasn titik bkn titik go titik id" in entry.description


class _Broken:
    name = "broken"

    def unavailable(self):
        return None

    def synthesize(self, text: str) -> Pcm:
        raise SpeechError("mesin rusak")


def test_a_failing_engine_degrades_to_script_and_says_why(tmp_path):
    r = RadioRenderer(tmp_path, engine=_Broken())
    files = r.render(envelope("radio", snapshot("renstra")))
    assert [f.suffix for f in files] == [".txt", ".md"]
    assert any("mesin rusak" in w for w in r.health())


def test_script_files_for_serta_merta(tmp_path):
    r = RadioRenderer(tmp_path, engine=NoSpeech())
    txt, md = r.render(envelope("radio", snapshot("banjir")))
    assert txt.parent == tmp_path / "radio" / "scripts"
    text = txt.read_text()
    assert "SEGERA DIBACAKAN" in text and "Perkiraan durasi" in text
    assert "Badan Penanggulangan Bencana Daerah" in text
    assert md.read_text().startswith("# Naskah Siaran")


def test_redelivery_is_idempotent(tmp_path):
    r = RadioRenderer(tmp_path, engine=NoSpeech())
    env = envelope("radio", snapshot("renstra"))
    first = r.render(env)
    before = {p: p.read_bytes() for p in (tmp_path / "radio").rglob("*") if p.is_file()
              and ".state" not in p.parts}
    assert r.render(env) == first
    # a fresh renderer (worker restart) must not produce anything new either
    assert RadioRenderer(tmp_path, engine=NoSpeech()).render(env) == first
    after = {p: p.read_bytes() for p in (tmp_path / "radio").rglob("*") if p.is_file()
             and ".state" not in p.parts}
    assert after == before
    assert len(_feed(tmp_path).entries) == 1


def test_correction_keeps_guid_with_new_content_and_date(tmp_path):
    r = RadioRenderer(tmp_path, engine=NoSpeech())
    r.render(envelope("radio", snapshot("renstra")))
    old = _feed(tmp_path).entries[0]
    fixed = snapshot("renstra", revision=2, body="Acara diundur ke pukul 10.00 WIB.",
                     corrects_number="045/PENG/DISKOMINFO/XI/2026")
    files = r.render(envelope("radio", fixed, Kind.UPDATE))
    assert all("-r2-ralat" in f.name for f in files)
    (new,) = _feed(tmp_path).entries
    assert new.id == old.id == fixed.key
    assert "pukul sepuluh WIB" in new.description and "Ralat" in new.description
    assert new.published_parsed > old.published_parsed


def test_revocation_leaves_the_feed_and_a_late_publish_does_not_resurrect(tmp_path):
    r = RadioRenderer(tmp_path, engine=NoSpeech())
    r.render(envelope("radio", snapshot("renstra")))
    r.render(envelope("radio", snapshot("bansos", number="046/X")))
    revoked = snapshot("renstra", revoked_at=datetime(2026, 11, 22, tzinfo=timezone.utc),
                       revoked_reason="Acara dibatalkan")
    files = r.render(envelope("radio", revoked, Kind.REVOKE))
    assert "Acara dibatalkan" in files[0].read_text() and "-dicabut" in files[0].name
    assert [e.title for e in _feed(tmp_path).entries] == ["046/X — Penyaluran Bantuan Sosial Tunai Tahap IV"]
    r.render(envelope("radio", snapshot("renstra")))  # late redelivery with a new message id
    assert len(_feed(tmp_path).entries) == 1


def test_feed_links_use_the_public_url(tmp_path, monkeypatch):
    monkeypatch.setenv("WARTA_PUBLIC_URL", "https://ppid.example.go.id/")
    r = RadioRenderer(tmp_path, engine=NoSpeech())
    assert RadioSettings().base_url == "https://ppid.example.go.id/radio"
    assert not any("PUBLIC_URL" in w for w in r.health())
    r.render(envelope("radio", snapshot("renstra")))
    parsed = _feed(tmp_path)
    assert parsed.feed.link == "https://ppid.example.go.id/"
    assert parsed.entries[0].published.endswith("+0000")  # RFC 822 with a zone


def test_wav_reader_refuses_garbage():
    try:
        read_wav(b"not a wav")
    except SpeechError as exc:
        assert "tidak dapat dibaca" in str(exc)
    else:
        raise AssertionError("garbage accepted")


def test_mp3_is_a_real_stream_of_the_right_length():
    require_tool("espeak-ng")
    from channels.radio.audio import EspeakEngine, encode_mp3
    pcm = EspeakEngine().synthesize("Pengumuman penting untuk warga.")
    data = encode_mp3(pcm, 64)
    # 64 kbit/s CBR: the byte count follows the duration (within a frame or two of padding)
    assert abs(len(data) - pcm.seconds * 64000 / 8) < 2000
