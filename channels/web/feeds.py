"""The website's aggregate feeds from the latest N records: RSS 2.0 (``rss.xml``), Atom 1.0
(``atom.xml``) and JSON Feed 1.1 (``feed.json``). Dates are timezone-aware (RFC 822 in RSS, RFC 3339
in Atom and JSON); every link is absolute. Output is deterministic for the same records, so
regenerating changes nothing.

An announcement's picture is the RSS ``<enclosure>``, an Atom ``<link rel="enclosure">`` and the
JSON Feed ``image``. feedgen 1.0.0 writes Atom links without their ``rel``, ``type`` and
``length`` (the loop in ``FeedEntry.atom_entry`` shadows its own variable; its issue #135), which
would turn an enclosure into a second "alternate" link, so the Atom enclosure is added by a small
entry extension instead of ``FeedEntry.enclosure``.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timezone
from urllib.parse import quote

from feedgen.ext.base import BaseEntryExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from channels.web.text import clean, one_line

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
_EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


def atom_id(key: str) -> str:
    """An IRI for ``key`` (Atom ids must be IRIs): ``urn:uuid:`` for UUID keys, else a ``tag:`` URI."""
    try:
        return f"urn:uuid:{uuid.UUID(key)}"
    except ValueError:
        return f"tag:warta,2026:{quote(key, safe='')}"


class _AtomEnclosure(BaseEntryExtension):
    """Adds ``<link rel="enclosure" href type length>`` to an Atom entry."""

    def __init__(self) -> None:
        self.image: dict | None = None

    def extend_atom(self, entry):  # noqa: ANN001, ANN201 - feedgen's lxml element
        """Append the enclosure link (feedgen calls this while it builds the entry)."""
        if self.image:
            xml_elem("link", entry, href=self.image["url"], rel="enclosure", type=self.image["mime"],
                     length=str(self.image["size"]))
        return entry


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value)


def newest(records: list[dict]) -> datetime:
    """The newest ``updated`` of ``records`` (the feed's own date; a fixed date when empty, so
    an empty feed is still deterministic)."""
    return max((_when(r["updated"]) for r in records), default=_EPOCH)


def _base_feed(records: list[dict], base_url: str, title: str, self_name: str,
               atom: bool) -> FeedGenerator:
    fg = FeedGenerator()
    fg.id(f"{base_url}/")
    fg.title(one_line(title))
    fg.subtitle(one_line(f"{title}: informasi publik terbaru"))
    # feedgen's RSS <link> is the last link added, so the self link goes first
    fg.link(href=f"{base_url}/{self_name}", rel="self")
    fg.link(href=f"{base_url}/index.html", rel="alternate")
    fg.language("id")
    fg.author({"name": one_line(title)})
    fg.updated(newest(records))
    fg.lastBuildDate(newest(records))
    for rec in records:  # records come newest first; append keeps that order
        snap = rec["snap"]
        fe = fg.add_entry(order="append")
        # feedgen ties RSS guid and Atom id together: RSS gets the bare key, Atom an IRI of it
        if atom:
            fe.id(atom_id(snap["key"]))
        else:
            fe.guid(snap["key"], permalink=False)
        fe.title(one_line(f"{snap['number']} — {snap['title']}"))
        fe.link(href=rec["url"], rel="alternate")
        fe.published(_when(rec["published"]))
        fe.updated(_when(rec["updated"]))
        fe.pubDate(_when(rec["updated"]))
        summary = clean(snap.get("summary")) or clean(snap["body"])[:300] or one_line(snap["title"])
        fe.description(summary)
        fe.content(clean(snap["body"]), type="text")
        fe.category(term=snap["klasifikasi"], label=snap["klasifikasi"])
        image = rec.get("image")
        if image and atom:
            fe.register_extension("warta_enclosure", _AtomEnclosure, atom=True, rss=False)
            fe.warta_enclosure.image = image
        elif image:
            fe.enclosure(image["url"], str(image["size"]), image["mime"])
    return fg


def rss_bytes(records: list[dict], base_url: str, title: str) -> bytes:
    """``rss.xml``."""
    fg = _base_feed(records, base_url, title, "rss.xml", atom=False)
    fg.description(one_line(f"{title}: informasi publik terbaru"))
    return fg.rss_str(pretty=True)


def atom_bytes(records: list[dict], base_url: str, title: str) -> bytes:
    """``atom.xml`` (summary and full text content; no enclosures)."""
    return _base_feed(records, base_url, title, "atom.xml", atom=True).atom_str(pretty=True)


def json_feed_bytes(records: list[dict], base_url: str, title: str) -> bytes:
    """``feed.json`` (JSON Feed 1.1)."""
    items = []
    for rec in records:
        snap = rec["snap"]
        items.append({
            "id": snap["key"],
            "url": rec["url"],
            "title": one_line(f"{snap['number']} — {snap['title']}"),
            "summary": one_line(snap.get("summary")),
            "content_text": clean(snap["body"]),
            "date_published": _when(rec["published"]).isoformat(),
            "date_modified": _when(rec["updated"]).isoformat(),
            "tags": [snap["klasifikasi"]],
            "language": "id",
        })
        if rec.get("image"):
            items[-1]["image"] = rec["image"]["url"]
    feed = {
        "version": JSON_FEED_VERSION,
        "title": one_line(title),
        "home_page_url": f"{base_url}/index.html",
        "feed_url": f"{base_url}/feed.json",
        "language": "id",
        "items": items,
    }
    return json.dumps(feed, ensure_ascii=False, indent=2).encode("utf-8")
