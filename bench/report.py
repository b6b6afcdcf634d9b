"""Presentation of the benchmark results: the stdout/markdown table, the PNG charts (matplotlib Agg)
and the Pipeline and Summary sections of ``docs/PERFORMANCE.md`` (other sections are left alone)."""

from __future__ import annotations

import re
from pathlib import Path

TARGET_RATIO, TARGET_P95, TARGET_RSS = 0.5, 2.0, 150.0


def _f(value, unit: str = "", digits: int = 1) -> str:  # noqa: ANN001
    return "–" if value is None else f"{value:,.{digits}f}{unit}"


def machine_line(res: dict) -> str:
    """One line naming the machine and its load."""
    m = res["machine"]
    return (f"{m['date']}, {m['nproc']} cores, {m['memory_gib']} GiB, {m['cpu']}, Python {m['python']}, "
            f"RabbitMQ {m['rabbitmq']}; load average at start {m['loadavg']}, at end "
            f"{m.get('loadavg_end')}")


def table(res: dict) -> str:
    """The pipeline table (markdown, also what ``make bench`` prints)."""
    rows = ["| measurement | RabbitMQ | embedded | target |", "|---|---:|---:|---|"]
    base = res.get("baseline", {})
    rows.append(f"| (1) plain pika, {base.get('messages', '?')} × {base.get('size_bytes', '?')} B, "
                f"confirms + acks | {_f(base.get('msgs_per_s'), ' msg/s')} | n/a | limit |")

    def cell(kind: str, t: str, key: str, unit: str = "", digits: int = 1) -> str:
        r = res.get(f"{kind}_{t}", {})
        if "error" in r:
            return "not run"
        v = r.get(key)
        return _f(v, unit, digits)

    s = res["summary"]
    rows.append(f"| (2) pipeline, no-op renderers, deliveries/s "
                f"({res['sizes']['noop']} announcements × 4) | {cell('noop', 'amqp', 'deliveries_per_s')} | "
                f"{cell('noop', 'embedded', 'deliveries_per_s')} | |")
    rows.append(f"| (2) ratio to (1) | {_f(s.get('ratio'), '', 2)} | n/a | ≥ {TARGET_RATIO} |")
    rows.append(f"| (3) pipeline, real renderers, deliveries/s ({res['sizes']['real']} × 4) | "
                f"{cell('real', 'amqp', 'deliveries_per_s')} | "
                f"{cell('real', 'embedded', 'deliveries_per_s')} | |")
    for q in ("p50", "p95", "p99"):
        vals = [(res.get(f"real_{t}", {}).get("latency_s") or {}).get(q) for t in ("amqp", "embedded")]
        rows.append(f"| (3) latency final approval → last receipt, {q} | {_f(vals[0], ' s', 2)} | "
                    f"{_f(vals[1], ' s', 2)} | {'≤ 2 s' if q == 'p95' else ''} |")
    for ch in ("videotron", "radio", "web", "print"):
        vals = [(res.get(f"real_{t}", {}).get("render_median_ms") or {}).get(ch)
                for t in ("amqp", "embedded")]
        rows.append(f"| (3) median render, {ch} | {_f(vals[0], ' ms')} | {_f(vals[1], ' ms')} | |")
    procs = ["relay", "archiver"] + [f"worker-{c}" for c in ("videotron", "radio", "web", "print")]
    for p in procs:
        vals = [(res.get(f"real_{t}", {}).get("peak_rss_mb") or {}).get(p) for t in ("amqp", "embedded")]
        rows.append(f"| (3) peak RSS {p} | {_f(vals[0], ' MB')} | {_f(vals[1], ' MB')} | "
                    f"{'≤ 150 MB' if p.startswith('worker') else ''} |")
    feeds = res.get("feeds")
    if feeds and "error" not in feeds:
        rows.append(f"| (4) feed regeneration, 10 items | {_f(feeds['small']['median_s'] * 1000, ' ms')} "
                    f"| (same code) | |")
        rows.append("| (4) feed regeneration, 100,000 items | "
                    f"{_f(feeds['large']['median_s'] * 1000, ' ms')} "
                    f"| (same code) | ratio {feeds['ratio']:.2f} (≤ 1.5) |")
    kiosk = res.get("kiosk")
    if kiosk and kiosk.get("error"):
        rows.append(f"| (4) kiosk over 100,000 announcements | {kiosk['error']} | | |")
    elif kiosk:
        rows.append(f"| (4) kiosk launch → sign-in screen, new process | "
                    f"{kiosk['launch_cold_process_s']:.2f} s | (same code) | ≤ 0.5 s |")
        for user, seconds in kiosk["login_to_home_s"].items():
            rows.append(f"| (4) kiosk sign-in → home over {kiosk['rows']:,} announcements, {user} | "
                        f"{seconds:.3f} s | (same code) | ≤ 0.3 s |")
        if "first_login_cold_process_s" in kiosk:
            rows.append(f"| (4) kiosk first sign-in of a new process → home | "
                        f"{kiosk['first_login_cold_process_s']:.3f} s (slowest "
                        f"{kiosk['first_login_cold_process_max_s']:.3f} s) | (same code) | ≤ 0.3 s |")
    errors = [f"- {k}: {v['error']}" for k, v in res.items() if isinstance(v, dict) and "error" in v]
    return "\n".join(rows) + ("\n\nNot measured:\n" + "\n".join(errors) if errors else "")


def charts(res: dict, out: Path) -> list[Path]:
    """Throughput and latency charts as PNG (Agg backend)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out.mkdir(parents=True, exist_ok=True)
    made = []
    labels, values = [], []
    if res.get("baseline", {}).get("msgs_per_s"):
        labels.append("pika saja\n(pesan/dtk)")
        values.append(res["baseline"]["msgs_per_s"])
    for kind, name in (("noop", "no-op"), ("real", "renderer asli")):
        for t in ("amqp", "embedded"):
            v = res.get(f"{kind}_{t}", {}).get("deliveries_per_s")
            if v:
                labels.append(f"{name}\n{t}")
                values.append(v)
    fig, ax = plt.subplots(figsize=(8, 4))
    ax.bar(labels, values, color="#2a6f97")
    ax.set_yscale("log")
    ax.set_ylabel("per detik (skala log)")
    ax.set_title("Throughput: batas pika vs pipeline Warta")
    for i, v in enumerate(values):
        ax.text(i, v, f"{v:,.0f}", ha="center", va="bottom", fontsize=8)
    fig.tight_layout()
    made.append(out / "pipeline-throughput.png")
    fig.savefig(made[-1], dpi=100)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(8, 4))
    for t in ("amqp", "embedded"):
        lat = res.get(f"real_{t}", {}).get("latency_s")
        if lat:
            ax.plot(["p50", "p95", "p99"], [lat["p50"], lat["p95"], lat["p99"]], marker="o", label=t)
    ax.axhline(TARGET_P95, color="red", linestyle="--", label="target p95 2 s")
    ax.set_ylabel("detik")
    ax.set_title("Latensi: persetujuan akhir → tanda terima kanal terakhir")
    ax.legend()
    fig.tight_layout()
    made.append(out / "pipeline-latency.png")
    fig.savefig(made[-1], dpi=100)
    plt.close(fig)
    return made


def _replace_section(text: str, title: str, body: str, before: str | None = None) -> str:
    """Replace the ``## title`` section's body, or insert it before the first ``## `` heading."""
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.S | re.M)
    block = f"## {title}\n\n{body.strip()}\n\n"
    if pattern.search(text):
        return pattern.sub(lambda _m: block, text, count=1)
    first = re.search(r"^## ", text, re.M)
    return text[:first.start()] + block + text[first.start():] if first else text + "\n" + block


def update_doc(res: dict, doc: Path) -> None:
    """Write the Summary (top) and Pipeline sections of PERFORMANCE.md from ``res``."""
    s = res["summary"]
    text = doc.read_text(encoding="utf-8")
    feeds = res.get("feeds") or {}
    summary_rows = [
        "| figure | measured | target |", "|---|---:|---|",
        f"| plain pika limit | {_f(s.get('baseline_msgs_per_s'), ' msg/s')} | – |",
        f"| pipeline no-op, RabbitMQ / embedded | {_f(s.get('noop_deliveries_per_s_amqp'), '')} / "
        f"{_f(s.get('noop_deliveries_per_s_embedded'), '')} deliveries/s | ratio ≥ 0.5 "
        f"(measured {_f(s.get('ratio'), '', 2)}) |",
        f"| pipeline real renderers, RabbitMQ / embedded | {_f(s.get('real_deliveries_per_s_amqp'))} / "
        f"{_f(s.get('real_deliveries_per_s_embedded'))} deliveries/s | – |",
        "| latency p95, one announcement, RabbitMQ / embedded | "
        f"{_f(s.get('latency_p95_s_amqp'), ' s', 2)} / "
        f"{_f(s.get('latency_p95_s_embedded'), ' s', 2)} | ≤ 2 s |",
        f"| feed regeneration ratio 100,000 / 10 items | {_f(feeds.get('ratio'), '', 2)} | ≤ 1.5 |",
    ]
    text = _replace_section(text, "Summary", f"From `make bench` ({machine_line(res)}).\n\n"
                            + "\n".join(summary_rows))
    body = (f"Command: `make bench` (`python -m bench`); every service is its own process (`warta relay`, "
            f"`warta worker CHANNEL` ×4, `warta archiver`), speech off (`WARTA_RADIO_TTS=none`), a unique "
            "`WARTA_AMQP_PREFIX` per run whose queues are deleted afterwards. "
            f"Machine: {machine_line(res)}.\n\n"
            "How it is measured: (1) one publisher connection (publisher confirms, `mandatory`) and one "
            "consumer connection (manual acks, prefetch 4) on one quorum queue at the same time, messages "
            "the size of a real signed envelope; (2) and (3) the announcements are drafted and passed by "
            "the first two reviewers first, then the Kepala Dinas approves all of them in one burst; the "
            "clock runs from the first final approval until every delivery (4 per announcement) is "
            "confirmed by the archiver (proof filed). Latency: one announcement at a time on an idle "
            "pipeline, from the return of the final approval to all four deliveries confirmed (polled "
            "every 10 ms). Render times are the workers' own `rendered` log lines; peak RSS is "
            "`VmHWM` of each process at the end of the run.\n\n"
            + table(res) + "\n\n![throughput](img/pipeline-throughput.png)\n\n"
            "![latency](img/pipeline-latency.png)\n")
    text = _replace_section(text, "Pipeline (broker, relay, workers, archiver)", body)
    doc.write_text(text, encoding="utf-8")
