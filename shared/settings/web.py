"""The web section (``settings.web``, variables ``WARTA_WEB_*``): the website's feeds, pages and
CAP alerts."""

from __future__ import annotations

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import SettingsConfigDict

from shared import public_urls
from shared.settings.base import Section

DEFAULT_PUBLIC_URL = public_urls.DEFAULT_ROOT
"""Site root used when none is configured (see :mod:`shared.public_urls`)."""


class WebSettings(Section):
    """How the website feeds, pages and CAP alerts are produced."""

    model_config = SettingsConfigDict(env_prefix="WARTA_WEB_")

    feed_items: int = Field(default=50, ge=1, le=1000)
    """How many of the latest announcements the feeds, index.html and the CAP index carry."""

    public_url: str | None = Field(default=None, validation_alias=AliasChoices("WARTA_PUBLIC_URL"))
    """The site root ``WARTA_PUBLIC_URL``, at which the whole output folder is served; the web
    folder is ``<root>/web/`` (:mod:`shared.public_urls`). Unset means ``http://localhost:8000``
    and a warning in health()."""

    site_title: str = ""
    """Title of the site and its feeds; empty means "Pengumuman <unit of the agency>"."""

    cap_status: str = Field(default="Actual", pattern="^(Actual|Exercise|System|Test|Draft)$")
    """CAP ``status`` of produced alerts: ``Actual`` in production, ``Exercise`` or ``Test`` in drills."""

    withdrawn_days: int = Field(default=30, ge=0, le=3650)
    """How many days a revoked announcement stays in the feeds and on ``index.html`` as a
    withdrawal entry ("DICABUT: ..."), counted from its revocation, so that subscribers learn it
    was withdrawn; afterwards it leaves them (its page stays: QR codes point at it). 0: at once."""

    cap_expires_hours: int = Field(default=24, ge=1, le=24 * 30)
    """CAP ``<expires>`` of an alert whose announcement has no end time, in hours after it starts
    (its ``sent``, or its start when that is later). A Cancel expires with the alert it cancels,
    and stays at least an hour."""

    @field_validator("public_url")
    @classmethod
    def _site_root(cls, value: str | None) -> str | None:
        return public_urls.check_root(value)

    @property
    def base_url(self) -> str:
        """The effective URL of the web folder (``<root>/web``), without a trailing slash."""
        return public_urls.web_base(self.public_url)
