"""Time to make one Full HD videotron slide (layout + drawing + PNG encoding) and one one-page
notice-board PDF (wording + layout + font subsetting + PDF output), on the project's demo
announcements.

    python -m bench.render_bench [--runs 40] [--json]

Targets: median <= 50 ms per 1920x1080 slide, <= 100 ms per one-page PDF (wall clock; the CPU time
of this process is reported next to it, steadier on a shared machine, with the load average).
Every timed run uses a new public URL, as every real announcement has its own, so the QR code is
encoded inside the measurement instead of coming from a cache. Also reported: the sizes of the
outputs, the first (cold) slide of a fresh process, and the whole renderer calls (files written
with fsync, playlist rebuilt), which are what a worker pays per message.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from channels.noticeboard import NoticeboardRenderer
from channels.noticeboard.pdf import build_pdf
from channels.noticeboard.render import notice_for
from channels.videotron import VideotronRenderer
from channels.videotron.draw import draw_slide, png_bytes
from channels.videotron.layout import night_plan
from channels.videotron.render import plan_announcement, plan_with_picture
from PIL import Image

from shared import images
from shared.classification import Channel, channel_refusal
from shared.messages import ImageSnapshot
from shared.settings import VideotronSettings
from tests.factories import demo_items, envelope, signing_key, snapshot

SLIDE_TARGET_MS = 50.0
PDF_TARGET_MS = 100.0
URL = "https://ppid.example.go.id/pengumuman/045-peng-diskominfo-xi-2026"


def _keys(channel: Channel) -> list[str]:
    return [a["key"] for a in demo_items()
            if channel_refusal(a["klasifikasi"], a["sasaran"], channel) is None]


def _ms(samples: list[float], cpu: list[float] | None = None) -> dict:
    """Wall-clock median, p90 and min; with ``cpu``, the median CPU time of this process too (on a
    machine shared with other jobs, CPU time is the steadier figure)."""
    ordered = sorted(samples)
    out = {"median_ms": round(statistics.median(ordered) * 1000, 1),
           "p90_ms": round(ordered[int(len(ordered) * 0.9) - 1] * 1000, 1),
           "min_ms": round(ordered[0] * 1000, 1), "n": len(ordered)}
    if cpu:
        out["cpu_median_ms"] = round(statistics.median(cpu) * 1000, 1)
    return out


def _kib(sizes: list[int]) -> dict:
    return {"size_median_kib": round(statistics.median(sizes) / 1024),
            "size_max_kib": round(max(sizes) / 1024)}


def photos(count: int = 4) -> list[ImageSnapshot]:
    """Photo-like pictures (noise over colour gradients, 2400×1600 from a camera) as
    :mod:`shared.images` stores them: JPEGs of 1920×1280 and ~200 KB, each one different."""
    out = []
    for i in range(count):
        noise = Image.effect_noise((2400, 1600), 40 + 10 * i)
        ramp = Image.linear_gradient("L").resize((2400, 1600))
        rgb = Image.merge("RGB", (ramp, noise, ramp.rotate(90 * i).resize((2400, 1600))))
        buf = io.BytesIO()
        rgb.save(buf, "JPEG", quality=92)
        out.append(images.snapshot(images.normalise(buf.getvalue()), f"Foto {i + 1}"))
    return out


def bench_slides(runs: int, pictures: list[ImageSnapshot] | None = None, night: bool = False) -> dict:
    """Per slide: plan + draw + PNG bytes, 1920x1080, cycling through the demo announcements (each
    run with its own URL); with ``pictures``, each announcement shows one (checked, decoded and
    scaled inside the measurement); with ``night``, each slide's night variant is drawn and encoded
    too (as the renderer does: per slide means per day slide, its night twin included)."""
    cfg = VideotronSettings(width=1920, height=1080)
    keys = _keys(Channel.VIDEOTRON)
    cold_start = time.perf_counter()
    plans = plan_announcement(snapshot(keys[0], ident=1, public_url=URL), cfg)
    png_bytes(draw_slide(plans[0], "", URL))
    cold = time.perf_counter() - cold_start
    samples, cpu, sizes = [], [], []
    for i in range(runs):
        picture = pictures[i % len(pictures)] if pictures else None
        snap = snapshot(keys[i % len(keys)], ident=i + 2, public_url=f"{URL}-{i}", image=picture)
        start, start_cpu = time.perf_counter(), time.process_time()
        plans, pixels = plan_with_picture(snap, cfg)
        for plan in plans:
            for variant in ((plan, night_plan(plan)) if night else (plan,)):
                sizes.append(len(png_bytes(draw_slide(variant, snap.agency.logo_png_b64,
                                                      snap.public_url, pixels))))
        samples.append((time.perf_counter() - start) / len(plans))
        cpu.append((time.process_time() - start_cpu) / len(plans))
    return {**_ms(samples, cpu), **_kib(sizes), "cold_first_slide_ms": round(cold * 1000, 1)}


def bench_pdfs(runs: int, pictures: list[ImageSnapshot] | None = None) -> dict:
    """Per one-page PDF: wording + fpdf2 layout + font subsetting + output bytes (each run with its
    own URL; with ``pictures``, each notice prints one)."""
    key = signing_key()
    keys = _keys(Channel.PRINT)
    envs = [envelope("print", snapshot(keys[i % len(keys)], ident=i + 1, public_url=f"{URL}-{i}",
                                       image=pictures[i % len(pictures)] if pictures else None),
                     key=key)
            for i in range(runs)]
    samples, cpu, sizes = [], [], []
    for env in envs:
        start, start_cpu = time.perf_counter(), time.process_time()
        sizes.append(len(build_pdf(notice_for(env))))
        samples.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return {**_ms(samples, cpu), **_kib(sizes)}


def bench_renderers(runs: int) -> dict:
    """Whole ``render()`` calls as a worker makes them (atomic writes with fsync, state, playlist)."""
    key = signing_key()
    with tempfile.TemporaryDirectory() as tmp:
        video, paper = VideotronRenderer(Path(tmp)), NoticeboardRenderer(Path(tmp))
        vkeys, pkeys = _keys(Channel.VIDEOTRON), _keys(Channel.PRINT)
        vs, ps = [], []
        for i in range(runs):
            env = envelope("videotron", snapshot(vkeys[i % len(vkeys)], ident=i, public_url=URL), key=key)
            start = time.perf_counter()
            video.render(env)
            vs.append(time.perf_counter() - start)
            env = envelope("print", snapshot(pkeys[i % len(pkeys)], ident=i, public_url=URL), key=key)
            start = time.perf_counter()
            paper.render(env)
            ps.append(time.perf_counter() - start)
    return {"videotron_render": _ms(vs), "print_render": _ms(ps)}


def main() -> None:
    """Run the benchmark and print the figures (text or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pictures = photos()
    result = {"slide_1920x1080": bench_slides(args.runs),
              "slide_1920x1080_day_and_night": bench_slides(args.runs, night=True),
              "pdf_one_page": bench_pdfs(args.runs),
              "slide_1920x1080_with_picture": bench_slides(args.runs, pictures),
              "slide_1920x1080_with_picture_day_and_night": bench_slides(args.runs, pictures, night=True),
              "pdf_one_page_with_picture": bench_pdfs(args.runs, pictures),
              **bench_renderers(max(10, args.runs // 2))}
    result["load_average_1_5_15"] = [round(x, 2) for x in os.getloadavg()]
    result["cpus"] = os.cpu_count()
    result["targets"] = {"slide_ms": SLIDE_TARGET_MS, "pdf_ms": PDF_TARGET_MS,
                         "slide_ok": max(result["slide_1920x1080_day_and_night"]["median_ms"],
                                         result["slide_1920x1080_with_picture_day_and_night"]["median_ms"])
                         <= SLIDE_TARGET_MS,
                         "pdf_ok": max(result["pdf_one_page"]["median_ms"],
                                       result["pdf_one_page_with_picture"]["median_ms"])
                         <= PDF_TARGET_MS}
    if args.json:
        print(json.dumps(result, indent=1))
        return
    for name, figures in result.items():
        print(f"{name}: {figures}")


if __name__ == "__main__":
    main()
