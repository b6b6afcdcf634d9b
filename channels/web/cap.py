"""CAP 1.2 alerts (OASIS Common Alerting Protocol) for serta-merta announcements, and
``cap/index.xml``, the RSS index of active alerts that signage (Xibo's CAP widget) and alert
aggregators poll.

One XML file per message: ``Alert`` for the first publication, ``Update`` for a correction and
``Cancel`` for a revocation, the later ones carrying ``references`` to every earlier message of the
same announcement. What the alert tells people — urgency, severity, certainty, the response, the
category, the instruction and the areas with their region codes (``<geocode>``, valueName ``BPS``) —
is what the drafter chose in the editor (``AnnouncementSnapshot.alert``, see :mod:`shared.alerting`),
never a guess from the text. Built with the stdlib ElementTree, which escapes text; control
characters are stripped first because XML 1.0 forbids them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from feedgen.feed import FeedGenerator

from channels.web.feeds import newest
from channels.web.text import clean, one_line
from shared.messages import AlertSnapshot, AnnouncementSnapshot, Kind
from shared.timefmt import local

CAP_NS = "urn:oasis:names:tc:emergency:cap:1.2"
MSG_TYPE = {Kind.PUBLISH: "Alert", Kind.UPDATE: "Update", Kind.REVOKE: "Cancel"}
SCOPE = {"masyarakat": "Public", "pegawai": "Restricted", "pimpinan": "Private"}

@dataclass(frozen=True)
class Resource:
    """A CAP ``<resource>``: a file that goes with the alert (the announcement's picture)."""

    desc: str
    mime: str
    size: int
    uri: str | None
    """Absolute URL of the file; None when no public address is known (the element is left out)."""
    digest: str
    """Hex SHA-1 of the file, as CAP 1.2 defines ``<digest>``."""


def cap_time(value: datetime, tz: str) -> str:
    """A CAP dateTime: local time with its offset, whole seconds, never ``Z`` (the schema's pattern)."""
    return local(value, tz).replace(microsecond=0).isoformat()


def _token(text: str) -> str:
    """``text`` without what CAP forbids in identifiers and senders (spaces, commas, < and &)."""
    return re.sub(r"[^A-Za-z0-9@._:-]", "", text) or "warta"


def sender_of(snap: AnnouncementSnapshot) -> str:
    """The CAP sender: the agency's e-mail, else its website, else its short name."""
    agency = snap.agency
    return _token(agency.email or agency.website or agency.short_name)


def identifier_of(snap: AnnouncementSnapshot, kind: Kind) -> str:
    """A unique, stable identifier per public version of the announcement (``.v2.update``): each
    ralat and the pencabutan is a version of its own, so no two messages share one. (The review
    revision would not do: a ralat's revision starts again at 1.)"""
    return _token(f"{snap.agency.short_name.lower()}.{snap.key}.v{snap.version}.{kind.value}")


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, f"{{{CAP_NS}}}{tag}")
    if text is not None:
        el.text = text
    return el


def alert_xml(snap: AnnouncementSnapshot, kind: Kind, sent: datetime, references: list[str],
              web_url: str, expires: datetime, status: str = "Actual",
              resource: Resource | None = None) -> tuple[str, bytes]:
    """``(identifier, xml bytes)`` of the CAP alert for this message; ``references`` are earlier
    ``sender,identifier,sent`` triples of the same announcement (a triple naming this message
    itself is dropped); ``expires`` its ``<expires>``; ``resource`` is the picture."""
    tz = snap.agency.timezone
    ident = identifier_of(snap, kind)
    references = [r for r in references if r.split(",")[1:2] != [ident]]
    root = ET.Element(f"{{{CAP_NS}}}alert")
    _sub(root, "identifier", ident)
    _sub(root, "sender", sender_of(snap))
    _sub(root, "sent", cap_time(sent, tz))
    _sub(root, "status", status)
    _sub(root, "msgType", MSG_TYPE[kind])
    _sub(root, "source", one_line(f"{snap.agency.unit} {snap.agency.instansi}"))
    scope = SCOPE.get(snap.sasaran, "Public")
    _sub(root, "scope", scope)
    if scope == "Restricted":
        _sub(root, "restriction", "Hanya untuk pegawai di lingkungan " + one_line(snap.agency.unit))
    elif scope == "Private":
        _sub(root, "addresses", _token(snap.agency.short_name))
    if kind == Kind.REVOKE:
        _sub(root, "note", one_line(f"Pengumuman dicabut. Alasan: {snap.revoked_reason or '-'}"))
    elif snap.corrects_number:
        changes = next((h.changes for h in reversed(snap.history) if h.kind == "ralat"), [])
        changed = f". Yang diubah: {', '.join(changes)}" if changes else ""
        _sub(root, "note", one_line(f"Ralat atas pengumuman nomor {snap.corrects_number}{changed}"))
    if references:
        _sub(root, "references", " ".join(references))
    info = _sub(root, "info")
    _sub(info, "language", "id-ID")
    # what the drafter chose in the editor (shared.alerting); a snapshot without choices (an
    # announcement reclassified after its alert went out) keeps the most cautious reading
    alert = snap.alert or AlertSnapshot(urgency="Unknown", severity="Unknown", certainty="Unknown",
                                        response_type="Monitor", category="Other")
    _sub(info, "category", alert.category)
    _sub(info, "event", one_line(snap.title)[:200] or "Pengumuman")
    _sub(info, "responseType", "AllClear" if kind == Kind.REVOKE else alert.response_type)
    _sub(info, "urgency", alert.urgency)
    _sub(info, "severity", alert.severity)
    _sub(info, "certainty", alert.certainty)
    if snap.start:
        _sub(info, "effective", cap_time(snap.start, tz))
    _sub(info, "expires", cap_time(expires, tz))
    _sub(info, "senderName", one_line(f"{snap.agency.unit} — {snap.agency.instansi}"))
    headline = one_line(("DICABUT: " if kind == Kind.REVOKE else "") + snap.title)
    _sub(info, "headline", headline[:160])
    if kind == Kind.REVOKE:
        _sub(info, "description", clean(f"Pengumuman nomor {snap.number} telah dicabut. "
                                        f"Alasan: {snap.revoked_reason or '-'}"))
    else:
        _sub(info, "description", clean(snap.body))
        if alert.instruction:  # an explicit field: a summary is not an instruction
            _sub(info, "instruction", clean(alert.instruction))
    _sub(info, "web", web_url)
    contact = one_line(" ".join(x for x in (snap.agency.phone, snap.agency.email) if x))
    if contact:
        _sub(info, "contact", contact)
    if resource is not None:  # the schema wants it after <parameter> and before <area>
        res = _sub(info, "resource")
        _sub(res, "resourceDesc", resource.desc)
        _sub(res, "mimeType", resource.mime)
        _sub(res, "size", str(resource.size))
        if resource.uri:
            _sub(res, "uri", resource.uri)
        _sub(res, "digest", resource.digest)
    for place in alert.areas:
        area = _sub(info, "area")
        _sub(area, "areaDesc", one_line(place.name))
        if place.polygon:
            _sub(area, "polygon", place.polygon)
        if place.circle:
            _sub(area, "circle", place.circle)
        geocode = _sub(area, "geocode")
        _sub(geocode, "valueName", "BPS")
        _sub(geocode, "value", place.code)
    if not alert.areas:
        area = _sub(info, "area")
        _sub(area, "areaDesc", one_line(snap.agency.area_desc or snap.agency.city) or "Indonesia")
    ET.register_namespace("", CAP_NS)
    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return ident, data


def reference(snap: AnnouncementSnapshot, ident: str, sent: datetime) -> str:
    """The ``sender,identifier,sent`` triple other messages use to refer to this one."""
    return f"{sender_of(snap)},{ident},{cap_time(sent, snap.agency.timezone)}"


def index_bytes(records: list[dict], base_url: str, title: str) -> bytes:
    """``cap/index.xml``: RSS 2.0 listing the alerts that have not expired (the newest message per
    announcement, a Cancel included, so pollers learn of it)."""
    fg = FeedGenerator()
    fg.title(one_line(f"Peringatan dini — {title}"))
    fg.link(href=f"{base_url}/cap/index.xml", rel="self")  # RSS <link> is the last one added
    fg.link(href=f"{base_url}/index.html", rel="alternate")
    fg.description("Peringatan (CAP 1.2) yang sedang berlaku")
    fg.language("id")
    fg.lastBuildDate(newest(records))
    for rec in records:
        fe = fg.add_entry(order="append")
        fe.guid(rec["identifier"], permalink=False)
        title_text = one_line(rec["title"]) or "Peringatan dini"  # RSS items need a title
        if rec["msg_type"] == "Cancel":
            title_text = f"DICABUT: {title_text}"
        fe.title(title_text)
        fe.link(href=f"{base_url}/cap/{rec['file']}")
        fe.pubDate(datetime.fromisoformat(rec["updated"]))
        fe.description(title_text)
        fe.category(term=rec["msg_type"])
    return fg.rss_str(pretty=True)
