"""The RabbitMQ topology: names (all carrying ``settings.amqp_prefix``), the definitions file, and
idempotent declaration with pika.

::

    relay ──▶ <p>.dispatch (direct) ──"radio"────────▶ <p>.radio          (quorum, delivery limit)
                                    └─"radio.urgent"─▶ <p>.radio.urgent   (quorum; consumed first)
    worker ─▶ <p>.retry.10s (fanout) ▶ <p>.wait.10s (TTL 10 s, dead-letters to <p>.dispatch with the
              message's own routing key, so a retried message returns to the queue it came from)
    worker ─▶ <p>.parking (direct) ──"radio"─▶ <p>.parked (poison, exhausted, permanent, forged)
    <p>.radio ── delivery limit exceeded ──▶ <p>.parking (dead-letter, at-least-once)
    worker ─▶ <p>.receipts (direct) ──"receipt"─▶ <p>.receipts (quorum) ──▶ archiver
    archiver ─▶ <p>.retry.10s ▶ <p>.wait.10s ▶ <p>.dispatch ──"receipt"─▶ <p>.receipts (a receipt
              whose proof the archive could not take yet, e.g. disk full, tries again later)

A channel with named endpoints (``WARTA_ENDPOINTS``, e.g. two videotron screens) also has a queue
pair per endpoint, each with a routing key of its own, because the relay publishes one message
per endpoint (each screen must get every message; two consumers of one queue would share them)::

    relay ──▶ <p>.dispatch ──"videotron.lobby"────────▶ <p>.videotron.lobby
                           └─"videotron.lobby.urgent"─▶ <p>.videotron.lobby.urgent
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from shared.classification import ALL_CHANNELS, TOP_PRIORITY

RECEIPT_KEY = "receipt"


@dataclass(frozen=True)
class Names:
    """Every exchange and queue name for one prefix."""

    prefix: str = "warta"

    @property
    def dispatch(self) -> str:
        """The durable direct exchange the relay publishes to."""
        return f"{self.prefix}.dispatch"

    @property
    def parking_exchange(self) -> str:
        """Where parked messages are sent (and channel queues dead-letter to)."""
        return f"{self.prefix}.parking"

    @property
    def parked(self) -> str:
        """The parking queue (held for a person; ``warta redrive`` takes messages back out)."""
        return f"{self.prefix}.parked"

    @property
    def receipts(self) -> str:
        """The receipts exchange and queue (same name)."""
        return f"{self.prefix}.receipts"

    def queue(self, channel: str, urgent: bool = False, endpoint: str = "") -> str:
        """A channel's queue (or its urgent queue for serta-merta); of one named endpoint when
        ``endpoint`` is given."""
        return f"{self.prefix}.{routing_key(channel, 0, endpoint)}" + (".urgent" if urgent else "")

    def retry_exchange(self, seconds: int) -> str:
        """The fanout exchange of one retry tier."""
        return f"{self.prefix}.retry.{seconds}s"

    def wait_queue(self, seconds: int) -> str:
        """The TTL wait queue of one retry tier."""
        return f"{self.prefix}.wait.{seconds}s"


def routing_key(channel: str, priority: int, endpoint: str = "") -> str:
    """Serta-merta (top priority) goes to the channel's urgent queue; a named endpoint's message
    to that endpoint's queues only (``videotron.lobby``, ``videotron.lobby.urgent``)."""
    base = f"{channel}.{endpoint}" if endpoint else channel
    return f"{base}.urgent" if priority >= TOP_PRIORITY else base


def endpoint_map(endpoints: Mapping[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Endpoints per channel: ``endpoints`` when given, else the approval side's
    ``WARTA_ENDPOINTS`` (so ``warta topology export`` provisions the endpoint queues too)."""
    if endpoints is not None:
        return {str(k): list(v) for k, v in endpoints.items()}
    from shared.config import Settings
    from shared.settings.endpoints import parse_endpoints

    return parse_endpoints(Settings().endpoints)


def channel_queue_args(names: Names, channel: str, delivery_limit: int) -> dict:
    """Arguments of a channel queue: quorum, delivery limit, at-least-once dead-lettering to parking."""
    return {"x-queue-type": "quorum", "x-delivery-limit": delivery_limit,
            "x-dead-letter-exchange": names.parking_exchange, "x-dead-letter-routing-key": channel,
            "x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}


def wait_queue_args(names: Names, seconds: int) -> dict:
    """Arguments of a wait queue: every message expires after the tier's TTL and is dead-lettered
    to the dispatch exchange with its own routing key (no ``x-dead-letter-routing-key``)."""
    return {"x-queue-type": "classic", "x-message-ttl": seconds * 1000,
            "x-dead-letter-exchange": names.dispatch}


def definitions(prefix: str, tiers: list[int], delivery_limit: int, vhost: str = "/",
                endpoints: Mapping[str, list[str]] | None = None) -> dict:
    """The RabbitMQ definitions (``rabbitmqctl import_definitions`` / management ``load_definitions``).
    ``endpoints``: named endpoints per channel (default ``WARTA_ENDPOINTS``); such a channel gets
    one queue pair per endpoint besides its unnamed pair."""
    n = Names(prefix)
    named = endpoint_map(endpoints)
    ex, qs, bs = [], [], []

    def exchange(name: str, kind: str) -> None:
        ex.append({"name": name, "vhost": vhost, "type": kind, "durable": True,
                   "auto_delete": False, "internal": False, "arguments": {}})

    def queue(name: str, args: dict) -> None:
        qs.append({"name": name, "vhost": vhost, "durable": True, "auto_delete": False,
                   "arguments": args})

    def bind(source: str, dest: str, key: str) -> None:
        bs.append({"source": source, "vhost": vhost, "destination": dest,
                   "destination_type": "queue", "routing_key": key, "arguments": {}})

    exchange(n.dispatch, "direct")
    exchange(n.parking_exchange, "direct")
    exchange(n.receipts, "direct")
    queue(n.parked, {"x-queue-type": "classic"})
    queue(n.receipts, {"x-queue-type": "quorum", "x-delivery-limit": delivery_limit,
                       "x-dead-letter-exchange": n.parking_exchange,
                       "x-dead-letter-routing-key": RECEIPT_KEY,
                       "x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"})
    bind(n.receipts, n.receipts, RECEIPT_KEY)
    # a receipt the archiver could not file yet (archive disk full) waits in a retry tier like a
    # channel message; the tier dead-letters into dispatch with the key "receipt", which must lead
    # back to the receipts queue (receipts are signed, so this route lets no one forge proof)
    bind(n.dispatch, n.receipts, RECEIPT_KEY)
    bind(n.parking_exchange, n.parked, RECEIPT_KEY)
    for channel in (str(c) for c in ALL_CHANNELS):
        # the unnamed pair stays: a revocation of what was published before the channel had
        # named endpoints still goes there, and adding endpoints only ever adds queues
        for endpoint in ["", *named.get(channel, [])]:
            for urgent in (False, True):
                q = n.queue(channel, urgent, endpoint)
                queue(q, channel_queue_args(n, channel, delivery_limit))
                bind(n.dispatch, q, routing_key(channel, TOP_PRIORITY if urgent else 0, endpoint))
        bind(n.parking_exchange, n.parked, channel)
    for seconds in tiers:
        exchange(n.retry_exchange(seconds), "fanout")
        queue(n.wait_queue(seconds), wait_queue_args(n, seconds))
        bind(n.retry_exchange(seconds), n.wait_queue(seconds), "")
    # Everything is in queue arguments so every service can declare the topology itself without
    # the management API; no policy is needed (an operator may add e.g. a max-length on parked).
    return {"rabbit_version": "3.10.8", "vhosts": [{"name": vhost}], "exchanges": ex, "queues": qs,
            "bindings": bs, "policies": []}


def declare(channel, prefix: str, tiers: list[int], delivery_limit: int,  # noqa: ANN001
            passive: bool = False, endpoints: Mapping[str, list[str]] | None = None) -> None:
    """Declare the whole topology on a pika channel (idempotent: same names, same arguments).
    ``passive`` only checks that it exists: for least-privilege accounts without configure rights
    (the definitions were loaded into the broker at boot)."""
    defs = definitions(prefix, tiers, delivery_limit, endpoints=endpoints)
    for e in defs["exchanges"]:
        channel.exchange_declare(e["name"], exchange_type=e["type"], durable=True, passive=passive)
    for q in defs["queues"]:
        channel.queue_declare(q["name"], durable=True, arguments=q["arguments"], passive=passive)
    if passive:
        return
    for b in defs["bindings"]:
        channel.queue_bind(b["destination"], b["source"], routing_key=b["routing_key"])


def delete(channel, prefix: str, tiers: list[int],  # noqa: ANN001
           endpoints: Mapping[str, list[str]] | None = None) -> None:
    """Delete every queue and exchange of ``prefix`` (tests and demos on a shared broker clean up
    after themselves; quorum queues are not free)."""
    defs = definitions(prefix, tiers, 1, endpoints=endpoints)
    for q in defs["queues"]:
        channel.queue_delete(q["name"])
    for e in defs["exchanges"]:
        channel.exchange_delete(e["name"])
