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

import hashlib
import io
from datetime import datetime
from pathlib import Path

from feedgen.feed import FeedGenerator
from PIL import Image, ImageDraw

from channels.assets import font, logo_image
from channels.base import atomic_write
from channels.radio.speech_text import name_case
from channels.web.feeds import newest
from channels.web.text import clean, one_line
from shared.messages import AgencySnapshot, Kind

PREFIX = {Kind.UPDATE: "RALAT: ", Kind.REVOKE: "DICABUT: "}
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
    kind = rec.get("kind", Kind.PUBLISH)
    if kind == Kind.PUBLISH and rec.get("version", 1) > 1:
        kind = Kind.UPDATE  # a later version is a correction whatever the envelope was called
    return one_line(f"{PREFIX.get(kind, '')}{rec['number']} — {rec['title']}")


COVER_SIZE = 1400
"""Side of the square podcast cover: Apple Podcasts asks for 1400 to 3000 pixels, RGB."""


def cover_png(agency: AgencySnapshot) -> bytes:
    """The podcast cover: the agency logo (or the bundled emblem) on white with the agency's short
    name and "Pengumuman Resmi" under it, 1400×1400 RGB PNG."""
    canvas = Image.new("RGB", (COVER_SIZE, COVER_SIZE), "white")
    logo, _ = logo_image(agency.logo_png_b64)
    scale = 820 / max(logo.width, logo.height)  # up as well as down: the emblem is 256 px
    logo = logo.resize((max(1, round(logo.width * scale)), max(1, round(logo.height * scale))),
                       Image.Resampling.LANCZOS)
    canvas.paste(logo, ((COVER_SIZE - logo.width) // 2, 140 + (820 - logo.height) // 2), logo)
    draw = ImageDraw.Draw(canvas)
    for text, size, bold, y in ((one_line(agency.short_name) or "PPID", 120, True, 1040),
                                ("Pengumuman Resmi", 72, False, 1200)):
        face = font(size, bold)
        while draw.textlength(text, font=face) > COVER_SIZE - 160 and size > 24:
            size -= 4
            face = font(size, bold)
        width = draw.textlength(text, font=face)
        draw.text(((COVER_SIZE - width) / 2, y), text, fill=(20, 40, 80), font=face)
    buf = io.BytesIO()
    canvas.save(buf, "PNG", optimize=True)
    return buf.getvalue()


def podcast_info(agency: AgencySnapshot, root: Path) -> dict:
    """The channel-level podcast fields of ``agency`` (author, owner, cover file), writing the cover
    next to the feed when it is not there yet. The file is named after the logo, because podcast
    apps keep a cover whose URL did not change."""
    digest = hashlib.sha256(f"cover-v1:{agency.short_name}:{agency.logo_png_b64}".encode())
    name = f"sampul-{digest.hexdigest()[:12]}.png"
    if not (root / name).exists():
        atomic_write(root / name, cover_png(agency))
    unit = name_case(one_line(agency.unit))
    owner = one_line(f"{unit} {agency.area_desc}")
    return {"author": owner, "owner_name": owner, "owner_email": one_line(agency.email),
            "image": name}


def feed_bytes(records: list[dict], base_url: str, station: str, site_url: str,
               podcast: dict | None = None, category: str = "Government") -> bytes:
    """The podcast feed of ``records`` (one per announcement, newest first); ``podcast`` is the
    newest record's :func:`podcast_info` (cover, owner), ``category`` an Apple Podcasts category."""
    fg = FeedGenerator()
    fg.load_extension("podcast")
    title = one_line(f"Naskah Siaran — {station}")
    fg.title(title)
    fg.link(href=f"{base_url}/feed.xml", rel="self")  # RSS <link> is the last one added
    fg.link(href=site_url, rel="alternate")
    fg.description(one_line(f"Pengumuman resmi untuk disiarkan oleh {station}"))
    fg.language("id")
    fg.lastBuildDate(newest(records))
    podcast = podcast or {}
    fg.podcast.itunes_author(podcast.get("author") or one_line(station))
    # Apple's category list since 2019 has "Government" with no subcategory (feedgen still lists
    # the retired "Government & Organizations" but does not enforce its list)
    fg.podcast.itunes_category({"cat": category})
    if podcast.get("owner_name") and podcast.get("owner_email"):
        fg.podcast.itunes_owner(podcast["owner_name"], podcast["owner_email"])
    if podcast.get("image"):
        fg.podcast.itunes_image(f"{base_url}/{podcast['image']}")
        fg.image(url=f"{base_url}/{podcast['image']}", title=title, link=site_url)
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
