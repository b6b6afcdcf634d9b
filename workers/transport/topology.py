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

What an operator may tune lives in **policies**, not in queue arguments, because RabbitMQ fixes a
queue's arguments when it is created (declaring it again with other ones is refused with
PRECONDITION_FAILED) while a changed policy applies to queues that already exist:

- ``<p>.delivery-limit``: ``delivery-limit`` (``WARTA_DELIVERY_LIMIT``) of every channel queue and
  of the receipts queue;
- ``<p>.wait.<N>s``: ``message-ttl`` and ``dead-letter-exchange`` of one retry tier.

The arguments keep what is structural: the queue type, and where a channel queue dead-letters.
AMQP cannot write policies, so :func:`declare` writes them through a ``policy_writer`` (the
management API, :func:`management_policy_writer`); without one it declares the limits as arguments,
as before (docs/BACKBONE.md, "Policies").
"""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Mapping

from shared.classification import ALL_CHANNELS, TOP_PRIORITY

RECEIPT_KEY = "receipt"
POLICY_PRIORITY = 10
"""Priority of Warta's policies: above an operator's catch-all policy (priority 0), which would
otherwise replace them (only one policy applies to a queue)."""

PolicyWriter = Callable[[list[dict]], None]
"""Writes policies (definitions' shape, without ``vhost``) into the connection's virtual host."""


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


def channel_queue_args(names: Names, channel: str, delivery_limit: int | None = None) -> dict:
    """Arguments of a channel queue: quorum, at-least-once dead-lettering to parking. The delivery
    limit is the policy's; ``delivery_limit`` puts it into the arguments instead (no policy)."""
    args: dict[str, str | int] = {
        "x-queue-type": "quorum", "x-dead-letter-exchange": names.parking_exchange,
        "x-dead-letter-routing-key": channel, "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish"}
    if delivery_limit is not None:
        args["x-delivery-limit"] = delivery_limit
    return args


def wait_queue_args(names: Names, seconds: int, in_arguments: bool = False) -> dict:
    """Arguments of a wait queue: classic. Its TTL and dead-lettering to the dispatch exchange
    (with the message's own routing key: no ``x-dead-letter-routing-key``) are the tier's policy,
    or arguments when ``in_arguments`` (no policy)."""
    if not in_arguments:
        return {"x-queue-type": "classic"}
    return {"x-queue-type": "classic", **{f"x-{k}": v for k, v in wait_policy(names, seconds).items()}}


def wait_policy(names: Names, seconds: int) -> dict:
    """The policy definition of one retry tier's wait queue."""
    return {"message-ttl": seconds * 1000, "dead-letter-exchange": names.dispatch}


def policies(prefix: str, tiers: list[int], delivery_limit: int, vhost: str = "/") -> list[dict]:
    """Warta's policies (definitions' shape): one delivery limit for the channel and receipts
    queues, one TTL and dead-letter exchange per retry tier. Patterns match exactly these queues
    (names escaped, anchored), so other prefixes on the same broker are left alone."""
    n = Names(prefix)
    p = re.escape(prefix)
    channels = "|".join(re.escape(str(c)) for c in ALL_CHANNELS)
    out = [{"vhost": vhost, "name": f"{prefix}.delivery-limit",
            "pattern": rf"^{p}\.(receipts|({channels})(\.[^.]+)*)$", "apply-to": "queues",
            "priority": POLICY_PRIORITY, "definition": {"delivery-limit": delivery_limit}}]
    for seconds in tiers:
        out.append({"vhost": vhost, "name": n.wait_queue(seconds),
                    "pattern": f"^{re.escape(n.wait_queue(seconds))}$", "apply-to": "queues",
                    "priority": POLICY_PRIORITY, "definition": wait_policy(n, seconds)})
    return out


def definitions(prefix: str, tiers: list[int], delivery_limit: int, vhost: str = "/",
                endpoints: Mapping[str, list[str]] | None = None, with_policies: bool = True) -> dict:
    """The RabbitMQ definitions (``rabbitmqctl import_definitions`` / management ``load_definitions``).
    ``endpoints``: named endpoints per channel (default ``WARTA_ENDPOINTS``); such a channel gets
    one queue pair per endpoint besides its unnamed pair. ``with_policies`` False: no policies, the
    limits and TTLs in the queue arguments instead (a broker whose policies cannot be written)."""
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
    limit = None if with_policies else delivery_limit
    queue(n.receipts, channel_queue_args(n, RECEIPT_KEY, limit))
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
                queue(q, channel_queue_args(n, channel, limit))
                bind(n.dispatch, q, routing_key(channel, TOP_PRIORITY if urgent else 0, endpoint))
        bind(n.parking_exchange, n.parked, channel)
    for seconds in tiers:
        exchange(n.retry_exchange(seconds), "fanout")
        queue(n.wait_queue(seconds), wait_queue_args(n, seconds, not with_policies))
        bind(n.retry_exchange(seconds), n.wait_queue(seconds), "")
    pols = policies(prefix, tiers, delivery_limit, vhost) if with_policies else []
    return {"rabbit_version": "3.10.8", "vhosts": [{"name": vhost}], "exchanges": ex, "queues": qs,
            "bindings": bs, "policies": pols}


def declare(channel, prefix: str, tiers: list[int], delivery_limit: int,  # noqa: ANN001
            passive: bool = False, endpoints: Mapping[str, list[str]] | None = None,
            policy_writer: PolicyWriter | None | bool = True) -> list[str]:
    """Declare the whole topology on a pika channel (idempotent) and write its policies.
    ``passive`` only checks that it exists: for least-privilege accounts without configure rights
    (the definitions were loaded into the broker at boot).

    ``policy_writer``: True (default) tries the management API of the channel's broker
    (:func:`management_policy_writer`); None/False writes none, and the limits and TTLs are then
    declared as queue arguments. A queue that already exists with other arguments (declared by an
    older Warta, or with another limit) is kept as it is, checked passively and named in the
    returned list (``warta doctor``, check ``kebijakan``, says how to migrate it)."""
    writer = None if passive else (management_policy_writer(channel) if policy_writer is True
                                   else policy_writer or None)
    if writer is not None:
        try:
            writer(policies(prefix, tiers, delivery_limit))
        except OSError:
            writer = None  # no management API here: limits as arguments, as before
    defs = definitions(prefix, tiers, delivery_limit, endpoints=endpoints,
                       with_policies=passive or writer is not None)
    if not passive:
        # a channel of its own: a refused declare closes it, never the caller's (which goes on to
        # publish or consume)
        caller, channel = channel, channel.connection.channel()
    for e in defs["exchanges"]:
        channel.exchange_declare(e["name"], exchange_type=e["type"], durable=True, passive=passive)
    kept = []
    for q in defs["queues"]:
        try:
            channel.queue_declare(q["name"], durable=True, arguments=q["arguments"], passive=passive)
        except Exception as exc:  # pika's ChannelClosedByBroker; pika is not imported here
            if passive or getattr(exc, "reply_code", None) != 406:
                raise
            channel = channel.connection.channel()  # the broker closed the channel: open another
            channel.queue_declare(q["name"], passive=True)
            kept.append(q["name"])
    if passive:
        return kept
    for b in defs["bindings"]:
        channel.queue_bind(b["destination"], b["source"], routing_key=b["routing_key"])
    if channel is not caller and channel.is_open:
        channel.close()
    return kept


def management_policy_writer(channel, base_url: str | None = None,  # noqa: ANN001
                             timeout: float = 3.0) -> PolicyWriter:
    """A :data:`PolicyWriter` through RabbitMQ's management API (``PUT /api/policies/<vhost>/<name>``)
    with the credentials of the channel's connection: ``base_url`` (``WARTA_AMQP_MANAGEMENT_URL``)
    or ``http://<broker host>:15672``. Raises ``OSError`` when the API does not answer or refuses."""
    params = channel.connection._impl.params  # the node pika is connected to
    creds = params.credentials
    vhost = params.virtual_host
    if base_url is None:
        from shared.config import Settings

        try:
            base_url = Settings().broker.management_url
        except ValueError:  # a broken setting is reported by the service's own start
            base_url = ""
        base_url = base_url or f"http://{params.host}:15672"
    return http_policy_writer(base_url, vhost, creds.username, creds.password, timeout)


def http_policy_writer(base_url: str, vhost: str, user: str | None = None, password: str | None = None,
                       timeout: float = 3.0) -> PolicyWriter:
    """Write policies through the management API at ``base_url`` (user and password from the URL
    when it holds them)."""
    url = urllib.parse.urlsplit(base_url)
    user = urllib.parse.unquote(url.username) if url.username else user
    password = urllib.parse.unquote(url.password) if url.password else password
    root = f"{url.scheme}://{url.hostname}:{url.port or 15672}{url.path.rstrip('/')}"
    auth = base64.b64encode(f"{user}:{password}".encode()).decode()

    def write(items: list[dict]) -> None:
        for item in items:
            body = {k: v for k, v in item.items() if k not in ("vhost", "name")}
            path = "/api/policies/{}/{}".format(urllib.parse.quote(vhost, safe=""),
                                                urllib.parse.quote(item["name"], safe=""))
            request = urllib.request.Request(root + path, data=json.dumps(body).encode(), method="PUT",
                                             headers={"Authorization": f"Basic {auth}",
                                                      "Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=timeout):  # noqa: S310 - the broker's API
                pass  # HTTPError (401, 403...) is an OSError too

    return write


def delete(channel, prefix: str, tiers: list[int],  # noqa: ANN001
           endpoints: Mapping[str, list[str]] | None = None) -> None:
    """Delete every queue and exchange of ``prefix`` (tests and demos on a shared broker clean up
    after themselves; quorum queues are not free)."""
    defs = definitions(prefix, tiers, 1, endpoints=endpoints)
    for q in defs["queues"]:
        channel.queue_delete(q["name"])
    # policies stay: they match only this prefix's names, and a shared test broker has no
    # management API to delete them through (docs/BACKBONE.md)
    for e in defs["exchanges"]:
        channel.exchange_delete(e["name"])
