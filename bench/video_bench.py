"""Cost of the videotron MP4 (``channels.videotron.video.make_video``): per announcement and per
second of video, at the panel's resolution, on the project's demo announcements plus one long
announcement of several slides.

    python -m bench.video_bench [--width 1920 --height 1080] [--fps 10 25] [--runs 3] [--json]

Target: <= 1 s per announcement at 1920x1080 (wall clock; the CPU time of this process, steadier
on a shared machine, is printed next to it, with the load average before and after). The slides
are rendered first and are not part of the measurement; every run writes a fresh MP4 (the encoder
is set up, every frame encoded, the file fsynced and renamed), which is what a worker pays when
``WARTA_VIDEOTRON_VIDEO=true``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

from channels.videotron import VideotronRenderer
from channels.videotron.video import make_video
from shared.settings import VideotronSettings
from tests.factories import demo_items, envelope, snapshot

TARGET_S = 1.0
LONG = " ".join(f"Kalimat ke-{n} menjelaskan jadwal layanan, lokasi, dan syarat yang berlaku bagi "
                "masyarakat di setiap kecamatan selama masa libur nasional." for n in range(1, 25))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _slides(root: Path, cfg: VideotronSettings) -> list[list[tuple[Path, float]]]:
    """Each announcement's day slides with their seconds (rendered once, untimed)."""
    renderer = VideotronRenderer(root, cfg)
    snaps = [snapshot(a["key"], ident=i + 1, number=f"{i + 1}/PENG/BENCH/2026")
             for i, a in enumerate(demo_items()) if "videotron" in a.get("channels", ["videotron"])]
    snaps.append(snapshot("renstra", ident=99, number="99/PENG/BENCH/2026", summary=LONG))
    out = []
    for snap in snaps:
        try:
            renderer.render(envelope("videotron", snap))
        except Exception:  # noqa: BLE001 - a demo item the channel refuses is simply not timed
            continue
    state = json.loads((renderer.root / ".state" / "state.json").read_text(encoding="utf-8"))
    for entry in state["items"].values():
        out.append([(renderer.root / s["src"], float(s["seconds"])) for s in entry["slides"]])
    return out


def run(width: int, height: int, fps_list: list[int], runs: int) -> dict:
    """Time ``make_video`` on every announcement ``runs`` times per frame rate."""
    load_before = [round(x, 2) for x in os.getloadavg()]
    result: dict = {"width": width, "height": height, "runs": runs, "target_s": TARGET_S,
                    "load_before": load_before, "rates": {}}
    with tempfile.TemporaryDirectory() as tmp:
        announcements = _slides(Path(tmp), VideotronSettings(width=width, height=height))
        for fps in fps_list:
            wall, cpu, per_second, sizes, lengths = [], [], [], [], []
            for _ in range(runs):
                for i, slides in enumerate(announcements):
                    target = Path(tmp) / f"a{i}.mp4"
                    target.unlink(missing_ok=True)
                    t0, c0 = time.perf_counter(), _cpu()
                    make_video(slides, target, fps)
                    w, c = time.perf_counter() - t0, _cpu() - c0
                    seconds = sum(s for _, s in slides)
                    wall.append(w)
                    cpu.append(c)
                    per_second.append(w / seconds)
                    sizes.append(target.stat().st_size)
                    lengths.append(seconds)
            result["rates"][fps] = {
                "announcements": len(announcements),
                "video_seconds_median": round(statistics.median(lengths), 1),
                "video_seconds_max": round(max(lengths), 1),
                "slides_max": max(len(s) for s in announcements),
                "wall_median_s": round(statistics.median(wall), 3),
                "wall_max_s": round(max(wall), 3),
                "cpu_median_s": round(statistics.median(cpu), 3),
                "wall_per_video_second_ms": round(statistics.median(per_second) * 1000, 1),
                "size_median_kib": round(statistics.median(sizes) / 1024),
            }
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return result


def main() -> None:
    """Print the figures (a table, or one JSON object with ``--json``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--fps", type=int, nargs="+", default=[10, 25])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.width, args.height, args.fps, args.runs)
    if args.json:
        print(json.dumps(result))
        return
    print(f"{args.width}x{args.height}, {args.runs} runs; load {result['load_before']} -> "
          f"{result['load_after']}")
    for fps, r in result["rates"].items():
        print(f"{fps:>3} fps: {r['announcements']} announcements (video median "
              f"{r['video_seconds_median']} s, max {r['video_seconds_max']} s, up to "
              f"{r['slides_max']} slides): wall median {r['wall_median_s']} s, max "
              f"{r['wall_max_s']} s, CPU median {r['cpu_median_s']} s, "
              f"{r['wall_per_video_second_ms']} ms per video second, {r['size_median_kib']} KiB")


if __name__ == "__main__":
    main()
