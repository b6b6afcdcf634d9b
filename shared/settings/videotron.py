"""The videotron section (``settings.videotron``, variables ``WARTA_VIDEOTRON_*``): the LED panel,
its slides and proof of play."""

from __future__ import annotations

from datetime import time

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings.base import Section


class VideotronSettings(Section):
    """The LED panel this worker drives and how long slides stay on it."""

    model_config = SettingsConfigDict(env_prefix="WARTA_VIDEOTRON_")

    width: int = Field(1920, ge=160, le=8192)
    """Native panel width in pixels (1920 for Full HD; odd LED sizes such as 1344 or 960 work)."""

    height: int = Field(1080, ge=96, le=8192)
    """Native panel height in pixels (1080 for Full HD; 768, 320 or a portrait 1920 work; small LED
    boards such as 384×192 or 192×96 get compact bands so the text keeps 60 % of the rows)."""

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

    # -- slides within the loop, night palette (issue 16) ----------------------------------------

    loop_seconds: float = Field(240.0, ge=10, le=86400)
    """The loop the office aims for: all announcements on air, one after the other, in seconds.
    The renderer only sees one announcement at a time, so each one's share is capped against this
    target rather than against the loop actually on air (which changes with every message)."""

    loop_share: float = Field(0.25, gt=0, le=1)
    """The most one announcement may take of ``loop_seconds`` (0.25 × 240 s = 60 s of slides).
    What does not fit is not shown: the last slide says "Selengkapnya: pindai kode QR" (or names
    the agency's website when there is no QR code). At least one slide is always shown, even when
    the cap is below ``min_seconds``."""

    max_slides: int = Field(4, ge=1, le=50)
    """The most slides one announcement gets, whatever its share of the loop allows."""

    night_start: time = time(18, 0)
    """Local time (the agency's zone) from which the player shows the night slides: dark
    background and light text, so the panel does not glare at night."""

    night_end: time = time(6, 0)
    """Local time at which the day slides come back (before ``night_start``: past midnight; equal
    to it: no night slides are shown)."""

    # -- proof of play and video (issue 16) ------------------------------------------------------

    video: bool = False
    """Also make an MP4 of each announcement's slides (``slides/<key>-v<N>.mp4``, listed as
    ``video`` in the playlist) for LED controllers that only play video from USB. Off by default:
    it costs about a second per announcement at 1920×1080, and a PC-driven panel does not need it."""

    video_fps: int = Field(10, ge=1, le=60)
    """Frame rate of those MP4s. 10 keeps every playlist duration (tenths of a second) exact and
    the encoding cheap; raise it (25) only for a controller that refuses low frame rates."""

    screen: str = ""
    """This screen's name in proof-of-play reports and the monitor (default: the host name)."""

    play_report: bool = True
    """Run the proof-of-play endpoint with the worker (it also serves the player page)."""

    play_host: str = "127.0.0.1"
    """Address the proof-of-play endpoint listens on (the player runs on the same PC)."""

    play_port: int = Field(8765, ge=0, le=65535)
    """Port of that endpoint; open ``http://127.0.0.1:<port>/`` on the screen (0: any free port,
    written to ``tayang/endpoint.json`` in the worker's state folder)."""

    status_minutes: float = Field(5.0, gt=0, le=1440)
    """How often the worker tells the archiver when its screen last reported a slide."""

    silent_minutes: float = Field(15.0, gt=0, le=10080)
    """Approval side: the monitor shows a screen as "Layar tidak melapor" after this many minutes
    without a proof-of-play report (``WARTA_VIDEOTRON_SILENT_MINUTES``)."""
