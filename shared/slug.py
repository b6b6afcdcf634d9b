"""File names and checksums, in one place so every side agrees: the web page of an announcement
(its URL goes into QR codes on the approval side), the archive folder of its proofs (the archiver
writes it, the monthly report links to it), and the sha256 every proof carries."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path


def safe_slug(text: str, limit: int = 60) -> str:
    """A file-name-safe slug (ASCII letters, digits, dashes); never empty, never a path trick."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-").lower()[:limit].strip("-")
    return slug or "pengumuman"


def item_page_name(number: str, title: str) -> str:
    """The web page file of an announcement under ``items/``."""
    return f"{safe_slug(f'{number} {title}', 90)}.html"


def proof_folder(number: str | None) -> str:
    """The archive folder name of an announcement's proofs."""
    return safe_slug(number or "tanpa-nomor", 100)


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
