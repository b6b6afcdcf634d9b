"""The broker section (``settings.broker``): where messages travel and how the backbone (relay,
channel workers, archiver) handles them. Variables ``WARTA_BROKER``, ``WARTA_PREFETCH``,
``WARTA_DELIVERY_LIMIT``... (prefix ``WARTA_``, as before the settings had sections)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from shared.settings.base import Section
from shared.settings.core import CoreSettings, read_secret
from shared.settings.endpoints import check_endpoint


class BrokerSettings(Section):
    """The broker and the tuning of the relay, workers and archiver; every field has a safe default."""

    model_config = SettingsConfigDict(env_prefix="WARTA_")

    url: str = Field(default="embedded", validation_alias=AliasChoices("WARTA_BROKER"))
    """``embedded`` (messages kept in the SQL database) or an ``amqp://`` URL of RabbitMQ
    (``WARTA_BROKER``; ``warta run --broker``)."""

    url_file: Path | None = Field(default=None, validation_alias=AliasChoices("WARTA_BROKER_FILE"))
    """File holding the broker URL (``amqp://user:password@host/vhost``; ``WARTA_BROKER_FILE``);
    used when ``WARTA_BROKER`` is unset."""

    ca_file: Path | None = Field(default=None, validation_alias=AliasChoices("WARTA_AMQP_CA_FILE"))
    """CA certificate (PEM) that an ``amqps://`` broker's certificate must be signed by
    (``WARTA_AMQP_CA_FILE``): only this CA is trusted, not the system's (pinning). Unset: the
    system's CAs."""

    management_url: str = Field(default="", validation_alias=AliasChoices("WARTA_AMQP_MANAGEMENT_URL"))
    """RabbitMQ's management API (``http://user:password@host:15672``; ``WARTA_AMQP_MANAGEMENT_URL``)
    where policies are written when services declare the topology and where ``warta doctor``
    reads the queues' effective policies. Empty: ``http://<broker host>:15672`` with the broker
    URL's account."""

    management_url_file: Path | None = Field(default=None,
                                             validation_alias=AliasChoices("WARTA_AMQP_MANAGEMENT_URL_FILE"))
    """File holding ``WARTA_AMQP_MANAGEMENT_URL`` (a secret: it carries a password)."""

    prefetch: int = Field(default=4, ge=1, le=100)
    """Messages a worker holds unacknowledged at once (urgent ones among them are rendered first)."""

    heartbeat: int = Field(default=30, ge=0)
    """AMQP heartbeat in seconds (0 disables); rendering never blocks it."""

    delivery_limit: int = Field(default=10, ge=1)
    """Deliveries of one message before it is parked (quorum ``x-delivery-limit``; embedded lease
    count)."""

    retry_tiers: str = "10,60,300,1800"
    """Seconds of each delayed-retry tier (TTL wait queues), comma-separated, shortest first."""

    quick_retries: int = Field(default=3, ge=1)
    """In-process attempts (tenacity) for a quick transient render fault before the next tier."""

    quick_retry_wait: float = Field(default=0.2, ge=0)
    """Base wait in seconds between in-process attempts (exponential with jitter)."""

    visibility_timeout: float = Field(default=60.0, gt=0)
    """Embedded transport: seconds a leased message stays invisible; renewed while rendering."""

    poll_interval: float = Field(default=0.2, gt=0)
    """Embedded transport and relay: seconds between polls when idle."""

    relay_batch: int = Field(default=100, ge=1)
    """Outbox rows the relay claims at once."""

    archiver_batch: int = Field(default=64, ge=1, le=1000)
    """Receipts the archiver applies in one database transaction (AMQP; its prefetch is raised to
    match). Each is acknowledged only after that transaction committed."""

    relay_lease: float = Field(default=30.0, gt=0)
    """Seconds a claimed outbox row is hidden from other relays (a crashed relay's rows return)."""

    worker_renderer: str | None = None
    """Run this renderer (a name in ``channels.RENDERERS`` or ``module:Class``) instead of the
    channel's own."""

    worker_state_dir: Path | None = None
    """Folder of the worker's local state (inbox); default ``$WARTA_HOME/worker-<channel>``."""

    endpoint: str = ""
    """The named endpoint (screen, print station) this worker serves (``WARTA_ENDPOINT``, one of
    the channel's names in the approval side's ``WARTA_ENDPOINTS``): it consumes the queues
    ``<p>.<channel>.<endpoint>`` and its receipts count for that endpoint only. Empty: the
    channel's unnamed endpoint (queue ``<p>.<channel>``)."""

    worker_id: str | None = None
    """This worker's identity for signing receipts (``WARTA_WORKER_ID``); default the endpoint's
    name, else the channel's. Its public key must be registered for the channel (``warta keys
    worker``); a named endpoint's worker must be named after it (``lobby`` or ``lobby.2``)."""

    worker_key_file: Path | None = None
    """This worker's private key; default ``$WARTA_HOME/keys/worker-<id>.key``."""

    worker_registry: Path | None = None
    """Archiver: the registry of worker public keys; default ``$WARTA_HOME/keys/workers``."""

    inline_artifact_bytes: int = 4 * 1024 * 1024
    """Artifacts up to this size travel inside the receipt; larger ones by reference."""

    demo_timeout: float = 180.0
    """Seconds ``warta demo`` waits for every delivery to be confirmed."""

    @model_validator(mode="after")
    def _url_from_file(self) -> "BrokerSettings":
        # WARTA_BROKER_FILE only fills the URL when WARTA_BROKER did not set it directly.
        if "url" not in self.model_fields_set and self.url_file is not None:
            self.url = read_secret(self.url_file, "WARTA_BROKER_FILE")
        if not self.management_url and self.management_url_file is not None:
            self.management_url = read_secret(self.management_url_file, "WARTA_AMQP_MANAGEMENT_URL_FILE")
        return self

    @field_validator("endpoint")
    @classmethod
    def _valid_endpoint(cls, value: str) -> str:
        return check_endpoint(value) if value else value

    @property
    def embedded(self) -> bool:
        """True when messages travel through the SQL database rather than RabbitMQ."""
        return self.url == "embedded"

    @property
    def tiers(self) -> list[int]:
        """Retry tier delays in seconds."""
        return [int(x) for x in self.retry_tiers.split(",") if x.strip()]

    def identity(self, channel: str) -> str:
        """The worker's identity on ``channel``."""
        return self.worker_id or self.endpoint or channel

    def state_dir(self, settings: CoreSettings, channel: str) -> Path:
        """The worker's own state folder (one per endpoint: each screen has its own inbox)."""
        name = f"worker-{channel}-{self.endpoint}" if self.endpoint else f"worker-{channel}"
        return (self.worker_state_dir or settings.home / name).resolve()
