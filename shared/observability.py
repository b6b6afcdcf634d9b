"""Logs and metrics every service uses: structlog JSON logs with bound ids, and Prometheus metrics.

Services call :func:`configure_logging` once at start, log through :func:`get_logger` (binding
``announcement_id``, ``channel`` and ``message_id`` per message), and update :data:`METRICS`.
"""

from __future__ import annotations

import logging
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, start_http_server

if TYPE_CHECKING:
    from shared.config import Settings

MESSAGE_IDS = ("announcement_id", "channel", "message_id")
"""The ids every log line about one message carries (bound by :func:`message_context`)."""


def configure_logging(service: str, json_logs: bool = True, level: int = logging.INFO) -> None:
    """JSON lines on stderr (or readable lines for a terminal), each carrying ``service``."""
    processors: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        structlog.processors.JSONRenderer(ensure_ascii=False) if json_logs
        else structlog.dev.ConsoleRenderer(colors=False),
    ]
    structlog.configure(processors=processors, logger_factory=structlog.PrintLoggerFactory(sys.stderr),
                        wrapper_class=structlog.make_filtering_bound_logger(level),
                        cache_logger_on_first_use=False)
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(**bound: object):  # noqa: ANN201 - structlog BoundLogger
    """A logger with ``bound`` ids (announcement_id, channel, message_id, ...). Lazy: a module-level
    logger made at import, before the service configured logging, still writes in the configured
    format (JSON or console) — ``.bind()`` right away would freeze structlog's defaults."""
    return structlog.get_logger(**bound)


@contextmanager
def message_context(announcement_id: object = None, channel: object = None,
                    message_id: object = None, **extra: object) -> Iterator[None]:
    """Bind the ids of one message to every log line inside the block (this thread or task only),
    then unbind them, so a worker's next message never inherits the previous one's ids."""
    ids = {"announcement_id": announcement_id, "channel": channel, "message_id": message_id, **extra}
    ids = {k: v for k, v in ids.items() if v is not None}
    tokens = structlog.contextvars.bind_contextvars(**ids)
    try:
        yield
    finally:
        structlog.contextvars.reset_contextvars(**tokens)


@dataclass(frozen=True)
class Metrics:
    """The Prometheus metrics of every Warta service (one registry per process)."""

    registry: CollectorRegistry
    processed: Counter
    """Messages rendered and confirmed, by channel."""
    failed: Counter
    """Render attempts that failed, by channel and kind of failure (transient|permanent)."""
    retried: Counter
    """Messages sent to a retry tier, by channel."""
    parked: Counter
    """Messages parked, by channel and reason code."""
    render_seconds: Histogram
    """Time to render one message, by channel."""
    outbox_lag: Gauge
    """Seconds the oldest unpublished outbox row has waited."""
    queue_depth: Gauge
    """Messages waiting in a queue, by queue."""
    heartbeat: Gauge
    """Unix time of the service loop's last turn (``warta healthcheck`` fails when it is stale)."""
    receipts_rejected: Counter
    """Receipts the archiver dropped unapplied (unsigned, forged, unregistered worker), by channel."""


def _make_metrics() -> Metrics:
    reg = CollectorRegistry()
    return Metrics(
        registry=reg,
        processed=Counter("warta_processed_total", "Messages confirmed", ["channel"], registry=reg),
        failed=Counter("warta_failed_total", "Failed render attempts", ["channel", "kind"], registry=reg),
        retried=Counter("warta_retried_total", "Messages sent to a retry tier", ["channel"], registry=reg),
        parked=Counter("warta_parked_total", "Messages parked", ["channel", "reason"], registry=reg),
        render_seconds=Histogram("warta_render_seconds", "Render time", ["channel"], registry=reg,
                                 buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)),
        outbox_lag=Gauge("warta_outbox_lag_seconds", "Age of the oldest unpublished outbox row",
                         registry=reg),
        queue_depth=Gauge("warta_queue_depth", "Messages waiting", ["queue"], registry=reg),
        receipts_rejected=Counter("warta_receipts_rejected_total",
                                  "Receipts dropped unapplied (unsigned, forged, unregistered worker)",
                                  ["channel"], registry=reg),
        heartbeat=Gauge("warta_heartbeat_timestamp_seconds", "Last turn of the service loop",
                        registry=reg),
    )


METRICS = _make_metrics()
"""This process's metrics."""


def serve_metrics(port: int, host: str = "127.0.0.1") -> None:
    """Expose ``/metrics`` on ``host:port`` (a daemon thread); port 0 disables it."""
    if port:
        start_http_server(port, addr=host, registry=METRICS.registry)


def metrics_text() -> str:
    """The current metrics in the Prometheus text format (what ``/metrics`` answers)."""
    return generate_latest(METRICS.registry).decode()


def start_observability(service: str, settings: "Settings") -> None:
    """What every long-running service does first: logs per ``WARTA_LOG_FORMAT``, metrics on
    ``WARTA_METRICS_HOST:WARTA_METRICS_PORT`` (none when the port is 0), and a first heartbeat."""
    configure_logging(service, json_logs=settings.log_format == "json")
    serve_metrics(settings.metrics_port, settings.metrics_host)
    METRICS.heartbeat.set_to_current_time()
