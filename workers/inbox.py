"""The worker's local inbox (stdlib sqlite3 under the worker's own state folder): what it has done
per (channel, message id), which public version of each announcement key the channel holds, and
which keys it has revoked. It makes a redelivery harmless (a finished message is answered from here,
never rendered twice) and keeps the channel monotonic (an older version is never applied)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from shared.filemodes import create_private
from shared.timefmt import utcnow
from shared.vocab import InboxState

SCHEMA = """
CREATE TABLE IF NOT EXISTS messages (
    channel TEXT NOT NULL, message_id TEXT NOT NULL, key TEXT NOT NULL, state TEXT NOT NULL,
    receipt TEXT, updated_at TEXT NOT NULL, PRIMARY KEY (channel, message_id));
CREATE TABLE IF NOT EXISTS revoked (
    channel TEXT NOT NULL, key TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (channel, key));
CREATE TABLE IF NOT EXISTS decisions (
    channel TEXT NOT NULL, message_id TEXT NOT NULL, token TEXT NOT NULL, at TEXT NOT NULL,
    PRIMARY KEY (channel, message_id, token));
CREATE TABLE IF NOT EXISTS held (
    channel TEXT NOT NULL, key TEXT NOT NULL, version INTEGER NOT NULL, PRIMARY KEY (channel, key));
"""


class Inbox:
    """States (:class:`shared.vocab.InboxState`): ``started`` (render began), ``done`` (receipt
    stored), ``retry``, ``parked``, and ``maybe_done`` (an irreversible render — paper — began and
    never finished: it stays so until a person decides, whatever copies of the message arrive)."""

    def __init__(self, path: Path) -> None:
        path = Path(path)
        create_private(path)  # its owner's only (0600), like every Warta database
        self.path = path
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        # NORMAL in WAL: a commit survives a crash of this process at once, and a power cut once
        # the WAL is synced; marks that must survive a power cut are written durable (FULL).
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)

    def get(self, channel: str, message_id: str) -> tuple[str, str | None] | None:
        """``(state, receipt_json)`` or None when never seen."""
        with self._lock:
            row = self._db.execute("SELECT state, receipt FROM messages WHERE channel=? AND message_id=?",
                                   (channel, message_id)).fetchone()
        return (row[0], row[1]) if row else None

    def mark(self, channel: str, message_id: str, key: str, state: InboxState,
             receipt: str | None = None, durable: bool = True) -> None:
        """Record a state (committed before this returns). ``durable`` (the default) also syncs it
        to disk so it survives a power cut (``synchronous=FULL``); without it the commit survives
        a crash of the process but maybe not a power cut (the worker's cheap 'started' mark of a
        reversible channel, whose re-render after a power cut overwrites the same files)."""
        with self._lock:
            if durable:
                self._db.execute("PRAGMA synchronous=FULL")
            try:
                self._write_mark(channel, message_id, key, state, receipt)
            finally:
                if durable:
                    self._db.execute("PRAGMA synchronous=NORMAL")

    def _write_mark(self, channel: str, message_id: str, key: str, state: InboxState,
                    receipt: str | None) -> None:
        self._db.execute(
            "INSERT INTO messages (channel, message_id, key, state, receipt, updated_at) "
            "VALUES (?,?,?,?,?,?) ON CONFLICT (channel, message_id) DO UPDATE SET "
            "state=excluded.state, receipt=excluded.receipt, updated_at=excluded.updated_at",
            (channel, message_id, key, state, receipt, utcnow().isoformat()))

    def finish(self, channel: str, message_id: str, key: str, receipt: str, version: int,
               revoked: bool = False) -> None:
        """Record a finished message in ONE durable transaction: its receipt (``done``), the
        version the channel now holds for ``key`` (never lowered) and, for a revocation, that the
        key is revoked. Together, so a crash leaves either all of it or none (then the message is
        rendered again, which renderers make idempotent)."""
        now = utcnow().isoformat()
        with self._lock:
            self._db.execute("PRAGMA synchronous=FULL")
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    self._write_mark(channel, message_id, key, InboxState.DONE, receipt)
                    self._db.execute(
                        "INSERT INTO held (channel, key, version) VALUES (?,?,?) ON CONFLICT "
                        "(channel, key) DO UPDATE SET version=max(version, excluded.version)",
                        (channel, key, version))
                    if revoked:
                        self._db.execute("INSERT OR IGNORE INTO revoked (channel, key, at) "
                                         "VALUES (?,?,?)", (channel, key, now))
                    self._db.execute("COMMIT")
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
            finally:
                self._db.execute("PRAGMA synchronous=NORMAL")

    def use_decision(self, channel: str, message_id: str, token: str) -> bool:
        """Spend a person's redrive decision (its one-time token) on ``message_id``: True the
        first time (durable before this returns), False when it was already used — so a crash
        during a re-print never turns into a second re-print without a new decision."""
        with self._lock:
            self._db.execute("PRAGMA synchronous=FULL")
            try:
                cur = self._db.execute(
                    "INSERT OR IGNORE INTO decisions (channel, message_id, token, at) "
                    "VALUES (?,?,?,?)", (channel, message_id, token, utcnow().isoformat()))
                return cur.rowcount == 1
            finally:
                self._db.execute("PRAGMA synchronous=NORMAL")

    def held(self, channel: str, key: str) -> int:
        """The public version of ``key`` the channel holds (0 when none)."""
        with self._lock:
            row = self._db.execute("SELECT version FROM held WHERE channel=? AND key=?",
                                   (channel, key)).fetchone()
        return row[0] if row else 0

    def is_revoked(self, channel: str, key: str) -> bool:
        """True when the channel already revoked ``key``."""
        with self._lock:
            return self._db.execute("SELECT 1 FROM revoked WHERE channel=? AND key=?",
                                    (channel, key)).fetchone() is not None

    def counts(self) -> dict[str, int]:
        """Messages per state (for health output and tests)."""
        with self._lock:
            return dict(self._db.execute("SELECT state, count(*) FROM messages GROUP BY state").fetchall())

    def close(self) -> None:
        """Close the file."""
        with self._lock:
            self._db.close()
