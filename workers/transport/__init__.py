"""The transport interface the relay, workers and archiver share, with two implementations:
:mod:`workers.transport.amqp` (pika + RabbitMQ) and :mod:`workers.transport.embedded` (messages in the
SQL database). Everything above this interface is the same code for both."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from shared.config import Settings
from shared.settings import BrokerSettings
from workers.transport.topology import Names

ATTEMPT = "x-warta-attempt"
"""Our own retry counter (never ``x-death``, which the broker owns)."""
CHANNEL = "x-warta-channel"
ANNOUNCEMENT = "x-warta-announcement"
REASON = "x-warta-reason"
CODE = "x-warta-code"
REDRIVEN = "x-warta-redriven"
DECISION = "x-warta-decision"
"""With a redrive of a job that may already be on paper: ``again`` (print it again) or ``printed``
(a person checked it is on paper: file its proof, print nothing)."""
ENDPOINT = "x-warta-endpoint"
"""The named endpoint a dispatch message goes to (absent for a channel's unnamed endpoint); kept
when a message is parked, so a redrive returns it to that endpoint's queue only."""


class PublishError(Exception):
    """A publish the broker did not confirm (nacked, unroutable, connection lost)."""


class FatalTransportError(Exception):
    """Retrying cannot help (wrong credentials, no permission); the process stops with a clear log."""


@dataclass
class Incoming:
    """A message handed to a consumer."""

    body: bytes
    headers: dict
    message_id: str
    priority: int
    deliveries: int
    """Earlier deliveries of this message (0 on the first)."""
    queue: str
    token: Any = None
    """Transport-specific handle (delivery tag, row id)."""


@dataclass
class Settlement:
    """What the transport does with a handled message, in this order: publish the receipt, send the
    message to a retry tier or to parking (with ``headers`` merged), then acknowledge it."""

    receipt: bytes | None = None
    retry_delay: int | None = None
    park: bool = False
    headers: dict = field(default_factory=dict)


Handler = Callable[[Incoming], Settlement]
BatchHandler = Callable[[list[Incoming]], list[Settlement]]
"""Handles several messages at once (the archiver: one database transaction per batch)."""
Idle = Callable[[], None]
"""Upkeep a consumer runs while no message waits (on the handler thread, never the connection's)."""


class Transport(Protocol):
    """What the backbone needs of a broker."""

    names: Names
    """Every queue and exchange name of the configured prefix."""

    def declare(self) -> None:
        """Create queues and exchanges (idempotent)."""

    def publish_dispatch(self, channel: str, body: bytes, message_id: str, priority: int,
                         headers: dict, endpoint: str = "") -> None:
        """Publish one dispatch message to ``channel`` (to its named ``endpoint`` only, when
        given), confirmed; raise :class:`PublishError` otherwise."""

    def add_endpoint(self, channel: str, endpoint: str) -> None:
        """Declare (or check) ``channel``'s queues of ``endpoint`` too: a worker of a named
        endpoint may run where ``WARTA_ENDPOINTS`` is not set."""

    def serve(self, queues: list[str], handler: Handler, stop: threading.Event, idle: Idle | None = None,
              batch_handler: BatchHandler | None = None, batch: int = 1) -> None:
        """Consume ``queues`` (first ones preferred) until ``stop`` is set, finishing the message in
        hand; a transport may hand up to ``batch`` messages at once to ``batch_handler``."""

    def parked(self) -> list[dict]:
        """Parked messages: message_id, channel, code, reason."""

    def redrive(self, message_ids: set[str] | None, decision: str = "again") -> list[str]:
        """Put parked messages (all when None) back on their channel queue with a person's
        one-time decision (``again`` or ``printed``, see :data:`DECISION`); returns their ids."""

    def tick(self) -> None:
        """Keep an idle connection alive (heartbeats)."""

    def close(self) -> None:
        """Release connections."""


def channel_queues(transport_names: Names, channel: str, endpoint: str = "") -> list[str]:
    """The queues of a channel (of one named endpoint of it), urgent first."""
    return [transport_names.queue(channel, urgent=True, endpoint=endpoint),
            transport_names.queue(channel, endpoint=endpoint)]


def make_transport(settings: Settings, bb: BrokerSettings | None = None,
                   role: str = "service") -> Transport:
    """The configured transport: embedded (SQL) or amqp (RabbitMQ); ``role`` names the connection.
    ``bb``: the broker section, ``settings.broker`` when None."""
    bb = bb if bb is not None else settings.broker
    if settings.embedded:
        from workers.transport.embedded import EmbeddedTransport

        return EmbeddedTransport(settings, bb)
    from workers.transport.amqp import AmqpTransport

    return AmqpTransport(settings, bb, role)
