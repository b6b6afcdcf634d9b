"""The systemd units under deploy/systemd/.

``systemd-analyze verify`` checks the syntax, every directive against this systemd's known keys,
the dependencies between the units and that ExecStart's binary exists. Warta is not installed at
/opt/warta here, so the test verifies copies in which ``/opt/warta/bin/warta`` is replaced by an
existing binary (``/usr/bin/true``); the template ``warta-worker@.service`` is verified through an
instance (``warta-worker@web.service``). It does not start the units. Unknown keys are only a
warning for systemd (exit 0), so the test also fails on any warning line."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import unavailable

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
SERVICES = sorted(UNITS.glob("*.service"))
REAL_BINARY = "/opt/warta/bin/warta"


def parse(path: Path) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive in systemd
    parser.read_string(_merge_repeated(path.read_text(encoding="utf-8")))
    return parser


def _merge_repeated(text: str) -> str:
    """systemd allows a key many times (Environment=, LoadCredential=); number the repeats."""
    seen: dict[tuple[str, str], int] = {}
    section, out = "", []
    for line in text.splitlines():
        if line.startswith("["):
            section = line
        elif "=" in line and not line.startswith("#"):
            key = line.split("=", 1)[0]
            count = seen.get((section, key), 0)
            seen[(section, key)] = count + 1
            if count:
                line = f"{key}#{count}={line.split('=', 1)[1]}"
        out.append(line)
    return "\n".join(out)


def values(unit: configparser.RawConfigParser, section: str, key: str) -> list[str]:
    return [v for k, v in unit.items(section) if k.split("#")[0] == key]


def test_there_is_a_unit_per_service():
    names = {p.name for p in SERVICES}
    assert names == {"warta-relay.service", "warta-archiver.service", "warta-worker@.service",
                     "warta-kiosk.service", "warta-migrate.service", "warta-checkpoint.service"}
    assert (UNITS / "warta-checkpoint.timer").is_file()  # the daily signed audit checkpoint


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_restart_stop_timeout_and_dedicated_user(path):
    unit = parse(path)
    service = dict(unit.items("Service"))
    assert service["Restart"] == "on-failure"
    assert service["User"] == "warta" and service["Group"] == "warta"
    timeout = re.fullmatch(r"(\d+)s", service["TimeoutStopSec"])
    assert timeout and int(timeout.group(1)) > 120, "must outlast the longest job (espeak-ng: 120 s)"
    assert service["ExecStart"].startswith(REAL_BINARY + " ")
    assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    assert service["CapabilityBoundingSet"] == ""


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_secrets_only_as_credentials(path):
    unit = parse(path)
    for env in values(unit, "Service", "Environment"):
        assert not re.search(r"://[^/\s:@]+:[^/\s@]+@", env), env
        for assignment in env.split():
            key, _, value = assignment.partition("=")
            if re.search(r"DATABASE_URL|BROKER|KEY", key):
                assert key.endswith("_FILE") and value.startswith("%d/"), assignment
    credentials = values(unit, "Service", "LoadCredential")
    assert all(c.split(":", 1)[1].startswith("/etc/warta/secrets/") for c in credentials)
    has_private = any("signing.key" in c for c in credentials)
    # only where something is signed: approvals (kiosk) and the checkpoint; never the relay
    assert has_private == (path.name in ("warta-kiosk.service", "warta-checkpoint.service"))


@pytest.mark.parametrize("path", SERVICES, ids=lambda p: p.name)
def test_the_office_profile_where_it_is_read_and_none_on_workers(path):
    env = " ".join(values(parse(path), "Service", "Environment")).split()
    if path.name == "warta-worker@.service":  # the letterhead is in each signed message
        assert "WARTA_HOST_ROLE=worker" in env and not [e for e in env if e.startswith("WARTA_PROFILE")]
    elif path.name != "warta-migrate.service":
        assert "WARTA_PROFILE=/etc/warta/profile.toml" in env, path.name


def test_systemd_analyze_verify_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        unavailable("systemd-analyze is not installed (package systemd)")
    for path in [*SERVICES, UNITS / "warta.target", *UNITS.glob("*.timer")]:
        text = path.read_text(encoding="utf-8").replace(REAL_BINARY, "/usr/bin/true")
        name = path.name.replace("@.service", "@web.service")
        (tmp_path / name).write_text(text, encoding="utf-8")
    units = sorted(str(p) for p in tmp_path.iterdir())
    result = subprocess.run([analyze, "verify", "--man=no", *units], capture_output=True, text=True,
                            timeout=120)
    problems = [ln for ln in (result.stdout + result.stderr).splitlines()
                if str(tmp_path) in ln or "warta" in ln]
    assert result.returncode == 0, result.stderr
    assert not problems, problems


def test_verify_would_catch_a_broken_unit(tmp_path):
    """The check above is not vacuous: a misspelt key is reported, a missing binary fails."""
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        unavailable("systemd-analyze is not installed (package systemd)")
    text = (UNITS / "warta-relay.service").read_text(encoding="utf-8")
    bad = tmp_path / "warta-bad.service"
    bad.write_text(text.replace(REAL_BINARY, "/usr/bin/true").replace("Restart=", "Restartt="))
    result = subprocess.run([analyze, "verify", "--man=no", str(bad)], capture_output=True, text=True)
    assert "Unknown key 'Restartt'" in result.stderr
    bad.write_text(text)  # /opt/warta/bin/warta does not exist on this machine
    result = subprocess.run([analyze, "verify", "--man=no", str(bad)], capture_output=True, text=True)
    assert result.returncode != 0 and "not executable" in result.stderr
