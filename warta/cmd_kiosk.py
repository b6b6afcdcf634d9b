"""``warta kiosk``: the operators' kiosk in this terminal, or served to browsers behind the gate."""

from __future__ import annotations

import os
import shlex
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator

import typer

from shared.config import Settings
from shared.i18n import _


def start_workers(settings: Settings) -> Callable[[], Any]:
    """What starts relay, channel workers and archiver in this process (``workers.inprocess``,
    embedded broker) and returns the handle (``handle.stop()``); imported only when called,
    after the kiosk's first paint."""

    def start() -> Any:
        from workers.inprocess import start_all

        return start_all(settings)

    return start


def _serve(host: str, port: int, with_workers: bool, public_url: str | None,
           tls: tuple[Path, Path] | None) -> None:
    """Serve the kiosk to browsers behind the gate (:mod:`kiosk.serve`): one kiosk process per
    signed-in browser tab, up to ``WARTA_KIOSK_MAX_SESSIONS``. With ``with_workers`` one set of
    workers runs in this server process (not one per browser tab)."""
    from kiosk.serve.gate import Gate
    from shared.errors import WartaError
    from warta.cmd_setup import require_profile
    from warta.common import services

    w = services()  # refuses while the schema is behind, before any tab opens
    require_profile(w.ctx.settings)  # and while the office's profile is missing or unfilled
    handle = None
    if with_workers:
        try:
            handle = start_workers(w.ctx.settings)()
        except WartaError as exc:
            typer.echo(_("Peringatan: {m}", m=str(exc)), err=True)
    command = shlex.join([sys.executable, "-m", "warta.cli", "kiosk"])
    try:
        Gate(command, w.ctx.settings, w, host=host, port=port, public_url=public_url, tls=tls).serve()
    finally:
        if handle is not None:
            handle.stop()


def _tls_of(cert: Path | None, key: Path | None) -> tuple[Path, Path] | None:
    """Both TLS files or neither; a missing file is a clear refusal."""
    if cert is None and key is None:
        return None
    if cert is None or key is None:
        raise typer.BadParameter(_("--tls-cert dan --tls-key harus diberikan bersama."))
    for path in (cert, key):
        if not path.is_file():
            raise typer.BadParameter(_("Berkas TLS {p} tidak ditemukan.", p=str(path)))
    return cert, key


@contextmanager
def _no_echo() -> Iterator[None]:
    """Keys typed while the kiosk is still starting are not echoed by the terminal: a password
    typed in that second would otherwise stay readable on the terminal after the kiosk exits.
    The terminal's own settings come back afterwards (Textual restores only what it found)."""
    try:
        import termios

        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
    except Exception:  # noqa: BLE001 - not a terminal (textual-serve's pipe, a test): nothing to do
        yield
        return
    quiet = list(saved)
    quiet[3] &= ~termios.ECHO
    termios.tcsetattr(fd, termios.TCSANOW, quiet)
    try:
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def _run_kiosk(with_workers: bool) -> None:
    """The kiosk in this terminal (or in a browser tab, started by the gate). Only what the
    sign-in screen needs is imported before it is painted; the use-cases (and the schema check)
    load in a thread meanwhile (docs/PERFORMANCE.md, "Kiosk"); a schema that is not current is
    a refusal the sign-in screen shows."""
    with _no_echo():
        from kiosk.app import WartaKiosk
        from warta.cmd_setup import require_profile
        from warta.common import current_services, settings

        # The gate's one-time sign-in: taken out of the environment so nothing this process
        # starts inherits it.
        ticket = os.environ.pop("WARTA_KIOSK_TICKET", None)
        cfg = settings()
        require_profile(cfg)  # exit 2 naming the profile's unfilled fields
        WartaKiosk(cfg, start_backbone=start_workers(cfg) if with_workers else None,
                   load_services=lambda: current_services(cfg, "kiosk-redrive"), ticket=ticket).run()


def kiosk(
    with_workers: bool = typer.Option(False, "--with-workers",
                                      help=_("Jalankan relay, pekerja kanal dan pengarsip "
                                             "di proses yang sama (broker embedded).")),
    serve: bool = typer.Option(False, "--serve",
                               help=_("Sajikan kiosk ke peramban melalui textual-serve.")),
    host: str = typer.Option("127.0.0.1", "--host", help=_("Alamat yang didengarkan (--serve).")),
    port: int = typer.Option(8000, "--port", help=_("Port yang didengarkan (--serve).")),
    public_url: str = typer.Option(None, "--public-url",
                                   help=_("URL publik di balik reverse proxy, mis. "
                                          "https://kiosk.example.go.id (--serve).")),
    tls_cert: Path = typer.Option(None, "--tls-cert",
                                  help=_("Sertifikat TLS (PEM) untuk --serve tanpa reverse "
                                         "proxy.")),
    tls_key: Path = typer.Option(None, "--tls-key",
                                 help=_("Kunci privat TLS (PEM) untuk --tls-cert.")),
    insecure_bind: bool = typer.Option(False, "--insecure-bind",
                                       help=_("Izinkan --serve mendengarkan di luar loopback "
                                              "tanpa TLS (hanya untuk uji).")),
) -> None:
    """Kiosk operator (Textual) untuk seluruh SOP pengumuman."""
    if not serve:
        _run_kiosk(with_workers)
        return
    from kiosk.serve.guard import bind_refusal

    tls = _tls_of(tls_cert, tls_key)
    refusal = bind_refusal(host, tls is not None, insecure_bind)
    if refusal is None and host in ("0.0.0.0", "::") and not public_url:
        # the page opens its WebSocket at the public URL; "0.0.0.0" is nobody's address
        refusal = _("Beri --public-url (alamat yang diketik pengguna) bila mendengarkan di "
                    "{host}.", host=host)
    if refusal:
        typer.echo(refusal, err=True)
        raise typer.Exit(2)
    _serve(host, port, with_workers, public_url, tls)
