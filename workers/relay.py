"""The relay: publishes unpublished outbox rows with publisher confirms and marks a row published
only after its confirm. A row the broker did not take (unroutable, nacked, connection lost) stays
for a later try with backoff. On SQLite exactly one relay runs (an exclusive lock file); on
PostgreSQL several may (rows are claimed with ``FOR UPDATE SKIP LOCKED``)."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from typing import IO
from pathlib import Path

from shared.config import Settings
from shared.observability import METRICS, get_logger
from shared.services.context import Context
from shared.services.outbox import Outbox
from shared.settings import BrokerSettings
from workers.transport import ANNOUNCEMENT, ATTEMPT, CHANNEL, ENDPOINT, PublishError, Transport

log = get_logger(service_part="relay")
MAX_BACKOFF = 300.0
LAG_EVERY = 1.0
"""Seconds between outbox-lag measurements while the relay is busy (every idle poll measures)."""


class RelayLocked(Exception):
    """Another relay already runs on this SQLite database."""


class SingleRelayLock:
    """An exclusive ``flock`` next to the SQLite database (released when the process dies)."""

    def __init__(self, settings: Settings) -> None:
        db = settings.db_url.split("///", 1)[-1]
        self.path = Path(db + ".relay.lock") if db and db != ":memory:" else settings.home / "relay.lock"
        self._fh: IO[str] | None = None

    def acquire(self) -> None:
        """Take the lock or raise :class:`RelayLocked` with the reason."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise RelayLocked(f"Relay lain sudah berjalan untuk basis data SQLite ini "
                              f"(kunci {self.path}); pada SQLite hanya satu relay yang diizinkan") from None
        try:  # the pid is for people reading the lock file; the flock is the lock
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
        except OSError:  # a full disk must not stop the relay: the outbox waits in the database
            pass
        self._fh = fh

    def release(self) -> None:
        """Release the lock."""
        if self._fh:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


def backoff(attempts: int) -> float:
    """Seconds before the next try of a row that failed ``attempts`` times (1, 2, 4 ... 300)."""
    return min(MAX_BACKOFF, 2.0 ** max(0, attempts - 1))


class Relay:
    """Outbox → broker."""

    def __init__(self, settings: Settings, bb: BrokerSettings, transport: Transport) -> None:
        # bb: the broker section, ``settings.broker``
        self.settings, self.bb, self.transport = settings, bb, transport
        from workers.faults import injected  # the fault harness's, off unless it set them

        faults = injected()
        self.crash_after_confirm = faults is not None and faults.fault_relay_crash_after_confirm
        """Fault injection (``WARTA_FAULT_RELAY_CRASH_AFTER_CONFIRM``): exit between the broker's
        confirm and the commit."""
        self.outbox = Outbox(Context(settings))  # the one service the relay calls
        self.lock = SingleRelayLock(settings) if settings.db_url.startswith("sqlite") else None
        self._attempts: dict[int, int] = {}
        self._lag_at = float("-inf")

    def run_once(self) -> int:
        """Publish what is due now; returns rows published."""
        rows = self.outbox.claim(self.bb.relay_batch, self.bb.relay_lease)
        published = []
        for row in rows:
            headers = {ATTEMPT: 0, CHANNEL: row["channel"], ANNOUNCEMENT: row["announcement_id"]}
            endpoint = row.get("endpoint") or ""
            if endpoint:  # one copy per named endpoint (screen); kept when parked, for a redrive
                headers[ENDPOINT] = endpoint
            try:
                self.transport.publish_dispatch(row["channel"], row["payload"].encode(),
                                                row["message_id"], row["priority"], headers,
                                                endpoint=endpoint)
            except PublishError as exc:
                n = self._attempts[row["id"]] = self._attempts.get(row["id"], 0) + 1
                log.warning("publish_failed", message_id=row["message_id"], error=str(exc), attempts=n)
                self.outbox.mark_failed(row["id"], str(exc), backoff(n))
                continue
            if self.crash_after_confirm:
                log.warning("fault_crash_after_confirm", message_id=row["message_id"])
                os._exit(71)  # drill: the broker has it, the database does not know yet
            published.append(row["id"])
        moved = self.outbox.mark_published(published)
        for item_id in moved:
            log.info("disseminating", announcement_id=item_id)
        if published:
            log.info("published", rows=len(published))
        now = time.monotonic()
        if not rows or now - self._lag_at >= LAG_EVERY:  # a read is a lock on SQLite: not per batch
            self._lag_at = now
            METRICS.outbox_lag.set(self.outbox.lag())
        METRICS.heartbeat.set_to_current_time()
        return len(published)

    def run(self, stop: threading.Event) -> None:
        """Publish until ``stop`` is set (polling when idle)."""
        if self.lock:
            self.lock.acquire()
        try:
            self.transport.declare()
            log.info("relay_started", broker="embedded" if self.settings.embedded else "amqp")
            while not stop.is_set():
                try:
                    n = self.run_once()
                except Exception as exc:  # noqa: BLE001 - a database hiccup must not end the relay
                    log.error("relay_error", error=repr(exc))
                    n = 0
                if not n:
                    self.transport.tick()
                    stop.wait(self.bb.poll_interval)
        finally:
            if self.lock:
                self.lock.release()
            log.info("relay_stopped")
