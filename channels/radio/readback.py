"""The radio channel's read-back (see :mod:`channels.readback`): after a render, the worker reads
``feed.xml`` as radio automation does (LibreTime's podcast import, see :mod:`channels.radio.feed`)
and checks that the episode of THIS version is there:

- the item whose GUID is this version's (``<key>`` for version 1, ``<key>-v<N>`` later), titled
  with this version's number after "RALAT: " / "DICABUT: " when due;
- with audio: its enclosure is the MP3's absolute URL, ``audio/mpeg``, and the length the station
  will download (the file's exact size on disk); the MP3's digest is recorded;
- without audio (no speech engine): no enclosure, and the item carries the script text that the
  script files hold.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from channels.radio.feed import PREFIX, guid
from channels.readback import (ReadBack, ReadBackError, etree_entries, feed_entry, feed_reader,
                               file_entry, header, require, squash)
from channels.web.text import clean, one_line
from shared.messages import Envelope, Kind

if TYPE_CHECKING:
    from channels.radio.renderer import RadioRenderer


def read_back(renderer: "RadioRenderer", envelope: Envelope, files: list[Path]) -> ReadBack:
    """Read ``feed.xml`` back for ``envelope``'s episode; raises ``ReadBackError``."""
    snap = envelope.announcement
    rec = renderer.state.get(snap.key)
    if rec is None or int(rec.get("version") or 1) != snap.version:
        raise ReadBackError(f"Radio tidak memegang versi {snap.version} pengumuman {snap.number}")
    root = renderer.root
    feed = root / "feed.xml"
    summary = header("radio", envelope)
    summary["feed_reader"] = feed_reader()
    summary["files"] = [file_entry(root, Path(f)) for f in files]
    listing = file_entry(root, feed)
    episode = guid(snap.key, snap.version)
    found = feed_entry(feed.read_bytes(), episode)
    if found is None:
        raise ReadBackError(f"feed.xml tidak memuat episode {episode} (versi {snap.version})")
    kind = envelope.kind
    if kind == Kind.PUBLISH and snap.version > 1:
        kind = Kind.UPDATE  # as the feed titles it: a later version is a correction
    expected = squash(f"{PREFIX.get(kind, '')}{one_line(snap.number)}")
    title = squash(found["title"])
    require(title.startswith(expected),
            f"Episode {episode} berjudul '{title[:80]}', bukan '{expected}'")
    entry = {"id": episode, "title": title, "updated": found["updated"]}
    audio = rec.get("audio")
    if audio:
        mp3 = root / "audio" / audio["file"]
        sound = file_entry(root, mp3)
        url = f"{renderer.settings.base_url}/audio/{audio['file']}"
        enclosures = found["enclosures"]
        require(len(enclosures) == 1 and enclosures[0]["href"] == url
                and enclosures[0]["type"].startswith("audio/")
                and str(enclosures[0]["length"]) == str(sound["size"]),
                f"Enclosure episode {episode} tidak menunjuk {url} dengan panjang {sound['size']} "
                f"bita: {enclosures}")
        entry["enclosure"] = {**enclosures[0], "sha256": sound["sha256"]}
    else:
        require(not found["enclosures"], f"Episode {episode} menunjuk audio yang tidak dibuat")
        spoken = squash(clean(rec["spoken"]))
        # the bytes' own text: a feed reader's sanitiser would drop a "<" a body may contain
        raw = next((e["description"] for e in etree_entries(feed.read_bytes())
                    if e["id"] == episode), "")
        require(spoken and squash(raw) == spoken,
                f"Episode {episode} tidak memuat naskah versi {snap.version}")
        script = next((f for f in files if Path(f).suffix == ".txt"), None)
        require(script is not None and Path(script).is_file(),
                f"Naskah siaran versi {snap.version} tidak ada")
        entry["script_sha256"] = hashlib.sha256(spoken.encode()).hexdigest()
    summary["feed"] = {**listing, "entry": entry}
    what = "pemberitahuan pencabutan" if envelope.kind == Kind.REVOKE else f"versi {snap.version}"
    how = "dengan audio" if audio else "berupa naskah (tanpa audio)"
    summary["note"] = (f"Feed podcast dibaca ulang: episode {what} pengumuman nomor "
                       f"{one_line(snap.number)} ada, {how}.")
    return ReadBack(summary)
