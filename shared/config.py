"""Configuration: the settings root (:class:`Settings`, from ``WARTA_*`` environment variables, in
sections) and the agency profile (a TOML file).

The root is built once at the entry point (``warta.common.settings()``, ``warta demo``) and passed
down; every part takes what it needs from it: ``settings.home``, ``settings.db_url`` ... (the core
fields, :mod:`shared.settings.core`), ``settings.broker`` (the backbone), ``settings.web``,
``settings.radio``, ``settings.videotron``, ``settings.print`` and ``settings.kiosk``
(:mod:`shared.settings`). Each section reads its own variables when the root is built; the names
are those the docs, compose and deploy files use. A changed copy (a CLI option) is
:meth:`Settings.with_overrides`; the environment is never written."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource

from shared.alerting import Area
from shared.settings import (BrokerSettings, KioskSettings, PrintSettings, RadioSettings,
                             VideotronSettings, WebSettings)
from shared.settings.base import Section, env_variable
from shared.settings.core import CoreSettings

DEMO_PROFILE = Path(__file__).with_name("data") / "demo_profile.toml"
"""The demo's profile: used only where asked for (``warta init --demo`` copies it into the home;
tests name it in ``WARTA_PROFILE``), never as a fallback (:mod:`shared.office_profile`)."""

SECTIONS: dict[str, type[Section]] = {
    "broker": BrokerSettings, "web": WebSettings, "radio": RadioSettings,
    "videotron": VideotronSettings, "print": PrintSettings, "kiosk": KioskSettings}
"""Name of each section of the root → its class."""

CHANNEL_SECTIONS = {"web": "web", "radio": "radio", "videotron": "videotron", "print": "print"}
"""Channel → the section of its renderer."""


class _CoreEnvironment(EnvSettingsSource):
    """The root's own ``WARTA_*`` variables; a section reads its own when it is built (so
    ``WARTA_BROKER``, the broker's URL, is never taken for the whole ``broker`` section)."""

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        if field_name in SECTIONS:
            return None, field_name, False
        return super().get_field_value(field, field_name)


class Settings(CoreSettings):
    """The settings root: the core fields (:class:`~shared.settings.core.CoreSettings`) and one
    section per part of Warta, each built from its own ``WARTA_*`` variables by ``Settings()``."""

    broker: BrokerSettings = Field(default_factory=BrokerSettings)
    """The broker and the backbone's tuning (``WARTA_BROKER``, ``WARTA_DELIVERY_LIMIT`` ...)."""

    web: WebSettings = Field(default_factory=WebSettings)
    """The web channel (``WARTA_WEB_*``)."""

    radio: RadioSettings = Field(default_factory=RadioSettings)
    """The radio channel (``WARTA_RADIO_*``)."""

    videotron: VideotronSettings = Field(default_factory=VideotronSettings)
    """The videotron channel and the monitor of its screens (``WARTA_VIDEOTRON_*``)."""

    print: PrintSettings = Field(default_factory=PrintSettings)
    """The notice-board channel's printer (``WARTA_PRINT_*``)."""

    kiosk: KioskSettings = Field(default_factory=KioskSettings)
    """The kiosk's idle lock and the browser kiosk's gate (``WARTA_KIOSK_*``)."""

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings],
                                   init_settings: PydanticBaseSettingsSource,
                                   env_settings: PydanticBaseSettingsSource,
                                   dotenv_settings: PydanticBaseSettingsSource,
                                   file_secret_settings: PydanticBaseSettingsSource,
                                   ) -> tuple[PydanticBaseSettingsSource, ...]:
        return init_settings, _CoreEnvironment(settings_cls)

    @model_validator(mode="before")
    @classmethod
    def _sections_from_values(cls, data: Any) -> Any:
        # Settings(web={"feed_items": 2}): that section from the environment with these values on
        # top; Settings(broker="embedded"): a string for the broker is its URL, as WARTA_BROKER.
        if not isinstance(data, dict):
            return data
        data = dict(data)
        for name, kind in SECTIONS.items():
            value = data.get(name)
            if name == "broker" and isinstance(value, str):
                value = {"url": value}
            if isinstance(value, Mapping):
                try:
                    data[name] = kind(**value)
                except ValidationError as exc:  # named by the section's own variables
                    raise ValueError("; ".join(setting_errors(exc))) from None
        return data

    @property
    def embedded(self) -> bool:
        """True when messages travel through the SQL database rather than RabbitMQ."""
        return self.broker.embedded

    def section_for(self, channel: str) -> Section:
        """The settings section of ``channel``'s renderer (``print`` → ``settings.print``)."""
        return getattr(self, CHANNEL_SECTIONS[str(channel)])

    def with_overrides(self, **changes: Any) -> "Settings":
        """A copy with ``changes`` applied; this object and the environment stay as they are.
        A core field takes its value (``home=path``); a section takes a mapping of its fields
        (``broker={"endpoint": "lobby"}``) or a whole section object; ``broker`` also takes a
        string, its URL (``broker="embedded"``, as ``WARTA_BROKER`` and ``--broker``). Values
        are taken as given (``model_copy``, not validated again); an unknown name is an error."""
        update: dict[str, Any] = {}
        for name, value in changes.items():
            if name in SECTIONS:
                update[name] = _section_override(name, getattr(self, name), value)
            elif name in CoreSettings.model_fields:
                update[name] = value
            else:
                raise TypeError(f"unknown setting {name!r}")
        return self.model_copy(update=update)


def _section_override(name: str, section: Section, value: Any) -> Section:
    """``section`` with ``value`` applied (see :meth:`Settings.with_overrides`)."""
    if name == "broker" and isinstance(value, str):
        value = {"url": value}
    if isinstance(value, SECTIONS[name]):
        return value
    if not isinstance(value, Mapping):
        raise TypeError(f"setting {name!r} takes a mapping of its fields or a {SECTIONS[name].__name__}")
    unknown = set(value) - set(type(section).model_fields)
    if unknown:
        raise TypeError(f"unknown setting {name}.{sorted(unknown)[0]}")
    return section.model_copy(update=dict(value))


def setting_errors(exc: ValidationError) -> list[str]:
    """Each error of a settings ``ValidationError`` as ``WARTA_VARIABLE: reason`` (a section's
    error names that section's variable)."""
    kinds: list[type[BaseSettings]] = [Settings, *SECTIONS.values()]
    model = next((kind for kind in kinds if kind.__name__ == exc.title), Settings)
    reasons = []
    for error in exc.errors():
        reason = error["msg"].removeprefix("Value error, ")
        field = str(error["loc"][0]) if error["loc"] else ""
        reasons.append(f"{env_variable(model, field)}: {reason}" if field else reason)
    return reasons


class SlaTargets(BaseModel):
    """Due times of the SOP steps, in minutes (Kalbar SOP defaults)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    disposition: int = 15
    """Kabid/Kasubag assigns the drafting."""
    drafting: int = 24 * 60
    """The Pelaksana drafts the announcement."""
    review_kabid: int = 60
    """Kabid/Kasubag checks the draft."""
    review_sekretaris: int = 60
    """Sekretaris checks the draft."""
    review_kadis: int = 10
    """Kepala Dinas checks and approves."""
    dissemination: int = 15
    """The announcement reaches every channel."""

    def due(self, step: str) -> timedelta:
        """The allowed duration of ``step``."""
        return timedelta(minutes=getattr(self, step))


class AgencyProfile(BaseModel):
    """The office that announces: its letterhead, signatory and numbering."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    instansi: str
    """Top-level government, e.g. ``PEMERINTAH PROVINSI KALIMANTAN BARAT``."""
    unit: str
    """The office, e.g. ``DINAS KOMUNIKASI DAN INFORMATIKA``."""
    short_name: str = "DISKOMINFO"
    """Short name used in numbers and headers."""
    address: str
    """Street address for the letterhead."""
    phone: str = ""
    """Telephone for the letterhead."""
    email: str = ""
    """E-mail for the letterhead."""
    website: str = ""
    """Website for the letterhead."""
    city: str
    """City written before the date on printouts (``Pontianak, 21 November 2026``)."""
    area_desc: str = ""
    """Area the agency serves (CAP ``areaDesc``)."""
    logo: str = ""
    """Logo file (PNG), relative to the profile file; empty for the bundled emblem."""
    signatory_name: str
    """Name of the Kepala Dinas who signs."""
    signatory_nip: str
    """NIP of the Kepala Dinas."""
    signatory_title: str = "KEPALA DINAS"
    """Title above the signature."""
    signatory_mode: Literal["", "a.n.", "Plt.", "Plh."] = ""
    """How notices are signed (tata naskah dinas): "" (default) by the Kepala Dinas himself, whose
    name and NIP under the signature are those of the Kepala Dinas who approved in Warta; "a.n."
    (atas nama) by an official on his behalf ("a.n. KEPALA DINAS ..." over the official's own title);
    "Plt." (pelaksana tugas) or "Plh." (pelaksana harian) by the acting Kepala Dinas ("Plt. KEPALA
    DINAS ..."). With a mode set, the printed name and NIP are ``signatory_acting_name`` and
    ``signatory_acting_nip``, not the approver's: the paper names the official whose mandate (the
    delegation or the Plt./Plh. order) it is signed under; who approved in Warta stays in the
    audit trail and on the file copy's paraf table."""
    signatory_acting_title: str = ""
    """For "a.n." only: the signing official's own title, e.g. ``SEKRETARIS``."""
    signatory_acting_name: str = ""
    """With ``signatory_mode`` set: the full name of the official who signs (with degrees)."""
    signatory_acting_nip: str = ""
    """With ``signatory_mode`` set: that official's NIP."""
    timezone: str = ""
    """The office's zone (``Asia/Jakarta`` WIB, ``Asia/Makassar`` WITA, ``Asia/Jayapura`` WIT):
    required in a production profile, where it must equal ``WARTA_TIMEZONE`` (the zone every time
    is shown in; :func:`shared.office_profile.zone_mismatch`)."""
    numbering_format: str = "{seq:03d}/PENG/{short_name}/{month_roman}/{year}"
    """Format of official numbers; fields: seq, short_name, month, month_roman, year."""
    sla: SlaTargets = Field(default_factory=SlaTargets)
    """Due times per SOP step."""
    areas: list[Area] = Field(default_factory=list)
    """The areas the office announces for (``[[areas]]`` in the profile: code, name, optional
    polygon/circle); an early warning names those it concerns (CAP ``<area>``/``<geocode>``)."""
    source: str = ""
    """Where this profile was read from (set by the loader)."""

    @model_validator(mode="after")
    def _signatory_complete(self) -> "AgencyProfile":
        # A half-configured a.n./Plt./Plh. would print an empty name or title under the signature.
        if self.signatory_mode:
            missing = [f for f in ("signatory_acting_name", "signatory_acting_nip")
                       if not getattr(self, f).strip()]
            if self.signatory_mode == "a.n." and not self.signatory_acting_title.strip():
                missing.append("signatory_acting_title")
            if missing:
                raise ValueError(f"signatory_mode '{self.signatory_mode}' memerlukan "
                                 f"{', '.join(missing)} di profil instansi")
        return self

    @cached_property
    def logo_path(self) -> Path | None:
        """Absolute path of the logo, or None for the bundled one."""
        if not self.logo:
            return None
        path = Path(self.logo)
        return path if path.is_absolute() else Path(self.source).parent / path


def load_profile(path: Path) -> AgencyProfile:
    """Read an agency profile TOML (section ``[agency]`` and optional ``[sla]``)."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    agency = dict(data.get("agency", {}))
    if "sla" in data:
        agency["sla"] = data["sla"]
    if "areas" in data:
        agency["areas"] = data["areas"]
    agency["source"] = str(Path(path).resolve())
    return AgencyProfile.model_validate(agency)


def get_settings() -> Settings:
    """The settings root, freshly from the environment (cheap; not cached, so tests can change the
    environment). An entry point calls it once and passes the result down."""
    return Settings()
