"""The kiosk section (``settings.kiosk``): the idle lock (``WARTA_IDLE_LOCK_SECONDS``), the editor's
autosave and the browser kiosk's gate (``WARTA_KIOSK_*``)."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from shared.settings.base import Section


class KioskSettings(Section):
    """The terminal kiosk's idle lock and the limits of the browser kiosk (``warta kiosk --serve``)."""

    model_config = SettingsConfigDict(env_prefix="WARTA_KIOSK_")

    idle_lock_seconds: int = Field(default=300, validation_alias=AliasChoices("WARTA_IDLE_LOCK_SECONDS"))
    """The kiosk locks back to the login screen after this many idle seconds
    (``WARTA_IDLE_LOCK_SECONDS``)."""

    autosave_seconds: float = Field(default=5.0, gt=0)
    """The editor keeps the form in the user's draft slot this often, when it changed since the
    last time (``WARTA_KIOSK_AUTOSAVE_SECONDS``)."""

    max_sessions: int = Field(default=4, ge=1)
    """Browser kiosk: at most this many kiosk processes at once (one per open tab, about 140 MB
    each); one more gets a "kiosk penuh" page (``WARTA_KIOSK_MAX_SESSIONS``)."""

    login_attempts: int = Field(default=5, ge=1)
    """Browser kiosk: failed sign-ins allowed per client address and per username within a minute;
    then the gate asks to wait (``WARTA_KIOSK_LOGIN_ATTEMPTS``)."""

    session_hours: float = Field(default=8.0, gt=0)
    """Browser kiosk: how long a sign-in at the gate lasts (the kiosk's own idle lock still
    applies inside it; ``WARTA_KIOSK_SESSION_HOURS``)."""
