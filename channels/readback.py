"""Read-back: what makes a ``confirmed`` receipt proof of publication.

A render that returned only says that files were written. Before a worker reports ``confirmed``
(or ``revoked``), it reads the channel's public output back the way its consumer reads it — the
web page and feeds as a browser and a feed reader do, the podcast feed as radio automation does,
``playlist.json`` as the videotron player does, the PDF's text as a person reads the paper — and
checks that it shows THIS message's version. What it read is summarised as canonical JSON
(:class:`ReadBack`); the receipt carries the summary and its sha256 (signed with the rest) and
the archive files it as ``readback.json`` next to the artifacts.

When the output does not show this version (a stale feed, a page overwritten by an older render,
a missing slide) the renderer raises :class:`ReadBackError`, a :class:`TransientRenderError`: the
message is rendered again later and no ``confirmed`` receipt goes out meanwhile.

The summary holds no clock time and no host name (the receipt has them), so reading the same
output twice gives the same digest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

from channels.base import TransientRenderError
from shared.messages import Envelope
from shared.slug import sha256_file

ARTIFACT_NAME = "readback.json"
"""The read-back's name among a receipt's artifacts (and in the archived proof)."""


class ReadBackError(TransientRenderError):
    """The public output does not show this message's version (``str()`` says what is wrong, in
    Indonesian). Transient: the render is retried, and nothing is confirmed meanwhile."""


@dataclass(frozen=True)
class ReadBack:
    """What a worker read back from its public output, as a canonical JSON summary."""

    summary: dict = field(default_factory=dict)

    @property
    def data(self) -> bytes:
        """The canonical bytes (sorted keys, UTF-8): ``readback.json`` and what ``sha256`` hashes."""
        text = json.dumps(self.summary, sort_keys=True, ensure_ascii=False, indent=1)
        return (text + "\n").encode("utf-8")

    @property
    def sha256(self) -> str:
        """Hex sha256 of :attr:`data`."""
        import hashlib

        return hashlib.sha256(self.data).hexdigest()

    def for_receipt(self) -> dict:
        """The receipt's ``readback`` field: the digest and the summary it is the digest of."""
        return {"sha256": self.sha256, "summary": self.summary}


def header(channel: str, envelope: Envelope) -> dict:
    """The part every summary starts with: which message and version was read back for."""
    snap = envelope.announcement
    return {"channel": channel, "key": snap.key, "version": snap.version, "number": snap.number,
            "kind": str(envelope.kind), "message_id": envelope.message_id}


def file_entry(root: Path, path: Path) -> dict:
    """A file that was read: its name under the channel folder, size and sha256. A file that is
    gone is a failed read-back, never a proof."""
    path = Path(path)
    if not path.is_file():
        raise ReadBackError(f"Berkas keluaran hilang saat dibaca ulang: {_name(root, path)}")
    return {"file": _name(root, path), "size": path.stat().st_size, "sha256": sha256_file(path)}


def _name(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def files_read_back(channel: str, root: Path, envelope: Envelope, files: list[Path]) -> ReadBack:
    """The default read-back (no-op and test renderers): every produced file is there, with its
    digest."""
    summary = header(channel, envelope)
    summary["files"] = [file_entry(root, Path(f)) for f in files]
    summary["note"] = "Berkas keluaran dibaca ulang dan dihitung sidik jarinya (sha256)."
    return ReadBack(summary)


def json_items(path: Path) -> list:
    """The ``items`` of a JSON output (``playlist.json``, ``feed.json``); ``ReadBackError`` when
    it cannot be read."""
    try:
        return json.loads(path.read_bytes())["items"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ReadBackError(f"{path.name} tidak dapat dibaca: {exc}") from None


def require(condition: object, reason: str) -> None:
    """Raise :class:`ReadBackError` with ``reason`` unless ``condition`` holds."""
    if not condition:
        raise ReadBackError(reason)


def squash(text: str | None) -> str:
    """``text`` with every run of whitespace as one space (how layouts differ, words do not)."""
    return " ".join((text or "").split())


def dense(text: str | None) -> str:
    """``text`` without any whitespace: for numbers a layout may break or pad."""
    return "".join((text or "").split())


# -- HTML as text ------------------------------------------------------------------------------

_BREAKS = {"p", "br", "div", "section", "article", "main", "footer", "header", "h1", "h2", "h3",
           "li", "ol", "ul", "dl", "dt", "dd", "figure", "figcaption", "title", "body", "html",
           "head", "tr", "td", "th", "table"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):  # noqa: ANN001, ANN201 - HTMLParser's interface
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):  # noqa: ANN001, ANN201
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in _BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):  # noqa: ANN001, ANN201
        if not self._skip:
            self.parts.append(data)


def html_text(data: bytes) -> str:
    """The text a reader sees on an HTML page (scripts and styles left out, blocks on lines)."""
    parser = _Text()
    parser.feed(data.decode("utf-8", errors="replace"))
    parser.close()
    return "".join(parser.parts)


# -- feeds as a feed reader reads them ---------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_reader() -> str:
    """Which parser reads the feeds: feedparser (what feed readers use) when installed, else the
    stdlib XML parser (same fields; feedparser is not a runtime dependency yet)."""
    try:
        import feedparser
    except ImportError:
        return "xml.etree"
    return f"feedparser {feedparser.__version__}"


def feed_entries(data: bytes) -> list[dict]:
    """The entries of an RSS 2.0 or Atom feed as ``{"id", "title", "link", "updated",
    "enclosures": [{"href", "length", "type"}], "description"}`` (``updated`` in UTC, ISO 8601).
    Raises :class:`ReadBackError` when the feed does not parse."""
    try:
        import feedparser
    except ImportError:
        return etree_entries(data)
    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise ReadBackError(f"Feed tidak dapat dibaca: {parsed.get('bozo_exception')}")
    out = []
    for e in parsed.entries:
        # asked explicitly: feedparser's own fallback from one to the other warns
        when = (e["updated_parsed"] if "updated_parsed" in e else None) or (
            e["published_parsed"] if "published_parsed" in e else None)
        out.append({
            "id": e.get("id", ""), "title": e.get("title", ""), "link": e.get("link", ""),
            "updated": (datetime(*when[:6]).replace(tzinfo=timezone.utc).isoformat() if when else ""),
            "enclosures": [{"href": x.get("href", ""), "length": str(x.get("length", "")),
                            "type": x.get("type", "")} for x in e.get("enclosures", [])],
            "description": e.get("description", "") or e.get("summary", ""),
        })
    return out


def feed_entry(data: bytes, entry_id: str) -> dict | None:
    """The entry ``entry_id`` of an RSS or Atom feed as :func:`feed_entries` reads it, or None.

    Why the trim: feedparser sanitises every entry's HTML, about 1 ms an entry, so a 50-entry
    feed would cost more to read than to write. Entries are read independently of each other, so
    the feed is cut down to the wanted entry (stdlib XML, which also proves the whole file is
    well-formed) and only that is given to feedparser."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ReadBackError(f"Feed tidak dapat dibaca: {exc}") from None
    parent = root.find("channel")
    if parent is not None:  # RSS 2.0
        tag, key = "item", "guid"
    else:  # Atom 1.0
        parent, tag, key = root, f"{ATOM}entry", f"{ATOM}id"
    wanted = False
    for element in parent.findall(tag):
        if (element.findtext(key) or "").strip() == entry_id:
            wanted = True
        else:
            parent.remove(element)
    if not wanted:
        return None
    trimmed = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return next((e for e in feed_entries(trimmed) if e["id"] == entry_id), None)


def etree_entries(data: bytes) -> list[dict]:
    """:func:`feed_entries` with the stdlib XML parser: the text exactly as the bytes hold it."""
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise ReadBackError(f"Feed tidak dapat dibaca: {exc}") from None
    out = []
    for item in root.iter("item"):  # RSS 2.0
        when = item.findtext(f"{ATOM}updated") or item.findtext("pubDate") or ""
        out.append({
            "id": item.findtext("guid") or "", "title": item.findtext("title") or "",
            "link": item.findtext("link") or "", "updated": utc_iso(when),
            "enclosures": [{"href": x.get("url", ""), "length": x.get("length", ""),
                            "type": x.get("type", "")} for x in item.findall("enclosure")],
            "description": item.findtext("description") or "",
        })
    for entry in root.iter(f"{ATOM}entry"):  # Atom 1.0
        links = entry.findall(f"{ATOM}link")
        alternate = next((x.get("href", "") for x in links
                          if x.get("rel", "alternate") == "alternate"), "")
        out.append({
            "id": entry.findtext(f"{ATOM}id") or "", "title": entry.findtext(f"{ATOM}title") or "",
            "link": alternate, "updated": utc_iso(entry.findtext(f"{ATOM}updated") or ""),
            "enclosures": [{"href": x.get("href", ""), "length": x.get("length", ""),
                            "type": x.get("type", "")} for x in links if x.get("rel") == "enclosure"],
            "description": entry.findtext(f"{ATOM}summary") or "",
        })
    return out


def utc_iso(value: str) -> str:
    """An RFC 822 or ISO 8601 date as ISO 8601 in UTC, whole seconds (as feedparser gives it)."""
    value = value.strip()
    if not value:
        return ""
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return ""
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).replace(microsecond=0).isoformat()
