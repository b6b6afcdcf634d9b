"""CLI commands of the kiosk area (registered into the main app by warta.cli)."""

from __future__ import annotations

import typer


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add this area's commands to app (and to the shared groups such as item)."""
