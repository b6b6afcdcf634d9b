"""Logs and metrics every service uses: structlog JSON logs with bound ids, and Prometheus metrics.

Services call :func:`configure_logging` once at start, log through :func:`get_logger` (binding
``announcement_id``, ``channel`` and ``message_id`` per message), and update :data:`METRICS`.
Every line of the process goes through one stdlib handler and one formatter: structlog's own
lines, the stdlib ``logging`` of pika, alembic and SQLAlchemy, Python warnings and an uncaught
exception's traceback, so with ``WARTA_LOG_FORMAT=json`` each line is one JSON object with
``timestamp``, ``level``, ``logger``, ``event`` and ``service``.
"""

from __future__ import annotations

import logging
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, MutableMapping

import structlog
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest, start_http_server

if TYPE_CHECKING:
    from shared.config import Settings

MESSAGE_IDS = ("announcement_id", "channel", "message_id")
"""The ids every log line about one message carries (bound by :func:`message_context`)."""
_JSON = False

INFO_FROM = ("shared", "workers", "channels", "warta", "kiosk")
"""The stdlib loggers (by first name part) whose INFO lines are kept: Warta's own. Other
libraries' INFO lines are chatter (pika logs every channel it opens, fontTools every table it
subsets, alembic its dialect on every schema check): their warnings and errors still come out,
and of alembic's INFO lines what a migration did ("Running upgrade …")."""


class _LibraryFilter(logging.Filter):
    """Keeps structlog's lines (filtered by level already), warnings and errors, the INFO lines of
    :data:`INFO_FROM`, and alembic's "Running upgrade" lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        if hasattr(record, "_logger") or record.levelno >= logging.WARNING:
            return True
        top = record.name.split(".", 1)[0]
        return top in INFO_FROM or (top == "alembic" and str(record.msg).startswith("Running "))


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time of the line (a test's capture, or the
    real one), never a stream that was closed since logging was configured."""

    @property
    def stream(self):  # noqa: ANN201 - a text stream
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:  # noqa: ANN001 - logging.StreamHandler sets it in __init__
        pass


def _add_service(service: str) -> structlog.typing.Processor:
    """A processor adding ``service`` to every line, on every thread (a contextvar would not
    reach the threads a service starts)."""
    def add(_logger: Any, _name: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        event_dict.setdefault("service", service)
        return event_dict
    return add


def _log_uncaught(kind: str):  # noqa: ANN202
    """A ``sys.excepthook``/``threading.excepthook`` writing the traceback as one log line."""
    def hook(*args: Any) -> None:
        if kind == "thread":
            exc_type, exc, tb = args[0].exc_type, args[0].exc_value, args[0].exc_traceback
        else:
            exc_type, exc, tb = args
        if issubclass(exc_type, KeyboardInterrupt):
            return
        logging.getLogger("warta.uncaught").critical("uncaught_exception", exc_info=(exc_type, exc, tb))
    return hook


def configure_logging(service: str, json_logs: bool = True, level: int = logging.INFO) -> None:
    """JSON lines on stderr (or readable lines for a terminal), each carrying ``service``; the
    stdlib ``logging`` (pika, alembic, SQLAlchemy), warnings and uncaught exceptions included."""
    stamp = structlog.processors.TimeStamper(fmt="iso", utc=True)
    common: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars, structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name, _add_service(service), stamp]
    structlog.configure(
        processors=[*common, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(level),
        cache_logger_on_first_use=False)
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer(ensure_ascii=False, default=str) if json_logs
        else structlog.dev.ConsoleRenderer(colors=False))
    handler = _StderrHandler()
    handler.addFilter(_LibraryFilter())
    handler.setFormatter(structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*common, structlog.stdlib.ExtraAdder()],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    structlog.processors.format_exc_info, renderer]))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _StderrHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(True)
    logging._srcfile = None  # no caller lookup per line (the logging HOWTO's "Optimization"): unused here
    sys.excepthook = _log_uncaught("process")
    threading.excepthook = _log_uncaught("thread")
    global _JSON
    _JSON = json_logs


def json_logging() -> bool:
    """True once :func:`configure_logging` set JSON lines (a service's own refusal is then logged
    as a JSON line too, not printed as a sentence)."""
    return _JSON


def get_logger(**bound: object):  # noqa: ANN201 - structlog BoundLogger
    """A logger with ``bound`` ids (announcement_id, channel, message_id, ...). Lazy: a module-level
    logger made at import, before the service configured logging, still writes in the configured
    format (JSON or console) — ``.bind()`` right away would freeze structlog's defaults."""
    # the caller's module names the logger once here, not by a walk up the stack at every line
    return structlog.get_logger(sys._getframe(1).f_globals.get("__name__", "warta"), **bound)


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
    """The Prometheus metrics of every Warta service (one registry per process). Which process
    exports which is in docs/DEPLOYMENT.md ("Logs and metrics"); ``workers/metrics.py`` primes
    each service's series and refreshes the periodic gauges."""

    registry: CollectorRegistry
    processed: Counter
    """Messages rendered and confirmed, by channel."""
    failed: Counter
    """Render attempts that failed, by channel and kind of failure (transient|permanent|readback)."""
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
    deliveries: Gauge
    """Deliveries not settled yet, by channel and state (pending, queued, retrying, parked,
    proof_pending)."""
    screens_silent: Gauge
    """Videotron screens without a proof-of-play report for ``WARTA_VIDEOTRON_SILENT_MINUTES``."""
    steps_overdue: Gauge
    """Open review steps (SOP) past their due time."""
    disk_free: Gauge
    """Free bytes on the disk of a folder the service writes, by folder (home, out, archive)."""


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
        deliveries=Gauge("warta_deliveries", "Deliveries not settled yet", ["channel", "state"],
                         registry=reg),
        screens_silent=Gauge("warta_screens_silent", "Videotron screens not reporting",
                             registry=reg),
        steps_overdue=Gauge("warta_steps_overdue", "Open review steps past their due time",
                            registry=reg),
        disk_free=Gauge("warta_disk_free_bytes", "Free bytes on the disk of a folder the service "
                        "writes", ["folder"], registry=reg),
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


def start_observability(service: str, settings: "Settings", metrics: bool = True) -> None:
    """What a process does first: logs per ``WARTA_LOG_FORMAT``; a long-running service
    (``metrics``: relay, worker, archiver, run) also serves its metrics on
    ``WARTA_METRICS_HOST:WARTA_METRICS_PORT`` (none when the port is 0) and sets a first heartbeat.
    A one-shot command (redrive...) never binds the port: the service beside it holds it."""
    configure_logging(service, json_logs=settings.log_format == "json")
    if metrics:
        serve_metrics(settings.metrics_port, settings.metrics_host)
        METRICS.heartbeat.set_to_current_time()
