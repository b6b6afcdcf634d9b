"""Every backbone service in one process, as threads: relay, one worker per channel, archiver.
Used by ``warta run``, ``warta demo`` and ``warta kiosk --with-workers``."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from shared.classification import ALL_CHANNELS
from shared.config import Settings
from shared.observability import get_logger
from shared.settings import BrokerSettings
from workers.transport import FatalTransportError, make_transport

log = get_logger(service_part="inprocess")


@dataclass
class Handle:
    """The running services; :meth:`stop` ends them (each finishes the message in hand)."""

    stop_event: threading.Event
    threads: list[threading.Thread] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def alive(self) -> list[str]:
        """Names of the threads still running."""
        return [t.name for t in self.threads if t.is_alive()]

    def stop(self, timeout: float = 30.0) -> None:
        """Signal every service and wait for them."""
        self.stop_event.set()
        for t in self.threads:
            t.join(timeout)


Service = Callable[[threading.Event], None]
"""A service's run loop: runs until the event is set."""


def _guard(handle: Handle, name: str, target: Service) -> threading.Thread:
    def run() -> None:
        try:
            target(handle.stop_event)
        except FatalTransportError as exc:
            handle.errors.append(f"{name}: {exc}")
            log.error("service_gave_up", service=name, error=str(exc))
        except Exception as exc:  # noqa: BLE001 - one failed service is reported, not hidden
            handle.errors.append(f"{name}: {exc!r}")
            log.exception("service_failed", service=name)

    return threading.Thread(target=run, name=f"warta-{name}", daemon=True)


def endpoint_out(settings: Settings, channel: str, endpoint: str) -> Path:
    """The output folder of a named endpoint's worker in this process: ``$WARTA_OUTPUT_DIR/
    <channel>-<endpoint>`` (a dash, so it never collides with a channel's own folder)."""
    return settings.out / f"{channel}-{endpoint}"


def start_all(settings: Settings, channels: list[str] | None = None,
              renderer_override: str | None = None, bb: BrokerSettings | None = None,
              relay: bool = True, archiver: bool = True) -> Handle:
    """Start relay, workers (``channels``, default all four; one per named endpoint of a channel:
    ``bb.endpoint``, else ``WARTA_ENDPOINTS``) and archiver as threads; each has its own
    transport (an AMQP connection is never shared between threads). ``bb``: a broker section
    instead of ``settings.broker``."""
    from workers.archiver import Archiver
    from workers.relay import Relay
    from workers.runtime import ChannelWorker

    if bb is not None:  # a broker section of its own: every service takes it from the root
        settings = settings.with_overrides(broker=bb)
    bb = settings.broker
    handle = Handle(threading.Event())
    services: list[tuple[str, Service]] = []
    if relay:
        r = Relay(settings, bb, make_transport(settings, bb, "relay"))
        services.append(("relay", r.run))
    for channel in [str(c) for c in ALL_CHANNELS] if channels is None else channels:
        # one worker per endpoint: WARTA_ENDPOINT (bb) when given, else every configured one
        for endpoint in [bb.endpoint] if bb.endpoint else settings.endpoints_of(channel):
            wbb, wset, name = bb, settings, f"worker-{channel}"
            if endpoint:  # its own inbox and output folder, as a screen on its own PC would have
                wbb = bb.model_copy(update={"endpoint": endpoint})
                wset = settings.with_overrides(broker=wbb,
                                               output_dir=endpoint_out(settings, channel, endpoint))
                name = f"worker-{channel}-{endpoint}"
            worker = ChannelWorker(wset, wbb, channel, renderer_override)
            transport = make_transport(wset, wbb, name)
            services.append((name, functools.partial(worker.run, transport)))
    if archiver:
        a = Archiver(settings, make_transport(settings, bb, "archiver"), bb)
        services.append(("archiver", a.run))
    for name, target in services:
        thread = _guard(handle, name, target)
        handle.threads.append(thread)
        thread.start()
    return handle
