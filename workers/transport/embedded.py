"""The embedded transport: queues kept in the SQL database (``queue_messages``), for one machine.

A consumer leases the best ready message (urgent first, then oldest) for a visibility timeout that it
renews while rendering; a consumer that dies leaves its lease to expire and the message is delivered
again. Settling (receipt, retry or park, acknowledge) is one transaction. On PostgreSQL several
consumers may poll at once (``FOR UPDATE SKIP LOCKED``)."""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from sqlalchemy import CursorResult, and_, delete, or_, select, update
from sqlalchemy.orm import Session

from shared.config import Settings
from shared.db import session_factory
from shared.models import QueueMessage
from shared.observability import get_logger
from shared.settings import BrokerSettings
from shared.timefmt import utcnow
from shared.vocab import QueueState
from workers.transport import (ATTEMPT, CHANNEL, CODE, DECISION, REASON, REDRIVEN, BatchHandler,
                               Handler, Idle, Incoming, Settlement)
from workers.transport.topology import Names

log = get_logger(transport="embedded")


@dataclass
class _Handled:
    """What the handler thread made of the messages it was given: settlements, or the error."""

    settlements: list[Settlement] | None = None
    error: BaseException | None = None


def _handle(done: _Handled, taken: list[Incoming], handler: Handler,
            batch_handler: BatchHandler | None) -> None:
    """On the handler thread: ``taken`` through ``batch_handler`` (when given) or ``handler`` (one
    message); the outcome lands in ``done``."""
    try:
        done.settlements = (list(batch_handler(taken)) if batch_handler is not None
                            else [handler(taken[0])])
    except BaseException as exc:  # noqa: BLE001 - reported by serve, messages released
        done.error = exc


class EmbeddedTransport:
    """Messages in the ``queue_messages`` table of the Warta database."""

    def __init__(self, settings: Settings, bb: BrokerSettings) -> None:
        self.settings, self.bb = settings, bb
        self.names = Names(settings.amqp_prefix)
        self._sessions = session_factory(settings.db_url)
        self._pg = not settings.db_url.startswith("sqlite")

    def declare(self) -> None:
        """Nothing to declare: the table comes with the schema."""

    def close(self) -> None:
        """Nothing to release (the engine is shared by the process)."""

    def tick(self) -> None:
        """Nothing to keep alive."""

    def add_endpoint(self, channel: str, endpoint: str) -> None:
        """Nothing to declare: an endpoint's queue is a name in the table."""

    # -- publishing --------------------------------------------------------------------------------

    def publish_dispatch(self, channel: str, body: bytes, message_id: str, priority: int,
                         headers: dict, endpoint: str = "") -> None:
        """Insert one ready message into the channel's queue, or its named endpoint's (committed
        when this returns); urgency is the priority column, so there is no urgent row queue."""
        self._put(self.names.queue(channel, endpoint=endpoint), body, message_id, priority, headers)

    def _put(self, queue: str, body: bytes, message_id: str, priority: int, headers: dict,
             session: Session | None = None) -> None:
        row = QueueMessage(queue=queue, message_id=message_id, body=body.decode("utf-8", "replace"),
                           headers=dict(headers), priority=priority, state=QueueState.READY,
                           available_at=utcnow())
        if session is not None:
            session.add(row)
            return
        with self._sessions.begin() as s:
            s.add(row)

    # -- consuming ---------------------------------------------------------------------------------

    def _lease(self, queues: list[str], limit: int = 1) -> list[Incoming]:
        """Lease up to ``limit`` of the best ready messages in one transaction."""
        now = utcnow()
        with self._sessions.begin() as s:
            stmt = (select(QueueMessage).where(
                QueueMessage.queue.in_(queues),
                or_(and_(QueueMessage.state == QueueState.READY, QueueMessage.available_at <= now),
                    and_(QueueMessage.state == QueueState.LEASED, QueueMessage.lease_until < now)))
                .order_by(QueueMessage.priority.desc(), QueueMessage.available_at, QueueMessage.id)
                .limit(limit))
            if self._pg:
                stmt = stmt.with_for_update(skip_locked=True)
            leased = []
            for msg in s.execute(stmt).scalars().all():
                if msg.deliveries > self.bb.delivery_limit:
                    # backstop for a consumer that dies on this message before it can park it
                    msg.state = QueueState.PARKED
                    msg.headers = {**msg.headers, CODE: "delivery_limit",
                                   REASON: "Batas pengiriman ulang terlampaui"}
                    log.warning("parked_delivery_limit", message_id=msg.message_id, queue=msg.queue)
                    continue
                msg.state = QueueState.LEASED
                msg.lease_until = now + timedelta(seconds=self.bb.visibility_timeout)
                msg.deliveries += 1
                leased.append(Incoming(body=msg.body.encode(), headers=dict(msg.headers or {}),
                                       message_id=msg.message_id, priority=msg.priority,
                                       deliveries=msg.deliveries - 1, queue=msg.queue, token=msg.id))
            return leased

    def _renew(self, row_ids: list[int]) -> None:
        until = utcnow() + timedelta(seconds=self.bb.visibility_timeout)
        with self._sessions.begin() as s:
            s.execute(update(QueueMessage).where(QueueMessage.id.in_(row_ids),
                                                 QueueMessage.state == QueueState.LEASED)
                      .values(lease_until=until))

    def serve(self, queues: list[str], handler: Handler, stop: threading.Event, idle: Idle | None = None,
              batch_handler: BatchHandler | None = None, batch: int = 1) -> None:
        """Lease, handle (in a thread, renewing the leases), settle; until ``stop`` is set. With
        ``batch_handler`` and ``batch`` > 1, up to ``batch`` messages are leased, handled and
        settled at once (one transaction each for lease and settlement)."""
        batched = batch_handler if batch > 1 else None
        while not stop.is_set():
            taken = self._lease(queues, batch if batched is not None else 1)
            if not taken:
                if idle:
                    idle()
                stop.wait(self.bb.poll_interval)
                continue
            done = _Handled()
            worker = threading.Thread(target=_handle, args=(done, taken, handler, batched),
                                      name="warta-handle", daemon=True)
            worker.start()
            while True:  # renew the leases while the handler works (like AMQP heartbeats)
                worker.join(self.bb.visibility_timeout / 3)
                if not worker.is_alive():
                    break
                self._renew([inc.token for inc in taken])
            settlements = done.settlements
            if done.error is not None or settlements is None or len(settlements) != len(taken):
                log.error("handler_failed", message_id=taken[0].message_id, count=len(taken),
                          error=repr(done.error))
                for inc in taken:
                    self._release(inc.token)
                continue
            self._settle_all(list(zip(taken, settlements, strict=True)))  # same length: checked

    def _release(self, row_id: int) -> None:
        with self._sessions.begin() as s:
            s.execute(update(QueueMessage).where(QueueMessage.id == row_id)
                      .values(state=QueueState.READY, lease_until=None, available_at=utcnow()))

    def _settle(self, incoming: Incoming, st: Settlement) -> None:
        self._settle_all([(incoming, st)])

    def _settle_all(self, pairs: list[tuple[Incoming, Settlement]]) -> None:
        with self._sessions.begin() as s:
            for incoming, st in pairs:
                self._settle_in(s, incoming, st)

    def _settle_in(self, s: Session, incoming: Incoming, st: Settlement) -> None:
        """One message's settlement inside the caller's transaction."""
        if st.receipt is not None:
            self._put(self.names.receipts, st.receipt, incoming.message_id, incoming.priority,
                      {}, session=s)
        row = s.get(QueueMessage, incoming.token)
        if row is None:
            return
        if st.retry_delay is not None:
            row.state, row.lease_until, row.deliveries = QueueState.READY, None, 0
            row.available_at = utcnow() + timedelta(seconds=st.retry_delay)
            row.headers = {**(row.headers or {}), **st.headers}
        elif st.park:
            row.state, row.lease_until = QueueState.PARKED, None
            row.headers = {**(row.headers or {}), **st.headers}
        else:
            s.delete(row)

    # -- parking -----------------------------------------------------------------------------------

    def parked(self) -> list[dict]:
        """Every parked message with its reason."""
        with self._sessions() as s:
            rows = s.execute(select(QueueMessage).where(QueueMessage.state == QueueState.PARKED)
                             .order_by(QueueMessage.id)).scalars().all()
            return [{"message_id": r.message_id, "queue": r.queue,
                     "channel": (r.headers or {}).get(CHANNEL), "code": (r.headers or {}).get(CODE),
                     "reason": (r.headers or {}).get(REASON)} for r in rows]

    def redrive(self, message_ids: set[str] | None, decision: str = "again") -> list[str]:
        """Parked messages back to ready, with their attempt count reset and a person's decision
        (see :data:`workers.transport.DECISION`)."""
        with self._sessions.begin() as s:
            stmt = select(QueueMessage).where(QueueMessage.state == QueueState.PARKED)
            if message_ids is not None:
                stmt = stmt.where(QueueMessage.message_id.in_(message_ids))
            done = []
            for row in s.execute(stmt).scalars():
                headers = {k: v for k, v in (row.headers or {}).items() if k not in (CODE, REASON)}
                # a fresh token per redrive: a person's decision, usable once
                row.headers = {**headers, ATTEMPT: 0, REDRIVEN: str(uuid.uuid4()),
                               DECISION: decision}
                row.state, row.deliveries, row.available_at = QueueState.READY, 0, utcnow()
                done.append(row.message_id)
            return done

    def purge(self) -> int:
        """Delete every message (tests and benchmarks only)."""
        with self._sessions.begin() as s:
            # a DML statement's result is a CursorResult (Session.execute is typed for any statement)
            return cast(CursorResult, s.execute(delete(QueueMessage))).rowcount
