"""``deploy/systemd/warta-ops``: one operation as the service user with the ops credentials.

systemd is not running here, so ``systemd-run`` is a stand-in that does what systemd does with the
options the script passes: copy each ``LoadCredential=`` file into a private credentials folder,
set each ``--setenv``, and run the command. The server's folders (/var/lib/warta, /srv/warta,
/etc/warta) are mapped under the test's folder. ``warta doctor`` run through the script then sees
the database, the signing pair and the office's profile exactly where the script points."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from shared.bootstrap import init_home
from shared.config import Settings
from tests.ops.test_profile_required import OFFICE, fill_profile

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "systemd" / "warta-ops"

FAKE = '''#!{python}
"""systemd-run, as far as warta-ops uses it (see tests/ops/test_warta_ops.py)."""
import json, os, shutil, sys, tempfile
root, args, env, creds, seen = os.environ["FAKE_ROOT"], sys.argv[1:], {{}}, tempfile.mkdtemp(), []
def here(path):
    for server in ("/var/lib/warta", "/srv/warta", "/etc/warta"):
        if path.startswith(server):
            return root + path
    return path
while args and args[0].startswith("--"):
    opt = args.pop(0)
    seen.append(opt)
    if opt.startswith("--property=LoadCredential="):
        name, source = opt.split("=", 2)[2].split(":", 1)
        shutil.copyfile(source, os.path.join(creds, name))
    elif opt.startswith("--setenv="):
        name, _, value = opt.removeprefix("--setenv=").partition("=")
        env[name] = here(value) if _ else os.environ[name]
json.dump(seen, open(os.path.join(root, "systemd-run.json"), "w"))
env.update(PATH=os.environ["PATH"], CREDENTIALS_DIRECTORY=creds)
os.execve(args[0], args, env)
'''


def test_warta_ops_hands_the_ops_credentials_to_one_command(tmp_path, monkeypatch):
    root = tmp_path / "server"
    secrets = root / "etc" / "warta" / "secrets"
    home = root / "var" / "lib" / "warta"
    cfg = Settings(home=home, profile=root / "etc" / "warta" / "profile.toml")
    init_home(cfg)
    fill_profile(cfg.profile_path)
    secrets.mkdir(parents=True)
    shutil.copyfile(cfg.signing_key_path, secrets / "signing.key")
    shutil.copyfile(cfg.verify_key_path, secrets / "signing.pub")
    cfg.signing_key_path.unlink()  # the server keeps its keys only under /etc/warta/secrets
    (secrets / "database_url").write_text(cfg.db_url)
    (secrets / "broker_ops_url").write_text("embedded")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "systemd-run"
    fake.write_text(FAKE.format(python=sys.executable))
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "FAKE_ROOT": str(root),
           "WARTA_SECRETS": str(secrets), "WARTA_BIN": str(Path(sys.executable).with_name("warta")),
           "WARTA_PASSWORD": "sandi-uji"}
    for name in ("WARTA_PROFILE", "WARTA_HOME"):
        env.pop(name, None)
    done = subprocess.run(["sh", str(SCRIPT), "doctor", "--json", "--check", "profil", "--check",
                           "basis_data", "--check", "kunci"], env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stdout + done.stderr
    checks = {c["name"]: c for c in json.loads(done.stdout.strip().splitlines()[-1])["checks"]}
    assert OFFICE["signatory_nip"] in checks["profil"]["message"]
    assert checks["basis_data"]["status"] == "ok"
    assert checks["kunci"]["message"].startswith("Kunci privat dan publik sah")  # it may sign
    options = json.loads((root / "systemd-run.json").read_text())
    assert {"--uid=warta", "--gid=warta", "--wait", "--collect", "--pipe"} <= set(options)
    assert "--setenv=WARTA_METRICS_PORT=0" in options  # never the port of a running service
    assert "--setenv=WARTA_PASSWORD" in options  # passed on by name, not on the command line
    assert not [o for o in options if "sandi-uji" in o]


def test_warta_ops_without_a_command_says_how_to_use_it():
    done = subprocess.run(["sh", str(SCRIPT)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "warta-ops PERINTAH" in done.stderr
