"""The core section: the root's own fields (``settings.home``, ``settings.db_url`` ...), read from
``WARTA_*`` variables. They stay at the top of the root (:class:`shared.config.Settings` derives
from :class:`CoreSettings`) because every part of Warta reads them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.settings.endpoints import parse_endpoints

if TYPE_CHECKING:
    from shared.config import AgencyProfile


class CoreSettings(BaseSettings):
    """Process settings every part of Warta shares, read from ``WARTA_*`` environment variables."""

    model_config = SettingsConfigDict(env_prefix="WARTA_", extra="ignore", secrets_dir=None)

    home: Path = Path("./var")
    """Folder for everything Warta writes (database, outputs, archive, keys)."""

    database_url: str | None = None
    """SQLAlchemy URL; default SQLite at ``$WARTA_HOME/warta.db`` in WAL mode."""

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
    """The agency's zone: every shown time is in it (Asia/Jakarta WIB, Asia/Makassar WITA,
    Asia/Jayapura WIT)."""

    lang: Literal["id", "en"] = "id"
    """Language of what users see: ``id`` (Bahasa Indonesia, default) or ``en`` (``WARTA_LANG``;
    :func:`shared.i18n.current_lang` follows the active settings)."""

    profile: Path | None = None
    """The office's profile TOML (``WARTA_PROFILE``); default ``$WARTA_HOME/profile.toml``. Required
    wherever announcements are approved, numbered, printed or sealed (no fallback to the demo's:
    :mod:`shared.office_profile`); ``warta init`` writes a template to fill in."""

    host_role: Literal["server", "worker"] = "server"
    """What this machine (or container) runs (``WARTA_HOST_ROLE``): ``server`` (default: the
    database, the kiosk, relay, archiver, ops commands) or ``worker`` (channel workers only, e.g.
    the videotron PC: no database and no office profile; ``warta doctor`` checks neither)."""

    signing_key_file: Path | None = None
    """Ed25519 private key (approval side only); default ``$WARTA_HOME/keys/signing.key``."""

    verify_key_file: Path | None = None
    """Ed25519 public key the workers verify with; default ``$WARTA_HOME/keys/signing.pub``."""

    password: str | None = None
    """Password of the acting user for CLI commands (``WARTA_PASSWORD``); prompted for when unset."""

    new_password: str | None = None
    """The new password of ``warta user add`` and ``warta user password`` (``WARTA_NEW_PASSWORD``);
    prompted for (hidden, twice) when unset."""

    public_url: str | None = None
    """The site root at which the output folder is served, e.g. ``https://ppid.example.go.id``;
    every public address (pages, feeds, CAP, podcast, the QR codes, the records' links) is built
    under it by :mod:`shared.public_urls`."""

    image_dir: Path | None = None
    """When set, pictures are taken only from this folder (a name without a folder is looked up in
    it). Set it for the browser kiosk (``warta kiosk --serve``), whose users type paths on the server."""

    message_ttl_hours: int = 72
    """A dispatch message is refused (parked) once it is older than this."""

    database_url_file: Path | None = None
    """File holding the database URL (a container or systemd secret); used when
    ``WARTA_DATABASE_URL`` is unset, so the password never sits in the environment."""

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
    def _secrets_from_files(self) -> "CoreSettings":
        # A *_FILE variable only fills a value the environment did not set directly.
        if self.database_url is None and self.database_url_file is not None:
            self.database_url = read_secret(self.database_url_file, "WARTA_DATABASE_URL_FILE")
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
        """The effective agency profile path: ``WARTA_PROFILE``, else ``$WARTA_HOME/profile.toml``
        (whether it exists or not: never the demo's)."""
        return self.profile or self.home / "profile.toml"

    def agency(self) -> AgencyProfile:
        """The office's profile this process uses; raises
        :class:`shared.office_profile.ProfileIncomplete` (naming the fields) while it is missing
        or unfilled."""
        from shared.office_profile import required_profile

        return required_profile(self)


def read_secret(path: Path, variable: str) -> str:
    """The stripped content of a secret file, or a clear error naming the variable."""
    try:
        value = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ValueError(f"{variable}: berkas {path} tidak dapat dibaca ({exc.strerror})") from None
    if not value:
        raise ValueError(f"{variable}: berkas {path} kosong")
    return value
