"""Official numbers given at the final approval, e.g. ``045/PENG/DISKOMINFO/XI/2026``: a sequence
per year, unique even under concurrent approvals (a row lock on the year's counter)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.config import AgencyProfile
from shared.models import NumberSequence
from shared.timefmt import local, roman_month


def format_number(profile: AgencyProfile, seq: int, when: datetime, tz: str) -> str:
    """The number for sequence ``seq`` in the month of ``when`` (agency zone)."""
    d = local(when, tz)
    return profile.numbering_format.format(seq=seq, short_name=profile.short_name, month=d.month,
                                           month_roman=roman_month(d.month), year=d.year)


def peek(session: Session, profile: AgencyProfile, when: datetime, tz: str) -> str:
    """The number the next approval would get (for the confirmation dialog); takes nothing."""
    year = local(when, tz).year
    row = session.get(NumberSequence, year)
    return format_number(profile, (row.last if row else 0) + 1, when, tz)


def take(session: Session, profile: AgencyProfile, when: datetime, tz: str) -> str:
    """Take the next number of the year in the caller's transaction."""
    year = local(when, tz).year
    row = session.execute(select(NumberSequence).where(NumberSequence.year == year)
                          .with_for_update()).scalar_one_or_none()
    if row is None:
        try:
            with session.begin_nested():
                row = NumberSequence(year=year, last=0)
                session.add(row)
                session.flush()
        except IntegrityError:  # another approval created the year's row first
            row = session.execute(select(NumberSequence).where(NumberSequence.year == year)
                                  .with_for_update()).scalar_one()
    row.last += 1
    session.flush()
    return format_number(profile, row.last, when, tz)
