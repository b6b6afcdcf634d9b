"""``warta demo``: the project's demo announcements through the whole SOP with the demo accounts."""

from __future__ import annotations

import json
import tempfile
from itertools import cycle
from pathlib import Path

from shared.bootstrap import init_home
from shared.config import Settings
from shared.errors import WartaError
from shared.services.root import Services
from shared.vocab import DeliveryState, State

DEMO_FILE = Path(__file__).resolve().parents[1] / "shared" / "data" / "demo_announcements.json"


def demo_announcements() -> list[dict]:
    """The bundled demo announcements (with what the rules must do to each)."""
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))["announcements"]


def _plan(items: int) -> tuple[list[dict], list[dict]]:
    samples = demo_announcements()
    good = [a for a in samples if a["expect"] == "disseminate"]
    bad = [a for a in samples if a["expect"] != "disseminate"]
    if items <= 0:
        return good, bad
    planned = []
    for n, sample in zip(range(items), cycle(good)):
        round_no = n // len(good)
        planned.append(dict(sample, title=sample["title"] + (f" ({round_no + 1})" if round_no else "")))
    return planned, bad


def drive_chain(w: Services, ids: dict[str, int], sample: dict) -> int:
    """Draft, submit and approve one announcement through every level; returns its id."""
    item_id = w.drafting.create_item(ids["pelaksana1"], title=sample["title"], body=sample["body"],
                                     summary=sample.get("summary", ""), klasifikasi=sample["klasifikasi"],
                                     sasaran=sample["sasaran"], channels=sample["channels"])
    w.review.submit(ids["pelaksana1"], item_id)
    for reviewer in ("kabid1", "sekretaris1", "kadis1"):
        w.review.approve(ids[reviewer], item_id)
    return item_id


def run_demo(broker: str | None = None, items: int = 0, renderer: str | None = None,
             timeout: float | None = None, settings: Settings | None = None) -> dict:
    """Run the demo through the real backbone (relay, workers and archiver started in-process) and
    wait, up to ``timeout`` seconds, until every delivery is confirmed and every proof checks out;
    ``ok`` is False otherwise. ``renderer`` runs that renderer for every channel (e.g. ``noop``).
    ``settings``: the command's settings root (default: from the environment); ``broker``
    overrides its broker URL, and without a ``WARTA_HOME`` the demo gets a fresh folder. Both are
    changes to a copy of the settings, never to the environment."""
    settings = demo_settings(settings, broker)
    import logging

    from shared.observability import configure_logging

    configure_logging("demo", json_logs=True, level=logging.WARNING)  # stdout stays the result
    accounts = init_home(settings, demo=True)
    w = Services.build(settings)
    ids = {a["username"]: w.users.authenticate(a["username"], a["password"]).id for a in accounts}
    planned, bad = _plan(items)
    refused = []
    for sample in bad:
        try:
            drive_chain(w, ids, sample)
            refused.append({"title": sample["title"], "reason": "TIDAK DITOLAK (galat aturan)"})
        except WartaError as exc:
            refused.append({"title": sample["title"], "reason": str(exc)})
    made = [drive_chain(w, ids, sample) for sample in planned]
    result = {"announcements": [], "refused": refused, "home": str(settings.home.resolve()),
              "output_dir": str(settings.out), "archive_dir": str(settings.archive), "ok": True}
    for item_id in made:
        item = w.queries.get_item(item_id, ids["kadis1"])
        result["announcements"].append({
            "id": item_id, "number": item["number"], "state": item["state"], "title": item["title"],
            "deliveries": [{"channel": d["channel"], "state": d["state"]} for d in item["deliveries"]]})
    rules_ok = all("TIDAK DITOLAK" not in r["reason"] for r in refused)
    backbone = disseminate(settings, w, made, renderer, timeout)
    result.update(backbone)
    for entry in result["announcements"]:
        item = w.queries.get_item(entry["id"], ids["kadis1"])
        entry["state"] = item["state"]
        entry["deliveries"] = [{"channel": d["channel"], "state": d["state"], "sha256": d["sha256"]}
                               for d in item["deliveries"]]
    result["ok"] = rules_ok and backbone["backbone_ok"]
    return result


def demo_settings(settings: Settings | None = None, broker: str | None = None) -> Settings:
    """The demo's settings: ``settings`` (default: the command's, from the environment) with the
    broker URL ``broker`` when given and a fresh temporary home when no ``WARTA_HOME`` was set;
    made the active settings."""
    from shared.settings import activate
    from warta.common import settings as command_settings

    cfg = settings if settings is not None else command_settings()
    if "home" not in cfg.model_fields_set:  # WARTA_HOME unset: never the current folder's ./var
        cfg = cfg.with_overrides(home=Path(tempfile.mkdtemp(prefix="warta-demo-")))
    if broker:
        cfg = cfg.with_overrides(broker=broker)
    activate(cfg)
    return cfg


def disseminate(settings: Settings, w: Services, made: list[int], renderer: str | None,
                timeout: float | None) -> dict:
    """Start the backbone in-process, wait for every delivery, check the archive, stop."""
    import time

    from workers.archive_check import verify_archive
    from workers.inprocess import start_all

    deadline = time.monotonic() + (timeout or settings.broker.demo_timeout)
    started = time.monotonic()
    handle = start_all(settings, renderer_override=renderer)
    try:
        while time.monotonic() < deadline and not handle.errors:
            states = [w.queries.get_item(i)["state"] for i in made]
            if all(s == State.DISSEMINATED for s in states):
                break
            time.sleep(0.2)  # polling the database for the outcome, not synchronising threads
    finally:
        handle.stop()
    deliveries = [d for d in w.redrive.list_deliveries() if d["announcement_id"] in set(made)]
    problems = verify_archive(settings.archive)
    confirmed = all(d["state"] == DeliveryState.CONFIRMED for d in deliveries)
    done = all(w.queries.get_item(i)["state"] == State.DISSEMINATED for i in made)
    return {"backbone_ok": bool(confirmed and done and not problems and not handle.errors),
            "broker": "embedded" if settings.embedded else "amqp", "renderer": renderer or "kanal",
            "seconds": round(time.monotonic() - started, 2), "deliveries_total": len(deliveries),
            "deliveries_confirmed": sum(d["state"] == DeliveryState.CONFIRMED for d in deliveries),
            "archive_problems": problems, "service_errors": handle.errors}
