"""``radio/feed.xml``: RSS 2.0 with the podcast (iTunes) extension, as LibreTime's podcast import
reads it (``legacy/application/services/PodcastEpisodeService.php``,
``_getImportedPodcastEpisodeArray``, and ``legacy/application/common/PodcastManager.php``,
``_findUningestedEpisodes``):

- an episode is identified by its GUID (SimplePie ``get_id()``, feedparser ``entry.id``), and an
  episode whose GUID the station already knows is never imported again, even when its audio or text
  changed. So every public version of an announcement is a *new* episode with its own GUID:

  ``<key>`` for version 1 (what this feed has always used, so stations that imported it before keep
  knowing it) and ``<key>-v<version>`` for each ralat and for the pencabutan (``-v2``, ``-v3``...);

- the feed carries one item per announcement, its current version: a superseded episode leaves the
  feed when its ralat arrives; the pencabutan ("DICABUT: ...", the spoken revocation notice) stays
  for ``WARTA_RADIO_WITHDRAWN_DAYS`` and then leaves too;
- only items with an ``audio/*`` enclosure URL are episodes (the enclosure carries the file's exact
  byte length and absolute URL; the file name ends in ``.mp3``, which LibreTime's downloader uses to
  tell the file type). Items without audio (no speech engine) still carry the script for people;
- automatic ingest skips an episode whose ``pubDate`` is older than the newest episode it already
  ingested; the renderer therefore never dates a new episode before the newest one in the feed.
"""

from __future__ import annotations

from datetime import datetime

from feedgen.feed import FeedGenerator

from channels.web.feeds import newest
from channels.web.text import clean, one_line

PREFIX = {"update": "RALAT: ", "revoke": "DICABUT: "}
"""The title prefix of a corrected episode and of the revocation notice (listeners see it)."""


def hms(seconds: float) -> str:
    """``83.4`` → ``00:01:24`` (rounded up, so a short clip is never 0)."""
    total = int(-(-seconds // 1))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def guid(key: str, version: int) -> str:
    """The episode GUID of ``version`` of announcement ``key`` (see the module docstring)."""
    return key if version <= 1 else f"{key}-v{version}"


def episode_title(rec: dict) -> str:
    """``RALAT: 046/... — Judul`` for a correction, ``DICABUT: ...`` for the revocation notice."""
    kind = rec.get("kind", "publish")
    if kind == "publish" and rec.get("version", 1) > 1:
        kind = "update"  # a later version is a correction whatever the envelope was called
    return one_line(f"{PREFIX.get(kind, '')}{rec['number']} — {rec['title']}")


def feed_bytes(records: list[dict], base_url: str, station: str, site_url: str) -> bytes:
    """The podcast feed of ``records`` (one per announcement, newest first)."""
    fg = FeedGenerator()
    fg.load_extension("podcast")
    title = one_line(f"Naskah Siaran — {station}")
    fg.title(title)
    fg.link(href=f"{base_url}/feed.xml", rel="self")  # RSS <link> is the last one added
    fg.link(href=site_url, rel="alternate")
    fg.description(one_line(f"Pengumuman resmi untuk disiarkan oleh {station}"))
    fg.language("id")
    fg.lastBuildDate(newest(records))
    fg.podcast.itunes_author(one_line(station))
    fg.podcast.itunes_category("Government & Organizations", "Local")
    fg.podcast.itunes_explicit("no")
    fg.podcast.itunes_summary(one_line(f"Naskah siaran pengumuman untuk {station}"))
    for rec in records:
        fe = fg.add_entry(order="append")
        fe.guid(guid(rec["key"], rec.get("version", 1)), permalink=False)
        fe.title(episode_title(rec))
        fe.link(href=rec["link"])
        fe.pubDate(datetime.fromisoformat(rec["updated"]))
        fe.description(clean(rec["spoken"]))
        audio = rec.get("audio")
        if audio:
            fe.enclosure(f"{base_url}/audio/{audio['file']}", str(audio["length"]), audio["type"])
            fe.podcast.itunes_duration(hms(audio["seconds"]))
        else:
            fe.podcast.itunes_duration(hms(rec["estimate"]))
    return fg.rss_str(pretty=True)
