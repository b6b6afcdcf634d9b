"""The AMQP transport (pika ``BlockingConnection`` + RabbitMQ 3.10 / 4.x).

Threading follows pika's ``basic_consumer_threaded`` example: the connection thread only moves
frames (``process_data_events``); a handler thread renders; its result comes back through
``connection.add_callback_threadsafe`` and is settled on the connection thread (receipt and
retry/park published with confirms and ``mandatory=True``, then the ack). A slow render therefore
never starves heartbeats. Connecting (retried with backoff; wrong credentials or missing
permissions end the service) and the topology check are in :mod:`workers.transport.amqp_connection`.
"""

from __future__ import annotations

import functools
import heapq
import itertools
import os
import socket
import threading
import uuid
from collections.abc import Callable

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import AMQPConnectionError, AMQPError, NackError, UnroutableError
from pika.spec import Basic, BasicProperties

from shared.config import Settings
from shared.observability import get_logger
from shared.settings import BrokerSettings
from shared.settings.endpoints import parse_endpoints
from workers.transport import (ATTEMPT, CHANNEL, CODE, DECISION, ENDPOINT, REASON, REDRIVEN,
                               FatalTransportError, BatchHandler, Handler, Idle, Incoming,
                               PublishError, Settlement)
from workers.transport.amqp_connection import (BROKER_HEADERS, broker_parameters, channel_from_death,
                                               declare_checked, delivery_tag, is_fatal, open_connection,
                                               properties)
from workers.transport.topology import RECEIPT_KEY, Names, routing_key

__all__ = ["AmqpTransport", "broker_parameters"]
log = get_logger(transport="amqp")


class AmqpTransport:
    """RabbitMQ through pika; one instance per thread (pika is not thread-safe)."""

    def __init__(self, settings: Settings, bb: BrokerSettings, role: str = "service") -> None:
        self.settings, self.bb = settings, bb
        self.names = Names(settings.amqp_prefix)
        self.params = broker_parameters(bb.url, bb.ca_file)
        for params in self.params:
            params.heartbeat = bb.heartbeat
            params.blocked_connection_timeout = 60
            params.client_properties = {
                "connection_name": f"{settings.amqp_prefix}:{role}:{socket.gethostname()}:{os.getpid()}"}
        self._conn: pika.BlockingConnection | None = None
        self._ch: BlockingChannel | None = None
        self._declared = False
        self.endpoints = parse_endpoints(settings.endpoints)
        """Named endpoints per channel whose queues this transport declares or checks."""
        self.sessions = 0
        """Consume sessions opened (1 + reconnections); tests read it."""

    # -- connections -------------------------------------------------------------------------------

    def connect(self, stop: threading.Event | None = None) -> pika.BlockingConnection:
        """Open a connection, retrying with exponential backoff and jitter until ``stop``."""
        return open_connection(self.params, stop)

    def _channel(self) -> BlockingChannel:
        if self._conn is None or self._conn.is_closed or self._ch is None or self._ch.is_closed:
            self.close()
            self._conn = self.connect()
            self._ch = self._conn.channel()
            self._ch.confirm_delivery()
            if not self._declared:
                self._declare(self._ch)
                self._declared = True
        return self._ch

    def _declare(self, ch: BlockingChannel) -> None:
        declare_checked(ch, self.settings, self.bb, self.endpoints)

    def add_endpoint(self, channel: str, endpoint: str) -> None:
        """Also declare (or check) ``channel``'s queues of ``endpoint`` (a worker of a named
        endpoint knows its own endpoint even where ``WARTA_ENDPOINTS`` is not set)."""
        if endpoint and endpoint not in self.endpoints.get(channel, []):
            self.endpoints.setdefault(channel, []).append(endpoint)
            self._declared = False

    def declare(self) -> None:
        """Declare the topology (idempotent) on the publishing channel."""
        self._declared = False
        self._channel()

    def tick(self) -> None:
        """Let an idle publishing connection answer heartbeats (the relay calls it between polls)."""
        if self._conn is not None and self._conn.is_open:
            try:
                self._conn.process_data_events(time_limit=0)
            except AMQPError:
                self.close()

    def close(self) -> None:
        """Close the publishing connection quietly."""
        if self._conn is not None and self._conn.is_open:
            try:
                self._conn.close()
            except AMQPError:
                pass
        self._conn, self._ch = None, None

    # -- publishing --------------------------------------------------------------------------------

    def publish_dispatch(self, channel: str, body: bytes, message_id: str, priority: int,
                         headers: dict, endpoint: str = "") -> None:
        """Publish with confirm and ``mandatory``; raise :class:`PublishError` unless confirmed.
        A named endpoint's copy is routed to that endpoint's queue only, so a missing queue is
        unroutable (the row waits) instead of silently reaching the other screens alone."""
        try:
            ch = self._channel()
            ch.basic_publish(self.names.dispatch, routing_key(channel, priority, endpoint), body,
                             properties(message_id, priority, headers), mandatory=True)
        except UnroutableError:
            where = f"{channel}/{endpoint}" if endpoint else channel
            raise PublishError(f"Tidak ada antrean untuk kanal '{where}' (unroutable)") from None
        except NackError:
            raise PublishError("Broker menolak pesan (nack)") from None
        except FatalTransportError:
            raise
        except AMQPError as exc:
            self.close()
            raise PublishError(f"Koneksi broker terputus: {exc!r}") from None

    # -- consuming ---------------------------------------------------------------------------------

    def serve(self, queues: list[str], handler: Handler, stop: threading.Event, idle: Idle | None = None,
              batch_handler: BatchHandler | None = None, batch: int = 1) -> None:
        """Consume ``queues`` (earlier ones first) until ``stop``, reconnecting on connection loss.
        With ``batch_handler`` and ``batch`` > 1, up to ``batch`` messages already delivered are
        handled at once (prefetch raised to match) and each is settled after the call returns."""
        while not stop.is_set():
            try:
                conn = self.connect(stop)
            except FatalTransportError:
                raise
            except Exception:  # noqa: BLE001 - only when stop was set while retrying
                return
            self.sessions += 1
            try:
                _Session(self, conn, queues, handler, stop, idle, batch_handler, batch).run()
            except (AMQPError, ConnectionError, OSError) as exc:
                if is_fatal(exc):
                    raise FatalTransportError(f"Broker menolak akses: {exc!r}") from None
                log.warning("connection_lost", error=repr(exc))
            finally:
                if conn.is_open:
                    try:
                        conn.close()
                    except AMQPError:
                        pass

    # -- parking -----------------------------------------------------------------------------------

    def _scan_parked(self, take: Callable[[dict], bool]) -> list[dict]:
        conn = self.connect()
        try:
            ch = conn.channel()
            ch.confirm_delivery()
            self._declare(ch)
            found = []
            while True:
                method, props, body = ch.basic_get(self.names.parked, auto_ack=False)
                if method is None or props is None or body is None:  # all None: the queue is empty
                    break
                headers = dict(props.headers or {})
                info = {"message_id": props.message_id, "channel": headers.get(CHANNEL),
                        "endpoint": headers.get(ENDPOINT) or "",
                        "code": headers.get(CODE) or headers.get("x-first-death-reason"),
                        "reason": headers.get(REASON) or "batas pengiriman ulang antrean"}
                if take(info):
                    self._redrive_one(ch, props, body, headers, info)
                    ch.basic_ack(delivery_tag(method))
                found.append(info)
            ch.close()  # whatever was not taken goes back to the parking queue
            return found
        finally:
            if conn.is_open:
                conn.close()

    def _redrive_one(self, ch: BlockingChannel, props: BasicProperties, body: bytes, headers: dict,
                     info: dict) -> None:
        channel = info["channel"] or channel_from_death(headers, self.names)
        if not channel or channel == RECEIPT_KEY:
            ch.basic_publish(self.names.receipts, RECEIPT_KEY, body, props, mandatory=True)
            return
        clean = {k: v for k, v in headers.items() if k not in BROKER_HEADERS + (CODE, REASON)}
        # a fresh token per redrive: a person's decision, usable once (see ChannelWorker.handle)
        clean.update({ATTEMPT: 0, REDRIVEN: str(uuid.uuid4()), CHANNEL: channel,
                      DECISION: info.get("decision", "again")})
        # through the shortest retry tier, which dead-letters into dispatch: only the relay may
        # write to the dispatch exchange itself (least privilege)
        ch.basic_publish(self.names.retry_exchange(self.bb.tiers[0]),
                         routing_key(channel, props.priority or 0, info.get("endpoint") or ""), body,
                         properties(props.message_id, props.priority or 0, clean), mandatory=True)

    def parked(self) -> list[dict]:
        """The parked messages (looked at, put back)."""
        return self._scan_parked(lambda _info: False)

    def redrive(self, message_ids: set[str] | None, decision: str = "again") -> list[str]:
        """Move parked messages back to their channel queue with a person's decision (see
        :data:`workers.transport.DECISION`); returns their message ids."""
        taken: list[str] = []

        def take(info: dict) -> bool:
            if message_ids is None or info["message_id"] in message_ids:
                taken.append(info["message_id"])
                info["decision"] = decision
                return True
            return False

        self._scan_parked(take)
        return taken


class _Session:
    """One connection's consume loop: connection thread + one handler thread."""

    def __init__(self, transport: AmqpTransport, conn: pika.BlockingConnection, queues: list[str],
                 handler: Handler, stop: threading.Event, idle: Idle | None = None,
                 batch_handler: BatchHandler | None = None, batch: int = 1) -> None:
        self.t, self.conn, self.queues, self.handler, self.stop = transport, conn, queues, handler, stop
        self.idle = idle
        self.batch_handler = batch_handler if batch > 1 else None
        self.batch = batch if self.batch_handler else 1
        self.ch = conn.channel()
        self.ch.confirm_delivery()
        self.ch.basic_qos(prefetch_count=max(transport.bb.prefetch, self.batch))
        transport._declare(self.ch)
        self.heap: list[tuple[int, int, Incoming]] = []
        self.cond = threading.Condition()
        self.seq = itertools.count()
        self.closing = False
        self.in_hand = 0

    def on_message(self, rank: int, queue: str, _ch: BlockingChannel, method: Basic.Deliver,
                   props: BasicProperties, body: bytes) -> None:
        headers: dict = dict(props.headers or {})
        count = int(headers.get("x-delivery-count", 0) or 0)
        inc = Incoming(body=body, headers=headers, message_id=props.message_id or "",
                       priority=props.priority or 0, deliveries=count, queue=queue,
                       token=(method.delivery_tag, props, method.routing_key))
        with self.cond:
            heapq.heappush(self.heap, (rank, next(self.seq), inc))  # urgent queue first
            self.cond.notify()

    def handler_loop(self) -> None:
        while True:
            with self.cond:
                if not self.heap and not self.closing:
                    self.cond.wait(0.5)
                if self.closing:
                    return
                taken = [heapq.heappop(self.heap)[2] for _ in range(min(self.batch, len(self.heap)))]
                self.in_hand += len(taken)
            if not taken:  # idle: upkeep on this (handler) thread, never the connection's
                if self.idle:
                    self.idle()
                continue
            results = self._handle(taken)
            done = threading.Event()
            try:
                self.conn.add_callback_threadsafe(functools.partial(self.settle_all, taken, results,
                                                                    done))
            except AMQPError:
                done.set()  # connection gone: the broker redelivers, the inbox absorbs it
            while not done.wait(0.5):
                if self.conn.is_closed:
                    break
            with self.cond:
                self.in_hand -= len(taken)

    def _handle(self, taken: list[Incoming]) -> list[Settlement | None]:
        """Settlements of the messages taken; None (reject and requeue) when the handler failed."""
        try:
            if self.batch_handler is not None:
                results: list[Settlement | None] = list(self.batch_handler(taken))
                if len(results) != len(taken):
                    raise RuntimeError("batch handler returned a wrong number of settlements")
                return results
            return [self.handler(taken[0])]
        except Exception as exc:  # noqa: BLE001 - a bug: reject; the delivery limit bounds it
            log.exception("handler_failed", message_id=taken[0].message_id, count=len(taken),
                          error=repr(exc))
            return [None] * len(taken)

    def settle_all(self, taken: list[Incoming], results: list[Settlement | None],
                   done: threading.Event) -> None:
        """On the connection thread: settle every message of a batch, in order."""
        try:
            for inc, st in zip(taken, results, strict=True):  # _handle returns one per message
                self.settle(inc, st, None)
        finally:
            done.set()

    def settle(self, inc: Incoming, st: Settlement | None, done: threading.Event | None) -> None:
        """On the connection thread: receipt, retry/park, ack (publishes confirmed, mandatory)."""
        tag, props, key = inc.token
        try:
            if st is None:
                self.ch.basic_reject(tag, requeue=True)
                return
            if st.receipt is not None:
                self.ch.basic_publish(self.t.names.receipts, RECEIPT_KEY, st.receipt,
                                      properties(inc.message_id, inc.priority, {}), mandatory=True)
            headers = {k: v for k, v in inc.headers.items() if k not in BROKER_HEADERS}
            headers.update(st.headers)
            if st.retry_delay is not None:
                self.ch.basic_publish(self.t.names.retry_exchange(st.retry_delay), key, inc.body,
                                      properties(inc.message_id, inc.priority, headers), mandatory=True)
            elif st.park:
                park_key = st.headers.get(CHANNEL) or RECEIPT_KEY
                self.ch.basic_publish(self.t.names.parking_exchange, park_key, inc.body,
                                      properties(inc.message_id, inc.priority, headers), mandatory=True)
            self.ch.basic_ack(tag)
        except (UnroutableError, NackError) as exc:
            log.error("settle_publish_failed", message_id=inc.message_id, error=repr(exc))
            self.ch.basic_reject(tag, requeue=True)
        finally:
            if done is not None:
                done.set()

    def run(self) -> None:
        tags = [self.ch.basic_consume(q, functools.partial(self.on_message, rank, q))
                for rank, q in enumerate(self.queues)]
        worker = threading.Thread(target=self.handler_loop, name="warta-render", daemon=True)
        worker.start()
        try:
            while not self.stop.is_set():
                self.conn.process_data_events(time_limit=0.5)
                if not worker.is_alive():
                    raise AMQPConnectionError("handler thread ended")
            for tag in tags:  # no new messages; finish the one in hand
                self.ch.basic_cancel(tag)
            with self.cond:
                self.closing = True
                self.cond.notify_all()
            while worker.is_alive():
                self.conn.process_data_events(time_limit=0.2)
                worker.join(0.05)
        finally:
            with self.cond:
                self.closing = True
                self.cond.notify_all()
            while worker.is_alive() and self.conn.is_open:
                try:
                    self.conn.process_data_events(time_limit=0.2)
                except AMQPError:
                    break
                worker.join(0.05)
            worker.join()  # the message in hand finishes before we reconnect or exit
