"""What every channel renderer is, and the helpers they share (atomic writes, checksums, errors)."""

from __future__ import annotations

import os
import tempfile
from abc import ABC, abstractmethod
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Self

from shared.messages import Envelope, Kind
from shared.timefmt import aware
from shared.slug import safe_slug, sha256_file  # noqa: F401 - re-exported for renderers

if TYPE_CHECKING:  # channels.readback imports this module
    from channels.readback import ReadBack
    from shared.config import Settings


class RenderError(Exception):
    """A render that failed; ``str()`` says why in Indonesian."""


class TransientRenderError(RenderError):
    """Worth retrying later (a full disk, a busy printer, a missing mount)."""


class PermanentRenderError(RenderError):
    """Retrying cannot help (the content itself cannot be rendered); the message is parked."""


class Superseded(Exception):
    """The channel already holds a newer (or the same) version of this announcement, or its
    revocation: nothing is rendered, and the worker answers with a ``superseded`` receipt (never
    ``confirmed``). The worker checks its inbox before rendering; a renderer raises this too when
    its own state knows better (e.g. state kept on disk from before the inbox)."""

    def __init__(self, held_version: int, reason: str = "") -> None:
        super().__init__(reason or f"Kanal sudah memegang versi {held_version}")
        self.held_version = held_version
        self.reason = str(self)


class ChannelRenderer(ABC):
    """A channel's renderer. ``render`` is called once per verified envelope, off the broker thread.

    Implementations keep whatever aggregate state they need (feeds, playlists) under their own
    folder inside ``out_dir`` and rebuild aggregate outputs from it; they never read the database.
    """

    name: ClassVar[str]
    """The channel name (``videotron``, ``radio``, ``web``, ``print``)."""

    irreversible: ClassVar[bool] = False
    """True when an output cannot be taken back once made (paper): a redelivery that may already
    have been rendered is parked for a person instead of rendered again."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = Path(out_dir)
        self.root = self.out_dir / self.name

    @classmethod
    def from_settings(cls, out_dir: Path, settings: Settings) -> Self:
        """The renderer as the settings root configures it (a channel's renderer takes its own
        section, e.g. ``settings.web``); the worker builds renderers this way."""
        return cls(out_dir)

    @abstractmethod
    def render(self, envelope: Envelope) -> list[Path]:
        """Render ``envelope`` (publish, update or revoke) and return the files it produced for this
        message (absolute paths under ``self.root``), which the receipt carries as proof."""

    def read_back(self, envelope: Envelope, files: list[Path]) -> "ReadBack":
        """Read the public output of ``envelope`` back as its consumer reads it and check that it
        shows this message's version; the worker calls it after ``render`` and before it reports
        ``confirmed`` (see :mod:`channels.readback`). Raises
        :class:`~channels.readback.ReadBackError` (transient: rendered again later) when it does
        not. This default reads the files ``render`` returned and records their digests; the
        channels override it with what their consumers see."""
        from channels.readback import files_read_back

        return files_read_back(self.name, self.root, envelope, files)

    def sweep_temp(self) -> int:
        """Remove temp files a killed process left behind (``atomic_write``'s ``.NAME.*.tmp``).
        Called at worker start: one worker process owns a channel's output folder."""
        removed = 0
        for tmp in self.root.rglob(".*.tmp") if self.root.exists() else []:
            tmp.unlink(missing_ok=True)
            removed += 1
        return removed

    def render_without_output(self, envelope: Envelope) -> list[Path]:
        """Make the files (the proof) of ``envelope`` without producing anything irreversible
        again: a person checked that the paper is already out (``warta redrive --printed``).
        A reversible channel simply renders."""
        return self.render(envelope)

    def maybe_done_hint(self, envelope: Envelope) -> str:
        """What helps a person check whether an irreversible render of ``envelope`` already
        happened (paper: the CUPS job); empty when nothing is known."""
        return ""

    def maintain(self) -> list[Path]:
        """Periodic upkeep while idle (e.g. expired slides leave the playlist); returns files changed."""
        return []

    def health(self) -> list[str]:
        """Warnings for the start-up log and ``warta doctor`` (e.g. "audio off: no espeak-ng")."""
        return []


class NoopRenderer(ChannelRenderer):
    """Writes one tiny proof file; for benchmarks and backbone tests."""

    name = "noop"

    def render(self, envelope: Envelope) -> list[Path]:
        """Write ``<message_id>.txt`` with the number and title."""
        path = self.root / f"{envelope.message_id}.txt"
        atomic_write(path, f"{envelope.announcement.number}\n{envelope.announcement.title}\n".encode())
        return [path]


def atomic_write(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` through a temp file and rename, so no reader sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes 0600 files; outputs are read by web servers and players running as others
        os.fchmod(fd, 0o644)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def entry_date(envelope: Envelope, first_time: bool) -> datetime:
    """The date a feed entry shows: the approval for a first publication, the revocation for a
    revocation, and for a correction (or a republication) the newer of approval and dispatch."""
    snap, created = envelope.announcement, aware(envelope.created_at)
    if envelope.kind == Kind.PUBLISH and first_time:
        return aware(snap.approved_at)
    if envelope.kind == Kind.REVOKE:
        return aware(snap.revoked_at or created)
    return max(created, aware(snap.approved_at))
