"""Helpers every CLI module shares: settings, services, output, refusals, the acting user."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime
from typing import Any, Callable, NoReturn
from zoneinfo import ZoneInfo

import typer

from shared.config import Settings, get_settings
from shared.errors import InvalidInput, WartaError
from shared.i18n import _


def settings() -> Settings:
    """Settings from the environment, with a readable error on a bad value."""
    from pydantic import ValidationError

    try:
        return get_settings()
    except ValidationError as exc:  # pydantic's text is for developers; name the variable and why
        reasons = "; ".join(f"WARTA_{'_'.join(map(str, e['loc'])).upper()}: "
                            f"{e['msg'].removeprefix('Value error, ')}" for e in exc.errors())
        fail(_("Konfigurasi tidak sah: {err}", err=reasons), 2)


def services():  # noqa: ANN201 - shared.services.Warta
    """The use-cases over the configured database (schema created or upgraded first)."""
    from shared.db import current_revision, head_revision, upgrade
    from shared.services import Warta

    cfg = settings()
    if current_revision(cfg.db_url) != head_revision():
        upgrade(cfg.db_url)
    return Warta(cfg)


def emit(data: dict, as_json: bool, text: str | None = None) -> None:
    """Print exactly one JSON object (``--json``) or the human text."""
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, default=str))
    else:
        typer.echo(text if text is not None else json.dumps(data, ensure_ascii=False, indent=2, default=str))


def fail(message: str, code: int = 1, as_json: bool = False) -> NoReturn:
    """Report a refusal or error (stderr; also a JSON object on stdout with ``--json``) and exit."""
    if as_json:
        typer.echo(json.dumps({"error": message, "exit_code": code}, ensure_ascii=False))
    typer.echo(_("Ditolak: {message}", message=message) if code == 3 else
               _("Galat: {message}", message=message), err=True)
    raise typer.Exit(code)


def guarded(as_json: bool, fn: Callable[[], Any]) -> Any:
    """Run ``fn``; turn a :class:`WartaError` into a clear message and a non-zero exit."""
    try:
        return fn()
    except WartaError as exc:
        fail(str(exc), exc.exit_code, as_json)


def acting_user(w, username: str, as_json: bool = False) -> dict:  # noqa: ANN001
    """Authenticate ``--as USER`` with ``WARTA_PASSWORD`` or a prompt."""
    password = os.environ.get("WARTA_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            fail(_("Kata sandi untuk '{u}' diperlukan: setel WARTA_PASSWORD", u=username), 5, as_json)
        password = typer.prompt(_("Kata sandi {u}", u=username), hide_input=True)
    return guarded(as_json, lambda: w.authenticate(username, password))


def parse_when(value: str | None, tz: str) -> datetime | None:
    """An ISO date-time; a value without a zone is read in the agency's zone."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput("Waktu '{v}' tidak sah; gunakan format ISO, mis. 2026-12-01T08:00",
                           v=value) from None
    return when if when.tzinfo else when.replace(tzinfo=ZoneInfo(tz))
