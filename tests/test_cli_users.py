"""``warta user add|disable|enable|password|list`` on a fresh installation (issue #18): the first
Administrator without anyone, privileged accounts after it only with ``--as ADMIN``, disabling
that stops sign-in, and a new password that is checked and never printed."""

from __future__ import annotations

import json
from types import SimpleNamespace

from typer.testing import CliRunner

from warta.cli import app

runner = CliRunner()
ADMIN_PW, KADIS_PW = "sandi-admin-rahasia", "sandi-kadis-rahasia"


def warta(*args: str, password: str | None = None, new: str | None = None,
          stdin: str | None = None) -> tuple[int, dict | None, str]:
    """``warta ARGS`` in-process (``--json`` when there is no prompt): exit code, its JSON object
    (None without --json) and everything printed."""
    env = {k: v for k, v in {"WARTA_PASSWORD": password, "WARTA_NEW_PASSWORD": new}.items() if v}
    args = (*args, "--json") if stdin is None else args
    result = runner.invoke(app, list(args), env=env, input=stdin)
    out = result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    doc = json.loads(lines[0]) if stdin is None and lines else None
    return result.exit_code, doc, out


def test_accounts_through_the_cli(monkeypatch):
    assert warta("init")[0] == 0
    code, doc, _ = warta("user", "add", "boss", "--role", "admin", "--name", "Kepala Seksi TI",
                         new=ADMIN_PW)
    assert code == 0 and doc["by"] is None  # the first Administrator: nobody signed in
    code, doc, out = warta("user", "add", "kadis", "--role", "kadis", "--name", "Kepala Dinas",
                           new=KADIS_PW)
    assert code == 3 and "hanya dapat dibuat oleh Administrator yang masuk" in doc["error"]
    code, doc, out = warta("user", "add", "kadis", "--role", "kadis", "--name", "Kepala Dinas",
                           "--as", "boss", password=ADMIN_PW, new=KADIS_PW)
    assert code == 0 and doc["by"] == "boss" and KADIS_PW not in out
    code, doc, _ = warta("user", "add", "pendek", "--role", "pelaksana", "--name", "Staf",
                         new="1234567")
    assert code == 2 and "minimal 8 karakter" in doc["error"]

    code, doc, _ = warta("user", "disable", "kadis", "--as", "boss", password=ADMIN_PW)
    assert code == 0 and doc == {"username": "kadis", "active": False, "by": "boss"}
    code, doc, _ = warta("item", "submit", "1", "--as", "kadis", password=KADIS_PW)
    assert code == 5 and "dinonaktifkan" in doc["error"]
    code, doc, _ = warta("user", "list")
    assert [(u["username"], u["active"]) for u in doc["users"]] == [("boss", True), ("kadis", False)]
    assert all("password" not in json.dumps(u) for u in doc["users"])
    code, doc, _ = warta("user", "disable", "boss", "--as", "kadis", password=KADIS_PW)
    assert code == 5  # a disabled account cannot act at all
    assert warta("user", "enable", "kadis", "--as", "boss", password=ADMIN_PW)[0] == 0
    code, doc, _ = warta("user", "disable", "boss", "--as", "kadis", password=KADIS_PW)
    assert code == 3 and "Kepala Dinas tidak berwenang mengelola akun" in doc["error"]

    # one's own password; without WARTA_NEW_PASSWORD and without a terminal: refused, not guessed
    code, doc, _ = warta("user", "password", "kadis", "--as", "kadis", password=KADIS_PW)
    assert code == 2 and "WARTA_NEW_PASSWORD" in doc["error"]
    # at a terminal it is asked twice and never shown
    terminal = SimpleNamespace(stdin=SimpleNamespace(isatty=lambda: True))
    monkeypatch.setattr("warta.cmd_users.sys", terminal)
    code, _doc, out = warta("user", "password", "kadis", "--as", "kadis", password=KADIS_PW,
                            stdin="sandi-kadis-baru\nsandi-kadis-baru\n")
    assert code == 0, out
    assert "Kata sandi baru" in out and "Ulangi kata sandi baru" in out
    assert "sandi-kadis-baru" not in out and "Kata sandi akun kadis diganti" in out
    assert warta("user", "list", stdin="")[2].splitlines() == [
        "boss: Kepala Seksi TI, Administrator, aktif", "kadis: Kepala Dinas, Kepala Dinas, aktif"]
    code, doc, _ = warta("user", "disable", "kadis", "--as", "kadis", password="sandi-kadis-baru")
    assert code == 3  # signed in with the new password; refused only as not an Administrator
