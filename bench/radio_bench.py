"""Cost of one radio MP3, stage by stage, on the sample announcements' scripts: speech synthesis
(espeak-ng, voice ``id``), mastering (resampling to 44.1 kHz, BS.1770 loudness to -16 LUFS, true-peak
limiting to -1 dBTP), MP3 encoding (lameenc, 64 kbit/s) and ID3 tagging (mutagen); per minute of
audio as well, since every stage grows with the length.

    python -m bench.radio_bench [--runs 3] [--json]
    python -m bench.radio_bench --calibrate     # refit the air-time weights of speech_text.WEIGHTS

Wall clock and this process's CPU time (steadier on a shared machine; espeak-ng runs in a child
process, so its CPU shows in wall time only) with the load average. With ffmpeg installed, every
MP3 is also measured by ffmpeg's ebur128 meter, as the tests do.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np
from scipy.optimize import nnls

from channels.radio.audio import LAME_SCALE, MP3_PEAK_MARGIN_DB, EspeakEngine, encode_mp3, master
from channels.radio.audio import tag_mp3, tags_for
from channels.radio.speech_text import air_features, air_seconds, for_voice, load_glossary, script_for
from shared.messages import Kind
from shared.settings import RadioSettings
from tests.factories import snapshot

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = [ROOT.parent / "shared" / "samples" / "announcements.json",
           ROOT / "shared" / "data" / "demo_announcements.json"]


def scripts() -> list[tuple[str, object, str]]:
    """(key, snapshot, script) of every distinct sample announcement and one revocation."""
    seen, out = set(), []
    for path in SAMPLES:
        if not path.exists():
            continue
        for a in json.loads(path.read_text(encoding="utf-8"))["announcements"]:
            if (a["title"], a["body"]) not in seen:
                seen.add((a["title"], a["body"]))
                snap = snapshot(a["key"], title=a["title"], body=a["body"])
                out.append((a["key"], snap, script_for(snap)[0]))
    revoked = snapshot("bansos", revoked_at=datetime(2026, 11, 22, 1), revoked_reason="Jadwal diubah")
    out.append(("bansos-dicabut", revoked, script_for(revoked, kind=Kind.REVOKE)[0]))
    return out


def _ebur128(data: bytes) -> tuple[float, float] | None:
    ffmpeg = shutil.which("ffmpeg")
    if not ffmpeg:
        return None
    with tempfile.NamedTemporaryFile(suffix=".mp3") as fh:
        fh.write(data)
        fh.flush()
        err = subprocess.run([ffmpeg, "-hide_banner", "-nostats", "-i", fh.name, "-af",
                              "ebur128=peak=true", "-f", "null", "-"],
                             capture_output=True, text=True).stderr
    summary = err[err.rfind("Summary:"):]
    return (float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1)),
            float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1)))


def _timed(fn, *args):  # noqa: ANN001, ANN202
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return result, time.perf_counter() - wall, time.process_time() - cpu


def bench(runs: int) -> dict:
    """Per stage: median seconds per MP3 and per minute of audio, over ``runs`` rounds of all
    scripts; loudness and true peak of each file by ffmpeg; estimate vs. audio length."""
    cfg = RadioSettings()
    gl = load_glossary(cfg.glossary)
    engine = EspeakEngine(cfg.voice, cfg.words_per_minute)
    gain = 20 * np.log10(1 / LAME_SCALE)
    stages: dict[str, list[float]] = {k: [] for k in ("synthesis", "mastering", "encoding", "tags")}
    cpu: dict[str, list[float]] = {k: [] for k in stages}
    minutes: list[float] = []
    files = []
    for _ in range(runs):
        for key, snap, text in scripts():
            pcm, w, c = _timed(engine.synthesize, for_voice(text, gl))
            stages["synthesis"].append(w)
            cpu["synthesis"].append(c)
            mastered, w, c = _timed(master, pcm, cfg.loudness_lufs + gain,
                                    cfg.true_peak_dbtp - MP3_PEAK_MARGIN_DB + gain, cfg.sample_rate)
            stages["mastering"].append(w)
            cpu["mastering"].append(c)
            data, w, c = _timed(encode_mp3, mastered, cfg.bitrate)
            stages["encoding"].append(w)
            cpu["encoding"].append(c)
            data, w, c = _timed(tag_mp3, data, tags_for(snap, Kind.PUBLISH, cfg.station))
            stages["tags"].append(w)
            cpu["tags"].append(c)
            minutes.append(mastered.seconds / 60)
            if len(files) < len(scripts()):
                files.append({"key": key, "audio_s": round(mastered.seconds, 1),
                              "estimate_s": air_seconds(text, cfg.words_per_minute),
                              "lufs_dbtp": _ebur128(data), "kib": round(len(data) / 1024)})
    per_min = statistics.median(minutes)
    out = {name: {"median_s": round(statistics.median(v), 3),
                  "cpu_median_s": round(statistics.median(cpu[name]), 3),
                  "per_audio_minute_s": round(statistics.median(v) / per_min, 3)}
           for name, v in stages.items()}
    total = [sum(stages[k][i] for k in stages) for i in range(len(minutes))]
    out["total"] = {"median_s": round(statistics.median(total), 3),
                    "per_audio_minute_s": round(statistics.median(total) / per_min, 3)}
    out["audio_minutes_median"] = round(per_min, 2)
    out["files"] = files
    out["estimate_error_max_pct"] = round(max(abs(f["estimate_s"] - f["audio_s"]) / f["audio_s"]
                                              for f in files) * 100, 1)
    return out


def calibrate() -> dict:
    """Fit seconds per syllable, comma and full stop at rate 130 (non-negative least squares) on the
    sample scripts as espeak-ng reads them; prints the weights for ``speech_text.WEIGHTS``."""
    gl = load_glossary(RadioSettings().glossary)
    engine = EspeakEngine(words_per_minute=130)
    rows = [(air_features(text), engine.synthesize(for_voice(text, gl)).seconds)
            for _, _, text in scripts()]
    x = np.array([r[0] for r in rows], float)
    y = np.array([r[1] for r in rows])
    weights, _ = nnls(x, y)
    error = np.abs(x @ weights - y) / y
    return {"weights": [round(float(w), 4) for w in weights], "texts": len(rows),
            "max_error_pct": round(float(error.max()) * 100, 1)}


def main() -> None:
    """Run the benchmark (or the calibration) and print the figures (text or JSON)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--calibrate", action="store_true")
    args = parser.parse_args()
    load_start = [round(x, 2) for x in os.getloadavg()]
    result = calibrate() if args.calibrate else bench(args.runs)
    result["load_average_start_end"] = [load_start, [round(x, 2) for x in os.getloadavg()]]
    result["cpus"] = os.cpu_count()
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return
    for name, figures in result.items():
        print(f"{name}: {figures}")


if __name__ == "__main__":
    main()
