"""Renderers for backbone tests (loaded by ``module:Class`` like any renderer): they write real files
and record what they did, so tests can count renders and see their order."""

from __future__ import annotations

import os
from pathlib import Path

from channels.base import ChannelRenderer, PermanentRenderError, TransientRenderError, atomic_write
from shared.messages import Envelope


class RecordingRenderer(ChannelRenderer):
    """One file per message, and one line per render in ``renders.log`` (title|kind|message id)."""

    name = "rec"

    def render(self, envelope: Envelope) -> list[Path]:
        """Write the proof file and log the render."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root.parent / "renders.log", "a", encoding="utf-8") as fh:
            fh.write(f"{envelope.announcement.title}|{envelope.kind}|{envelope.message_id}\n")
        return [atomic_write(self.root / f"{envelope.message_id}.txt",
                             envelope.announcement.title.encode())]


class FlakyRenderer(RecordingRenderer):
    """Fails transiently the first ``WARTA_TEST_FAILS`` renders of every message."""

    def render(self, envelope: Envelope) -> list[Path]:
        """Count the try in a file; fail until enough tries were made."""
        counter = self.out_dir / f"tries-{envelope.message_id}"
        tries = int(counter.read_text()) if counter.exists() else 0
        counter.write_text(str(tries + 1))
        if tries < int(os.environ.get("WARTA_TEST_FAILS", "1")):
            raise TransientRenderError("Printer sibuk (uji)")
        return super().render(envelope)


class BrokenRenderer(RecordingRenderer):
    """Fails permanently while the file ``broken`` exists in the output folder."""

    def render(self, envelope: Envelope) -> list[Path]:
        """Refuse while broken."""
        if (self.out_dir / "broken").exists():
            raise PermanentRenderError("Isi tidak dapat ditata (uji)")
        return super().render(envelope)


class PaperRenderer(RecordingRenderer):
    """Like paper: what is made cannot be taken back (each line of ``renders.log`` is a job)."""

    irreversible = True

    def render_without_output(self, envelope: Envelope) -> list[Path]:
        """The proof file only; no job in ``renders.log`` (a person saw the paper is out)."""
        self.root.mkdir(parents=True, exist_ok=True)
        return [atomic_write(self.root / f"{envelope.message_id}.txt",
                             envelope.announcement.title.encode())]
