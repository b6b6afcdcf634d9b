"""Settings of the videotron channel, from ``WARTA_VIDEOTRON_*`` environment variables."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class VideotronSettings(BaseSettings):
    """The LED panel this worker drives and how long slides stay on it."""

    model_config = SettingsConfigDict(env_prefix="WARTA_VIDEOTRON_", extra="ignore")

    width: int = Field(1920, ge=160, le=8192)
    """Native panel width in pixels (1920 for Full HD; odd LED sizes such as 1344 or 960 work)."""

    height: int = Field(1080, ge=120, le=8192)
    """Native panel height in pixels (1080 for Full HD; 768, 320 or a portrait 1920 work)."""

    min_font_px: int = Field(16, ge=8, le=200)
    """Smallest text size in pixels that is still legible on this panel; body text never goes
    below it (it is only lowered when the panel itself is too small to hold one line of it)."""

    words_per_minute: int = Field(130, ge=30, le=600)
    """Reading speed used to time each slide (people read a roadside screen slower than a page)."""

    min_seconds: float = Field(8.0, ge=1, le=600)
    """Shortest time a slide stays on screen."""

    max_seconds: float = Field(30.0, ge=1, le=3600)
    """Longest time a slide stays on screen."""

    poll_seconds: int = Field(15, ge=2, le=3600)
    """How often the player page checks whether the playlist changed."""
