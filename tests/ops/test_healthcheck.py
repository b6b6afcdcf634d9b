"""``warta healthcheck`` (the containers' health check) against a real metrics endpoint."""

from __future__ import annotations

import socket
import time

from typer.testing import CliRunner

from shared.observability import METRICS, metrics_text, serve_metrics
from warta.cli import app

runner = CliRunner()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_healthcheck_follows_the_heartbeat():
    port = free_port()
    serve_metrics(port)
    url = ["healthcheck", "--url", f"http://127.0.0.1:{port}/metrics", "--max-age", "60"]
    try:
        METRICS.heartbeat.set(0)  # a service that never reports a heartbeat: the endpoint decides
        assert runner.invoke(app, url).exit_code == 0
        METRICS.heartbeat.set(time.time() - 600)
        stale = runner.invoke(app, url)
        assert stale.exit_code == 1 and "macet" in stale.stderr
        METRICS.heartbeat.set_to_current_time()
        assert runner.invoke(app, url).exit_code == 0
        assert "warta_heartbeat_timestamp_seconds" in metrics_text()
    finally:
        METRICS.heartbeat.set(0)


def test_healthcheck_fails_without_an_endpoint():
    result = runner.invoke(app, ["healthcheck", "--url", f"http://127.0.0.1:{free_port()}/metrics"])
    assert result.exit_code == 1 and "tidak menjawab" in result.stderr


def test_message_ids_are_bound_to_log_lines_and_then_released(capsys):
    import json

    from shared.observability import configure_logging, get_logger, message_context

    configure_logging("uji")
    with message_context(announcement_id=7, channel="web", message_id="m-1"):
        get_logger().info("dirender")
    get_logger().info("berikutnya")
    lines = [json.loads(ln) for ln in capsys.readouterr().err.splitlines()]
    assert lines[0]["announcement_id"] == 7 and lines[0]["channel"] == "web"
    assert lines[0]["message_id"] == "m-1"
    assert lines[0]["service"] == "uji" and lines[0]["level"] == "info"
    assert "message_id" not in lines[1] and lines[1]["service"] == "uji"


def test_a_logger_made_at_import_writes_json_once_logging_is_configured(capsys):
    """The relay's and the archiver's module-level loggers exist before the service configures
    logging; their lines must still come out as JSON (the fault suite found them as console text)."""
    import json

    from shared.observability import configure_logging, get_logger

    early = get_logger(service_part="archiver")  # as workers/archiver.py does at import
    configure_logging("archiver", json_logs=True)
    early.info("receipt", result="applied")
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert (line["event"], line["service_part"], line["service"]) == ("receipt", "archiver",
                                                                       "archiver")
