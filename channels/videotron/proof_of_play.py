"""Proof of play (bukti tayang): what the player page reports it put on screen, kept in an
append-only log on the videotron PC, and the screen's report that carries it to the archive.

The player POSTs each slide it shows to the worker's endpoint (``workers/proof_of_play.py``); a
report is accepted only for a slide of an announcement on air (checked against the channel's
state), and written as one JSON line under ``<worker state>/tayang/YYYY-MM-DD.jsonl`` (the day
in the agency's zone, by the worker's clock on arrival). Once a day the worker sends a
:class:`ScreenReport` with that day's lines, one artifact per announcement with its sha256,
signed with the worker's receipt key — the same verification receipts get — and the archiver
files each beside the announcement's slides;
a short status report (``day`` empty) every few minutes lets the monitor show a silent screen.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Final, Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from shared.messages import Artifact
from shared.slug import safe_slug
from shared.timefmt import aware, utcnow

REPORT_TYPE: Final = "tayang"
_STRICT = ConfigDict(extra="forbid", frozen=True)
_SRC = re.compile(r"^slides/[A-Za-z0-9._-]{1,200}\.png$")
_KEY = re.compile(r"^[A-Za-z0-9-]{1,64}$")
MAX_REPORTS = 200
"""Reports accepted in one request (the player sends at most this many at once)."""


class PlayRefused(ValueError):
    """A play report that is not written; ``str()`` says why in Indonesian."""


class PlayedItem(BaseModel):
    """One announcement's plays on one screen in one day."""

    model_config = _STRICT
    key: str
    number: str
    version: int = Field(ge=1)
    plays: int = Field(ge=0)
    """Slides put on screen."""
    seconds: float = Field(ge=0)
    """Planned seconds of those slides (the playlist's duration of each)."""
    first_at: datetime
    last_at: datetime
    artifact: Artifact
    """That day's log lines of this announcement (JSON lines), with their sha256."""


class ScreenReport(BaseModel):
    """A screen's report to the archiver: a daily proof of play (``day`` set, ``items`` the
    plays), or a status report (``day`` None) saying when the screen last showed a slide."""

    model_config = _STRICT
    type: Literal["tayang"] = REPORT_TYPE
    channel: Literal["videotron"] = "videotron"
    """The channel whose registered worker keys may sign it (as for receipts)."""
    message_id: str
    screen: str
    host: str
    at: datetime
    """When the worker sent it."""
    last_shown_at: datetime | None = None
    """When the last report from the player arrived (None: never)."""
    day: date | None = None
    timezone: str = "Asia/Jakarta"
    items: list[PlayedItem] = Field(default_factory=list)
    worker: str = ""
    """The identity of the worker that signed it (see :mod:`shared.receipt_keys`)."""
    sig: str = ""
    """Ed25519 signature (base64) of the worker over every other field, as on receipts."""

    def signed_bytes(self) -> bytes:
        """The canonical bytes the signature covers (every field but ``sig``)."""
        data = self.model_dump(mode="json", exclude={"sig"})
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def signed(self, key, worker: str) -> "ScreenReport":  # noqa: ANN001 - Ed25519PrivateKey
        """The report with the worker's identity and signature set (the worker's receipt key)."""
        unsigned = self.model_copy(update={"worker": worker, "sig": ""})
        return unsigned.model_copy(update={
            "sig": base64.b64encode(key.sign(unsigned.signed_bytes())).decode()})

    def to_wire(self) -> bytes:
        """The JSON bytes sent over the transport."""
        return self.model_dump_json().encode()


def is_screen_report(body: bytes) -> bool:
    """True when a message on the receipts queue is a :class:`ScreenReport` (cheap check first)."""
    if b'"type":"tayang"' not in body and b'"type": "tayang"' not in body:
        return False
    try:
        return json.loads(body).get("type") == REPORT_TYPE
    except (ValueError, AttributeError):
        return False


def check_report(raw: object, items: dict[str, dict]) -> dict:
    """A player's report as a log record, checked against the announcements on air (``items``,
    the channel's state): only a slide of one of them counts. Raises :class:`PlayRefused`."""
    if not isinstance(raw, dict):
        raise PlayRefused("Laporan tayang harus berupa objek JSON")
    key, src = raw.get("key"), raw.get("src")
    if not isinstance(key, str) or not _KEY.match(key):
        raise PlayRefused("Kunci pengumuman tidak sah")
    if not isinstance(src, str) or not _SRC.match(src):
        raise PlayRefused("Nama berkas slide tidak sah")
    entry = items.get(key)
    if entry is None:
        raise PlayRefused("Pengumuman tidak sedang tayang di layar ini")
    slides = entry.get("slides", [])
    match = next((s for s in slides if src in (s.get("src"), s.get("night_src"))), None)
    if match is None:
        raise PlayRefused("Slide bukan milik pengumuman ini")
    try:
        shown = aware(datetime.fromisoformat(str(raw.get("shown_at", "")).replace("Z", "+00:00")))
    except ValueError:
        raise PlayRefused("Waktu tayang tidak sah") from None
    return {"key": key, "number": entry["number"], "version": int(entry.get("version", 1)),
            "src": src, "slide": slides.index(match) + 1, "seconds": float(match["seconds"]),
            "shown_at": shown.isoformat(), "playlist": str(raw.get("playlist", ""))[:32]}


class PlayLog:
    """The append-only log of one screen: a JSON-lines file per local day under ``folder``.
    Lines are appended with one ``write`` each and fsynced (it is legal proof); nothing is ever
    rewritten. Safe for the endpoint's threads; one process writes a folder."""

    def __init__(self, folder: Path, timezone: str) -> None:
        self.folder = Path(folder)
        self.zone = ZoneInfo(timezone)
        self._lock = threading.Lock()
        self._seen: dict[tuple, None] = {}  # recent reports: a resend after a reload is not doubled

    def path(self, day: date) -> Path:
        """The log file of ``day``."""
        return self.folder / f"{day.isoformat()}.jsonl"

    def day_of(self, when: datetime) -> date:
        """The local day ``when`` falls in."""
        return aware(when).astimezone(self.zone).date()

    def append(self, records: list[dict], now: datetime | None = None) -> int:
        """Write ``records`` (from :func:`check_report`) with the arrival time; returns how many
        were new (an identical report already written is skipped)."""
        now = now or utcnow()
        written = 0
        with self._lock:
            self.folder.mkdir(parents=True, exist_ok=True)
            lines = []
            for rec in records:
                ident = (rec["key"], rec["src"], rec["shown_at"])
                if ident in self._seen:
                    continue
                self._seen[ident] = None
                lines.append(json.dumps({**rec, "received_at": now.isoformat()},
                                        ensure_ascii=False, sort_keys=True) + "\n")
            while len(self._seen) > 5000:
                self._seen.pop(next(iter(self._seen)))
            if lines:
                fd = os.open(self.path(self.day_of(now)), os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                             0o644)
                try:
                    os.write(fd, "".join(lines).encode())
                    os.fsync(fd)
                finally:
                    os.close(fd)
                written = len(lines)
        return written

    def lines(self, day: date) -> list[dict]:
        """The records of ``day`` in the order they arrived (a torn last line is skipped)."""
        path = self.path(day)
        if not path.is_file():
            return []
        out = []
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                out.append(json.loads(line))
            except ValueError:
                continue  # a line cut by a power failure: the rest still counts
        return out

    def days(self) -> list[date]:
        """The days with a log file, oldest first."""
        found = []
        for path in self.folder.glob("*.jsonl"):
            try:
                found.append(date.fromisoformat(path.stem))
            except ValueError:
                continue
        return sorted(found)

    def last_received(self) -> datetime | None:
        """When the newest report arrived (from the newest day's last line), or None."""
        for day in reversed(self.days()):
            records = self.lines(day)
            if records:
                return datetime.fromisoformat(records[-1]["received_at"])
        return None


def daily_report(log: PlayLog, day: date, screen: str, host: str, message_id: str,
                 timezone: str, now: datetime | None = None) -> ScreenReport:
    """The proof-of-play report of ``day``: per announcement (key and version), its lines as one
    JSON-lines artifact with its sha256, the number of plays and their planned seconds."""
    groups: dict[tuple[str, int], list[dict]] = {}
    for rec in log.lines(day):
        groups.setdefault((rec["key"], int(rec["version"])), []).append(rec)
    items = []
    name = f"{day.isoformat()}-{safe_slug(screen, 60)}.jsonl"
    for (key, version), records in sorted(groups.items()):
        data = "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n"
                       for r in records).encode()
        times = [datetime.fromisoformat(r["shown_at"]) for r in records]
        items.append(PlayedItem(
            key=key, number=records[-1]["number"], version=version, plays=len(records),
            seconds=round(sum(float(r["seconds"]) for r in records), 1),
            first_at=min(times), last_at=max(times),
            artifact=Artifact(name=name, size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                              data_b64=base64.b64encode(data).decode())))
    return ScreenReport(message_id=message_id, screen=screen, host=host, at=now or utcnow(),
                        last_shown_at=log.last_received(), day=day, timezone=timezone, items=items)


def closed_days(log: PlayLog, sent: set[date], now: datetime) -> list[date]:
    """Days whose log is complete (before today, local) and whose report was not sent yet."""
    today = log.day_of(now)
    return [d for d in log.days() if d < today and d not in sent]

