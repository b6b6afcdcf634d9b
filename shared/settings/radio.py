"""The radio section (``settings.radio``, variables ``WARTA_RADIO_*``): scripts, their audio and the
podcast feed."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import SettingsConfigDict

from shared import public_urls
from shared.settings.base import Section


class RadioSettings(Section):
    """How radio scripts, their audio and the podcast feed are produced."""

    model_config = SettingsConfigDict(env_prefix="WARTA_RADIO_")

    station: str = "Radio Publik Daerah"
    """Name of the station that airs the scripts; shown on the script and usable as {station}."""

    opening: str = "Anda mendengarkan {station}. Berikut pengumuman dari {unit}."
    """Opening line read before each announcement; placeholders {station} and {unit}."""

    closing: str = "Demikian pengumuman dari {unit}. Terima kasih."
    """Closing line read after each announcement; placeholders {station} and {unit}."""

    words_per_minute: int = Field(default=130, ge=60, le=300)
    """Speed of the synthetic voice (espeak-ng's ``-s``); the air-time estimate follows it (it is
    calibrated on espeak-ng's Indonesian voice, which says fewer Indonesian words a minute than
    this number because the words are long)."""

    glossary: Path | None = None
    """Your own TOML glossary, read on top of the bundled ``channels/radio/glossary.toml`` (your
    entries win): [expand] NAME = "full name", [spell] words = [...], [abbreviations] "Jl." =
    "Jalan", [units] "km" = "kilometer", [voice] word = "respelling for the voice". Env
    ``WARTA_RADIO_GLOSSARY``."""

    tts: Literal["espeak-ng", "none"] = "espeak-ng"
    """Speech engine for the audio: ``espeak-ng`` (offline, voice ``id``) or ``none`` (script only)."""

    voice: str = "id"
    """Voice name passed to the speech engine."""

    bitrate: int = Field(default=64, ge=32, le=320)
    """MP3 bit rate in kbit/s (speech needs little)."""

    loudness_lufs: float = Field(default=-16.0, ge=-31.0, le=-10.0)
    """Integrated loudness of every MP3 in LUFS (ITU-R BS.1770): -16 for podcasts and radio
    automation that plays files as they are; -23 is EBU R 128 broadcast. Env
    ``WARTA_RADIO_LOUDNESS_LUFS``."""

    true_peak_dbtp: float = Field(default=-1.0, ge=-9.0, le=0.0)
    """Highest true peak of every MP3 in dBTP, as measured after decoding. Env
    ``WARTA_RADIO_TRUE_PEAK_DBTP``."""

    sample_rate: Literal[44100, 48000] = 44100
    """Sample rate of the MP3s in Hz (espeak-ng speaks at 22.05 kHz; automation systems expect
    44.1 kHz). Env ``WARTA_RADIO_SAMPLE_RATE``."""

    podcast_category: str = "Government"
    """The Apple Podcasts category of ``feed.xml`` (``itunes:category``). Env
    ``WARTA_RADIO_PODCAST_CATEGORY``."""

    feed_items: int = Field(default=50, ge=1, le=1000)
    """How many of the latest announcements ``radio/feed.xml`` carries."""

    withdrawn_days: int = Field(default=30, ge=1, le=3650)
    """How many days the revocation notice ("DICABUT: ...") of a revoked announcement stays in
    ``radio/feed.xml`` as an episode (counted from its pubDate, the revocation), so that a station
    importing the feed airs it; then it leaves the feed. Env ``WARTA_RADIO_WITHDRAWN_DAYS``."""

    public_url: str | None = Field(default=None, validation_alias=AliasChoices("WARTA_PUBLIC_URL"))
    """The site root ``WARTA_PUBLIC_URL``; the podcast feed and audio are under ``<root>/radio/``
    and the feed's site link is the website ``<root>/web/`` (:mod:`shared.public_urls`)."""

    @field_validator("public_url")
    @classmethod
    def _site_root(cls, value: str | None) -> str | None:
        return public_urls.check_root(value)

    @property
    def base_url(self) -> str:
        """The effective URL of the radio folder (``<root>/radio``), without a trailing slash."""
        return public_urls.radio_base(self.public_url)

    @property
    def site_url(self) -> str:
        """The website's home page, which the podcast feed links to."""
        return public_urls.web_home(self.public_url)
