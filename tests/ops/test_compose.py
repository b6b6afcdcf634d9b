"""docker-compose.yml against the Compose Specification's JSON schema (no Docker engine runs here),
plus the security properties the deployment promises: secrets only from files, a health check and a
restart policy on every service, the signing key only on the approval side, and RabbitMQ
definitions loaded at boot."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
SCHEMA = Path(__file__).resolve().parents[1] / "data" / "compose-spec.json"
SENSITIVE = re.compile(r"PASS|SECRET|TOKEN|KEY|DATABASE_URL|BROKER", re.I)
CREDENTIAL_URL = re.compile(r"[a-z+]+://[^/\s:@]+:[^/\s@]+@", re.I)
WORKERS = ("worker-videotron", "worker-radio", "worker-web", "worker-print")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def env_of(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


def secrets_of(service: dict) -> set[str]:
    return {s if isinstance(s, str) else s["source"] for s in service.get("secrets", [])}


def test_valid_against_the_compose_specification(compose, validator):
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]


def test_the_schema_check_is_not_vacuous(compose, validator):
    broken = copy.deepcopy(compose)
    broken["services"]["relay"]["restart_policy"] = "sometimes"  # not a Compose key
    assert list(validator.iter_errors(broken))
    broken = copy.deepcopy(compose)
    broken["services"]["relay"]["healthcheck"]["interval"] = ["30s"]
    assert list(validator.iter_errors(broken))


def test_every_required_service_is_there(compose):
    services = compose["services"]
    for name in ("rabbitmq", "postgres", "migrate", "relay", "archiver", *WORKERS, "web", "kiosk",
                 "broker-definitions"):
        assert name in services, name
    assert services["kiosk"]["command"][:6] == ["kiosk", "--serve", "--host", "0.0.0.0", "--port", "8000"]
    # browsers must be told the kiosk's public address, not ws://0.0.0.0 (textual-serve); the
    # gate refuses a plain-text bind beyond loopback unless told (TLS is the proxy's, in front)
    assert services["kiosk"]["command"][6:8] == ["--insecure-bind", "--public-url"]
    assert services["migrate"]["command"] == ["migrate", "--json"]  # the schema only (no keys)
    assert services["worker-radio"]["build"]["target"] == "radio"  # the image with espeak-ng
    for name in WORKERS:
        assert services[name]["command"] == ["worker", name.removeprefix("worker-")]


def test_every_service_has_a_health_check_and_a_restart_policy(compose):
    for name, service in compose["services"].items():
        if name == "ops":  # a one-off command (`run --rm`): no health to check, never restarted
            assert service["profiles"] == ["ops"] and service["restart"] == "no"
            assert service["healthcheck"] == {"disable": True}
            continue
        check = service.get("healthcheck")
        assert check and not check.get("disable"), f"{name}: no health check"
        assert check["test"] and check["test"][0] in ("CMD", "CMD-SHELL"), name
        restart = service.get("restart", "no")
        assert restart in ("always", "unless-stopped") or restart.startswith("on-failure"), \
            f"{name}: restart policy {restart!r}"


def test_one_shot_services_restart_only_on_failure(compose):
    for name in ("migrate", "broker-definitions"):
        assert compose["services"][name]["restart"] == "on-failure"


def test_no_inline_secrets(compose):
    text = COMPOSE.read_text(encoding="utf-8")
    assert not CREDENTIAL_URL.search(text), "a URL with a password is written in the compose file"
    for name, spec in compose["secrets"].items():
        assert set(spec) == {"file"}, f"secret {name} must come from a file"
    for name, service in compose["services"].items():
        mounted = secrets_of(service)
        assert mounted <= set(compose["secrets"]), name
        for key, value in env_of(service).items():
            assert not CREDENTIAL_URL.search(value), f"{name}.{key}"
            if SENSITIVE.search(key) and key not in ("WARTA_AMQP_PREFIX", "WARTA_AMQP_DECLARE"):
                assert key.endswith("_FILE"), f"{name}: {key} must be read from a file"
                assert value.startswith("/run/secrets/"), f"{name}: {key}={value}"
                assert value.removeprefix("/run/secrets/") in mounted, f"{name}: {key} not mounted"


def test_signing_key_stays_on_the_approval_side(compose):
    services = compose["services"]
    holders = {n for n, s in services.items() if "signing_key" in secrets_of(s)}
    assert holders == {"kiosk", "ops"}  # approval signs envelopes; ops seals months, checkpoints
    for name in WORKERS:
        mounted = secrets_of(services[name])
        assert "verify_key" in mounted
        assert "database_url" not in mounted, f"{name}: workers read no central database"
        channel = name.removeprefix("worker-")
        assert {s for s in mounted if s.startswith("broker_")} == {f"broker_{channel}_url"}


def test_services_run_unprivileged(compose):
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    stages = re.findall(r"^FROM .* AS (\w+)$", dockerfile, re.M)
    assert stages[0] == "build" and {"runtime", "radio", "app"} <= set(stages)
    assert re.search(r"^USER \$\{WARTA_UID\}", dockerfile, re.M)
    radio = [ln for ln in dockerfile.split("AS radio", 1)[1].split("FROM runtime AS app", 1)[0].splitlines()
             if ln.strip() and not ln.startswith("#")]
    assert any("espeak-ng" in ln for ln in radio) and radio[-1].startswith("USER ${WARTA_UID}")
    for name, service in compose["services"].items():
        if service.get("image", "").startswith("warta"):
            assert service.get("read_only") is True and "ALL" in service.get("cap_drop", []), name
            assert "no-new-privileges:true" in service["security_opt"], name
            assert "user" not in service or service["user"] != "root", name


def test_rabbitmq_loads_definitions_at_boot(compose):
    rabbit = compose["services"]["rabbitmq"]
    assert re.fullmatch(r"rabbitmq:4\.\d+-management", rabbit["image"])
    assert rabbit["hostname"]
    volumes = {v.split(":")[1]: v.split(":")[0] for v in rabbit["volumes"]}
    assert volumes["/var/lib/rabbitmq"] in compose["volumes"]  # a named volume
    assert rabbit["depends_on"]["broker-definitions"]["condition"] == "service_completed_successfully"
    conf = (ROOT / "deploy/rabbitmq/rabbitmq.conf").read_text(encoding="utf-8")
    path = re.search(r"^definitions\.local\.path\s*=\s*(\S+)$", conf, re.M).group(1)
    assert re.search(r"^definitions\.import_backend\s*=\s*local_filesystem$", conf, re.M)
    mount = next(target for target, source in volumes.items() if source == "broker-definitions")
    export = compose["services"]["broker-definitions"]["command"]
    written = Path(export[export.index("--output") + 1])
    assert Path(path).parent == Path(mount.removesuffix(":ro")) and Path(path).name == written.name
    settings = [ln for ln in conf.splitlines() if ln.strip() and not ln.startswith("#")]
    assert [ln for ln in settings if "guest" in ln] == ["loopback_users.guest = true"]
    assert not [ln for ln in settings if ln.startswith(("default_user", "default_pass"))]


def test_postgres_password_from_a_file(compose):
    pg = compose["services"]["postgres"]
    assert env_of(pg)["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    assert "POSTGRES_PASSWORD" not in env_of(pg)
    assert any(v.endswith(":/var/lib/postgresql/data") and v.split(":")[0] in compose["volumes"]
               for v in pg["volumes"])


def test_env_example_carries_no_password():
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            assert not CREDENTIAL_URL.search(value), line
            assert not SENSITIVE.search(key) or key.endswith("_DIR"), line


def _mounts(service: dict) -> dict[str, tuple[str, bool]]:
    """Target → (source, read-only) of every volume of ``service`` (short and long syntax)."""
    found = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            found[volume["target"]] = (volume["source"], bool(volume.get("read_only")))
        else:
            source, target, *mode = volume.split(":")
            found[target] = (source, mode == ["ro"])
    return found


def test_the_office_profile_is_mounted_where_it_is_read(compose):
    services = compose["services"]
    for name in ("kiosk", "relay", "archiver", "ops"):
        profile = env_of(services[name])["WARTA_PROFILE"]
        mounts = _mounts(services[name])
        folder = str(Path(profile).parent)
        assert mounts[folder] == ("${WARTA_PROFILE_DIR:-./profile}", True), name
        spec = next(v for v in services[name]["volumes"] if isinstance(v, dict) and v["target"] == folder)
        assert spec["bind"]["create_host_path"] is False, name  # missing: an error, not an empty folder
    for name in WORKERS:  # the letterhead travels in each signed message
        assert env_of(services[name])["WARTA_HOST_ROLE"] == "worker", name
        assert "WARTA_PROFILE" not in env_of(services[name]), name


def test_the_ops_profile_can_seal_and_redrive(compose):
    services = compose["services"]
    ops = services["ops"]
    env = env_of(ops)
    assert secrets_of(ops) == {"database_url", "broker_ops_url", "signing_key", "verify_key"}
    assert env["WARTA_BROKER_FILE"] == "/run/secrets/broker_ops_url"
    assert env["WARTA_METRICS_PORT"] == "0"  # never the port of the service beside it
    assert ops["entrypoint"] == ["/usr/bin/env"] and ops["command"][0] == "warta"
    archive = env_of(services["kiosk"]).get("WARTA_ARCHIVE_DIR", "/srv/warta/archive")
    assert _mounts(ops)[archive] == ("archive", False)  # sealing writes the manifest
    assert _mounts(services["kiosk"])[archive] == ("archive", True)
    assert not [n for n, s in services.items() if n != "ops" and "broker_ops_url" in secrets_of(s)
                and n != "broker-definitions"]
