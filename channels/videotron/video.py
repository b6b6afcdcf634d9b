"""An MP4 of an announcement's slides, for LED controllers that only play video files from a USB
stick: H.264 (yuv420p, the profile every controller decodes) at the panel's resolution, each slide
for its playlist duration, written next to the slides (``slides/<key>-v<version>.mp4``).

Made with PyAV (``av`` on PyPI), whose wheels bundle FFmpeg with libx264 — also on the Windows PCs
that often drive a videotron — so the worker needs no system ffmpeg and no subprocess; the frames
go from Pillow to the encoder in memory.

The frame rate is constant (controllers are fussy about variable frame rates) and low by default:
a slide is a still picture, and x264's cost grows with the frame count (about 3 ms a frame at
1920×1080), so 10 frames a second keeps an announcement near one second of work while every
playlist duration (tenths of a second) still falls on a frame boundary.
"""

from __future__ import annotations

import os
import tempfile
from fractions import Fraction
from pathlib import Path

from PIL import Image

VIDEO_SUFFIX = ".mp4"


def video_src(slides: list[dict]) -> str | None:
    """The playlist path of the MP4 of these slides (``slides/<stem>.mp4`` for slides named
    ``slides/<stem>-NN.png``), or None when there are no slides."""
    if not slides:
        return None
    first = Path(slides[0]["src"])
    stem = first.stem.rsplit("-", 1)[0] if "-" in first.stem else first.stem
    return str(first.with_name(stem + VIDEO_SUFFIX).as_posix())


def frame_counts(seconds: list[float], fps: int) -> list[int]:
    """Frames per slide such that the cumulative frame count tracks the cumulative seconds (the
    total stays exact even when a duration is not a whole number of frames)."""
    counts, elapsed, done = [], 0.0, 0
    for value in seconds:
        elapsed += value
        upto = max(done + 1, round(elapsed * fps))  # every slide gets at least one frame
        counts.append(upto - done)
        done = upto
    return counts


def _even(image: Image.Image) -> Image.Image:
    # 4:2:0 chroma needs even sides; an odd panel (rare) gets one black column or row
    w, h = image.size
    if w % 2 == 0 and h % 2 == 0:
        return image
    padded = Image.new("RGB", (w + w % 2, h + h % 2))
    padded.paste(image, (0, 0))
    return padded


def make_video(slides: list[tuple[Path, float]], target: Path, fps: int = 10,
               crf: int = 23) -> Path:
    """Encode ``slides`` (PNG path, seconds on screen) into the H.264 MP4 ``target``, written
    atomically (a temp file renamed into place) and world-readable. Every slide starts on a key
    frame, so a controller that seeks or loops cuts cleanly. Returns ``target``."""
    import av  # imported here: only workers that make videos need PyAV loaded

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        counts = frame_counts([s for _, s in slides], fps)
        # faststart: the index goes first, so a player can start before reading the whole file
        with av.open(tmp, "w", format="mp4", options={"movflags": "+faststart"}) as out:
            stream = None
            pts = 0
            for (path, _), count in zip(slides, counts, strict=True):
                with Image.open(path) as img:
                    image = _even(img.convert("RGB"))
                if stream is None:
                    stream = out.add_stream("libx264", rate=Fraction(fps))
                    stream.width, stream.height = image.size
                    stream.pix_fmt = "yuv420p"
                    # stillimage: tuned for static pictures (sharper text at the same size);
                    # ultrafast: the bulk of the cost is per frame, and the frames are all alike
                    stream.options = {"preset": "ultrafast", "tune": "stillimage", "crf": str(crf)}
                # one colour conversion per slide; the same frame is sent ``count`` times
                frame = av.VideoFrame.from_image(image).reformat(format="yuv420p")
                for i in range(count):
                    frame.pts = pts
                    frame.pict_type = av.video.frame.PictureType.I if i == 0 else \
                        av.video.frame.PictureType.NONE
                    pts += 1
                    for packet in stream.encode(frame):
                        out.mux(packet)
            if stream is not None:
                for packet in stream.encode():
                    out.mux(packet)
        os.chmod(tmp, 0o644)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
