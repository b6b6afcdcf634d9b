"""The radio MP3s as a station's automation system takes them: every file measured with ffmpeg's
EBU R 128 meter (``ebur128=peak=true``) at -16 ± 1 LUFS integrated and at most -1 dBTP, 44.1 kHz,
ID3v2 tags read back with mutagen, the script's air-time estimate within 10 % of the real audio,
and the podcast feed's channel fields (cover, owner, category, exact durations) read with
feedparser. The speech engine is the real espeak-ng."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from PIL import Image

from channels.radio import RadioRenderer
from channels.radio.audio import EspeakEngine, Pcm, produce
from channels.radio.feed import hms
from shared.messages import Kind
from shared.settings import RadioSettings
from tests.conftest import require_tool
from tests.factories import envelope, snapshot

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = [ROOT.parent / "shared" / "samples" / "announcements.json",
           ROOT / "shared" / "data" / "demo_announcements.json"]


def ebur128(path: Path) -> tuple[float, float]:
    """(integrated loudness in LUFS, true peak in dBTP) of an audio file, by ffmpeg's meter."""
    proc = subprocess.run([require_tool("ffmpeg"), "-hide_banner", "-nostats", "-i", str(path),
                           "-af", "ebur128=peak=true", "-f", "null", "-"],
                          capture_output=True, text=True, check=True)
    summary = proc.stderr[proc.stderr.rfind("Summary:"):]
    integrated = float(re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary).group(1))
    peak = float(re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return integrated, peak


def _sample_snapshots() -> list:
    """Every distinct sample announcement (both sample files), as a snapshot, plus a revocation."""
    seen, snaps = set(), []
    for path in SAMPLES:
        if not path.exists():
            continue
        for a in json.loads(path.read_text(encoding="utf-8"))["announcements"]:
            if (a["title"], a["body"]) in seen:
                continue
            seen.add((a["title"], a["body"]))
            snaps.append((a["key"], snapshot(a["key"], title=a["title"], body=a["body"],
                                             ident=len(snaps) + 1)))
    return snaps


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Every sample announcement rendered once by the radio channel with espeak-ng: (key, script
    estimate in seconds, MP3 path); and the output folder."""
    require_tool("espeak-ng")
    require_tool("ffmpeg")
    out = tmp_path_factory.mktemp("radio")
    r = RadioRenderer(out)
    assert r.audio_off is None
    results = []
    for key, snap in _sample_snapshots():
        env = envelope("radio", snap)
        files = r.render(env)
        mp3 = next(f for f in files if f.suffix == ".mp3")
        results.append((key, r.state.get(snap.key)["estimate"], mp3))
    revoked = snapshot("bansos", ident=999, revoked_at=datetime(2026, 11, 22, 1, tzinfo=timezone.utc),
                       revoked_reason="Jadwal diubah")
    files = r.render(envelope("radio", revoked, Kind.REVOKE))
    results.append(("bansos-dicabut", r.state.get(revoked.key)["estimate"],
                    next(f for f in files if f.suffix == ".mp3")))
    return results, out


def test_every_mp3_is_at_minus_16_lufs_under_minus_1_dbtp_at_44k1(rendered):
    results, _ = rendered
    assert len(results) >= 10
    for key, _, mp3 in results:
        integrated, peak = ebur128(mp3)
        assert -17.0 <= integrated <= -15.0, f"{key}: {integrated} LUFS"
        assert peak <= -1.0, f"{key}: {peak} dBTP"
        assert MP3(mp3).info.sample_rate == 44100


def test_air_time_estimate_is_within_ten_percent_of_the_audio(rendered):
    results, _ = rendered
    for key, estimate, mp3 in results:
        actual = MP3(mp3).info.length
        assert abs(estimate - actual) <= 0.10 * actual, f"{key}: perkiraan {estimate} s, audio {actual:.1f} s"


def test_tags_are_read_back_by_mutagen(rendered):
    results, _ = rendered
    key, _, mp3 = next(r for r in results if r[0] == "bansos-dicabut")
    tags = ID3(mp3)
    assert tags.version[:2] == (2, 3)
    assert str(tags["TIT2"]) == \
        "DICABUT: 045/PENG/DISKOMINFO/XI/2026 — Penyaluran Bantuan Sosial Tunai Tahap IV"
    assert str(tags["TIT3"]) == "045/PENG/DISKOMINFO/XI/2026"
    assert str(tags["TXXX:NOMOR PENGUMUMAN"]) == "045/PENG/DISKOMINFO/XI/2026"
    assert str(tags["TPE1"]) == "Dinas Komunikasi dan Informatika"
    assert str(tags["TALB"]) == "Pengumuman Dinas Komunikasi dan Informatika"
    # ID3v2.3 has no TDRC: the date is written as TYER + TDAT (day, month) and read back whole
    assert str(tags["TDRC"]) == "2026-11-21"
    raw = ID3(mp3, translate=False)
    assert str(raw["TYER"]) == "2026" and str(raw["TDAT"]) == "2111" and "TDRC" not in raw
    assert str(tags["TCON"]) == "Speech" and str(tags["TLAN"]) == "ind"
    assert abs(int(str(tags["TLEN"])) / 1000 - MP3(mp3).info.length) < 0.1


def test_feed_channel_fields_for_podcast_directories(rendered):
    results, out = rendered
    parsed = feedparser.parse((out / "radio" / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    feed = parsed.feed
    href = feed.image.href
    assert href.startswith("http://localhost:8000/radio/") and href.endswith(".png")
    with Image.open(out / "radio" / href.rsplit("/", 1)[1]) as cover:
        assert cover.size == (1400, 1400) and cover.mode == "RGB"
    assert feed.publisher_detail.name == \
        "Dinas Komunikasi dan Informatika Provinsi Kalimantan Barat"  # itunes:owner
    assert feed.publisher_detail.email == "diskominfo@example.go.id"
    assert [t.term for t in feed.tags] == ["Government"]
    itunes = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
    channel = etree.fromstring((out / "radio" / "feed.xml").read_bytes()).find("channel")
    assert channel.findtext(f"{itunes}author") == \
        "Dinas Komunikasi dan Informatika Provinsi Kalimantan Barat"
    assert channel.find(f"{itunes}category").get("text") == "Government"
    by_file = {mp3.name: mp3 for _, _, mp3 in results}
    for entry in parsed.entries:
        (enc,) = entry.enclosures
        mp3 = by_file[enc.href.rsplit("/", 1)[1]]
        # the exact PCM length rounded up: within one MP3 frame of what a player measures
        assert entry.itunes_duration == hms(MP3(mp3).info.length - 0.05) or \
            entry.itunes_duration == hms(MP3(mp3).info.length)


def test_loudness_target_is_a_setting(tmp_path, monkeypatch):
    require_tool("espeak-ng")
    monkeypatch.setenv("WARTA_RADIO_LOUDNESS_LUFS", "-23")
    monkeypatch.setenv("WARTA_RADIO_TRUE_PEAK_DBTP", "-2")
    cfg = RadioSettings()
    pcm = EspeakEngine().synthesize("Pengumuman. Jalan Ahmad Yani ditutup sementara mulai pukul "
                                    "delapan sampai pukul dua belas Waktu Indonesia Barat.")
    data, mastered = produce(pcm, cfg.bitrate, None, cfg.loudness_lufs, cfg.true_peak_dbtp)
    path = tmp_path / "a.mp3"
    path.write_bytes(data)
    integrated, peak = ebur128(path)
    assert -24.0 <= integrated <= -22.0 and peak <= -2.0
    assert mastered.rate == 44100 and abs(mastered.seconds - pcm.seconds) < 0.001


@pytest.mark.parametrize("pcm", [
    Pcm(b"\0\0" * 22050, 22050, 1),            # a second of silence
    Pcm(b"\xff\x7f\x01\x80" * 1000, 16000, 1),  # 0.25 s of full-scale square wave: no loudness
])
def test_silence_and_clips_too_short_to_measure_still_make_a_file(tmp_path, pcm):
    require_tool("ffmpeg")
    data, mastered = produce(pcm)
    path = tmp_path / "b.mp3"
    path.write_bytes(data)
    assert MP3(path).info.sample_rate == 44100 and abs(mastered.seconds - pcm.seconds) < 0.001
    _, peak = ebur128(path)
    assert peak <= -1.0
