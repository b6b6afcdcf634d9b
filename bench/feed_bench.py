"""Feed regeneration cost after one new announcement, with 10 vs 100,000 announcements already in the
workers' local state (web: rss/atom/json/index/CAP index + item page + CAP alert; radio: script
files + feed.xml, speech engine off so the figure is the feed work, not espeak-ng).

    python -m bench.feed_bench [--small 10] [--large 100000] [--runs 15]

Target: median(large) / median(small) <= 1.5.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from channels.radio import RadioRenderer
from channels.radio.audio import NoSpeech
from channels.web import WebRenderer
from shared.messages import Kind
from tests.factories import envelope, signing_key, snapshot

TARGET_RATIO = 1.5


def _seed(web: WebRenderer, radio: RadioRenderer, count: int) -> None:
    """Fill both states with ``count`` realistic records (built by the renderers' own code)."""
    key = signing_key()
    template = snapshot("cpns", klasifikasi="serta-merta")
    env = envelope("web", template, key=key)
    web_rec = web._record(template, env, None)
    from channels.radio import script as scripts
    doc = scripts.build(template, Kind.PUBLISH, radio.settings)
    radio_rec = radio._record(template, env, None, doc, None, [])
    base = template.approved_at - timedelta(days=count)
    batch_web, batch_radio = [], []
    for i in range(count):
        k = str(uuid.uuid4())
        when = base + timedelta(minutes=i)
        w = dict(web_rec, snap=dict(web_rec["snap"], key=k, number=f"{i:06d}/PENG"),
                 updated=when.isoformat(), published=when.isoformat())
        r = dict(radio_rec, key=k, number=f"{i:06d}/PENG", updated=when.isoformat())
        batch_web.append((k, when.timestamp(), i % 50 == 0, w))  # 2 % revoked, as in real life
        batch_radio.append((k, when.timestamp(), i % 50 == 0, r))
        if len(batch_web) == 10_000:
            web.state.put_many(batch_web)
            radio.state.put_many(batch_radio)
            batch_web, batch_radio = [], []
    web.state.put_many(batch_web)
    radio.state.put_many(batch_radio)


def _setup(out: Path, count: int) -> tuple[WebRenderer, RadioRenderer, float]:
    web, radio = WebRenderer(out / "web-out"), RadioRenderer(out / "radio-out", engine=NoSpeech())
    t0 = time.perf_counter()
    _seed(web, radio, count)
    return web, radio, time.perf_counter() - t0


def measure(small: int, large: int, runs: int) -> list[dict]:
    """Median seconds to render one new announcement (web + radio) with ``small`` and ``large``
    announcements in state. Renders alternate between the two states so that load from other
    processes on the machine hits both sizes alike."""
    with tempfile.TemporaryDirectory() as tmp:
        setups = {n: _setup(Path(tmp) / str(n), n) for n in (small, large)}
        key = signing_key()
        timings: dict[int, list[float]] = {small: [], large: []}
        for i in range(runs + 2):
            for n, (web, radio, _) in setups.items():
                snap = snapshot("banjir", ident=10_000_000 + i, number=f"B{i}/PENG")
                t = time.perf_counter()
                web.render(envelope("web", snap, key=key))
                radio.render(envelope("radio", snap, key=key))
                if i >= 2:  # two warm-up renders (imports, page cache)
                    timings[n].append(time.perf_counter() - t)
        results = []
        for n, (web, _, seeded) in setups.items():
            assert web.state.count() == n + runs + 2
            t = sorted(timings[n])
            results.append({"items": n, "runs": runs, "median_s": statistics.median(t),
                            "p90_s": t[int(0.9 * (len(t) - 1))], "seed_s": seeded})
        return results


def main(argv: list[str] | None = None) -> int:
    """Run both sizes, print the figures and the ratio; exit 1 above the target."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=10)
    ap.add_argument("--large", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=25)
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    args = ap.parse_args(argv)
    small, large = measure(args.small, args.large, args.runs)
    ratio = large["median_s"] / small["median_s"]
    result = {"bench": "feed_regeneration", "small": small, "large": large,
              "ratio": round(ratio, 3), "target": TARGET_RATIO, "ok": ratio <= TARGET_RATIO}
    if args.json:
        print(json.dumps(result))
    else:
        for r in (small, large):
            print(f"{r['items']:>7} items in state: median {r['median_s'] * 1000:.1f} ms, "
                  f"p90 {r['p90_s'] * 1000:.1f} ms per new announcement (web + radio), "
                  f"seeding took {r['seed_s']:.1f} s")
        print(f"ratio large/small: {ratio:.2f} (target <= {TARGET_RATIO})")
    return 0 if ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    raise SystemExit(main())
