"""Checking the archive: every manifest's files exist and match their sha256, and every manifest
the archiver signed still carries a valid signature (:mod:`shared.archive_keys`)."""

from __future__ import annotations

from pathlib import Path

from shared.archive_keys import check_manifests


def verify_archive(archive: Path, trusted: set[str] | None = None) -> list[str]:
    """Problems found (empty when every manifest checks out), in Indonesian. ``trusted``: the
    archiver key fingerprints the signed checkpoints name (see :mod:`shared.checkpoints`)."""
    return check_manifests(Path(archive), Path(archive), trusted)
