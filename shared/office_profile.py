"""The office's profile as production requires it: the fields an office must fill in itself
(letterhead, signatory and NIP, time zone, numbering, time limits), the template ``warta init``
writes, and how the demo is told apart.

Nothing falls back to the demo profile: a process that approves, numbers or prints announcements
reads ``settings.profile_path`` (``WARTA_PROFILE`` or ``$WARTA_HOME/profile.toml``) and refuses
while it is missing or still holds a template's ``"ISI: ..."``. Channel workers on their own host
(``WARTA_HOST_ROLE=worker``) never read it: the letterhead travels in each signed message."""

from __future__ import annotations

import os
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shared.errors import WartaError

if TYPE_CHECKING:
    from shared.config import AgencyProfile
    from shared.settings.core import CoreSettings

TEMPLATE = Path(__file__).with_name("data") / "profile_template.toml"
"""The commented template ``warta init`` writes (Bahasa Indonesia, ``"ISI: ..."`` placeholders)."""

PLACEHOLDER = "ISI:"
"""Marks a template value the office has not filled in yet."""

REQUIRED = {
    "agency": ("instansi", "unit", "short_name", "address", "city", "signatory_name",
               "signatory_nip", "signatory_title", "timezone", "numbering_format"),
    "sla": ("disposition", "drafting", "review_kabid", "review_sekretaris", "review_kadis",
            "dissemination"),
}
"""Per TOML table, the keys an office must set itself: nothing here may come from a default."""

PROFILE_MODE = 0o644
"""The profile holds nothing secret (all of it is printed on every notice): readable by the
services' user whoever owns it."""

DEMO_MARKER = "demo-accounts.json"
"""A home set up with ``warta init --demo`` (or ``warta demo``) holds the demo accounts' passwords
in this file: that home is in demo mode."""


class ProfileIncomplete(WartaError):
    """The office's profile is missing, unfilled or invalid; exits like a configuration problem.
    ``str()`` is :func:`problem_text` (translated when shown)."""

    exit_code = 2

    def __init__(self, state: "ProfileState") -> None:
        Exception.__init__(self, str(state.path))
        self.msgid, self.params, self.state = "", {}, state

    def __str__(self) -> str:
        return problem_text(self.state)


@dataclass
class ProfileState:
    """What was found at the profile's path."""

    path: Path
    exists: bool = False
    unfilled: list[str] = field(default_factory=list)
    """Required keys (``agency.signatory_nip``, ``sla.review_kadis``) missing, empty or "ISI:"."""
    invalid: list[str] = field(default_factory=list)
    """Values present but wrong (``key: why``)."""
    profile: AgencyProfile | None = None

    @property
    def complete(self) -> bool:
        """True when the profile exists, every required key is filled and every value is valid."""
        return self.exists and not self.unfilled and not self.invalid and self.profile is not None


def _unfilled(value: Any, section: str) -> bool:
    if section == "sla":
        return not isinstance(value, int) or isinstance(value, bool) or value <= 0
    return not isinstance(value, str) or not value.strip() or PLACEHOLDER in value


def _numbering_problem(fmt: str) -> str | None:
    from shared.i18n import _

    if "{seq" not in fmt:
        return _("tidak memuat {field}, sehingga semua nomor sama", field="{seq}")
    try:
        fmt.format(seq=1, short_name="X", month=1, month_roman="I", year=2026)
    except (KeyError, IndexError, ValueError) as exc:
        return _("tidak dapat dipakai ({error})", error=str(exc))
    return None


def _zone_problem(zone: str) -> str | None:
    from zoneinfo import ZoneInfo

    from shared.i18n import _

    try:
        ZoneInfo(zone)
    except (KeyError, ValueError):
        return _("zona waktu '{zone}' tidak dikenal; contoh: Asia/Jakarta (WIB), Asia/Makassar "
                 "(WITA), Asia/Jayapura (WIT)", zone=zone)
    return None


def _table(data: dict[str, Any], name: str) -> dict[str, Any]:
    value = data.get(name)
    return value if isinstance(value, dict) else {}


def inspect_profile(path: Path) -> ProfileState:
    """Read the profile at ``path`` and say what is missing or wrong (never raises)."""
    from pydantic import ValidationError

    from shared.config import load_profile

    state = ProfileState(Path(path))
    try:
        data = tomllib.loads(state.path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return state
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        state.exists = True
        state.invalid.append(f"{state.path.name}: {exc}")
        return state
    state.exists = True
    for section, keys in REQUIRED.items():
        table = _table(data, section)
        state.unfilled += [f"{section}.{key}" for key in keys if _unfilled(table.get(key), section)]
    agency = _table(data, "agency")
    checks = (("timezone", _zone_problem), ("numbering_format", _numbering_problem))
    for key, check in checks:
        value = agency.get(key)
        if f"agency.{key}" not in state.unfilled and isinstance(value, str):
            problem = check(value)
            if problem:
                state.invalid.append(f"agency.{key}: {problem}")
    if state.unfilled or state.invalid:
        return state
    try:
        state.profile = load_profile(state.path)
    except ValidationError as exc:
        state.invalid += [f"{'.'.join(str(p) for p in e['loc']) or 'agency'}: "
                          f"{e['msg'].removeprefix('Value error, ')}" for e in exc.errors()]
    return state


def is_demo_profile(profile: AgencyProfile) -> bool:
    """True for the bundled demo profile or a copy of it: its fictitious Kepala Dinas signs."""
    from shared.config import DEMO_PROFILE, load_profile

    demo = load_profile(DEMO_PROFILE)
    return (profile.signatory_nip.replace(" ", "") == demo.signatory_nip.replace(" ", "")
            or profile.signatory_name.strip() == demo.signatory_name)


def demo_mode(settings: CoreSettings) -> bool:
    """True for a home set up with ``warta init --demo`` or ``warta demo``."""
    return (Path(settings.home) / DEMO_MARKER).is_file()


def problem_text(state: ProfileState) -> str:
    """One Bahasa sentence for an incomplete profile: what is wrong, naming the keys, and the fix."""
    from shared.i18n import _

    if not state.exists:
        return _("Profil instansi tidak ditemukan di {path}. Jalankan 'warta init' untuk membuat "
                 "templatnya (atau setel WARTA_PROFILE ke berkas profil kantor), isi, lalu periksa "
                 "dengan 'warta doctor --check profil'.", path=str(state.path))
    parts = []
    if state.unfilled:
        parts.append(_("belum diisi: {fields}", fields=", ".join(state.unfilled)))
    if state.invalid:
        parts.append(_("tidak sah: {fields}", fields="; ".join(state.invalid)))
    return _("Profil instansi {path} belum lengkap ({problems}). Isi setiap nilai bertanda 'ISI:', "
             "lalu periksa dengan 'warta doctor --check profil'.", path=str(state.path),
             problems="; ".join(parts))


def zone_mismatch(profile: AgencyProfile, settings: CoreSettings) -> str | None:
    """A Bahasa sentence when the profile's zone is not the process's ``WARTA_TIMEZONE``, else None
    (every shown time and every number's month is in ``WARTA_TIMEZONE``)."""
    from shared.i18n import _

    if profile.timezone and profile.timezone != settings.timezone:
        return _("Zona waktu profil instansi ({profile}) berbeda dengan WARTA_TIMEZONE ({setting}): "
                 "setel WARTA_TIMEZONE={profile} atau perbaiki agency.timezone di profil.",
                 profile=profile.timezone, setting=settings.timezone)
    return None


def required_profile(settings: CoreSettings) -> AgencyProfile:
    """The office's profile, complete; :class:`ProfileIncomplete` names what is missing. Used by
    every process that approves, numbers, prints or seals (``settings.agency()``)."""
    state = inspect_profile(settings.profile_path)
    if not state.complete or state.profile is None:
        raise ProfileIncomplete(state)
    return state.profile


def check_before_start(settings: CoreSettings) -> str | None:
    """Why a service (relay, archiver, ``warta run``, a worker on the server) must not start, or
    None: the profile is complete and its zone is the service's. A worker-only host
    (``WARTA_HOST_ROLE=worker``) needs no profile."""
    if settings.host_role == "worker":
        return None
    state = inspect_profile(settings.profile_path)
    if not state.complete or state.profile is None:
        return problem_text(state)
    return zone_mismatch(state.profile, settings)


def write_template(path: Path) -> bool:
    """Write the template to ``path`` (mode 0644, folder made) unless a file is there; True when
    written. An existing profile is never overwritten."""
    path = Path(path)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    shutil.copyfile(TEMPLATE, tmp)
    tmp.chmod(PROFILE_MODE)
    tmp.replace(path)
    return True
