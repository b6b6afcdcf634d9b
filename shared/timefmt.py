"""Times as people read them: stored in UTC, shown in the agency's zone with WIB/WITA/WIT, dates in
Indonesian ("Sabtu, 21 November 2026")."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Pontianak": "WIB", "Asia/Makassar": "WITA",
              "Asia/Jayapura": "WIT"}
"""Indonesian names of the three zones (and their aliases)."""

DAYS_ID = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTHS_ID = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
             "September", "Oktober", "November", "Desember"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(timezone.utc)


def aware(value: datetime) -> datetime:
    """Treat a naive datetime (as SQLite returns them) as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def zone_abbrev(tz: str) -> str:
    """WIB, WITA or WIT for an Indonesian zone; the zone's own abbreviation elsewhere."""
    if tz in ZONE_NAMES:
        return ZONE_NAMES[tz]
    return datetime.now(ZoneInfo(tz)).tzname() or tz


def local(value: datetime, tz: str) -> datetime:
    """``value`` in the zone ``tz``."""
    return aware(value).astimezone(ZoneInfo(tz))


def date_id(value: datetime, tz: str, weekday: bool = True) -> str:
    """'Sabtu, 21 November 2026' (or without the weekday) in the zone ``tz``."""
    d = local(value, tz)
    text = f"{d.day} {MONTHS_ID[d.month - 1]} {d.year}"
    return f"{DAYS_ID[d.weekday()]}, {text}" if weekday else text


def datetime_id(value: datetime, tz: str) -> str:
    """'Sabtu, 21 November 2026 pukul 09.00 WITA' in the zone ``tz``."""
    d = local(value, tz)
    return f"{date_id(value, tz)} pukul {d:%H.%M} {zone_abbrev(tz)}"


def short_id(value: datetime, tz: str) -> str:
    """'21/11/2026 09.00 WIB' for tables."""
    d = local(value, tz)
    return f"{d:%d/%m/%Y %H.%M} {zone_abbrev(tz)}"


def roman_month(month: int) -> str:
    """Roman numeral of a month (1 → I), as official numbers use."""
    return ROMAN[month - 1]
