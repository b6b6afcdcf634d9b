"""Times are shown in the agency's zone with WIB/WITA/WIT; dates in Indonesian."""

from datetime import datetime, timezone

import pytest

from shared.config import Settings
from shared.timefmt import date_id, datetime_id, roman_month

NOON_UTC = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("zone,text", [
    ("Asia/Jakarta", "Sabtu, 21 November 2026 pukul 19.00 WIB"),
    ("Asia/Makassar", "Sabtu, 21 November 2026 pukul 20.00 WITA"),
    ("Asia/Jayapura", "Sabtu, 21 November 2026 pukul 21.00 WIT"),
])
def test_zones_show_their_indonesian_names(zone, text):
    assert datetime_id(NOON_UTC, zone) == text


def test_date_crosses_midnight_in_the_east():
    late = datetime(2026, 11, 21, 16, 30, tzinfo=timezone.utc)
    assert date_id(late, "Asia/Jakarta") == "Sabtu, 21 November 2026"
    assert date_id(late, "Asia/Jayapura") == "Minggu, 22 November 2026"


def test_roman_months():
    assert [roman_month(m) for m in (1, 4, 9, 11, 12)] == ["I", "IV", "IX", "XI", "XII"]


def test_unknown_zone_is_refused(monkeypatch):
    monkeypatch.setenv("WARTA_TIMEZONE", "Asia/Atlantis")
    with pytest.raises(ValueError, match="zona waktu 'Asia/Atlantis' tidak dikenal"):
        Settings()


def test_english_is_selectable(monkeypatch):
    from shared.errors import InvalidInput

    monkeypatch.setenv("WARTA_LANG", "en")
    assert str(InvalidInput("Judul wajib diisi")) == "A title is required"
    monkeypatch.setenv("WARTA_LANG", "id")
    assert str(InvalidInput("Judul wajib diisi")) == "Judul wajib diisi"
