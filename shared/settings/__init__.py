"""The sections of the settings root :class:`shared.config.Settings`, one module each: the core
fields (:mod:`~shared.settings.core`, at the top of the root), ``broker`` (the backbone's),
``web``, ``radio``, ``videotron``, ``print`` and ``kiosk``. Each section is a pydantic-settings
class with its own ``WARTA_*`` prefix; the root builds every one of them once (``Settings()``)
and the entry point passes the root down. Nothing here imports the rest of Warta, so the
channels and workers take their section from here (``shared`` imports no other Warta package).

The *active* settings (:func:`activate`) are the root the entry point built, for the few readers
that cannot be handed it: :func:`shared.i18n.current_lang` takes the language from it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.settings.broker import BrokerSettings
from shared.settings.core import CoreSettings
from shared.settings.kiosk import KioskSettings
from shared.settings.noticeboard import PrintSettings
from shared.settings.radio import RadioSettings
from shared.settings.videotron import VideotronSettings
from shared.settings.web import WebSettings

if TYPE_CHECKING:
    from shared.config import Settings

__all__ = ["BrokerSettings", "CoreSettings", "KioskSettings", "PrintSettings", "RadioSettings",
           "VideotronSettings", "WebSettings", "activate", "active_settings"]

_active: Settings | None = None


def activate(settings: Settings | None) -> None:
    """Make ``settings`` this process's active settings (the entry point, once it built them);
    None: none (readers fall back to the environment)."""
    global _active
    _active = settings


def active_settings() -> Settings | None:
    """The settings the entry point activated, or None."""
    return _active
