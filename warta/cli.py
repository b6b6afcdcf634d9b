"""The ``warta`` command. Each area registers its commands from its own module."""

from __future__ import annotations

import typer

from warta import cmd_backbone, cmd_backup, cmd_items, cmd_kiosk, cmd_ops, cmd_records

app = typer.Typer(help="Warta: penyebarluasan informasi publik (Diskominfo/PPID).",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
groups = {
    "item": typer.Typer(help="Pengumuman: susun, ajukan, setujui, kembalikan, cabut.", no_args_is_help=True),
    "user": typer.Typer(help="Akun pengguna.", no_args_is_help=True),
    "audit": typer.Typer(help="Jejak audit.", no_args_is_help=True),
}
for name, group in groups.items():
    app.add_typer(group, name=name)

for module in (cmd_items, cmd_backbone, cmd_records, cmd_ops, cmd_backup, cmd_kiosk):
    module.register(app, groups)


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
