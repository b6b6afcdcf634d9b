"""The web channel's read-back (see :mod:`channels.readback`): after a render, the worker reads
what a visitor and a feed reader get and checks that it is THIS message's version.

- the item page, parsed as text: this version's number, title and body (and, for a ralat, the
  number it corrects; with more than one version, "versi N" in the history), or for a revocation
  the withdrawal notice;
- ``rss.xml``, ``atom.xml`` and ``feed.json``: the entry of the key, titled with this version's
  number after the "RALAT: " / "DICABUT: " marker when due, dated as the record — or no entry when
  the feeds no longer carry it (more than N newer announcements, a withdrawal period of 0 days);
- for an alerted announcement: its CAP file for this version and ``cap/index.xml`` listing the
  alert's identifier while it has not expired.

Which entries the feeds must carry is decided from the renderer's own state at the time of its
last build, the same query the build used.
"""

from __future__ import annotations

import hashlib
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from channels.readback import (ReadBack, ReadBackError, feed_entry, feed_reader, file_entry,
                               header, html_text, json_items, require, squash, utc_iso)
from channels.web import versions
from channels.web.cap import CAP_NS
from channels.web.feeds import atom_id
from channels.web.text import clean, one_line
from shared.messages import Envelope, Kind

if TYPE_CHECKING:
    from channels.web.renderer import WebRenderer


def read_back(renderer: "WebRenderer", envelope: Envelope, now: datetime) -> ReadBack:
    """Read the page, the feeds and the CAP index of ``envelope``'s announcement back; ``now`` is
    when the aggregates were last built."""
    snap = envelope.announcement
    rec = renderer.state.get(snap.key)
    if rec is None:
        raise ReadBackError(f"Pengumuman {snap.number} tidak ada di keadaan kanal web")
    revoke = envelope.kind == Kind.REVOKE
    if revoke:
        require(rec["revoked"], f"Kanal web belum mencabut pengumuman {snap.number}")
    else:
        require(not rec["revoked"] and int(rec.get("version") or 1) == snap.version,
                f"Kanal web memegang versi {rec.get('version')} pengumuman {snap.number}, "
                f"bukan versi {snap.version}")
    summary = header("web", envelope)
    summary["page"] = _page(renderer.root, renderer.root / "items" / rec["page"], envelope)
    cutoff = renderer.withdrawn_cutoff(now)
    listed = snap.key in {r["snap"]["key"] for r in
                          renderer.state.latest(renderer.settings.feed_items, cutoff)}
    summary["feed_reader"] = feed_reader()
    summary["feeds"] = [_xml_feed(renderer.root, "rss.xml", snap.key, rec, listed),
                        _xml_feed(renderer.root, "atom.xml", atom_id(snap.key), rec, listed),
                        _json_feed(renderer.root, snap.key, rec, listed)]
    alert = renderer.cap_state.get(snap.key)
    if alert is not None and int(alert.get("version") or 0) == snap.version:
        summary["cap"] = _cap(renderer.root, alert, now)
    elif snap.klasifikasi == "serta-merta" and not revoke:
        raise ReadBackError(f"Peringatan dini (CAP) versi {snap.version} pengumuman "
                            f"{snap.number} tidak ada")
    what = "pencabutan" if revoke else f"versi {snap.version}"
    summary["note"] = (f"Halaman dan feed web dibaca ulang: menampilkan {what} pengumuman nomor "
                       f"{one_line(snap.number)}.")
    return ReadBack(summary)


def _page(root: Path, path: Path, envelope: Envelope) -> dict:
    """The item page as a visitor reads it."""
    entry = file_entry(root, path)
    text = squash(html_text(path.read_bytes()))
    snap = envelope.announcement
    number, title = squash(clean(snap.number)), squash(one_line(snap.title))
    where = f"Halaman {entry['file']}"
    require(number in text, f"{where} tidak memuat nomor {number}")
    require(title in text, f"{where} tidak memuat judul versi {snap.version}")
    shows: dict = {"number": number, "title": title}
    if envelope.kind == Kind.REVOKE:
        require("Pengumuman ini telah dicabut" in text,
                f"{where} tidak memuat pemberitahuan pencabutan")
        shows["notice"] = "dicabut"
    else:
        body = squash(clean(snap.body))
        require(body in text, f"{where} tidak memuat isi versi {snap.version}")
        shows["body_sha256"] = hashlib.sha256(body.encode()).hexdigest()
        if snap.corrects_number:
            corrects = squash(clean(snap.corrects_number))
            require(f"atas pengumuman nomor {corrects}" in text,
                    f"{where} tidak memuat ralat atas nomor {corrects}")
            shows["notice"] = f"ralat atas {corrects}"
    if len(snap.history) >= 2:
        label = f"versi {snap.version} · nomor"
        require(label in text, f"{where} tidak mencantumkan versi {snap.version} di riwayat")
        shows["history"] = label
    return {**entry, "shows": shows}


def _expected_title(rec: dict) -> str:
    """What an entry's title starts with: the marker when due and this version's number."""
    mark = versions.REVOKED_MARK if rec.get("revoked") else (
        versions.RALAT_MARK if versions.ralat(rec) else "")
    return squash(f"{mark}{clean(rec['snap']['number'])}")


def _check_entry(name: str, found: dict | None, rec: dict, listed: bool) -> dict | None:
    """The entry of the key in feed ``name`` shows the record (or is absent when not listed)."""
    number = rec["snap"]["number"]
    if not listed:
        require(found is None, f"{name} masih memuat entri pengumuman {number} yang seharusnya "
                               "sudah tidak dimuat")
        return None
    if found is None:
        raise ReadBackError(f"{name} tidak memuat entri pengumuman {number}")
    title = squash(found["title"])
    expected = _expected_title(rec)
    require(title.startswith(expected), f"Entri {name} berjudul '{title[:80]}', bukan '{expected}'")
    require(found["updated"] == utc_iso(rec["updated"]),
            f"Entri {name} bertanggal {found['updated']}, bukan {utc_iso(rec['updated'])}")
    return {"id": found["id"], "title": title, "link": found["link"], "updated": found["updated"],
            "enclosures": found.get("enclosures", [])}


def _xml_feed(root: Path, name: str, entry_id: str, rec: dict, listed: bool) -> dict:
    path = root / name
    entry = file_entry(root, path)
    found = feed_entry(path.read_bytes(), entry_id)
    return {**entry, "entry": _check_entry(name, found, rec, listed)}


def _json_feed(root: Path, key: str, rec: dict, listed: bool) -> dict:
    path = root / "feed.json"
    entry = file_entry(root, path)
    items = json_items(path)
    item = next((i for i in items if i.get("id") == key), None)
    found = None if item is None else {
        "id": item["id"], "title": item.get("title", ""), "link": item.get("url", ""),
        "updated": utc_iso(item.get("date_modified", "")),
        "enclosures": [{"href": item["image"]}] if item.get("image") else []}
    return {**entry, "entry": _check_entry("feed.json", found, rec, listed)}


def _cap(root: Path, alert: dict, now: datetime) -> list[dict]:
    """This version's CAP file says its identifier and type; the index lists it until it expires."""
    path = root / "cap" / alert["file"]
    entry = file_entry(root, path)
    try:
        doc = ET.fromstring(path.read_bytes())
    except ET.ParseError as exc:
        raise ReadBackError(f"Berkas CAP {entry['file']} tidak dapat dibaca: {exc}") from None
    ident = doc.findtext(f"{{{CAP_NS}}}identifier")
    msg_type = doc.findtext(f"{{{CAP_NS}}}msgType")
    if ident is None or ident != alert["identifier"] or msg_type != alert["msg_type"]:
        raise ReadBackError(f"Berkas CAP {entry['file']} berisi {ident} ({msg_type}), "
                            f"bukan {alert['identifier']}")
    index = root / "cap" / "index.xml"
    listing = file_entry(root, index)
    live = datetime.fromisoformat(alert["expires"]) > now
    found = feed_entry(index.read_bytes(), ident)
    require(found is not None or not live, f"cap/index.xml tidak mencantumkan peringatan {ident}")
    return [{**entry, "identifier": ident, "msg_type": msg_type},
            {**listing, "entry": {"id": found["id"], "title": squash(found["title"])}
             if found else None}]
