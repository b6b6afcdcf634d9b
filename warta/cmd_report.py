"""``warta report``: the PPID's monthly report."""

from __future__ import annotations

from pathlib import Path

import typer

from shared.i18n import _
from warta.common import emit, guarded, services

app = typer.Typer(help="Laporan PPID.", no_args_is_help=True)

MONTH_OPT = typer.Option(..., "--month", help="Bulan TTTT-BB, mis. 2026-11")
JSON_OPT = typer.Option(False, "--json")


@app.command("monthly")
def report_monthly(month: str = MONTH_OPT, fmt: str = typer.Option(..., "--format", help="pdf atau xlsx"),
                   output: Path = typer.Option(..., "--output"), as_json: bool = JSON_OPT) -> None:
    """Laporan bulanan: per kanal, klasifikasi, sasaran, SLA, kegagalan, dan bukti."""
    w = services(as_json=as_json)
    path = guarded(as_json, lambda: w.reports.export_monthly_report(month, fmt.lower(), output))
    emit({"month": month, "format": fmt, "output": str(path)}, as_json,
         _("Laporan bulanan {m} ditulis ke {p}", m=month, p=str(path)))
