"""The PPID's records: the DIP register, the exempt register, the monthly report, the sealed
monthly archive, receipts and control cards. Data comes from :mod:`shared.services.records`;
the modules here assemble it and write the documents (PDF, XLSX, CSV)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from shared.errors import InvalidInput
from shared.timefmt import MONTHS_ID

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str) -> tuple[int, int]:
    """``YYYY-MM`` as (year, month), or a refusal that shows the expected form."""
    m = _MONTH.match((value or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InvalidInput("Bulan '{v}' tidak sah; gunakan format TTTT-BB, mis. 2026-11", v=value)
    return int(m.group(1)), int(m.group(2))


def month_bounds(value: str, tz: str) -> tuple[datetime, datetime]:
    """The start (inclusive) and end (exclusive) of a month in the agency's zone, as aware UTC
    times (SQLite stores datetimes without their offset, so queries must bind UTC)."""
    year, month = parse_month(value)
    zone = ZoneInfo(tz)
    start = datetime(year, month, 1, tzinfo=zone)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def month_label(value: str) -> str:
    """'November 2026' for ``2026-11``."""
    year, month = parse_month(value)
    return f"{MONTHS_ID[month - 1]} {year}"


def month_of(when: datetime, tz: str) -> str:
    """The ``YYYY-MM`` month of ``when`` in the agency's zone."""
    return when.astimezone(ZoneInfo(tz)).strftime("%Y-%m")
