"""A worker-local feed state in stdlib sqlite3: one row per announcement, an index on
(revoked, sort_ts) so the latest N live items cost the same at 10 or 100,000 rows, and an inbox of
rendered message ids so a redelivery produces no second artifact.

Shared by the web, CAP and radio renderers; each keeps its own database file under its own folder.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    key TEXT PRIMARY KEY,
    sort_ts REAL NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL
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

    def put(self, key: str, sort_ts: float, revoked: bool, data: dict) -> None:
        """Insert or replace ``key``."""
        self.put_many([(key, sort_ts, revoked, data)])

    def put_many(self, rows: Iterable[tuple[str, float, bool, dict]]) -> None:
        """Insert or replace many rows in one transaction (used to seed benchmarks)."""
        with closing(self._connect()) as db, db:
            db.executemany(
                "INSERT INTO items (key, sort_ts, revoked, data) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET sort_ts = excluded.sort_ts, "
                "revoked = excluded.revoked, data = excluded.data",
                ((k, ts, int(rev), json.dumps(d, ensure_ascii=False)) for k, ts, rev, d in rows))

    def latest(self, limit: int) -> list[dict]:
        """The newest ``limit`` live (not revoked) items, newest first; served by the index."""
        with closing(self._connect()) as db:
            rows = db.execute("SELECT data FROM items WHERE revoked = 0 ORDER BY sort_ts DESC "
                              "LIMIT ?", (limit,)).fetchall()
        return [json.loads(r[0]) for r in rows]

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
