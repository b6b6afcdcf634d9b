"""A worker-local feed state in stdlib sqlite3: one row per announcement, an index on
(revoked, sort_ts) so the latest N live items (and the recently withdrawn ones) cost the same at 10
or 100,000 rows, an optional expiry per row (indexed: CAP alerts leave their index when they
expire), and an inbox of rendered message ids so a redelivery produces no second artifact.

Shared by the web, CAP and radio renderers; each keeps its own database file under its own folder.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

NEVER = 1e12
"""``expires_ts`` of a row that never expires (a POSIX time in the year 33658)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY,
    sort_ts REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL,
    expires_ts REAL
);
CREATE INDEX IF NOT EXISTS ix_items_live ON items (revoked, sort_ts DESC);
CREATE INDEX IF NOT EXISTS ix_items_image ON items (json_extract(data, '$.image.sha256'));
CREATE TABLE IF NOT EXISTS inbox (
    message_id TEXT PRIMARY KEY,
    files TEXT NOT NULL
);
"""


class FeedState:
    """Items and the inbox of one renderer, in ``path`` (created on first use)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._connect()) as db, db:
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(items)")}
            if "expires_ts" not in columns:
                # A state from before expiries: its live rows keep what they had (no expiry, as
                # their alerts carried none), its revoked rows count as expired (they were never
                # listed anyway).
                db.execute("ALTER TABLE items ADD COLUMN expires_ts REAL")
                db.execute("UPDATE items SET expires_ts = CASE revoked WHEN 0 THEN ? ELSE 0 END",
                           (NEVER,))
            db.execute("CREATE INDEX IF NOT EXISTS ix_items_expires ON items (expires_ts)")

    def _connect(self) -> sqlite3.Connection:
        # One short-lived connection per call: renders run in a worker thread, and sqlite3
        # connections must not cross threads.
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    def get(self, key: str) -> dict | None:
        """The stored data of ``key``, or None."""
        with closing(self._connect()) as db:
            row = db.execute("SELECT data FROM items WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, sort_ts: float, revoked: bool, data: dict,
            expires_ts: float | None = None) -> None:
        """Insert or replace ``key``; ``expires_ts`` (POSIX time) only matters to :meth:`active`."""
        self.put_many([(key, sort_ts, revoked, data)], expires_ts)

    def put_many(self, rows: Iterable[tuple[str, float, bool, dict]],
                 expires_ts: float | None = None) -> None:
        """Insert or replace many rows in one transaction (used to seed benchmarks)."""
        expires = NEVER if expires_ts is None else expires_ts
        with closing(self._connect()) as db, db:
            db.executemany(
                "INSERT INTO items (key, sort_ts, revoked, data, expires_ts) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET sort_ts = excluded.sort_ts, "
                "revoked = excluded.revoked, data = excluded.data, expires_ts = excluded.expires_ts",
                ((k, ts, int(rev), json.dumps(d, ensure_ascii=False), expires)
                 for k, ts, rev, d in rows))

    def latest(self, limit: int, withdrawn_since: float | None = None) -> list[dict]:
        """The newest ``limit`` live items, newest first; with ``withdrawn_since`` (POSIX time)
        also the revoked items whose ``sort_ts`` (their revocation) is not older than it. Two
        queries, each a range of the (revoked, sort_ts) index read for at most ``limit`` rows."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT sort_ts, key, data FROM items WHERE revoked = 0 "
                              "ORDER BY sort_ts DESC LIMIT ?", (limit,)).fetchall()
            if withdrawn_since is not None:
                rows += db.execute("SELECT sort_ts, key, data FROM items WHERE revoked = 1 "
                                   "AND sort_ts >= ? ORDER BY sort_ts DESC LIMIT ?",
                                   (withdrawn_since, limit)).fetchall()
        rows.sort(key=lambda r: (r[0], r[1]), reverse=True)
        return [json.loads(r[2]) for r in rows[:limit]]

    def withdrawn_between(self, after: float, until: float) -> bool:
        """True when a revoked item's ``sort_ts`` lies in (``after``, ``until``]: the moment its
        withdrawal entry leaves the feeds passed in that span (index-served)."""
        with closing(self._connect()) as db:
            return db.execute("SELECT 1 FROM items WHERE revoked = 1 AND sort_ts > ? AND sort_ts <= ? "
                              "LIMIT 1", (after, until)).fetchone() is not None

    def active(self, now: float, limit: int) -> list[dict]:
        """The newest ``limit`` items (revoked or not) that have not expired at ``now``, newest
        first; served by the expiry index, so the cost follows the unexpired rows only."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT data FROM items WHERE expires_ts > ? ORDER BY sort_ts DESC, key DESC "
                              "LIMIT ?", (now, limit)).fetchall()
        return [json.loads(r[0]) for r in rows]

    def expired_between(self, after: float, until: float) -> bool:
        """True when some item expired in (``after``, ``until``] (index-served)."""
        with closing(self._connect()) as db:
            return db.execute("SELECT 1 FROM items WHERE expires_ts > ? AND expires_ts <= ? LIMIT 1",
                              (after, until)).fetchone() is not None

    def image_users(self, sha256: str, other_than: str) -> int:
        """How many items other than ``other_than`` show the picture ``sha256`` (pictures are stored
        once per content, so one file may serve several announcements)."""
        with closing(self._connect()) as db:
            return db.execute("SELECT COUNT(*) FROM items WHERE json_extract(data, '$.image.sha256') = ? "
                              "AND key != ?", (sha256, other_than)).fetchone()[0]

    def count(self) -> int:
        """How many items are stored (live or revoked)."""
        with closing(self._connect()) as db:
            return db.execute("SELECT COUNT(*) FROM items").fetchone()[0]

    def seen(self, message_id: str) -> list[str] | None:
        """The files recorded for an already rendered message, or None when it is new."""
        with closing(self._connect()) as db:
            row = db.execute("SELECT files FROM inbox WHERE message_id = ?",
                             (message_id,)).fetchone()
        return json.loads(row[0]) if row else None

    def remember(self, message_id: str, files: list[str]) -> None:
        """Record that ``message_id`` was rendered into ``files``."""
        with closing(self._connect()) as db, db:
            db.execute("INSERT OR REPLACE INTO inbox (message_id, files) VALUES (?, ?)",
                       (message_id, json.dumps(files)))
