"""The metrics each service exports besides its counters: every series primed at start (so a
scrape finds a value, and a rate or an alert works before the first event), and the gauges a
background thread refreshes every :data:`REFRESH_SECONDS`:

- the relay: ``warta_queue_depth{queue}`` (passive declares on a connection of its own: one
  round trip per queue, no management plugin, no extra account or permission; on the embedded
  transport a count of ``queue_messages``) and ``warta_steps_overdue`` (open review steps);
- the archiver: ``warta_deliveries{channel,state}`` (unsettled deliveries: parked, proof pending...)
  and ``warta_screens_silent`` (the screens' last proof-of-play reports it files);
- every service: ``warta_disk_free_bytes{folder}`` of the folders it writes.

The relay's ``warta_outbox_lag_seconds`` and every heartbeat are set by the service loops.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from shared.classification import Channel
from shared.config import Settings
from shared.models import Delivery, QueueMessage, WorkflowStep
from shared.observability import METRICS, get_logger
from shared.services.context import Context
from shared.timefmt import utcnow
from shared.vocab import DeliveryState, QueueState
from workers.transport.topology import Names, definitions

if TYPE_CHECKING:
    import pika

log = get_logger(service_part="metrics")

REFRESH_SECONDS = 15.0
"""Between two refreshes of the periodic gauges (Prometheus scrapes every 15-30 s)."""
UNSETTLED = (DeliveryState.PENDING, DeliveryState.QUEUED, DeliveryState.RETRYING,
             DeliveryState.PARKED, DeliveryState.PROOF_PENDING)
"""The delivery states ``warta_deliveries`` counts (the settled ones only grow)."""
FAILURE_KINDS = ("transient", "permanent", "readback")


def prime_worker(channel: str) -> None:
    """A worker's series, at 0 before its first message."""
    METRICS.processed.labels(channel)
    METRICS.retried.labels(channel)
    METRICS.render_seconds.labels(channel)
    METRICS.parked.labels(channel, "exhausted")
    for kind in FAILURE_KINDS:
        METRICS.failed.labels(channel, kind)


def prime_archiver() -> None:
    """The archiver's series, at 0 before its first receipt."""
    for channel in Channel:
        METRICS.receipts_rejected.labels(channel.value)
        for state in UNSETTLED:
            METRICS.deliveries.labels(channel.value, state.value)


def disk_free(folders: Mapping[str, Path]) -> None:
    """``warta_disk_free_bytes`` of each folder (its nearest existing parent: a folder not made yet
    is on that disk)."""
    for name, folder in folders.items():
        path = Path(folder)
        while not path.exists() and path != path.parent:
            path = path.parent
        try:
            METRICS.disk_free.labels(name).set(shutil.disk_usage(path).free)
        except OSError:  # unreadable: the service logs it where it writes; the figure stays
            continue


def records(ctx: Context, now: datetime | None = None) -> None:
    """``warta_deliveries`` and ``warta_screens_silent`` (the archiver's)."""
    counts = dict.fromkeys(((c.value, s.value) for c in Channel for s in UNSETTLED), 0)
    with ctx.read() as s:
        for ch, st, n in s.execute(
                select(Delivery.channel, Delivery.state, func.count())
                .where(Delivery.state.in_(UNSETTLED)).group_by(Delivery.channel, Delivery.state)):
            counts[(str(ch), str(st))] = n
    for (channel, state), n in counts.items():
        METRICS.deliveries.labels(channel, state).set(n)
    METRICS.screens_silent.set(silent_screens(ctx.settings, now))


def silent_screens(settings: Settings, now: datetime | None = None) -> int:
    """Screens whose last report (``$WARTA_HOME/screens/*.json``) is older than the configured
    minutes, counted as the monitor counts them (``Monitor.screen_status``)."""
    import json

    from shared.timefmt import aware

    now = aware(now or utcnow())
    limit = settings.videotron.silent_minutes * 60
    silent = 0
    for path in (settings.home / "screens").glob("*.json"):
        try:
            last = json.loads(path.read_text(encoding="utf-8")).get("last_shown_at")
        except (OSError, ValueError):
            continue  # being replaced (atomic rename): the next refresh counts it
        if not last or (now - aware(datetime.fromisoformat(last))).total_seconds() >= limit:
            silent += 1
    return silent


def steps_overdue(ctx: Context, now: datetime | None = None) -> None:
    """``warta_steps_overdue``: open review steps past their due time (the relay's)."""
    with ctx.read() as s:
        n = s.execute(select(func.count()).select_from(WorkflowStep)
                      .where(WorkflowStep.decided_at.is_(None),
                             WorkflowStep.due_at < (now or utcnow()))).scalar_one()
    METRICS.steps_overdue.set(n)


def queue_names(settings: Settings) -> list[str]:
    """Every queue of the configured topology (channel, endpoint, wait, receipts, parked)."""
    from shared.settings.endpoints import parse_endpoints

    bb = settings.broker
    defs = definitions(settings.amqp_prefix, bb.tiers, bb.delivery_limit,
                       endpoints=parse_endpoints(settings.endpoints), with_policies=False)
    return [q["name"] for q in defs["queues"]]


class QueueDepths:
    """``warta_queue_depth{queue}``: passive declares on a connection of its own (pika is one
    thread per connection; the relay's publishing connection stays on the relay's thread)."""

    def __init__(self, settings: Settings, ctx: Context) -> None:
        self.settings, self.ctx = settings, ctx
        self.queues = queue_names(settings)
        self._conn: pika.BlockingConnection | None = None

    def __call__(self) -> None:
        """Set every queue's depth (ready messages)."""
        depths = self._embedded() if self.settings.embedded else self._amqp()
        for name in self.queues:
            if name in depths:  # a queue the broker does not have has no figure
                METRICS.queue_depth.labels(name).set(depths[name])

    def _embedded(self) -> dict[str, int]:
        parked = Names(self.settings.amqp_prefix).parked
        with self.ctx.read() as s:
            rows = s.execute(select(QueueMessage.queue, QueueMessage.state, func.count())
                             .where(QueueMessage.state.in_((QueueState.READY, QueueState.PARKED)))
                             .group_by(QueueMessage.queue, QueueMessage.state)).all()
        depths = dict.fromkeys(self.queues, 0)  # the embedded transport's queues always exist
        for queue, state, n in rows:  # a parked message stays in its queue's rows, marked parked
            key = parked if state == QueueState.PARKED else queue
            depths[key] = depths.get(key, 0) + n
        return depths

    def _amqp(self) -> dict[str, int]:
        import pika
        from pika.exceptions import AMQPError, ChannelClosedByBroker

        from workers.transport.amqp_connection import broker_parameters

        try:
            if self._conn is None or not self._conn.is_open:  # one try: the next turn retries
                params = broker_parameters(self.settings.broker.url, self.settings.broker.ca_file)
                for p in params:
                    p.connection_attempts, p.socket_timeout, p.blocked_connection_timeout = 1, 5, 5
                    p.client_properties = {"connection_name": f"{self.settings.amqp_prefix}:metrics"}
                self._conn = pika.BlockingConnection(params)
            conn = self._conn
            channel = conn.channel()
            depths = {}
            for name in self.queues:
                try:
                    depths[name] = channel.queue_declare(name, passive=True).method.message_count
                except ChannelClosedByBroker:  # not provisioned (yet): no figure, next queue
                    channel = conn.channel()
            channel.close()
            return depths
        except AMQPError:
            self.close()
            raise

    def close(self) -> None:
        """Close the metrics connection."""
        if self._conn is not None and self._conn.is_open:
            try:
                self._conn.close()
            except Exception:  # noqa: BLE001 - closing a broken connection
                pass
        self._conn = None


class Refresher:
    """Runs the periodic gauges of one service on a daemon thread every ``interval`` seconds; a
    failing one is logged and tried again next time (metrics never stop a service)."""

    def __init__(self, jobs: list[Callable[[], None]], interval: float = REFRESH_SECONDS) -> None:
        self.jobs, self.interval = jobs, interval
        self.stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="metrics", daemon=True)

    def start(self) -> "Refresher":
        """Refresh now, then every ``interval`` on the thread."""
        self._thread.start()
        return self

    def _loop(self) -> None:
        while True:
            for job in self.jobs:
                try:
                    job()
                except Exception as exc:  # noqa: BLE001 - a database or broker hiccup: next turn
                    log.warning("metrics_refresh_failed", job=getattr(job, "__name__", type(job).__name__),
                                error=repr(exc)[:200])
            if self.stop.wait(self.interval):
                break


def start_relay_metrics(settings: Settings, interval: float = REFRESH_SECONDS) -> Refresher:
    """The relay's periodic gauges: queue depths, overdue steps, free disk of its home."""
    ctx = Context(settings)
    depths = QueueDepths(settings, ctx)
    return Refresher([depths, lambda: steps_overdue(ctx), lambda: disk_free({"home": settings.home})],
                     interval).start()


def start_archiver_metrics(settings: Settings, interval: float = REFRESH_SECONDS) -> Refresher:
    """The archiver's series and periodic gauges: deliveries, silent screens, free disk of the
    archive and its home."""
    prime_archiver()
    ctx = Context(settings)
    return Refresher([lambda: records(ctx),
                      lambda: disk_free({"archive": settings.archive, "home": settings.home})],
                     interval).start()


def start_worker_metrics(settings: Settings, channel: str,
                         interval: float = REFRESH_SECONDS) -> Refresher:
    """A worker's series and the free disk of its outputs and its inbox's folder (no database:
    a worker on the videotron PC has none)."""
    prime_worker(channel)
    state = settings.broker.state_dir(settings, channel)
    return Refresher([lambda: disk_free({"out": settings.out, "home": state})], interval).start()


def start_service_metrics(settings: Settings, relay: bool = False, archiver: bool = False,
                          channels: list[str] | tuple[str, ...] = ()) -> list[Refresher]:
    """The periodic gauges of a service process (``warta run``: all of them), only when it serves
    its metrics (``WARTA_METRICS_PORT`` not 0): nobody would read them otherwise."""
    if not settings.metrics_port:
        return []
    started = [start_relay_metrics(settings)] if relay else []
    if archiver:
        started.append(start_archiver_metrics(settings))
    started += [start_worker_metrics(settings, channel) for channel in channels]
    return started
