"""The public outputs read the way their consumers read them: the web page as a browser shows its
text (lxml ``text_content``), RSS/Atom through feedparser and the JSON Feed through json, the CAP
files against the OASIS schema and ``cap/index.xml`` through feedparser, the radio podcast feed as
LibreTime's podcast import treats it (GUIDs), the radio scripts as the announcer reads them, the
videotron playlist as the player loads it, and the printed notices through ``pdftotext``.

Every reader returns plain data; the assertions live in :mod:`tests.lifecycle.invariant`."""

from __future__ import annotations

import calendar
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import feedparser
from lxml import etree
from lxml import html as lxml_html

PUBLIC_URL = "https://warta.example.go.id"
"""``WARTA_PUBLIC_URL`` of the lifecycle runs: the site root, at which the output folder is served
one to one (shared/public_urls.py), so every link in an output maps to one file."""

XSD = Path(__file__).resolve().parents[1] / "data" / "CAP-v1.2.xsd"
CAP_NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}


def norm(text: str | None) -> str:
    """``text`` with every run of white space as one space (what a reader sees)."""
    return " ".join((text or "").split())


def html_text(markup: str) -> str:
    """The visible text of an HTML fragment or page, as a browser shows it."""
    if not markup.strip():
        return ""
    return norm(lxml_html.fromstring(markup).text_content())


def url_path(out: Path, url: str) -> Path:
    """The output file a public URL points at."""
    assert url.startswith(PUBLIC_URL + "/"), url
    return out / url[len(PUBLIC_URL) + 1:]


# -- web -----------------------------------------------------------------------------------------

@dataclass
class Page:
    """An item page as a browser shows it."""

    path: Path
    text: str
    ralat: list[str]
    """The text of each RALAT notice section."""
    revoked: list[str]
    """The text of each withdrawal notice section."""


def read_page(path: Path) -> Page:
    doc = lxml_html.fromstring(path.read_bytes())
    return Page(path=path, text=norm(doc.text_content()),
                ralat=[norm(s.text_content()) for s in doc.xpath("//section[contains(@class,'ralat')]")],
                revoked=[norm(s.text_content()) for s in doc.xpath("//section[contains(@class,'revoked')]")])


@dataclass
class FeedEntry:
    """One feed entry as a reader gets it."""

    feed: str
    key: str
    """The announcement key the entry's id names."""
    title: str
    text: str
    """Everything the reader shows of the entry (summary and content), as plain text."""
    link: str


def _key_of(entry_id: str) -> str:
    return entry_id[len("urn:uuid:"):] if entry_id.startswith("urn:uuid:") else entry_id


def parse_feed(path: Path):  # noqa: ANN201 - feedparser's dict
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path.name}: {parsed.get('bozo_exception')}"
    return parsed


def web_feeds(out: Path) -> dict[str, list[FeedEntry]]:
    """``rss.xml`` and ``atom.xml`` through feedparser, ``feed.json`` through json."""
    got: dict[str, list[FeedEntry]] = {}
    for name in ("rss.xml", "atom.xml"):
        entries = []
        for e in parse_feed(out / "web" / name).entries:
            parts = [e.get("summary", "")] + [c.value for c in e.get("content", [])]
            entries.append(FeedEntry(name, _key_of(e.id), norm(e.title),
                                     norm(" ".join(html_text(p) for p in parts)), e.link))
        got[name] = entries
    data = json.loads((out / "web" / "feed.json").read_text(encoding="utf-8"))
    got["feed.json"] = [FeedEntry("feed.json", i["id"], norm(i["title"]),
                                  norm(f"{i.get('summary', '')} {i.get('content_text', '')}"),
                                  i["url"]) for i in data["items"]]
    return got


# -- CAP -----------------------------------------------------------------------------------------

@dataclass
class CapAlert:
    """One CAP file."""

    path: Path
    valid: bool
    errors: str
    identifier: str
    sender: str
    sent: str
    msg_type: str
    references: list[str]
    web: str
    description: str
    headline: str
    note: str

    @property
    def triple(self) -> str:
        """How later messages refer to this one: ``sender,identifier,sent``."""
        return f"{self.sender},{self.identifier},{self.sent}"


_SCHEMA: list[etree.XMLSchema] = []


def cap_schema() -> etree.XMLSchema:
    if not _SCHEMA:
        _SCHEMA.append(etree.XMLSchema(etree.parse(str(XSD))))
    return _SCHEMA[0]


def cap_alerts(out: Path) -> list[CapAlert]:
    """Every ``web/cap/*.xml`` alert (not the index), each validated against CAP 1.2's schema."""
    schema = cap_schema()
    alerts = []
    for path in sorted((out / "web" / "cap").glob("*.xml")):
        if path.name == "index.xml":
            continue
        doc = etree.parse(str(path))
        valid = schema.validate(doc)

        def one(xpath: str, doc=doc) -> str:  # noqa: ANN001
            found = doc.xpath(xpath, namespaces=CAP_NS)
            return norm(found[0].text) if found else ""

        refs = one("/cap:alert/cap:references")
        alerts.append(CapAlert(
            path=path, valid=valid, errors=str(schema.error_log) if not valid else "",
            identifier=one("/cap:alert/cap:identifier"), sender=one("/cap:alert/cap:sender"),
            sent=one("/cap:alert/cap:sent"), msg_type=one("/cap:alert/cap:msgType"),
            references=refs.split() if refs else [], web=one("/cap:alert/cap:info/cap:web"),
            description=one("/cap:alert/cap:info/cap:description"),
            headline=one("/cap:alert/cap:info/cap:headline"), note=one("/cap:alert/cap:note")))
    return alerts


@dataclass
class CapIndexEntry:
    guid: str
    title: str
    link: str
    msg_type: str


def cap_index(out: Path) -> list[CapIndexEntry]:
    """``web/cap/index.xml`` as an alert poller reads it (feedparser)."""
    path = out / "web" / "cap" / "index.xml"
    if not path.exists():
        return []
    return [CapIndexEntry(e.id, norm(e.title), e.link,
                          (e.get("tags") or [{}])[0].get("term", ""))
            for e in parse_feed(path).entries]


# -- radio ---------------------------------------------------------------------------------------

@dataclass
class Episode:
    """An item of ``radio/feed.xml`` as the station sees it."""

    guid: str
    title: str
    text: str
    published: int
    """``pubDate`` (epoch seconds)."""
    audio: Path | None
    """The downloaded enclosure, when the item has an ``audio/*`` one."""
    audio_length_ok: bool


def radio_feed(out: Path) -> list[Episode]:
    """Every item of ``radio/feed.xml`` (newest first), with its enclosure resolved to a file."""
    items = []
    for e in parse_feed(out / "radio" / "feed.xml").entries:
        audio, ok = None, False
        for enc in e.get("enclosures", []):
            if enc.get("href") and enc.get("type", "").startswith("audio"):
                audio = url_path(out, enc.href)
                ok = audio.is_file() and int(enc.get("length") or -1) == audio.stat().st_size
        items.append(Episode(e.id, norm(e.title), html_text(e.get("description", "")),
                             calendar.timegm(e.published_parsed), audio, ok))
    return sorted(items, key=lambda ep: ep.published, reverse=True)


@dataclass
class Station:
    """LibreTime's podcast import of ``radio/feed.xml`` (see tests/channels/test_radio_libretime.py
    for the source it follows): an item whose GUID the station already knows is never imported
    again, and automatic ingest skips an item dated before the newest one it already took.

    LibreTime imports only items with an ``audio/*`` enclosure; without a speech engine the radio
    channel writes items without one, so :attr:`Episode.audio` tells the caller whether a real
    station would have taken the item at all. The GUID rule is applied to every item."""

    out: Path
    known: dict[str, Episode] = field(default_factory=dict)
    ts: int | None = None

    def poll(self) -> list[Episode]:
        """The items imported now (newest first)."""
        new = []
        for ep in radio_feed(self.out):
            if self.ts is not None and ep.published < self.ts:
                continue
            if ep.guid in self.known:
                continue
            new.append(ep)
        if new:
            self.ts = max(self.ts or 0, new[0].published)
        self.known.update((ep.guid, ep) for ep in new)
        return new


def radio_scripts(out: Path) -> list[tuple[Path, str, dict[str, str]]]:
    """Every ``radio/scripts/*.txt`` as the announcer reads it: (path, text, header fields)."""
    found = []
    for path in sorted((out / "radio" / "scripts").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        head = {}
        for line in text.splitlines():
            if line.startswith("="):
                break
            name, sep, value = line.partition(" : ")
            if sep:
                head[name.strip()] = value.strip()
        found.append((path, norm(text), head))
    return found


# -- videotron -----------------------------------------------------------------------------------

def playlist(out: Path) -> dict[str, dict]:
    """``videotron/playlist.json`` as the player loads it: its items by key (a key listed twice
    fails here)."""
    data = json.loads((out / "videotron" / "playlist.json").read_text(encoding="utf-8"))
    keys = [i["key"] for i in data["items"]]
    assert len(keys) == len(set(keys)), f"a key is listed twice in playlist.json: {keys}"
    return {i["key"]: i for i in data["items"]}


# -- print ---------------------------------------------------------------------------------------

_PDF_CACHE: dict[tuple[str, int, int], str] = {}


def pdftotext_path() -> str | None:
    return shutil.which("pdftotext")


def pdf_text(path: Path) -> str:
    """The text of a PDF as ``pdftotext`` extracts it (white space normalised)."""
    st = path.stat()
    key = (str(path), st.st_mtime_ns, st.st_size)
    if key not in _PDF_CACHE:
        done = subprocess.run([pdftotext_path() or "pdftotext", "-enc", "UTF-8", str(path), "-"],
                              capture_output=True, check=True, timeout=60)
        _PDF_CACHE[key] = norm(done.stdout.decode("utf-8"))
    return _PDF_CACHE[key]


def printed(out: Path) -> list[tuple[Path, str]]:
    """Every printed notice under ``print/`` with its text."""
    return [(p, pdf_text(p)) for p in sorted((out / "print").rglob("*.pdf"))]


_HEADING = re.compile(r"\b((?:PENCABUTAN |RALAT )?PENGUMUMAN) (?:atas Pengumuman )?"
                      r"(?:Nomor:|NOMOR:?) (\S+)")
ARCHIVE_COPY = "SALINAN ARSIP"
"""The mark at the top of the archive copy the print channel writes next to a posted notice."""


def notice_heading(text: str) -> tuple[str, str]:
    """``(heading, number)`` of a printed notice as a reader sees its top: ``PENGUMUMAN``,
    ``RALAT PENGUMUMAN`` or ``PENCABUTAN PENGUMUMAN`` and the number under it ("Nomor: X" or
    "NOMOR X"); empty when none."""
    found = _HEADING.search(text)
    return (found.group(1), found.group(2)) if found else ("", "")


def is_archive_copy(text: str) -> bool:
    """True for an archive copy (not what is posted on the notice board)."""
    return text.startswith(ARCHIVE_COPY)
