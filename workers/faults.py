"""Fault injection for the fault suite, tests, benchmarks and drills, kept out of the production
settings: a slow render (``WARTA_RENDER_DELAY``), a poison message that kills the worker
(``WARTA_FAULT_CRASH_MARKER`` in the title) and a relay that dies between the broker's confirm and
its commit (``WARTA_FAULT_RELAY_CRASH_AFTER_CONFIRM``). The harness switches them on by setting
these variables in a service's environment; :func:`injected` reads them only then (a process with
none of them set reads nothing and runs without faults). The worker logs when they are on.

The delay is split around the real render by ``WARTA_FAULT_DELAY_AFTER`` (a fraction, default 0):
that share is slept AFTER the inner renderer returned — its files are written (and paper printed),
but no receipt is sent and the inbox has no ``done`` mark yet. A kill at a random time then lands
before, inside or just after the real render, which is what the fault suite needs: the window
after the render is where a redelivery would duplicate output if anything were not idempotent."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from channels.base import ChannelRenderer
from shared.messages import Envelope

VARIABLES = ("WARTA_RENDER_DELAY", "WARTA_FAULT_DELAY_AFTER", "WARTA_FAULT_CRASH_MARKER",
             "WARTA_FAULT_RELAY_CRASH_AFTER_CONFIRM")
"""The variables that switch fault injection on (names unchanged: docs/RELIABILITY.md)."""


class FaultSettings(BaseSettings):
    """The injected faults (``WARTA_*``); only :func:`injected` builds them."""

    model_config = SettingsConfigDict(env_prefix="WARTA_", extra="ignore")

    render_delay: float = Field(default=0.0, ge=0)
    """Seconds every render sleeps (``WARTA_RENDER_DELAY``)."""

    fault_delay_after: float = Field(default=0.0, ge=0, le=1)
    """The share of ``render_delay`` slept after the real render (``WARTA_FAULT_DELAY_AFTER``)."""

    fault_crash_marker: str = ""
    """A render whose title contains this text kills the worker process (poison)."""

    fault_relay_crash_after_confirm: bool = False
    """The relay exits after the broker confirmed a row but before it commits."""

    @property
    def renders(self) -> bool:
        """True when renders are slowed or poisoned."""
        return bool(self.render_delay or self.fault_crash_marker)


def injected() -> FaultSettings | None:
    """The faults the harness switched on, or None when none of :data:`VARIABLES` is set."""
    if not any(os.environ.get(name) for name in VARIABLES):
        return None
    return FaultSettings()


def wrap(inner: ChannelRenderer, faults: FaultSettings) -> FaultyRenderer:
    """``inner`` behind ``faults``. The wrapper reports as the renderer it wraps: its channel
    ``name`` and whether its output is ``irreversible`` are class attributes of a renderer, so each
    wrapper gets a subclass carrying the inner renderer's."""
    kind = type(FaultyRenderer.__name__, (FaultyRenderer,),
                {"name": inner.name, "irreversible": inner.irreversible})
    return kind(inner, faults.render_delay, faults.fault_crash_marker, faults.fault_delay_after)


class FaultyRenderer(ChannelRenderer):
    """Delegates to ``inner`` after the configured faults (made by :func:`wrap`)."""

    name = "faulty"

    def __init__(self, inner: ChannelRenderer, delay: float = 0.0, crash_marker: str = "",
                 after: float = 0.0) -> None:
        self.inner, self.delay, self.crash_marker = inner, delay, crash_marker
        self.after = min(1.0, max(0.0, after))
        self.out_dir, self.root = inner.out_dir, inner.root

    def render(self, envelope: Envelope) -> list[Path]:
        """Sleep (off the connection thread), maybe die, render for real, maybe sleep again."""
        if self.delay:
            time.sleep(self.delay * (1 - self.after))
        if self.crash_marker and self.crash_marker in envelope.announcement.title:
            os._exit(70)  # a poison message: the process dies as on a segfault
        files = self.inner.render(envelope)
        if self.delay and self.after:
            time.sleep(self.delay * self.after)  # rendered, not yet acknowledged: a kill lands here
        return files

    def render_without_output(self, envelope: Envelope) -> list[Path]:
        """The inner renderer's proof without paper (never through the injected faults)."""
        return self.inner.render_without_output(envelope)

    def sweep_temp(self) -> int:
        """The inner renderer's sweep (its own output folder)."""
        return self.inner.sweep_temp()

    def maintain(self) -> list[Path]:
        """The inner renderer's upkeep (playlist expiry, CAP index)."""
        return self.inner.maintain()

    def health(self) -> list[str]:
        """The inner renderer's warnings plus a note that faults are injected."""
        return self.inner.health() + [f"injeksi galat aktif (jeda {self.delay} dtk, "
                                      f"{self.after:.0%} sesudah render, "
                                      f"penanda racun '{self.crash_marker}')"]
