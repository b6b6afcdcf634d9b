"""Helpers every CLI module shares: settings, services, output, refusals, the acting user."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, NoReturn
from zoneinfo import ZoneInfo

import typer

from shared.config import Settings, get_settings
from shared.errors import InvalidInput, WartaError
from shared.i18n import N_, _

if TYPE_CHECKING:
    from shared.services.users import Account


def settings(**overrides: Any) -> Settings:
    """The settings root of this command: read from the environment once, with ``overrides`` (the
    command's options) applied to a copy (:meth:`Settings.with_overrides`: ``home=path``,
    ``broker="amqp://..."``, ``broker={"endpoint": "lobby"}``); an override that is None is an
    option not given and changes nothing. The environment is never written. The result is the
    process's active settings (:func:`shared.settings.activate`: the language of messages). A bad
    value exits 2 with the variable named."""
    from pydantic import ValidationError

    from shared.config import setting_errors
    from shared.settings import activate

    try:
        cfg = get_settings()
    except ValidationError as exc:  # pydantic's text is for developers; name the variable and why
        fail(_("Konfigurasi tidak sah: {err}", err="; ".join(setting_errors(exc))), 2)
    given = {name: value for name, value in overrides.items() if value is not None}
    if given:
        cfg = cfg.with_overrides(**given)
    activate(cfg)
    return cfg


def services(role: str = "redrive", as_json: bool = False,  # noqa: ANN201 - shared.services.root.Services
             cfg: Settings | None = None):
    """The use-cases over ``cfg`` (default: the configured settings), with the backbone's parking
    queues for the re-drive (``role`` names that broker connection). Refuses (exit 2, like a
    configuration problem) while the schema is not the one this code ships: only ``warta migrate``
    and ``warta init`` change the schema."""
    cfg = cfg or settings()
    guarded(as_json, lambda: require_current_schema(cfg.db_url))
    return build_services(cfg, role)


def build_services(cfg: Settings, role: str = "redrive"):  # noqa: ANN201 - shared.services.root.Services
    """Every use-case service over ``cfg``, with the backbone's parking queues for the re-drive:
    the composition root of the CLI and the kiosk (``role`` names the broker connection)."""
    from shared.services.root import Services

    def parking():  # noqa: ANN202 - workers.transport.Transport
        from workers.transport import make_transport

        return make_transport(cfg, role=role)

    return Services.build(cfg, parking)


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


def acting_user(w, username: str, as_json: bool = False) -> Account:  # noqa: ANN001
    """Authenticate ``--as USER`` with ``settings.password`` (``WARTA_PASSWORD``; of the services'
    settings ``w.ctx.settings``) or a prompt."""
    password = w.ctx.settings.password
    if password is None:
        if not sys.stdin.isatty():
            fail(_("Kata sandi untuk '{u}' diperlukan: setel WARTA_PASSWORD", u=username), 5, as_json)
        password = typer.prompt(_("Kata sandi {u}", u=username), hide_input=True)
    return guarded(as_json, lambda: w.users.authenticate(username, password))


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


# -- the database schema: only `warta migrate` and `warta init` change it ---------------------------

SCHEMA_BEHIND = N_("Skema basis data belum mutakhir (revisi {have}, perlu {need}); jalankan "
                   "'warta migrate' atau 'warta init'")
SCHEMA_AHEAD = N_("Skema basis data lebih baru dari kode ini (revisi {have}, kode ini sampai {need}); "
                  "perbarui Warta ke versi yang sama dengan layanan lain")


class SchemaNotCurrent(WartaError):
    """The database's schema is not the one this code ships; exits like a configuration problem."""

    exit_code = 2


def revisions_text(revisions: frozenset[str] | set[str]) -> str:
    """Migration revisions for a message: sorted, comma-separated; "-" for an empty database."""
    return ", ".join(sorted(revisions)) or "-"


def schema_state(url: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The schema's revisions at ``url``, the heads this code ships, and those of the schema's
    revisions this code does not know (a database migrated by a newer Warta)."""
    from shared.db import current_revision, head_revision

    current, heads = current_revision(url), head_revision()
    if current == heads:
        return current, heads, frozenset()
    from alembic.script import ScriptDirectory

    from shared.db import alembic_config

    known = {r.revision for r in ScriptDirectory.from_config(alembic_config(url)).walk_revisions()}
    return current, heads, frozenset(current - known)


def refuse_newer_schema(url: str) -> tuple[frozenset[str], frozenset[str]]:
    """The schema's revisions and the code's heads; raises :class:`SchemaNotCurrent` when the
    schema is newer than this code (no migration of this code can bring it back)."""
    current, heads, unknown = schema_state(url)
    if unknown:
        raise SchemaNotCurrent(SCHEMA_AHEAD, have=revisions_text(current), need=revisions_text(heads))
    return current, heads


def require_current_schema(url: str) -> None:
    """Raise :class:`SchemaNotCurrent` unless the schema at ``url`` is exactly this code's: a
    command that uses the database never migrates it on the way."""
    current, heads = refuse_newer_schema(url)
    if current != heads:
        raise SchemaNotCurrent(SCHEMA_BEHIND, have=revisions_text(current), need=revisions_text(heads))


def current_services(cfg: Settings, role: str = "redrive"):  # noqa: ANN201 - shared.services.root.Services
    """:func:`build_services` once the schema is current; raises :class:`SchemaNotCurrent`
    otherwise (for callers that show a :class:`WartaError` themselves, such as the kiosk)."""
    require_current_schema(cfg.db_url)
    return build_services(cfg, role)
