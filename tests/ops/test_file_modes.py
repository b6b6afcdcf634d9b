"""Private files (issue #18): the database, the keys, the demo passwords, a worker's inbox, a
backup and the secrets of deploy/make-secrets.sh are readable by their owner only (0600) from the
moment they are created, whatever the umask."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shared.config import Settings
from tests.ops.test_definitions import make_secrets
from warta.cli import app

runner = CliRunner()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def loose_umask():
    """A umask that leaves new files readable by everybody: the modes must not depend on it."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_warta_init_makes_the_database_keys_and_demo_passwords_private():
    result = runner.invoke(app, ["init", "--demo", "--json"])
    assert result.exit_code == 0, result.output
    home = Settings().home
    private = [home / "warta.db", home / "keys" / "signing.key", home / "demo-accounts.json",
               *sorted((home / "keys").glob("worker-*.key"))]
    private += [p for p in (home / "warta.db-wal", home / "warta.db-shm") if p.exists()]
    assert len(private) >= 7
    assert {str(p): oct(mode(p)) for p in private} == {str(p): "0o600" for p in private}
    assert mode(home / "keys" / "signing.pub") == 0o644  # public: any worker may read it
    result = runner.invoke(app, ["doctor", "--json", "--check", "izin_berkas"])
    assert result.exit_code == 0 and json.loads(result.stdout)["checks"][0]["status"] == "ok"


def test_a_workers_inbox_is_private(tmp_path):
    from shared.vocab import InboxState
    from workers.inbox import Inbox

    inbox = Inbox(tmp_path / "worker-web" / "inbox.db")
    inbox.mark("web", "m-1", "kunci", InboxState.STARTED)
    files = [inbox.path, inbox.path.with_name("inbox.db-wal"), inbox.path.with_name("inbox.db-shm")]
    assert {p.name: oct(mode(p)) for p in files if p.exists()} == {
        p.name: "0o600" for p in files if p.exists()}
    assert inbox.path.with_name("inbox.db-wal").exists()


def test_a_backup_is_private(tmp_path):
    assert runner.invoke(app, ["init"]).exit_code == 0
    out = tmp_path / "cadangan" / "warta.bak"
    result = runner.invoke(app, ["backup", "--output", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert mode(out) == 0o600


def test_make_secrets_writes_every_secret_0600_in_a_0700_folder(tmp_path):
    folder = make_secrets(tmp_path / "secrets")
    assert mode(folder) == 0o700
    public = {folder / "signing.pub", *folder.glob("workers/*/*.pub")}
    secrets = [p for p in folder.iterdir() if p.is_file() and p not in public]
    assert {"signing.key", "database_url", "postgres_password", "worker-web.key"} <= {
        p.name for p in secrets}
    assert {p.name: oct(mode(p)) for p in secrets} == {p.name: "0o600" for p in secrets}
    assert {oct(mode(p)) for p in public} == {"0o644"} and len(public) == 5
    assert mode(folder / "workers") == 0o755  # the archiver's container reads the registry
    # a secret an older version left 0644 is tightened when the script runs again
    (folder / "signing.key").chmod(0o644)
    (folder / "database_url").chmod(0o644)
    make_secrets(folder)
    assert mode(folder / "signing.key") == mode(folder / "database_url") == 0o600
