"""The pipeline benchmark (issue 9), on one machine:

1. ``baseline``: the limit — N messages the size of an envelope published with confirms and consumed
   with acks by plain pika (one publisher and one consumer connection at once, prefetch as a worker);
2. ``pipeline(renderer="noop")``: N announcements for the four channels, final approval in one burst,
   until every delivery is confirmed and archived — deliveries per second;
3. ``pipeline(renderer=None)``: the same with the real renderers (speech off), plus latency from the
   final approval of ONE announcement to the last channel's confirmed receipt on an idle pipeline,
   median render time per channel (the workers' own ``rendered`` log lines) and peak RSS (VmHWM)
   of every process.

Every service is its own process (``warta relay``, ``warta worker CHANNEL``, ``warta archiver``).
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

from bench.harness import BROKER_URL, CHANNELS, Run, delete_prefix, peak_rss_mb, wait_for


def envelope_size() -> int:
    """Bytes of a real signed envelope of a demo announcement."""
    from tests.factories import envelope

    return len(envelope("web").to_wire())


def baseline(n: int, size: int | None = None, prefetch: int = 4) -> dict:
    """Plain pika over one quorum queue: publisher confirms on one connection, manual acks on another."""
    import pika

    size = size or envelope_size()
    prefix = f"wb{uuid.uuid4().hex[:10]}"
    queue = f"{prefix}.baseline"
    params = pika.URLParameters(BROKER_URL)
    body = b"x" * size
    setup = pika.BlockingConnection(params)
    setup.channel().queue_declare(queue, durable=True, arguments={"x-queue-type": "quorum"})
    setup.close()
    got = {"n": 0, "t_end": 0.0}

    def consume() -> None:
        conn = pika.BlockingConnection(params)
        ch = conn.channel()
        ch.basic_qos(prefetch_count=prefetch)

        def on_message(chan, method, _props, _body) -> None:  # noqa: ANN001
            chan.basic_ack(method.delivery_tag)
            got["n"] += 1
            if got["n"] >= n:
                got["t_end"] = time.perf_counter()
                chan.stop_consuming()

        ch.basic_consume(queue, on_message)
        ch.start_consuming()
        conn.close()

    consumer = threading.Thread(target=consume, daemon=True)
    t0 = time.perf_counter()
    consumer.start()
    conn = pika.BlockingConnection(params)
    ch = conn.channel()
    ch.confirm_delivery()
    props = pika.BasicProperties(delivery_mode=2, content_type="application/json")
    for _ in range(n):
        ch.basic_publish("", queue, body, props, mandatory=True)  # returns after the confirm
    published = time.perf_counter()
    conn.close()
    consumer.join(300)
    delete_prefix(prefix)
    elapsed = got["t_end"] - t0
    return {"messages": n, "size_bytes": size, "consumed": got["n"],
            "publish_s": round(published - t0, 3), "seconds": round(elapsed, 3),
            "msgs_per_s": round(n / elapsed, 1) if elapsed > 0 else None}


def _percentile(samples: list[float], q: float) -> float | None:
    if not samples:
        return None
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=100, method="inclusive")[int(q) - 1]


def pipeline(transport: str, n: int, renderer: str | None, latency_runs: int = 0,
             timeout: float = 600) -> dict:
    """N announcements (four channels each) through the whole backbone as separate processes."""
    work = Path(tempfile.mkdtemp(prefix=f"warta-bench-{transport}-"))
    run = Run(work, transport)
    run.setup()
    result: dict = {"transport": transport, "renderer": renderer or "real", "announcements": n,
                    "deliveries": n * len(CHANNELS)}
    try:
        warm = run.draft("Pemanasan tolok ukur")
        drafts = [run.draft(f"Pengumuman uji beban nomor {i}") for i in range(n)]
        singles = [run.draft(f"Pengumuman uji latensi {i}") for i in range(latency_runs)]
        run.start_services(renderer)
        run.final_approve(warm)  # warm-up: every process up, fonts and caches loaded
        wait_for(lambda: run.item_done(warm), 180, "the warm-up announcement")
        # latency first, on an idle pipeline: one announcement at a time
        latencies = []
        for item in singles:
            run.final_approve(item)
            t0 = time.perf_counter()
            wait_for(lambda i=item: run.item_done(i), 120, f"announcement {item}", interval=0.01)
            latencies.append(time.perf_counter() - t0)
        if latencies:
            result["latency_s"] = {"runs": len(latencies),
                                   "p50": round(_percentile(latencies, 50), 3),
                                   "p95": round(_percentile(latencies, 95), 3),
                                   "p99": round(_percentile(latencies, 99), 3),
                                   "max": round(max(latencies), 3)}
        before = run.delivery_counts().get("confirmed", 0)
        t0 = time.perf_counter()
        for item in drafts:
            run.final_approve(item)
        approved = time.perf_counter()
        target = before + n * len(CHANNELS)
        wait_for(lambda: run.delivery_counts().get("confirmed", 0) >= target, timeout,
                 f"{n * len(CHANNELS)} confirmed deliveries", interval=0.05)
        elapsed = time.perf_counter() - t0
        counts = run.delivery_counts()
        result.update({"approve_burst_s": round(approved - t0, 3), "seconds": round(elapsed, 3),
                       "deliveries_per_s": round(n * len(CHANNELS) / elapsed, 1),
                       "delivery_states": counts})
        result["peak_rss_mb"] = {name: peak_rss_mb(p.pid) for name, p in run.procs.items()}
        renders: dict[str, float] = {}
        run.stop_all()
        for ch in CHANNELS:
            secs = [e["seconds"] for e in run.log_events(f"worker-{ch}", "rendered") if "seconds" in e]
            renders[ch] = round(statistics.median(secs) * 1000, 1) if secs else None
        result["render_median_ms"] = renders
        archived = sum(1 for _ in (run.settings.archive).rglob("manifest.json"))
        result["archived_manifests"] = archived
    finally:
        run.stop_all()
        if transport == "amqp":
            run.cleanup_broker()
        from shared.db import engine_for

        engine_for(run.settings.db_url).dispose()
    return result
