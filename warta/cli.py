"""The ``warta`` command: the sub-apps (one module each, e.g. ``warta item`` in
warta/cmd_items.py) and the top-level commands, assembled here in the order ``warta --help``
lists them."""

from __future__ import annotations

import typer

from warta import (cmd_archive, cmd_audit, cmd_backbone, cmd_backup, cmd_dip, cmd_exempt, cmd_items,
                   cmd_keys, cmd_kiosk, cmd_ops, cmd_report, cmd_setup, cmd_topology, cmd_users)

app = typer.Typer(help="Warta: penyebarluasan informasi publik (Diskominfo/PPID).",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)

COMMANDS = {
    "init": cmd_setup.init,
    "migrate": cmd_setup.migrate,
    "demo": cmd_setup.demo,
    "relay": cmd_backbone.relay,
    "worker": cmd_backbone.worker,
    "archiver": cmd_backbone.archiver,
    "run": cmd_backbone.run,
    "deliveries": cmd_backbone.deliveries,
    "redrive": cmd_backbone.redrive,
    "doctor": cmd_ops.doctor,
    "healthcheck": cmd_ops.healthcheck,
    "backup": cmd_backup.backup,
    "restore": cmd_backup.restore,
    "kiosk": cmd_kiosk.kiosk,
}
"""Top-level commands: name → function."""

GROUPS = {
    "item": cmd_items.app,
    "user": cmd_users.app,
    "audit": cmd_audit.app,
    "dip": cmd_dip.app,
    "exempt": cmd_exempt.app,
    "report": cmd_report.app,
    "archive": cmd_archive.app,
    "keys": cmd_keys.app,
    "topology": cmd_topology.app,
}
"""Sub-apps: name → Typer app."""

for name, command in COMMANDS.items():
    app.command(name)(command)
for name, group in GROUPS.items():
    app.add_typer(group, name=name)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
