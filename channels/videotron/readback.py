"""The videotron's read-back (see :mod:`channels.readback`): after a render, the worker reads
``playlist.json`` as the player page does and checks that the screen will show THIS version:

- a publication or ralat: the key is listed with this version and number, every slide it names
  (day and night palette) is a file in the folder, the day slides are the ones just rendered, and
  the MP4 it names (when one was made) exists; each file's digest is recorded;
- a revocation: the key is no longer listed (the screen drops it on its next poll);
- an announcement whose end has already passed is not listed either (expired on arrival).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from channels.readback import ReadBack, ReadBackError, file_entry, header, json_items, require
from shared.messages import Envelope, Kind


def read_back(root: Path, envelope: Envelope, files: list[Path], now: datetime) -> ReadBack:
    """Read ``playlist.json`` back for ``envelope``; raises ``ReadBackError``."""
    snap = envelope.announcement
    path = root / "playlist.json"
    listing = file_entry(root, path)
    items = json_items(path)
    item = next((i for i in items if i.get("key") == snap.key), None)
    summary = header("videotron", envelope)
    number = " ".join(snap.number.split())
    if envelope.kind == Kind.REVOKE or snap.revoked_at is not None:
        require(item is None, f"playlist.json masih memuat pengumuman {number} yang dicabut")
        summary["playlist"] = {**listing, "entry": None}
        summary["note"] = (f"Daftar tayang dibaca ulang: pengumuman nomor {number} sudah tidak "
                           "ditayangkan (dicabut).")
        return ReadBack(summary)
    if item is None and snap.end is not None and snap.end <= now:
        summary["playlist"] = {**listing, "entry": None}
        summary["note"] = (f"Daftar tayang dibaca ulang: pengumuman nomor {number} sudah lewat "
                           "masa tayangnya, sehingga tidak dimuat.")
        return ReadBack(summary)
    if item is None:
        raise ReadBackError(f"playlist.json tidak memuat pengumuman {number}")
    require(int(item.get("version") or 1) == snap.version and item.get("number") == snap.number,
            f"playlist.json memuat versi {item.get('version')} ({item.get('number')}) pengumuman "
            f"ini, bukan versi {snap.version} ({snap.number})")
    slides = item.get("slides") or []
    require(slides, f"playlist.json tidak menyebut slide pengumuman {number}")
    listed = [root / s["src"] for s in slides]
    rendered = [Path(f) for f in files if Path(f).suffix == ".png"]
    require(listed == rendered, "Slide di playlist.json bukan slide yang baru dibuat")
    read = []
    for slide in slides:
        for field in ("src", "night_src"):
            if slide.get(field):
                read.append(file_entry(root, root / slide[field]))
    if item.get("video"):
        read.append(file_entry(root, root / item["video"]))
    summary["playlist"] = {**listing, "entry": {"key": item["key"], "version": item["version"],
                                                "number": item["number"], "title": item["title"],
                                                "slides": len(slides),
                                                "video": item.get("video")}}
    summary["files"] = read
    summary["note"] = (f"Daftar tayang dibaca ulang: versi {snap.version} pengumuman nomor "
                       f"{number} tayang dengan {len(slides)} slide"
                       + (" dan video MP4." if item.get("video") else "."))
    return ReadBack(summary)
