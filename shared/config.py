"""Configuration: process settings from the environment (prefix ``WARTA_``) and the agency profile
from a TOML file."""

from __future__ import annotations

import re
import tomllib
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.alerting import Area

DEMO_PROFILE = Path(__file__).with_name("data") / "demo_profile.toml"


class Settings(BaseSettings):
    """Process settings, read from ``WARTA_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="WARTA_", extra="ignore", secrets_dir=None)

    videotron_silent_minutes: float = Field(15.0, gt=0, le=10080)
    """The monitor shows a videotron screen as "Layar tidak melapor" after this many minutes
    without a proof-of-play report (``WARTA_VIDEOTRON_SILENT_MINUTES``)."""

    home: Path = Path("./var")
    """Folder for everything Warta writes (database, outputs, archive, keys)."""

    database_url: str | None = None
    """SQLAlchemy URL; default SQLite at ``$WARTA_HOME/warta.db`` in WAL mode."""

    broker: str = "embedded"
    """``embedded`` (messages kept in the SQL database) or an ``amqp://`` URL of RabbitMQ."""

    amqp_prefix: str = "warta"
    """Prefix of every exchange and queue name, so tests and demos can share one broker."""

    amqp_declare: bool = True
    """Declare the RabbitMQ topology at start (development); ``false`` where the broker's definitions
    provision it and the service accounts may only check it with passive declares (least privilege)."""

    output_dir: Path | None = None
    """Where channels write their artifacts; default ``$WARTA_HOME/out``."""

    archive_dir: Path | None = None
    """Where proofs of publication are filed; default ``$WARTA_HOME/archive``."""

    timezone: str = "Asia/Jakarta"
    """The agency's zone: every shown time is in it (Asia/Jakarta WIB, Asia/Makassar WITA, Asia/Jayapura WIT)."""

    lang: Literal["id", "en"] = "id"
    """Language of what users see: ``id`` (Bahasa Indonesia, default) or ``en``."""

    profile: Path | None = None
    """Agency profile TOML; default ``$WARTA_HOME/profile.toml`` if present, else the demo profile."""

    signing_key_file: Path | None = None
    """Ed25519 private key (approval side only); default ``$WARTA_HOME/keys/signing.key``."""

    verify_key_file: Path | None = None
    """Ed25519 public key the workers verify with; default ``$WARTA_HOME/keys/signing.pub``."""

    password: str | None = None
    """Password of the acting user for CLI commands; prompted for when unset."""

    public_url: str | None = None
    """Public base URL of the web output (for QR codes and feed links), e.g. ``https://ppid.example.go.id``."""

    image_dir: Path | None = None
    """When set, pictures are taken only from this folder (a name without a folder is looked up in
    it). Set it for the browser kiosk (``warta kiosk --serve``), whose users type paths on the server."""

    idle_lock_seconds: int = 300
    """The kiosk locks back to the login screen after this many idle seconds."""

    kiosk_max_sessions: int = Field(default=4, ge=1)
    """Browser kiosk (``warta kiosk --serve``): at most this many kiosk processes at once (one per
    open tab, about 140 MB each); one more gets a "kiosk penuh" page."""

    kiosk_login_attempts: int = Field(default=5, ge=1)
    """Browser kiosk: failed sign-ins allowed per client address and per username within a minute;
    then the gate asks to wait."""

    kiosk_session_hours: float = Field(default=8.0, gt=0)
    """Browser kiosk: how long a sign-in at the gate lasts (the kiosk's own idle lock still
    applies inside it)."""

    message_ttl_hours: int = 72
    """A dispatch message is refused (parked) once it is older than this."""

    database_url_file: Path | None = None
    """File holding the database URL (a container or systemd secret); used when
    ``WARTA_DATABASE_URL`` is unset, so the password never sits in the environment."""

    broker_file: Path | None = None
    """File holding the broker URL (``amqp://user:password@host/vhost``); used when
    ``WARTA_BROKER`` is unset."""

    metrics_port: int = Field(default=0, ge=0, le=65535)
    """Port of this process's Prometheus ``/metrics`` endpoint; 0 (default) serves none."""

    metrics_host: str = "127.0.0.1"
    """Address the metrics endpoint listens on; ``0.0.0.0`` inside a container."""

    log_format: Literal["json", "console"] = "json"
    """Log lines as JSON (default, for services) or readable console lines."""

    endpoints: str = ""
    """Named endpoints of channels that have several screens or stations (approval side,
    ``WARTA_ENDPOINTS``), e.g. ``videotron=lobby,alun-alun;print=tu``: every endpoint gets its
    own copy of each message (queue ``<p>.<channel>.<endpoint>``) and its own delivery, and an
    announcement is disseminated only when every endpoint confirmed. A channel not named here
    has one unnamed endpoint (queue ``<p>.<channel>``), as before. See docs/DEPLOYMENT.md."""

    @model_validator(mode="after")
    def _secrets_from_files(self) -> "Settings":
        # A *_FILE variable only fills a value the environment did not set directly.
        if self.database_url is None and self.database_url_file is not None:
            self.database_url = _read_secret(self.database_url_file, "WARTA_DATABASE_URL_FILE")
        if "broker" not in self.model_fields_set and self.broker_file is not None:
            self.broker = _read_secret(self.broker_file, "WARTA_BROKER_FILE")
        return self

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(value)
        except (KeyError, ValueError):  # ZoneInfoNotFoundError is a KeyError
            raise ValueError(f"zona waktu '{value}' tidak dikenal; contoh: Asia/Jakarta (WIB), "
                             "Asia/Makassar (WITA), Asia/Jayapura (WIT)") from None
        return value

    @field_validator("endpoints")
    @classmethod
    def _valid_endpoints(cls, value: str) -> str:
        parse_endpoints(value)  # refuse a misspelt channel or name at start, not at approval
        return value

    def endpoints_of(self, channel: str) -> list[str]:
        """The endpoints of ``channel`` in configured order; ``[""]`` (the one unnamed endpoint)
        when none are configured."""
        return parse_endpoints(self.endpoints).get(str(channel)) or [""]

    @property
    def db_url(self) -> str:
        """The effective database URL."""
        return self.database_url or f"sqlite:///{(self.home / 'warta.db').resolve()}"

    @property
    def out(self) -> Path:
        """The effective output folder."""
        return (self.output_dir or self.home / "out").resolve()

    @property
    def archive(self) -> Path:
        """The effective archive folder."""
        return (self.archive_dir or self.home / "archive").resolve()

    @property
    def signing_key_path(self) -> Path:
        """The effective private-key path."""
        return self.signing_key_file or self.home / "keys" / "signing.key"

    @property
    def verify_key_path(self) -> Path:
        """The effective public-key path."""
        return self.verify_key_file or self.home / "keys" / "signing.pub"

    @property
    def profile_path(self) -> Path:
        """The effective agency profile path."""
        if self.profile:
            return self.profile
        local = self.home / "profile.toml"
        return local if local.exists() else DEMO_PROFILE

    @property
    def embedded(self) -> bool:
        """True when messages travel through the SQL database rather than RabbitMQ."""
        return self.broker == "embedded"

    def agency(self) -> "AgencyProfile":
        """Load the agency profile this process uses."""
        return load_profile(self.profile_path)


ENDPOINT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
"""An endpoint name: it becomes part of queue names and routing keys, so no dots (a worker of
endpoint ``lobby`` signs as ``lobby`` or ``lobby.<suffix>``, see docs/DEPLOYMENT.md)."""


def check_endpoint(name: str) -> str:
    """``name`` when it may name an endpoint; ValueError (Indonesian) otherwise."""
    if not ENDPOINT_NAME.match(name) or name == "urgent":
        raise ValueError(f"Nama titik tayang '{name}' tidak sah: huruf kecil, angka, tanda hubung "
                         "atau garis bawah (tanpa titik), paling banyak 32 karakter, bukan 'urgent'")
    return name


def serves_endpoint(worker: str, endpoint: str) -> bool:
    """True when the worker identity ``worker`` may report for ``endpoint``: any registered
    worker of the channel for the unnamed endpoint ''; for a named one only the worker named
    after it (``lobby``, or ``lobby.<suffix>`` for a rotated key), so each screen's proof is
    signed by that screen's own key."""
    return not endpoint or worker == endpoint or worker.startswith(endpoint + ".")


def parse_endpoints(text: str) -> dict[str, list[str]]:
    """``"videotron=lobby,alun-alun;print=tu"`` → ``{"videotron": ["lobby", "alun-alun"],
    "print": ["tu"]}``; ValueError (Indonesian) for an unknown channel, a bad or repeated name."""
    from shared.classification import Channel

    found: dict[str, list[str]] = {}
    for part in (p.strip() for p in (text or "").split(";")):
        if not part:
            continue
        channel, sep, names = (x.strip() for x in part.partition("="))
        if not sep or channel not in {c.value for c in Channel} or channel in found:
            raise ValueError(f"WARTA_ENDPOINTS: bagian '{part}' tidak sah; contoh: "
                             "videotron=lobby,alun-alun;print=tu (setiap kanal sekali)")
        listed = [check_endpoint(n.strip()) for n in names.split(",") if n.strip()]
        if not listed or len(set(listed)) != len(listed):
            raise ValueError(f"WARTA_ENDPOINTS: kanal '{channel}' perlu nama titik tayang yang "
                             "berbeda-beda")
        found[channel] = listed
    return found


def _read_secret(path: Path, variable: str) -> str:
    """The stripped content of a secret file, or a clear error naming the variable."""
    try:
        value = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ValueError(f"{variable}: berkas {path} tidak dapat dibaca ({exc.strerror})") from None
    if not value:
        raise ValueError(f"{variable}: berkas {path} kosong")
    return value


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
    """Fresh settings from the environment (cheap; not cached so tests can change the env)."""
    return Settings()
