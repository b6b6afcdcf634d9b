"""``python -m bench`` (``make bench``): the limit of plain pika, the pipeline with no-op and with real
renderers over RabbitMQ and the embedded transport, feed regeneration with 10 vs 100,000 items, and
the kiosk's home screen (when ``bench.kiosk_bench`` exists). Prints a table, writes
``bench/results/latest.json``, the charts under ``docs/img/`` and the Pipeline and Summary sections
of ``docs/PERFORMANCE.md``.

``python -m bench --quick --json`` runs a small version (under a minute) and prints one JSON object
with ``baseline_msgs_per_s``, ``noop_deliveries_per_s``, ``ratio`` and ``latency_p95_s``; it writes
``bench/results/quick.json`` and leaves the docs alone.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import sys
import traceback

from bench import pipeline_bench as pb
from bench.harness import ROOT, machine, rabbitmq_version

RESULTS = ROOT / "bench" / "results"
SIZES = {  # announcements (x4 deliveries), baseline messages, latency runs
    "quick": {"noop": 25, "real": 4, "baseline": 1000, "latency": 3},
    "full": {"noop": 250, "real": 40, "baseline": 5000, "latency": 20},
}


def _guard(results: dict, key: str, fn) -> dict | None:  # noqa: ANN001
    """Run one measurement; a failure is recorded with its reason, never hidden or faked."""
    try:
        results[key] = fn()
    except Exception as exc:  # noqa: BLE001 - the other measurements still run
        results[key] = {"error": f"{type(exc).__name__}: {exc}"}
        print(f"[bench] {key} failed: {exc}", file=sys.stderr)
        traceback.print_exc(limit=3, file=sys.stderr)
    return results[key]


def run(quick: bool, transports: list[str]) -> dict:
    """Every measurement of this mode; returns the results document."""
    size = SIZES["quick" if quick else "full"]
    broker_up = rabbitmq_version() != "unknown"
    res: dict = {"mode": "quick" if quick else "full", "machine": machine(), "sizes": size,
                 "broker_reachable": broker_up}
    if broker_up:
        _guard(res, "baseline", lambda: pb.baseline(size["baseline"]))
    else:
        res["baseline"] = {"error": "RabbitMQ tidak dapat dihubungi di 127.0.0.1:5672"}
    for t in transports:
        if t == "amqp" and not broker_up:
            res[f"noop_{t}"] = res[f"real_{t}"] = {"error": "RabbitMQ tidak dapat dihubungi"}
            continue
        _guard(res, f"noop_{t}", lambda t=t: pb.pipeline(t, size["noop"], "noop"))
        _guard(res, f"real_{t}", lambda t=t: pb.pipeline(t, size["real"], None,
                                                           latency_runs=size["latency"]))
    if not quick:
        from bench import feed_bench

        def feeds() -> dict:
            small, large = feed_bench.measure(10, 100_000, 15)
            return {"small": small, "large": large,
                    "ratio": round(large["median_s"] / small["median_s"], 3)}

        _guard(res, "feeds", feeds)
        if importlib.util.find_spec("bench.kiosk_bench"):
            from bench import kiosk_bench

            _guard(res, "kiosk", lambda: kiosk_bench.measure() if hasattr(kiosk_bench, "measure")
                   else {"error": "bench.kiosk_bench has no measure()"})
        else:
            res["kiosk"] = {"error": "bench/kiosk_bench.py does not exist yet (not measured)"}
    res["machine"]["loadavg_end"] = machine()["loadavg"]
    res["summary"] = summary(res)
    return res


def summary(res: dict) -> dict:
    """The headline figures (first transport that has them, RabbitMQ preferred)."""
    base = res.get("baseline", {}).get("msgs_per_s")
    out = {"baseline_msgs_per_s": base}
    for t in ("amqp", "embedded"):
        noop, real = res.get(f"noop_{t}", {}), res.get(f"real_{t}", {})
        out[f"noop_deliveries_per_s_{t}"] = noop.get("deliveries_per_s")
        out[f"real_deliveries_per_s_{t}"] = real.get("deliveries_per_s")
        out[f"latency_p95_s_{t}"] = (real.get("latency_s") or {}).get("p95")
    main = "amqp" if out.get("noop_deliveries_per_s_amqp") else "embedded"
    out["transport"] = main
    out["noop_deliveries_per_s"] = out[f"noop_deliveries_per_s_{main}"]
    out["latency_p95_s"] = out[f"latency_p95_s_{main}"]
    noop_amqp = out.get("noop_deliveries_per_s_amqp")
    out["ratio"] = round(noop_amqp / base, 3) if base and noop_amqp else None
    return out


def main(argv: list[str] | None = None) -> int:
    """Parse options, run, print, write results (and the docs in full mode)."""
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="a small version, under a minute")
    ap.add_argument("--json", action="store_true", help="print one JSON object (the summary)")
    ap.add_argument("--transports", default="", help="amqp,embedded (quick default: amqp only)")
    ap.add_argument("--no-docs", action="store_true", help="do not touch docs/ (full mode)")
    args = ap.parse_args(argv)
    logging.disable(logging.WARNING)
    transports = [t for t in args.transports.split(",") if t] or (
        ["amqp"] if args.quick else ["amqp", "embedded"])
    if args.quick and "amqp" in transports and rabbitmq_version() == "unknown":
        transports = ["embedded"]  # still a real pipeline; the JSON says which transport
    res = run(args.quick, transports)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = "quick.json" if args.quick else "latest.json"
    (RESULTS / name).write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")
    from bench import report

    if args.json:
        print(json.dumps({**res["summary"], "mode": res["mode"], "machine": res["machine"]},
                         ensure_ascii=False))
    else:
        print(report.table(res))
    if not args.quick and not args.no_docs:
        report.charts(res, ROOT / "docs" / "img")
        report.update_doc(res, ROOT / "docs" / "PERFORMANCE.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
