"""Fault injection around any renderer, switched on by settings (tests, benchmarks, drills): a slow
render (``WARTA_RENDER_DELAY``) and a poison message that kills the process
(``WARTA_FAULT_CRASH_MARKER`` in the title). Off by default; the worker logs when it is on."""

from __future__ import annotations

import os
import time
from pathlib import Path

from channels.base import ChannelRenderer
from shared.messages import Envelope


class FaultyRenderer(ChannelRenderer):
    """Delegates to ``inner`` after the configured faults."""

    name = "faulty"

    def __init__(self, inner: ChannelRenderer, delay: float = 0.0, crash_marker: str = "") -> None:
        self.inner, self.delay, self.crash_marker = inner, delay, crash_marker
        self.out_dir, self.root = inner.out_dir, inner.root
        self.name = inner.name  # type: ignore[misc] - reports as the renderer it wraps
        self.irreversible = inner.irreversible  # type: ignore[misc]

    def render(self, envelope: Envelope) -> list[Path]:
        """Sleep (off the connection thread), maybe die, then render for real."""
        if self.delay:
            time.sleep(self.delay)
        if self.crash_marker and self.crash_marker in envelope.announcement.title:
            os._exit(70)  # a poison message: the process dies as on a segfault
        return self.inner.render(envelope)

    def health(self) -> list[str]:
        """The inner renderer's warnings plus a note that faults are injected."""
        return self.inner.health() + [f"injeksi galat aktif (jeda {self.delay} dtk, "
                                      f"penanda racun '{self.crash_marker}')"]
