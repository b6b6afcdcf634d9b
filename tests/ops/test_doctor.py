"""``warta doctor --json``: a healthy home passes, and each check, broken once, is reported with
status and an Indonesian fix."""

from __future__ import annotations

import json
import uuid

import pytest
from typer.testing import CliRunner

from shared.bootstrap import init_home
from shared.config import Settings
from shared.doctor import CHECK_NAMES
from tests.conftest import port_open, unavailable
from warta import cmd_ops
from warta.cli import app

runner = CliRunner()


def doctor(*args: str) -> tuple[int, dict[str, dict]]:
    """Run ``warta doctor --json``; return the exit code and the checks by name."""
    result = runner.invoke(app, ["doctor", "--json", *args])
    doc = json.loads(result.stdout.strip().splitlines()[-1])
    return result.exit_code, {c["name"]: c for c in doc["checks"]}


@pytest.fixture()
def healthy(tmp_path, monkeypatch):
    """A migrated home with a key pair, the embedded broker and a filled office profile (the
    suite's demo profile fails the check ``profil`` outside demo mode)."""
    from tests.ops.test_profile_required import fill_profile

    monkeypatch.delenv("WARTA_RADIO_TTS", raising=False)
    monkeypatch.setenv("WARTA_PROFILE", str(fill_profile(tmp_path / "office" / "profile.toml")))
    init_home(Settings())
    return tmp_path


def assert_broken(checks: dict, name: str, status: str = "fail", words: str = "") -> None:
    check = checks[name]
    assert check["status"] == status, check
    assert check["fix"], f"{name} has no fix: {check}"
    assert words.lower() in check["message"].lower(), check


def test_healthy_home_has_no_failure(healthy):
    code, checks = doctor()
    assert list(checks) == list(CHECK_NAMES)
    assert code == 0, checks
    for name in ("konfigurasi", "basis_data", "migrasi", "broker", "kunci", "fon", "folder_keluaran",
                 "izin_berkas"):
        assert checks[name]["status"] == "ok", checks[name]


def test_bad_configuration(healthy, monkeypatch):
    monkeypatch.setenv("WARTA_TIMEZONE", "Mars/Olympus")
    code, checks = doctor()
    assert code == 1
    assert_broken(checks, "konfigurasi", words="WARTA_")
    assert checks["basis_data"]["status"] == "fail"  # blocked, pointing at the configuration
    assert "konfigurasi" in checks["basis_data"]["fix"].lower()


def test_missing_secret_file_is_a_configuration_failure(healthy, monkeypatch, tmp_path):
    monkeypatch.setenv("WARTA_DATABASE_URL_FILE", str(tmp_path / "nope"))
    _, checks = doctor()
    assert_broken(checks, "konfigurasi", words="WARTA_DATABASE_URL_FILE")


def test_unreachable_database(healthy, monkeypatch):
    monkeypatch.setenv("WARTA_DATABASE_URL", "postgresql+psycopg://warta:x@127.0.0.1:1/warta")
    code, checks = doctor()
    assert code == 1
    assert_broken(checks, "basis_data", words="tidak dapat dihubungi")
    assert checks["migrasi"]["status"] == "fail"


def test_database_without_migrations(healthy, monkeypatch, tmp_path):
    (tmp_path / "empty.db").touch()  # an empty database (a missing file: test_profile_required)
    monkeypatch.setenv("WARTA_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    _, checks = doctor()
    assert checks["basis_data"]["status"] == "ok"
    assert_broken(checks, "migrasi", words="belum dibuat")
    assert "warta init" in checks["migrasi"]["fix"]


def test_database_behind_the_code(healthy):
    """One migration behind (an update of Warta not yet migrated) is "behind", not "newer"."""
    from alembic import command

    from shared.db import alembic_config, engine_for

    url = Settings().db_url
    command.downgrade(alembic_config(url), "-1")
    engine_for(url).dispose()
    _, checks = doctor()
    assert_broken(checks, "migrasi", words="tertinggal")
    assert "warta migrate" in checks["migrasi"]["fix"]


def test_unreachable_broker(healthy, monkeypatch):
    monkeypatch.setenv("WARTA_BROKER", "amqp://warta:x@127.0.0.1:1/warta")
    _, checks = doctor()
    assert_broken(checks, "broker")
    assert checks["topologi"]["status"] == "fail"


def test_missing_topology_on_the_real_broker(healthy, monkeypatch):
    if not port_open("127.0.0.1", 5672):
        unavailable("RabbitMQ is not running on 127.0.0.1:5672")
    import pika

    from tests.ops.test_definitions import require_amqp_handshake
    from workers.transport.topology import declare

    require_amqp_handshake()
    prefix = f"doctor-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("WARTA_BROKER", "amqp://guest:guest@127.0.0.1:5672/%2F")
    monkeypatch.setenv("WARTA_AMQP_PREFIX", prefix)
    _, checks = doctor()
    assert checks["broker"]["status"] == "ok"
    assert_broken(checks, "topologi", words=f"{prefix}.dispatch")

    connection = pika.BlockingConnection(pika.URLParameters("amqp://guest:guest@127.0.0.1:5672/%2F"))
    try:
        channel = connection.channel()
        declare(channel, prefix, [10], 5)
        monkeypatch.setenv("WARTA_RETRY_TIERS", "10")
        monkeypatch.setenv("WARTA_DELIVERY_LIMIT", "5")
        _, checks = doctor()
        assert checks["topologi"]["status"] == "ok", checks["topologi"]
        channel.queue_delete(f"{prefix}.web")  # one queue gone is reported by name
        _, checks = doctor()
        assert_broken(checks, "topologi", words=f"{prefix}.web")
        assert f"{prefix}.radio" not in checks["topologi"]["message"].replace(f"{prefix}.radio.", "")
    finally:
        defs_channel = connection.channel()
        from workers.transport.topology import definitions

        defs = definitions(prefix, [10], 5)
        for q in defs["queues"]:
            defs_channel.queue_delete(q["name"])
        for e in defs["exchanges"]:
            defs_channel.exchange_delete(e["name"])
        connection.close()


def test_missing_keys(healthy):
    cfg = Settings()
    cfg.signing_key_path.unlink()
    cfg.verify_key_path.unlink()
    _, checks = doctor()
    assert_broken(checks, "kunci", words="tidak ditemukan")
    assert "warta keys generate" in checks["kunci"]["fix"]


def test_mismatched_public_key(healthy, tmp_path):
    from shared.messages import generate_keypair

    cfg = Settings()
    generate_keypair(tmp_path / "other.key", cfg.verify_key_path)
    _, checks = doctor()
    assert_broken(checks, "kunci", words="tidak berpasangan")


def test_worker_side_with_public_key_only_passes(healthy):
    Settings().signing_key_path.unlink()
    _, checks = doctor()
    assert checks["kunci"]["status"] == "ok"
    assert "publik" in checks["kunci"]["message"]


def test_private_key_readable_by_others_fails_naming_the_file_and_the_fix(healthy):
    key = Settings().signing_key_path
    key.chmod(0o644)
    code, checks = doctor()
    assert code == 1 and checks["kunci"]["status"] == "ok"  # the pair itself is sound
    assert_broken(checks, "izin_berkas", words=f"dapat dibaca pengguna lain: {key} (644)")
    assert checks["izin_berkas"]["fix"] == f"Jalankan 'chmod 600 {key}'."


def test_database_and_inbox_readable_by_others_fail(healthy):
    from workers.inbox import Inbox

    cfg = Settings()
    inbox = Inbox(cfg.home / "worker-web" / "inbox.db").path
    database = cfg.home / "warta.db"
    assert doctor("--check", "izin_berkas")[0] == 0
    for path in (database, inbox):
        path.chmod(0o644)
    code, checks = doctor("--check", "izin_berkas")
    assert code == 1
    assert_broken(checks, "izin_berkas", words=f"{database} (644), {inbox} (644)")
    assert checks["izin_berkas"]["fix"] == f"Jalankan 'chmod 600 {database} {inbox}'."


def test_missing_fonts(healthy, monkeypatch, tmp_path):
    empty = tmp_path / "fonts"
    empty.mkdir()
    monkeypatch.setattr(cmd_ops, "_font_dir", lambda: empty)
    _, checks = doctor()
    assert_broken(checks, "fon", words="tidak lengkap")


def test_missing_speech_engine_is_a_warning(healthy, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing on PATH: espeak-ng is not found
    code, checks = doctor()
    assert_broken(checks, "mesin_suara", "warn", words="espeak-ng")
    assert code == 0  # the radio degrades to script-only: a warning, not a failure


def test_speech_engine_without_the_indonesian_voice(healthy, monkeypatch, tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    script = fake / "espeak-ng"
    script.write_text("#!/bin/sh\necho 'Pty Language       Age/Gender VoiceName          File'\n")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(fake))
    _, checks = doctor()
    assert_broken(checks, "mesin_suara", "warn", words="'id' tidak tersedia")


def test_unwritable_output_folder(healthy, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("WARTA_OUTPUT_DIR", str(blocker / "out"))
    _, checks = doctor()
    assert_broken(checks, "folder_keluaran", words="keluaran")


def test_low_disk_space(healthy):
    code, checks = doctor("--disk-fail-mb", str(10**12))
    assert code == 1
    assert_broken(checks, "ruang_disk", words="ruang disk")


def test_only_selected_checks_and_unknown_names(healthy):
    code, checks = doctor("--check", "kunci")
    assert list(checks) == ["kunci"] and code == 0
    result = runner.invoke(app, ["doctor", "--json", "--check", "nonsense"])
    assert result.exit_code == 2


def test_english_catalog_covers_the_ops_commands(healthy, monkeypatch):
    from shared.i18n import _catalog

    monkeypatch.setenv("WARTA_LANG", "en")
    _catalog.cache_clear()
    try:
        result = runner.invoke(app, ["doctor"])
        assert "ok, 0 warnings" in result.stdout or "ok," in result.stdout.splitlines()[-1]
        assert " baik, " not in result.stdout
        result = runner.invoke(app, ["keys", "generate"])
        assert result.exit_code == 3 and "Keys already exist" in result.stderr
    finally:
        _catalog.cache_clear()


def test_keys_generate(tmp_path):
    from shared.messages import load_private_key, load_public_key

    priv, pub = tmp_path / "k" / "a.key", tmp_path / "k" / "a.pub"
    args = ["keys", "generate", "--private", str(priv), "--public", str(pub), "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.stdout
    assert priv.stat().st_mode & 0o777 == 0o600
    key, public = load_private_key(priv), load_public_key(pub)
    public.verify(key.sign(b"uji"), b"uji")  # raises if the pair does not belong together
    before = priv.read_bytes()
    again = runner.invoke(app, args)
    assert again.exit_code == 3 and priv.read_bytes() == before  # never overwritten silently
    forced = runner.invoke(app, [*args, "--force"])
    assert forced.exit_code == 0 and priv.read_bytes() != before
