"""File and folder names derived from user text, in one place so every side agrees: the web page
of an announcement (its URL goes into QR codes on the approval side), the archive folder of its
proofs (the archiver writes it, the monthly report links to it)."""

from __future__ import annotations

import re
import unicodedata


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
