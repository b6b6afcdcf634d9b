"""Fault injection around any renderer, switched on by settings (tests, benchmarks, drills): a slow
render (``WARTA_RENDER_DELAY``) and a poison message that kills the process
(``WARTA_FAULT_CRASH_MARKER`` in the title). Off by default; the worker logs when it is on.

The delay is split around the real render by ``WARTA_FAULT_DELAY_AFTER`` (a fraction, default 0):
that share is slept AFTER the inner renderer returned — its files are written (and paper printed),
but no receipt is sent and the inbox has no ``done`` mark yet. A kill at a random time then lands
before, inside or just after the real render, which is what the fault suite needs: the window
after the render is where a redelivery would duplicate output if anything were not idempotent."""

from __future__ import annotations

import os
import time
from pathlib import Path

from channels.base import ChannelRenderer
from shared.messages import Envelope


def _after_share() -> float:
    """``WARTA_FAULT_DELAY_AFTER`` clamped to [0, 1] (0 when unset or not a number)."""
    try:
        return min(1.0, max(0.0, float(os.environ.get("WARTA_FAULT_DELAY_AFTER", "0") or 0)))
    except ValueError:
        return 0.0


class FaultyRenderer(ChannelRenderer):
    """Delegates to ``inner`` after the configured faults."""

    name = "faulty"

    def __init__(self, inner: ChannelRenderer, delay: float = 0.0, crash_marker: str = "") -> None:
        self.inner, self.delay, self.crash_marker = inner, delay, crash_marker
        self.after = _after_share()
        self.out_dir, self.root = inner.out_dir, inner.root
        self.name = inner.name  # type: ignore[misc] - reports as the renderer it wraps
        self.irreversible = inner.irreversible  # type: ignore[misc]

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
