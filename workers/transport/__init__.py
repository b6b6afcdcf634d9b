"""The transport interface the relay, workers and archiver share, with two implementations:
:mod:`workers.transport.amqp` (pika + RabbitMQ) and :mod:`workers.transport.embedded` (messages in the
SQL database). Everything above this interface is the same code for both."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from shared.config import Settings
from workers.settings import BackboneSettings

ATTEMPT = "x-warta-attempt"
"""Our own retry counter (never ``x-death``, which the broker owns)."""
CHANNEL = "x-warta-channel"
ANNOUNCEMENT = "x-warta-announcement"
REASON = "x-warta-reason"
CODE = "x-warta-code"
REDRIVEN = "x-warta-redriven"


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


class Transport(Protocol):
    """What the backbone needs of a broker."""

    def declare(self) -> None:
        """Create queues and exchanges (idempotent)."""

    def publish_dispatch(self, channel: str, body: bytes, message_id: str, priority: int,
                         headers: dict) -> None:
        """Publish one dispatch message, confirmed; raise :class:`PublishError` otherwise."""

    def serve(self, queues: list[str], handler: Handler, stop: threading.Event, idle=None,  # noqa: ANN001
              batch_handler: BatchHandler | None = None, batch: int = 1) -> None:
        """Consume ``queues`` (first ones preferred) until ``stop`` is set, finishing the message in
        hand; a transport may hand up to ``batch`` messages at once to ``batch_handler``."""

    def parked(self) -> list[dict]:
        """Parked messages: message_id, channel, code, reason."""

    def redrive(self, message_ids: set[str] | None) -> list[str]:
        """Put parked messages (all when None) back on their channel queue; returns their ids."""

    def tick(self) -> None:
        """Keep an idle connection alive (heartbeats)."""

    def close(self) -> None:
        """Release connections."""


def channel_queues(transport_names, channel: str) -> list[str]:  # noqa: ANN001
    """The queues of a channel, urgent first."""
    return [transport_names.queue(channel, urgent=True), transport_names.queue(channel)]


def make_transport(settings: Settings, bb: BackboneSettings | None = None,
                   role: str = "service") -> Transport:
    """The configured transport: embedded (SQL) or amqp (RabbitMQ); ``role`` names the connection."""
    from workers.settings import backbone_settings

    bb = bb or backbone_settings()
    if settings.embedded:
        from workers.transport.embedded import EmbeddedTransport

        return EmbeddedTransport(settings, bb)
    from workers.transport.amqp import AmqpTransport

    return AmqpTransport(settings, bb, role)
