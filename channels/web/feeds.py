"""The website's aggregate feeds from the latest N records: RSS 2.0 (``rss.xml``), Atom 1.0
(``atom.xml``) and JSON Feed 1.1 (``feed.json``). Dates are timezone-aware (RFC 822 in RSS, RFC 3339
in Atom and JSON); every link is absolute. Output is deterministic for the same records, so
regenerating changes nothing.

One entry per announcement (its key is the id), as it is now: a correction keeps the entry, moves
its ``updated`` and marks the title "RALAT: "; ``published`` (RSS ``pubDate``) stays the first
publication. A revocation stays as a "DICABUT: " entry saying when and why for
``WARTA_WEB_WITHDRAWN_DAYS`` (the renderer picks the records), so subscribers learn of it.

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

from channels.web import versions
from channels.web.text import clean, esc, one_line, paragraphs_html

JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
ATOM_NS = "http://www.w3.org/2005/Atom"
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


class _RssUpdated(BaseEntryExtension):
    """Adds ``<atom:updated>`` to an RSS item: RSS 2.0 has only ``pubDate``, which stays the first
    publication, so readers learn of a correction or revocation from this (feedparser reads it
    as the entry's ``updated``)."""

    def __init__(self) -> None:
        self.updated: datetime | None = None

    def extend_rss(self, entry):  # noqa: ANN001, ANN201 - feedgen's lxml element
        """Append the element (feedgen calls this while it builds the item)."""
        if self.updated:
            xml_elem(f"{{{ATOM_NS}}}updated", entry).text = self.updated.isoformat()
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
        fe.title(one_line(versions.title(rec)))
        fe.link(href=rec["url"], rel="alternate")
        # feedgen's pubDate() and published() set the same field: RSS <pubDate> and Atom
        # <published> are the first publication, which never moves; <updated> is the last change.
        fe.published(_when(rec["published"]))
        fe.updated(_when(rec["updated"]))
        if atom:
            fe.summary(summary_text(rec))
            fe.content(body_html(rec), type="html")
        else:
            fe.description(body_html(rec))
            fe.register_extension("warta_updated", _RssUpdated, atom=False, rss=True)
            fe.warta_updated.updated = _when(rec["updated"])
        fe.category(term=snap["klasifikasi"], label=snap["klasifikasi"])
        image = rec.get("image")
        if image and atom:
            fe.register_extension("warta_enclosure", _AtomEnclosure, atom=True, rss=False)
            fe.warta_enclosure.image = image
        elif image:
            fe.enclosure(image["url"], str(image["size"]), image["mime"])
    return fg


def summary_text(rec: dict) -> str:
    """A short plain-text summary: why it was withdrawn, else the summary (or the start of the
    body, or the title), after the correction notice while the current version is a ralat."""
    snap = rec["snap"]
    if rec.get("revoked"):
        return clean(versions.withdrawal_text(rec))
    text = clean(snap.get("summary")) or clean(snap["body"])[:300] or one_line(snap["title"])
    notice = versions.ralat_text(rec)
    return clean(f"{notice}\n\n{text}") if notice else text


def body_text(rec: dict) -> str:
    """The full plain text of an entry: the withdrawal or correction notice, then the body."""
    snap = rec["snap"]
    notices = [versions.withdrawal_text(rec), versions.ralat_text(rec)]
    return clean("\n\n".join([n for n in notices if n] + [snap["body"]]))


def body_html(rec: dict) -> str:
    """:func:`body_text` (with the summary after the notices) as escaped HTML paragraphs, which a
    feed reader renders: markup typed into the text shows literally, blank lines stay paragraphs."""
    snap = rec["snap"]
    notices = [versions.withdrawal_text(rec), versions.ralat_text(rec)]
    head = "".join(f"<p><strong>{esc(one_line(n))}</strong></p>\n" for n in notices if n)
    if snap.get("summary") and not rec.get("revoked"):
        head += f"<p><em>{esc(one_line(snap['summary']))}</em></p>\n"
    return head + paragraphs_html(snap["body"])


def rss_bytes(records: list[dict], base_url: str, title: str) -> bytes:
    """``rss.xml``."""
    fg = _base_feed(records, base_url, title, "rss.xml", atom=False)
    fg.description(one_line(f"{title}: informasi publik terbaru"))
    return fg.rss_str(pretty=True)


def atom_bytes(records: list[dict], base_url: str, title: str) -> bytes:
    """``atom.xml`` (a plain-text summary and the full text as HTML content)."""
    return _base_feed(records, base_url, title, "atom.xml", atom=True).atom_str(pretty=True)


def json_feed_bytes(records: list[dict], base_url: str, title: str) -> bytes:
    """``feed.json`` (JSON Feed 1.1)."""
    items = []
    for rec in records:
        snap = rec["snap"]
        items.append({
            "id": snap["key"],
            "url": rec["url"],
            "title": one_line(versions.title(rec)),
            "summary": one_line(summary_text(rec)),
            "content_text": body_text(rec),
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
