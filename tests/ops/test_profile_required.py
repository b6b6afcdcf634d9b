"""The office's profile is required in production (issue #18): ``warta init`` without ``--demo``
writes a template to fill in, services refuse to start (exit 2, naming the keys) until it is
filled, ``warta doctor`` fails on a missing, unfilled or demo profile outside demo mode, and on a
worker-only host it neither needs a database nor creates one."""

from __future__ import annotations

import json
import os
import re
import socket
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shared.config import DEMO_PROFILE, Settings, load_profile
from shared.office_profile import TEMPLATE, check_before_start
from warta.cli import app

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()

OFFICE = {
    "instansi": "PEMERINTAH KABUPATEN SANGGAU", "unit": "DINAS KOMUNIKASI DAN INFORMATIKA",
    "short_name": "DISKOMINFO-SGU", "address": "Jalan Jenderal Sudirman Nomor 5, Sanggau 78512",
    "city": "Sanggau", "signatory_name": "Ir. Maria Goreti Lestari, M.T.",
    "signatory_nip": "19800101 200501 2 003", "timezone": "Asia/Jakarta",
    "numbering_format": "{seq:03d}/PENG/{short_name}/{month_roman}/{year}",
    "disposition": 20, "drafting": 720, "review_kabid": 45, "review_sekretaris": 45,
    "review_kadis": 15, "dissemination": 10,
}
"""A real-looking office that is not the demo's (another Kepala Dinas, another NIP)."""


def fill_profile(path: Path, values: dict | None = None) -> Path:
    """Copy the template to ``path`` with every "ISI:" value replaced from ``values`` (default
    :data:`OFFICE`): what an office's IT person does by hand."""
    values = OFFICE if values is None else values
    lines = []
    for line in TEMPLATE.read_text(encoding="utf-8").splitlines():
        match = re.match(r'^(\w+) = "ISI:.*"$', line)
        if match and match.group(1) in values:
            value = values[match.group(1)]
            line = f"{match.group(1)} = {json.dumps(value, ensure_ascii=False)}"
        lines.append(line)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def doctor(*args: str) -> tuple[int, dict[str, dict]]:
    result = runner.invoke(app, ["doctor", "--json", *args])
    doc = json.loads(result.stdout.strip().splitlines()[-1])
    return result.exit_code, {c["name"]: c for c in doc["checks"]}


@pytest.fixture
def production(monkeypatch) -> Path:
    """A home set up as production is: no WARTA_PROFILE, ``warta init`` without ``--demo``."""
    monkeypatch.delenv("WARTA_PROFILE")
    result = runner.invoke(app, ["init", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    path = Settings().home / "profile.toml"
    assert doc["profile"]["path"] == str(path) and doc["profile"]["written"] is True
    assert doc["profile"]["complete"] is False
    return path


def test_init_writes_the_commented_template_and_never_overwrites(production):
    text = production.read_text(encoding="utf-8")
    assert text == TEMPLATE.read_text(encoding="utf-8")
    assert stat.S_IMODE(production.stat().st_mode) == 0o644  # nothing secret: printed on every notice
    placeholders = re.findall(r'^(\w+) = "ISI:', text, re.M)
    assert "# Kop surat" in text and len(placeholders) == 15, placeholders
    production.write_text(text.replace("ISI: mis. PEMERINTAH KABUPATEN CONTOH", "PEMERINTAH KOTA X"))
    again = runner.invoke(app, ["init", "--json"])
    assert again.exit_code == 0 and json.loads(again.stdout)["profile"]["written"] is False
    assert "PEMERINTAH KOTA X" in production.read_text(encoding="utf-8")
    assert "belum diisi: agency.unit" in runner.invoke(app, ["init"]).stdout


def test_services_refuse_to_start_until_filled_then_start(production, monkeypatch):
    relay = runner.invoke(app, ["relay"])
    assert relay.exit_code == 2, relay.output
    assert f"Profil instansi {production} belum lengkap" in relay.stderr
    for key in ("agency.instansi", "agency.signatory_name", "agency.signatory_nip",
                "agency.timezone", "agency.numbering_format", "sla.review_kadis"):
        assert key in relay.stderr, key
    for command in (["worker", "web"], ["archiver"], ["run"]):  # refused before they start anything
        refused = runner.invoke(app, command)
        assert refused.exit_code == 2 and "agency.signatory_nip" in refused.stderr, command
    monkeypatch.setenv("WARTA_HOST_ROLE", "worker")  # the videotron PC: the letterhead is in the message
    assert check_before_start(Settings()) is None
    monkeypatch.delenv("WARTA_HOST_ROLE")

    fill_profile(production)
    monkeypatch.setenv("WARTA_TIMEZONE", "Asia/Jayapura")
    other_zone = runner.invoke(app, ["archiver"])
    assert other_zone.exit_code == 2
    assert "berbeda dengan WARTA_TIMEZONE (Asia/Jayapura)" in other_zone.stderr
    monkeypatch.delenv("WARTA_TIMEZONE")
    # filled: the relay gets past every check and serves its metrics (bound after the checks)
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "warta.cli", "relay"], cwd=ROOT,
                            env={**os.environ, "WARTA_METRICS_PORT": str(port)},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert until(lambda: proc.poll() is not None or _answers(port), 30)
        assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
    finally:
        proc.terminate()
        proc.wait(30)
    assert load_profile(production).signatory_nip == OFFICE["signatory_nip"]


def until(cond, timeout: float) -> bool:  # noqa: ANN001
    """Poll ``cond`` until it holds (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)  # polling a condition with a deadline, not synchronising
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2):
            return True
    except OSError:
        return False


def test_approval_is_refused_naming_the_fields(production):
    from shared.errors import WartaError
    from shared.services.root import Services

    with pytest.raises(WartaError) as refused:
        _ = Services.build(Settings()).ctx.profile
    assert refused.value.exit_code == 2 and "agency.signatory_nip" in str(refused.value)


def test_doctor_fails_on_missing_unfilled_and_demo_profile_and_passes_on_a_filled_one(production):
    code, checks = doctor("--check", "profil")
    assert code == 1 and checks["profil"]["status"] == "fail"
    assert "agency.signatory_nip" in checks["profil"]["message"]
    assert "ISI:" in checks["profil"]["fix"]

    production.unlink()
    code, checks = doctor("--check", "profil")
    assert code == 1 and "tidak ditemukan" in checks["profil"]["message"]
    assert "warta init" in checks["profil"]["fix"]

    production.write_bytes(DEMO_PROFILE.read_bytes())  # the demo's letterhead in production
    code, checks = doctor("--check", "profil")
    assert code == 1 and "profil demo" in checks["profil"]["message"]
    assert "19750812 200003 1 004" in checks["profil"]["message"]

    fill_profile(production)
    code, checks = doctor()
    assert code == 0, {n: c for n, c in checks.items() if c["status"] == "fail"}
    assert checks["profil"]["status"] == "ok" and OFFICE["signatory_name"] in checks["profil"]["message"]


def test_demo_mode_keeps_the_demo_profile(monkeypatch):
    monkeypatch.delenv("WARTA_PROFILE")
    result = runner.invoke(app, ["init", "--demo", "--json"])
    assert result.exit_code == 0, result.output
    home = Settings().home
    assert (home / "profile.toml").read_bytes() == DEMO_PROFILE.read_bytes()
    code, checks = doctor("--check", "profil")
    assert code == 0 and checks["profil"]["status"] == "warn" and "Mode demo" in checks["profil"]["message"]


def test_doctor_on_a_worker_only_host_creates_no_database(tmp_path, monkeypatch):
    """The videotron PC as docs/DEPLOYMENT.md sets it up: a public key, no database, no profile."""
    from shared.messages import generate_keypair

    monkeypatch.delenv("WARTA_PROFILE")
    home = Settings().home
    generate_keypair(tmp_path / "server" / "signing.key", tmp_path / "pc" / "signing.pub")
    monkeypatch.setenv("WARTA_VERIFY_KEY_FILE", str(tmp_path / "pc" / "signing.pub"))
    monkeypatch.delenv("WARTA_RADIO_TTS", raising=False)

    code, checks = doctor("--host-role", "worker")
    assert code == 0, {n: c for n, c in checks.items() if c["status"] == "fail"}
    for name in ("profil", "basis_data", "migrasi", "integritas"):
        assert checks[name]["status"] == "ok" and "WARTA_HOST_ROLE=worker" in checks[name]["message"]
    assert "publik" in checks["kunci"]["message"]
    assert not (home / "warta.db").exists() and not (home / "archive").exists()
    monkeypatch.setenv("WARTA_HOST_ROLE", "worker")
    assert doctor()[0] == 0

    monkeypatch.delenv("WARTA_HOST_ROLE")
    code, checks = doctor()  # forgot the role: fails, says why, still creates no database
    assert code == 1 and checks["basis_data"]["status"] == "fail"
    assert "WARTA_HOST_ROLE=worker" in checks["basis_data"]["fix"]
    assert checks["profil"]["status"] == "fail"
    assert not (home / "warta.db").exists()


def test_wrong_values_are_named_with_the_reason(tmp_path):
    from shared.office_profile import inspect_profile

    bad = dict(OFFICE, timezone="Asia/Pontianak-Raya", numbering_format="PENG/{year}",
               review_kadis="sepuluh")
    state = inspect_profile(fill_profile(tmp_path / "profile.toml", bad))
    assert not state.complete and state.unfilled == ["sla.review_kadis"]  # a number, not a word
    assert [p.split(":")[0] for p in state.invalid] == ["agency.timezone", "agency.numbering_format"]
    assert "Asia/Pontianak-Raya" in state.invalid[0] and "{seq}" in state.invalid[1]
    state = inspect_profile(fill_profile(tmp_path / "ok.toml"))
    assert state.complete and state.profile is not None and state.profile.sla.review_kadis == 15
