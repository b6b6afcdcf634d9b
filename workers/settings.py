"""Settings of the backbone processes (``WARTA_*`` environment), next to the shared :class:`Settings`."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from shared.config import Settings, check_endpoint


class BackboneSettings(BaseSettings):
    """Tuning of the relay, workers and archiver; every field has a safe default."""

    model_config = SettingsConfigDict(env_prefix="WARTA_", extra="ignore")

    prefetch: int = Field(default=4, ge=1, le=100)
    """Messages a worker holds unacknowledged at once (urgent ones among them are rendered first)."""

    heartbeat: int = Field(default=30, ge=0)
    """AMQP heartbeat in seconds (0 disables); rendering never blocks it."""

    delivery_limit: int = Field(default=10, ge=1)
    """Deliveries of one message before it is parked (quorum ``x-delivery-limit``; embedded lease count)."""

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
    """Run this renderer (a name in ``channels.RENDERERS`` or ``module:Class``) instead of the channel's own."""

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

    render_delay: float = Field(default=0.0, ge=0)
    """Fault injection for tests and benchmarks: seconds every render sleeps first."""

    fault_crash_marker: str = ""
    """Fault injection: a render whose title contains this text kills the worker process (poison)."""

    fault_relay_crash_after_confirm: bool = False
    """Fault injection: the relay exits after the broker confirmed a row but before it commits."""

    demo_timeout: float = 180.0
    """Seconds ``warta demo`` waits for every delivery to be confirmed."""

    @field_validator("endpoint")
    @classmethod
    def _valid_endpoint(cls, value: str) -> str:
        return check_endpoint(value) if value else value

    @property
    def tiers(self) -> list[int]:
        """Retry tier delays in seconds."""
        return [int(x) for x in self.retry_tiers.split(",") if x.strip()]

    def identity(self, channel: str) -> str:
        """The worker's identity on ``channel``."""
        return self.worker_id or self.endpoint or channel

    def state_dir(self, settings: Settings, channel: str) -> Path:
        """The worker's own state folder (one per endpoint: each screen has its own inbox)."""
        name = f"worker-{channel}-{self.endpoint}" if self.endpoint else f"worker-{channel}"
        return (self.worker_state_dir or settings.home / name).resolve()


def backbone_settings() -> BackboneSettings:
    """Fresh backbone settings from the environment."""
    return BackboneSettings()
