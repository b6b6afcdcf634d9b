"""Parsing the editor's text fields into what the services take (pure; no Textual)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from shared.errors import InvalidInput
from shared.i18n import _
from shared.timefmt import local

WHEN_FORMAT = "%Y-%m-%d %H:%M"
"""How the editor writes a time: '2026-12-01 08:00' in the agency's zone."""


def parse_local(value: str, tz: str, what: str) -> datetime | None:
    """'2026-12-01 08:00' (or the ISO 'T' form) in the agency's zone, or None when empty."""
    value = value.strip()
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace(" ", "T", 1))
    except ValueError:
        raise InvalidInput("{what}: '{v}' tidak sah; tulis TTTT-BB-HH JJ:MM, mis. 2026-12-01 08:00",
                           what=what, v=value) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(tz))


def show_local(value: str | None, tz: str) -> str:
    """A stored ISO time back into the editor's format."""
    return local(datetime.fromisoformat(value), tz).strftime(WHEN_FORMAT) if value else ""


def parse_windows(value: str) -> list[dict]:
    """'06:00-09:00, 16:00-18:00' into ``[{"start": "06:00", "end": "09:00"}, ...]``."""
    windows = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        m = re.fullmatch(r"(\d{1,2}[:.]\d{2})\s*-\s*(\d{1,2}[:.]\d{2})", part)
        if not m:
            raise InvalidInput("Jendela waktu harian '{w}' tidak sah; contoh 06:00-09:00", w=part)
        start, end = (t.replace(".", ":").zfill(5) for t in m.groups())
        windows.append({"start": start, "end": end})
    return windows


def show_windows(windows: list[dict]) -> str:
    """Stored windows back into the editor's text."""
    return ", ".join(f"{w['start'][:5]}-{w['end'][:5]}" for w in windows or [])


def priority_text(klasifikasi: str) -> str:
    """The priority the service will give (it follows the classification)."""
    from shared.classification import priority_for

    p = priority_for(klasifikasi)
    return (_("Prioritas: {p} (tertinggi — informasi serta merta)", p=p) if p > 1 else
            _("Prioritas: {p} (biasa)", p=p))


def check_image_path(value: str, base: Path | None = None) -> str | None:
    """The picture's path as typed, or None when empty; refused when it names no readable file
    of an accepted size, or one outside ``base`` (``Settings.image_dir``) when that is set. The
    picture itself is checked when saving, in a worker."""
    from shared.images import check_path

    return str(check_path(value.strip(), base)) if value.strip() else None


def image_text(picture: dict) -> str:
    """One line about a stored picture."""
    return _("Gambar tersimpan: {w}×{h} piksel, {kb} KB. Isi lokasi berkas untuk menggantinya.",
             w=picture["width"], h=picture["height"], kb=max(1, picture["size"] // 1024))
