"""Logs and metrics as docs/DEPLOYMENT.md ("Logs and metrics") says, read as their consumers read
them: the relay, a channel worker and the archiver run as real processes on RabbitMQ with
``WARTA_LOG_FORMAT=json``; one announcement goes through; every line they wrote parses as JSON
with its level, event, logger and timestamp; Prometheus's parser finds every metric the docs'
table gives each service, with a value, on each ``/metrics``; a one-shot ``warta redrive`` beside
them never takes their port; ``warta healthcheck`` finds the port from the settings; and the
shipped Prometheus files pass ``promtool``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bench.harness import wait_for

from tests.backbone.conftest import (ROOT, Home, delete_broker_topology, require_broker, spawn,
                                     template_home, wait_until)
from tests.conftest import port_open, require_tool
from tests.ops.test_healthcheck import free_port

__all__ = ["template_home"]  # the session fixture, used here as in tests/backbone

DOC = ROOT / "docs" / "DEPLOYMENT.md"
PROMETHEUS = ROOT / "deploy" / "prometheus"
LINE_KEYS = ("timestamp", "level", "event", "logger", "service")


def documented_metrics() -> dict[str, str]:
    """The metrics table of docs/DEPLOYMENT.md: name → which service exports it."""
    rows = re.findall(r"^\| `(warta_[a-z_]+)` \|[^|]*\| ([a-z ]+) \|", DOC.read_text(), re.M)
    assert len(rows) >= 10, "the metrics table of docs/DEPLOYMENT.md is gone"
    return dict(rows)


def expected_for(service: str) -> set[str]:
    """The documented metrics of ``service`` (relay, worker, archiver)."""
    return {m for m, who in documented_metrics().items() if who in (service, "every service")}


def scrape(port: int) -> dict[str, list]:
    """``/metrics`` of a service, parsed as Prometheus parses it: sample name → samples."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:  # noqa: S310
        text = response.read().decode()
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    return samples


def has_value(samples: dict[str, list], metric: str) -> bool:
    """True when ``metric`` (a histogram: its ``_count``) has at least one sample."""
    return bool(samples.get(metric) or samples.get(f"{metric}_count"))


def value(samples: dict[str, list], metric: str, **labels: str) -> float | None:
    """The value of the sample of ``metric`` with ``labels`` (None when there is none)."""
    for s in samples.get(metric, []):
        if all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    return None


def json_lines(path: Path) -> list[dict]:
    """Every line of a service's output, each parsed as JSON (fails on the first that is not)."""
    parsed = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        try:
            obj = json.loads(line)
        except ValueError:
            pytest.fail(f"{path.name} line {n} is not JSON: {line[:300]!r}")
        assert isinstance(obj, dict), f"{path.name} line {n}: {line[:300]!r}"
        missing = [k for k in LINE_KEYS if not obj.get(k)]
        assert not missing, f"{path.name} line {n} lacks {missing}: {line[:300]!r}"
        parsed.append(obj)
    return parsed


@pytest.fixture
def amqp_home(monkeypatch, template_home) -> Home:  # noqa: F811 - the imported session fixture
    """A demo home (SQLite) on the local RabbitMQ with a prefix of its own, JSON logs."""
    import uuid

    prefix = f"wt{uuid.uuid4().hex[:10]}"
    for name, val in {"WARTA_BROKER": require_broker(), "WARTA_AMQP_PREFIX": prefix,
                      "WARTA_POLL_INTERVAL": "0.05", "WARTA_RETRY_TIERS": "1,2",
                      "WARTA_LOG_FORMAT": "json", "WARTA_METRICS_HOST": "127.0.0.1"}.items():
        monkeypatch.setenv(name, val)
    yield Home(template_home)
    delete_broker_topology(prefix, [1, 2])


@pytest.mark.broker
def test_services_log_json_and_export_every_documented_metric(amqp_home, tmp_path) -> None:
    ports = {"relay": free_port(), "worker": free_port(), "archiver": free_port()}
    logs = {name: tmp_path / f"{name}.log" for name in ports}
    args = {"relay": ["relay"], "worker": ["worker", "web"], "archiver": ["archiver"]}
    procs = {name: spawn(*args[name], env={"WARTA_METRICS_PORT": str(ports[name])}, log=logs[name])
             for name in ports}
    try:
        wait_until(lambda: all(port_open("127.0.0.1", port) for port in ports.values()), 60,
                   what="the three metrics endpoints")
        # one-shot commands beside the services, started now (the CLI's imports are slow), done
        # at the end: redrive never takes their port, so it succeeds; the health check finds the
        # port in the same settings
        env = {**os.environ, "WARTA_METRICS_PORT": str(ports["relay"])}
        redrive, health = (subprocess.Popen([sys.executable, "-m", "warta.cli", *command], cwd=ROOT,
                                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                            text=True)
                           for command in (["redrive", "--parked"], ["healthcheck"]))
        item = amqp_home.approve("Uji log dan metrik", "web")
        wait_until(lambda: amqp_home.all_confirmed([item]), 60, what="the web delivery confirmed")

        seen: dict[str, dict] = {}

        def complete() -> bool:  # the periodic gauges' first turn runs on a thread at start
            seen["metrics"] = {name: scrape(port) for name, port in ports.items()}
            seen["missing"] = {name: sorted(m for m in expected_for(name) if not has_value(got, m))
                               for name, got in seen["metrics"].items()}
            return not any(seen["missing"].values())

        try:
            wait_for(complete, 30, "every documented metric", 0.1)
        except TimeoutError:
            pytest.fail(f"documented metrics without a value: {seen['missing']}")
        metrics = seen["metrics"]
        found = {m for samples in metrics.values() for m in documented_metrics() if has_value(samples, m)}
        assert found == set(documented_metrics())
        assert value(metrics["worker"], "warta_processed_total", channel="web") == 1
        assert value(metrics["worker"], "warta_render_seconds_count", channel="web") == 1
        prefix = os.environ["WARTA_AMQP_PREFIX"]
        assert value(metrics["relay"], "warta_queue_depth", queue=f"{prefix}.web") == 0
        assert value(metrics["relay"], "warta_queue_depth", queue=f"{prefix}.parked") == 0
        assert value(metrics["archiver"], "warta_deliveries", channel="web", state="parked") == 0
        assert value(metrics["archiver"], "warta_disk_free_bytes", folder="archive") > 0

        out, err = redrive.communicate(timeout=60)
        assert redrive.returncode == 0, err[-2000:]
        assert "0 pesan dikirim ulang" in out
        out, err = health.communicate(timeout=60)
        assert (health.returncode, out.strip()) == (0, "ok"), err
    finally:
        for p in procs.values():  # all at once (once: a second SIGTERM could land in the exit)
            p.terminate()
        codes = {name: p.wait(30) for name, p in procs.items()}
    assert codes == {"relay": 0, "worker": 0, "archiver": 0}, {n: logs[n].read_text()[-2000:]
                                                               for n in logs}
    counts = {}
    for name, path in logs.items():
        lines = json_lines(path)
        counts[name] = len(lines)
        events = {line["event"] for line in lines}
        assert f"{name}_started" in events, events
        assert all(line["service"] == ("worker-web" if name == "worker" else name) for line in lines)
    print(f"JSON lines per process: {counts}")
    assert all(n >= 2 for n in counts.values()), counts


LIBRARY_LINES = """
import logging, warnings
from shared.observability import configure_logging
configure_logging("uji", json_logs=True)
logging.getLogger("pika.adapters.blocking_connection").warning("Connection %s lost", "x")
logging.getLogger("pika.channel").info("per-connection chatter, kept quiet")
logging.getLogger("fontTools.subset").info("GSUB pruned")
logging.getLogger("alembic.runtime.migration").info("Running upgrade %s -> %s", "0007", "0008")
logging.getLogger("sqlalchemy.pool").error("pool: connection invalidated")
warnings.warn("an old API", DeprecationWarning)
raise RuntimeError("boom")
"""


def test_library_lines_warnings_and_a_traceback_are_json_too() -> None:
    """pika, alembic and SQLAlchemy log through the stdlib ``logging``; they, a warning and an
    uncaught exception come out through the same formatter, one JSON object per line."""
    result = subprocess.run([sys.executable, "-W", "always", "-c", LIBRARY_LINES], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == ""
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    by_logger = {line["logger"]: line for line in lines}
    assert set(by_logger) == {"pika.adapters.blocking_connection", "alembic.runtime.migration",
                              "sqlalchemy.pool", "py.warnings", "warta.uncaught"}, lines
    assert by_logger["pika.adapters.blocking_connection"]["event"] == "Connection x lost"
    assert by_logger["alembic.runtime.migration"]["level"] == "info"
    assert by_logger["sqlalchemy.pool"]["level"] == "error"
    assert "DeprecationWarning: an old API" in by_logger["py.warnings"]["event"]
    crash = by_logger["warta.uncaught"]
    assert crash["level"] == "critical" and "RuntimeError: boom" in crash["exception"]
    assert all(line["service"] == "uji" and line["timestamp"] for line in lines)


def test_healthcheck_reads_the_metrics_address_from_the_settings(monkeypatch) -> None:
    """A container's service listens on 0.0.0.0:WARTA_METRICS_PORT: the health check asks the
    loopback at that port; with the port 0 (no endpoint) it says so instead of asking 9100."""
    from typer.testing import CliRunner

    from shared.observability import METRICS, serve_metrics
    from warta.cli import app

    port = free_port()
    serve_metrics(port)
    METRICS.heartbeat.set_to_current_time()
    monkeypatch.setenv("WARTA_METRICS_HOST", "0.0.0.0")  # noqa: S104 - as the image sets it
    monkeypatch.setenv("WARTA_METRICS_PORT", str(port))
    result = CliRunner().invoke(app, ["healthcheck"])
    assert (result.exit_code, result.stdout.strip()) == (0, "ok"), result.stderr
    monkeypatch.setenv("WARTA_METRICS_PORT", str(free_port()))  # nothing listens there
    assert CliRunner().invoke(app, ["healthcheck"]).exit_code == 1
    monkeypatch.setenv("WARTA_METRICS_PORT", "0")
    result = CliRunner().invoke(app, ["healthcheck"])
    assert result.exit_code == 1 and "WARTA_METRICS_PORT=0" in result.stderr


def test_prometheus_files_pass_promtool_over_documented_metrics() -> None:
    promtool = require_tool("promtool")
    for args in (["check", "config", str(PROMETHEUS / "prometheus.yml")],
                 ["check", "rules", str(PROMETHEUS / "alerts.yml")],
                 # the alerts fire on series as the services export them, and only then
                 ["test", "rules", str(ROOT / "tests" / "data" / "prometheus-alerts-test.yml")]):
        check = subprocess.run([promtool, *args], capture_output=True, text=True, timeout=60)
        assert check.returncode == 0, check.stdout + check.stderr
    used = set(re.findall(r"\bwarta_[a-z_]+", (PROMETHEUS / "alerts.yml").read_text()))
    assert used and used <= set(documented_metrics()), used - set(documented_metrics())
    alerts = set(re.findall(r"alert: (\w+)", (PROMETHEUS / "alerts.yml").read_text()))
    assert {"WartaServiceDown", "WartaServiceStuck", "WartaDeliveriesParked", "WartaProofsPending",
            "WartaScreenSilent", "WartaStepsOverdue", "WartaDiskSpaceLow"} <= alerts
    jobs = re.findall(r'"((?:relay|archiver|worker-[a-z]+):9100)"',
                      (PROMETHEUS / "prometheus.yml").read_text())
    assert sorted(jobs) == ["archiver:9100", "relay:9100", "worker-print:9100", "worker-radio:9100",
                            "worker-videotron:9100", "worker-web:9100"]


def test_the_gauges_count_what_the_alerts_watch(monkeypatch, template_home) -> None:  # noqa: F811
    """The periodic gauges on the embedded transport, against states set in the database: a
    parked and a proof-pending delivery, an overdue step, a silent screen and one reporting, a
    message waiting in its queue."""
    from datetime import timedelta

    from sqlalchemy import select, update

    from shared.models import Delivery, WorkflowStep
    from shared.observability import metrics_text
    from shared.services.context import Context
    from shared.timefmt import utcnow
    from workers.metrics import QueueDepths, disk_free, records, steps_overdue
    from workers.relay import Relay
    from workers.transport import make_transport

    home = Home(template_home)
    settings = home.settings
    first, second = home.approve("Diparkir", "web,print"), home.approve("Bukti tertunda", "web")
    Relay(settings, settings.broker, make_transport(settings)).run_once()  # into the queues
    with home.w.ctx.tx() as s:
        s.execute(update(Delivery).where(Delivery.announcement_id == first, Delivery.channel == "web")
                  .values(state="parked"))
        s.execute(update(Delivery).where(Delivery.announcement_id == second)
                  .values(state="proof_pending"))
        step = s.execute(select(WorkflowStep).where(WorkflowStep.announcement_id == first)
                         .order_by(WorkflowStep.id).limit(1)).scalar_one()
        step.decided_at, step.due_at = None, utcnow() - timedelta(hours=1)
    screens = settings.home / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    now = utcnow()
    for name, minutes in (("lobi", 600), ("halte", 1)):
        (screens / f"{name}.json").write_text(json.dumps(
            {"screen": name, "last_shown_at": (now - timedelta(minutes=minutes)).isoformat()}))
    ctx = Context(settings)
    records(ctx, now)
    steps_overdue(ctx, now)
    QueueDepths(settings, ctx)()
    disk_free({"home": settings.home, "not-made-yet": settings.home / "a" / "b"})
    samples: dict[str, list] = {}
    for family in text_string_to_metric_families(metrics_text()):
        for sample in family.samples:
            samples.setdefault(sample.name, []).append(sample)
    assert value(samples, "warta_deliveries", channel="web", state="parked") == 1
    assert value(samples, "warta_deliveries", channel="web", state="proof_pending") == 1
    assert value(samples, "warta_deliveries", channel="print", state="queued") == 1
    assert value(samples, "warta_deliveries", channel="radio", state="parked") == 0
    assert value(samples, "warta_screens_silent") == 1
    assert value(samples, "warta_steps_overdue") == 1
    prefix = settings.amqp_prefix
    assert value(samples, "warta_queue_depth", queue=f"{prefix}.web") == 2
    assert value(samples, "warta_queue_depth", queue=f"{prefix}.print") == 1
    assert value(samples, "warta_queue_depth", queue=f"{prefix}.parked") == 0
    assert value(samples, "warta_disk_free_bytes", folder="not-made-yet") > 0

