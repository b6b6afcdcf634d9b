"""``radio/feed.xml``: RSS 2.0 with the podcast (iTunes) extension, as podcast-importing radio
automation (LibreTime) reads it: one item per announcement with a stable GUID (the snapshot key), an
``audio/mpeg`` enclosure with the file's exact byte length and absolute URL, ``itunes:duration`` and
the script in the description. Items without audio (no speech engine) still carry the script."""

from __future__ import annotations

from datetime import datetime

from feedgen.feed import FeedGenerator

from channels.web.feeds import newest
from channels.web.text import clean, one_line


def hms(seconds: float) -> str:
    """``83.4`` → ``00:01:24`` (rounded up, so a short clip is never 0)."""
    total = int(-(-seconds // 1))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def feed_bytes(records: list[dict], base_url: str, station: str, site_url: str) -> bytes:
    """The podcast feed of ``records`` (newest first)."""
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
        fe.guid(rec["key"], permalink=False)
        fe.title(one_line(f"{rec['number']} — {rec['title']}"))
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
