"""Checking the archive: every manifest's files exist and match their sha256."""

from __future__ import annotations

import json
from pathlib import Path

from channels.base import sha256_file


def verify_archive(archive: Path) -> list[str]:
    """Problems found (empty when every manifest checks out), in Indonesian."""
    problems = []
    for manifest in sorted(Path(archive).rglob("manifest.json")):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"{manifest}: manifest tidak terbaca ({exc})")
            continue
        for entry in data.get("files", []):
            path = manifest.parent / entry["path"]
            if not path.is_file():
                problems.append(f"{path}: berkas hilang")
            elif sha256_file(path) != entry["sha256"]:
                problems.append(f"{path}: checksum tidak cocok")
    return problems
