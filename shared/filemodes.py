"""Private files: the database, the workers' inboxes, keys, backups and the demo passwords hold
password hashes, dikecualikan texts or secrets, so they are made readable by their owner only
(mode 0600) when they are created — before anything is written to them. ``warta doctor``
(:func:`shared.doctor.checks.check_file_modes`) reports any such file others may read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE = 0o600
"""Read and write for the owner only."""


def create_private(path: Path) -> bool:
    """Create ``path`` empty with mode 0600 when it does not exist yet (its folder too); an
    existing file is left as it is. True when it was created. SQLite opens an empty file as a new
    database and gives its ``-wal`` and ``-shm`` files the database file's mode."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE)
    except FileExistsError:
        return False
    try:
        os.fchmod(fd, PRIVATE)  # whatever the umask
    finally:
        os.close(fd)
    return True


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` with mode 0600, set before the first byte is written (an
    existing file is truncated and tightened)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE)
    with os.fdopen(fd, "wb") as fh:
        os.fchmod(fh.fileno(), PRIVATE)
        fh.write(data)


def readable_by_others(path: Path) -> bool:
    """True when the group or anybody else may read, write or run ``path``."""
    return bool(Path(path).stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO))
