"""CLI commands of the kiosk area (registered into the main app by warta.cli)."""

from __future__ import annotations

import shlex
import sys

import typer

from shared.i18n import _


def _serve(host: str, port: int, with_workers: bool, public_url: str | None) -> None:
    """Serve the kiosk to browsers with textual-serve (one kiosk process per browser tab)."""
    from textual_serve.server import Server

    command = [sys.executable, "-m", "warta.cli", "kiosk"]
    if with_workers:
        command.append("--with-workers")
    Server(shlex.join(command), host=host, port=port, title="Warta",
           public_url=public_url).serve()


def _serve_with_workers(host: str, port: int, with_workers: bool, public_url: str | None) -> None:
    """Serve the kiosk; with ``with_workers`` one set of workers runs in this server process
    (not one per browser tab)."""
    from kiosk.backbone import start_workers, stop_workers
    from shared.errors import WartaError
    from warta.common import services

    w = services()  # schema created or upgraded once, before any tab opens
    handle = None
    if with_workers:
        try:
            handle = start_workers(w.settings)
        except WartaError as exc:
            typer.echo(_("Peringatan: {m}", m=str(exc)), err=True)
    try:
        _serve(host, port, False, public_url)
    finally:
        stop_workers(handle)


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add this area's commands to app (and to the shared groups such as item)."""

    @app.command("kiosk")
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
    ) -> None:
        """Kiosk operator (Textual) untuk seluruh SOP pengumuman."""
        from warta.common import services

        if serve:
            _serve_with_workers(host, port, with_workers, public_url)
            return
        from kiosk.app import WartaKiosk

        w = services()
        WartaKiosk(w.settings, w, with_workers=with_workers).run()
