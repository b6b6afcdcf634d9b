"""``radio/feed.xml`` read the way LibreTime imports podcast episodes.

Modelled on libretime/libretime (commit f371bcf, April 2026):

- ``legacy/application/services/PodcastEpisodeService.php``,
  ``Application_Service_PodcastEpisodeService::_getImportedPodcastEpisodeArray``: the feed is read
  with SimplePie; an item whose enclosure has no URL, or has no ``audio/*`` enclosure, is not an
  episode; an episode's GUID is ``SimplePie_Item::get_id()`` (feedparser's ``entry.id``: the
  ``<guid>``); its ``pub_date`` is the item's date.
- ``legacy/application/common/PodcastManager.php``, ``PodcastManager::_findUningestedEpisodes``
  (automatic ingest, hourly): episodes newest first; with no ingest timestamp yet only the newest
  is taken; an episode whose ``pub_date`` is older than the timestamp is skipped; an episode whose
  GUID is already stored (``findOneByDbEpisodeGuid``) is skipped; the timestamp becomes the
  newest ingested episode's ``pub_date``. ``addPlaceholder`` refuses a known GUID too.
- ``worker/libretime_worker/tasks.py``, ``podcast_download``: the enclosure URL is downloaded and
  its file name's extension tells the file type; the episode title becomes the track title.

:class:`Station` models exactly that, so these tests fail if a corrected version kept its GUID (the
station would never take the correction) or a late version were dated before what it ingested.
"""

from __future__ import annotations

import calendar
import hashlib
from datetime import datetime, timezone
from pathlib import Path

import feedparser

from channels.radio import RadioRenderer
from channels.radio.audio import EspeakEngine, Pcm
from shared.messages import Kind
from tests.channels.test_radio_render import _renderer, _versions
from tests.conftest import require_tool
from tests.factories import envelope, snapshot

BASE = "http://localhost:8000/radio/"


class Tone:
    """A speech engine stub: a second or two of PCM derived from the text (no espeak-ng), so
    every version gets real MP3 audio whose bytes depend on its script."""

    name = "tone"

    def unavailable(self) -> str | None:
        return None

    def synthesize(self, text: str) -> Pcm:
        seed = hashlib.sha256(text.encode()).digest()
        size = 2 * 16000 * (1 + len(text) % 2)
        return Pcm((seed * (size // len(seed) + 1))[:size], 16000, 1)


class Station:
    """LibreTime's podcast auto-ingest of one feed (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.known: dict[str, dict] = {}
        """Imported episodes by GUID: what ``findOneByDbEpisodeGuid`` finds."""
        self.ts: int | None = None
        """The podcast's auto-ingest timestamp (epoch seconds)."""

    def episodes(self) -> list:
        """``_getImportedPodcastEpisodeArray``: items with an audio enclosure, newest first."""
        parsed = feedparser.parse((self.root / "radio" / "feed.xml").read_bytes())
        assert not parsed.bozo, parsed.get("bozo_exception")
        items = [e for e in parsed.entries
                 if any(enc.get("href") and enc.get("type", "").startswith("audio")
                        for enc in e.get("enclosures", []))]
        return sorted(items, key=lambda e: calendar.timegm(e.published_parsed), reverse=True)

    def poll(self) -> list[dict]:
        """``_findUningestedEpisodes`` then ``podcast_download``: the episodes imported now."""
        new = []
        for i, entry in enumerate(self.episodes()):
            pub = calendar.timegm(entry.published_parsed)
            if (self.ts is None and i > 0) or (self.ts is not None and pub < self.ts):
                continue
            if entry.id in self.known:
                continue
            new.append(entry)
        if new:
            self.ts = calendar.timegm(new[0].published_parsed)
        imported = [self._download(e) for e in new]
        self.known.update((e["guid"], e) for e in imported)
        return imported

    def _download(self, entry) -> dict:
        (enc,) = entry.enclosures
        assert enc.href.startswith(BASE)
        path = self.root / "radio" / enc.href[len(BASE):]
        data = path.read_bytes()  # the station downloads the enclosure URL
        assert int(enc.length) == len(data) and path.suffix == ".mp3"
        return {"guid": entry.id, "title": entry.title, "text": entry.description,
                "file": path.name, "sha256": hashlib.sha256(data).hexdigest()}


def test_station_takes_every_version_once_and_the_revocation_notice(tmp_path):
    r = _renderer(tmp_path, Tone())
    station = Station(tmp_path)
    v1, v2, v3, v4 = _versions()
    env1 = envelope("radio", v1)
    r.render(env1)
    (ep1,) = station.poll()
    assert ep1["guid"] == v1.key and "pukul sembilan WIB" in ep1["text"]

    env2 = envelope("radio", v2, Kind.UPDATE)
    r.render(env2)
    (ep2,) = station.poll()  # a new GUID: the station takes the correction
    assert ep2["guid"] == f"{v1.key}-v2" and ep2["title"].startswith("RALAT: 051/")
    assert "pukul sepuluh WIB" in ep2["text"] and ep2["file"].endswith("-v2-ralat.mp3")
    assert ep2["sha256"] != ep1["sha256"]
    assert v1.key not in {e.id for e in station.episodes()}  # the superseded episode left

    r.render(env2)  # redelivery of the same message
    assert station.poll() == []
    r.render(envelope("radio", v3, Kind.UPDATE))
    (ep3,) = station.poll()
    assert ep3["guid"] == f"{v1.key}-v3" and "pukul tiga belas WIB" in ep3["text"]
    assert [e.id for e in station.episodes()] == [f"{v1.key}-v3"]

    r.render(envelope("radio", v4, Kind.REVOKE))
    (ep4,) = station.poll()
    assert ep4["guid"] == f"{v1.key}-v4" and ep4["title"].startswith("DICABUT: ")
    assert "telah dicabut" in ep4["text"] and ep4["file"].endswith("-v4-dicabut.mp3")
    assert station.poll() == []
    assert len(station.known) == 4


def test_a_late_delivery_is_not_dated_before_what_the_station_took(tmp_path):
    # B (approved 09:00) reaches the radio after A (approved 09:05) was ingested, e.g. after a
    # retry: dated 09:00 it would be older than the station's ingest timestamp and never air
    r = _renderer(tmp_path, Tone())
    station = Station(tmp_path)
    a = snapshot("bansos", number="046/X", approved_at=datetime(2026, 11, 21, 2, 5, tzinfo=timezone.utc))
    b = snapshot("cpns", number="047/X", approved_at=datetime(2026, 11, 21, 2, 0, tzinfo=timezone.utc))
    r.render(envelope("radio", a))
    assert [e["guid"] for e in station.poll()] == [a.key]
    r.render(envelope("radio", b))
    assert [e["guid"] for e in station.poll()] == [b.key]


def test_without_audio_there_is_no_episode_but_the_script_is_in_the_feed(tmp_path):
    r = _renderer(tmp_path)  # NoSpeech
    r.render(envelope("radio", _versions()[0]))
    assert Station(tmp_path).poll() == []
    assert "pukul sembilan WIB" in feedparser.parse(
        (tmp_path / "radio" / "feed.xml").read_bytes()).entries[0].description


def test_station_takes_a_correction_read_by_espeak_ng(tmp_path):
    require_tool("espeak-ng")
    r = _renderer(tmp_path, EspeakEngine())
    assert r.audio_off is None
    station = Station(tmp_path)
    v1, v2, _, _ = _versions()
    r.render(envelope("radio", v1))
    (ep1,) = station.poll()
    r.render(envelope("radio", v2, Kind.UPDATE))
    (ep2,) = station.poll()
    assert ep2["guid"] == f"{v1.key}-v2" and ep2["sha256"] != ep1["sha256"]
    mp3 = (tmp_path / "radio" / "audio" / ep2["file"]).read_bytes()
    assert mp3[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2", b"ID")
    assert isinstance(r, RadioRenderer) and "pukul sepuluh WIB" in ep2["text"]
