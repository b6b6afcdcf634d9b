"""The radio renderer: script files, espeak-ng audio as MP3, and the podcast feed as radio
automation imports it (stable GUIDs, audio enclosures with exact lengths, durations)."""

from __future__ import annotations

import subprocess
from datetime import datetime, timedelta, timezone

import feedparser
import pytest

from channels import get_renderer
from channels.base import Superseded
from channels.radio import RadioRenderer
from channels.radio.audio import NoSpeech, Pcm, SpeechError, read_wav
from shared.config import Settings
from shared.messages import Kind, VersionInfo, VersionKind
from shared.settings import RadioSettings
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
    r = RadioRenderer(tmp_path, Settings().radio)
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


def _versions(v1_revision: int = 3) -> list:
    """v1 → ralat v2 → ralat v3 → pencabutan v4 of one announcement, as the history model sends
    them: every ralat is a new announcement (new id and number, review revision 1 again)."""
    numbers = ["045/PENG/DISKOMINFO/XI/2026", "051/PENG/DISKOMINFO/XI/2026",
               "058/PENG/DISKOMINFO/XI/2026"]
    at = [datetime(2026, 11, 21 + i, 2, 0, tzinfo=timezone.utc) for i in range(4)]
    kinds = [VersionKind.PUBLISH, VersionKind.RALAT, VersionKind.RALAT, VersionKind.REVOKE]
    history = [VersionInfo(version=i + 1, kind=kinds[i], number=numbers[min(i, 2)], at=at[i],
                           changes=["Isi"] if kinds[i] == VersionKind.RALAT else [])
               for i in range(4)]
    bodies = ["Acara dimulai pukul 09.00 WIB.", "Acara diundur ke pukul 10.00 WIB.",
              "Acara diundur ke pukul 13.00 WIB."]
    key = snapshot("renstra").key
    snaps = [snapshot("renstra", number=numbers[i], ident=i + 1, uid=key,
                      revision=v1_revision if i == 0 else 1, version=i + 1, body=bodies[i],
                      approved_at=at[i], first_approved_at=at[0], history=history[:i + 1],
                      corrects_number=numbers[i - 1] if i else None)
             for i in range(3)]
    snaps.append(snaps[2].model_copy(update={
        "version": 4, "history": history, "revoked_at": at[3],
        "revoked_reason": "Acara dibatalkan"}))
    return snaps


def _renderer(root, engine=None) -> RadioRenderer:
    r = RadioRenderer(root, Settings().radio, engine=engine or NoSpeech())  # as a worker builds it
    r.clock = lambda: datetime(2026, 11, 25, tzinfo=timezone.utc)  # inside the notice's period
    return r


def _outputs(root) -> dict:
    return {p: p.read_bytes() for p in (root / "radio").rglob("*")
            if p.is_file() and ".state" not in p.parts}


def test_ralat_is_a_new_episode_with_its_own_guid_and_date(tmp_path):
    r = _renderer(tmp_path)
    v1, v2, v3, _ = _versions()
    r.render(envelope("radio", v1))
    (old,) = _feed(tmp_path).entries
    assert old.id == v1.key and old.title.startswith("045/")
    files = r.render(envelope("radio", v2, Kind.UPDATE))
    assert all("-v2-ralat" in f.name for f in files)
    (new,) = _feed(tmp_path).entries  # one item per announcement: the superseded one left
    assert new.id == f"{v1.key}-v2"
    assert new.title == "RALAT: 051/PENG/DISKOMINFO/XI/2026 — " + v1.title
    assert "pukul sepuluh WIB" in new.description and "Ralat" in new.description
    assert new.published_parsed == (2026, 11, 22, 2, 0, 0, 6, 326, 0)
    text = files[0].read_text()
    assert "Ralat atas nomor : 045/PENG/DISKOMINFO/XI/2026" in text and "Versi" in text


def test_versions_apply_in_order_and_older_ones_are_superseded(tmp_path):
    r = _renderer(tmp_path)
    v1, v2, v3, v4 = _versions()
    first = r.render(envelope("radio", v1))
    r.render(envelope("radio", v2, Kind.UPDATE))
    third = r.render(envelope("radio", v3, Kind.UPDATE))
    txt = next(f for f in third if f.suffix == ".txt")
    assert "pukul tiga belas WIB" in txt.read_text() and "-v3-ralat" in txt.name
    assert first[0].exists() and "pukul sembilan WIB" in first[0].read_text()  # not overwritten
    assert [e.id for e in _feed(tmp_path).entries] == [f"{v1.key}-v3"]
    before, held = _outputs(tmp_path), r.state.get(v1.key)
    for late, kind in ((v2, Kind.UPDATE), (v1, Kind.PUBLISH), (v3, Kind.UPDATE)):
        with pytest.raises(Superseded) as exc:  # v3 again under a new message id, too
            r.render(envelope("radio", late, kind))
        assert exc.value.held_version == 3 and "versi 3" in exc.value.reason
    assert _outputs(tmp_path) == before and r.state.get(v1.key) == held
    r.render(envelope("radio", v4, Kind.REVOKE))
    before = _outputs(tmp_path)
    with pytest.raises(Superseded) as exc:
        r.render(envelope("radio", v3, Kind.UPDATE))
    assert exc.value.held_version == 4 and "dicabut" in exc.value.reason
    assert _outputs(tmp_path) == before


def test_the_review_revision_never_decides(tmp_path):
    # the old bug: v1 went through three review rounds, its ralat starts again at revision 1
    r = _renderer(tmp_path)
    v1, v2, _, _ = _versions(v1_revision=3)
    r.render(envelope("radio", v1))
    r.render(envelope("radio", v2, Kind.UPDATE))
    assert r.state.get(v1.key)["version"] == 2
    assert "pukul sepuluh WIB" in _feed(tmp_path).entries[0].description


def test_revocation_notice_is_an_episode_for_a_while_and_a_late_publish_does_not_resurrect(
        tmp_path, monkeypatch):
    monkeypatch.setenv("WARTA_RADIO_WITHDRAWN_DAYS", "10")
    r = _renderer(tmp_path)
    v1, v2, v3, v4 = _versions()
    r.render(envelope("radio", v1))
    r.render(envelope("radio", snapshot("bansos", number="046/X")))
    files = r.render(envelope("radio", v4, Kind.REVOKE))
    assert "Acara dibatalkan" in files[0].read_text() and "-v4-dicabut" in files[0].name
    notice, other = _feed(tmp_path).entries
    assert notice.id == f"{v1.key}-v4"
    assert notice.title == "DICABUT: 058/PENG/DISKOMINFO/XI/2026 — " + v1.title
    assert "telah dicabut" in notice.description and "Acara dibatalkan" in notice.description
    with pytest.raises(Superseded):  # late redelivery with a new message id
        r.render(envelope("radio", v1))
    assert r.maintain() == []
    r.clock = lambda: v4.revoked_at + timedelta(days=10)
    assert r.maintain() == [tmp_path / "radio" / "feed.xml"]
    assert [e.title for e in _feed(tmp_path).entries] == \
        ["046/X — Penyaluran Bantuan Sosial Tunai Tahap IV"]
    # the expired notice left the live index: the next reads no longer meet it
    assert all(rec["key"] != v1.key for rec in r.state.latest(50)) and r.maintain() == []
    assert r.state.get(v1.key)["revoked"]


def test_withdrawn_days_setting():
    assert RadioSettings().withdrawn_days == 30
    assert RadioSettings(withdrawn_days=7).withdrawn_days == 7


def test_feed_links_use_the_public_url(tmp_path, monkeypatch):
    monkeypatch.setenv("WARTA_PUBLIC_URL", "https://ppid.example.go.id/")
    r = RadioRenderer(tmp_path, Settings().radio, engine=NoSpeech())
    assert Settings().radio.base_url == "https://ppid.example.go.id/radio"
    assert not any("PUBLIC_URL" in w for w in r.health())
    r.render(envelope("radio", snapshot("renstra")))
    parsed = _feed(tmp_path)
    assert parsed.feed.link == "https://ppid.example.go.id/web/"  # the website's home page
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
