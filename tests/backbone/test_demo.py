"""``warta demo --items 20 --json`` through the real backbone and the real channel renderers, once
embedded and once over RabbitMQ (both run at the same time to keep the suite quick)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

from channels.base import sha256_file
from tests.backbone.conftest import BROKER_URL, ROOT, delete_broker_topology, require_broker


@pytest.mark.slow
@pytest.mark.broker
def test_demo_disseminates_everything_embedded_and_over_rabbitmq(tmp_path) -> None:
    require_broker()
    runs = {}
    prefix = f"wtdemo{uuid.uuid4().hex[:8]}"
    for mode in ("embedded", "amqp"):
        env = {**os.environ, "WARTA_HOME": str(tmp_path / mode), "WARTA_POLL_INTERVAL": "0.05",
               "WARTA_AMQP_PREFIX": prefix}
        args = [sys.executable, "-m", "warta.cli", "demo", "--items", "20", "--json"]
        if mode == "amqp":
            args[4:4] = ["--broker", BROKER_URL]
        runs[mode] = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
    try:
        _check(tmp_path, runs)
    finally:
        for proc in runs.values():
            if proc.poll() is None:
                proc.kill()
        delete_broker_topology(prefix)


def _check(tmp_path, runs: dict) -> None:  # noqa: ANN001
    for mode, proc in runs.items():
        out, err = proc.communicate(timeout=200)
        assert proc.returncode == 0, f"{mode}: {err[-3000:]}"
        result = json.loads(out.strip().splitlines()[-1])
        assert result["broker"] == mode
        assert len(result["announcements"]) == 20
        assert all(a["state"] == "disseminated" for a in result["announcements"])
        deliveries = [d for a in result["announcements"] for d in a["deliveries"]]
        assert deliveries and all(d["state"] == "confirmed" for d in deliveries)
        assert result["deliveries_confirmed"] == len(deliveries) == result["deliveries_total"]
        manifests = list((tmp_path / mode / "archive").rglob("manifest.json"))
        assert len(manifests) == len(deliveries)
        for manifest in manifests:
            files = json.loads(manifest.read_text())["files"]
            assert files
            for entry in files:
                assert sha256_file(manifest.parent / entry["path"]) == entry["sha256"]
