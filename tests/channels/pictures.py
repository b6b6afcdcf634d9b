"""Test pictures for the channel renderers: real JPEGs made with Pillow, shaped like what
``shared.images`` stores (baseline JPEG, RGB, no metadata), and broken variants of them."""

from __future__ import annotations

import base64
import hashlib
import io

from PIL import Image, ImageDraw

from shared.messages import ImageSnapshot

QUADRANTS = ((220, 30, 30), (30, 160, 40), (30, 60, 200), (240, 200, 20))
"""Top-left, top-right, bottom-left and bottom-right colours of :func:`quadrant_jpeg`: saturated,
so they survive JPEG and scaling, and far apart, so a flipped or rotated picture shows."""


def quadrant_jpeg(width: int, height: int, quality: int = 90) -> bytes:
    """A ``width`` × ``height`` baseline JPEG in four coloured quadrants."""
    img = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(img)
    half_w, half_h = width // 2, height // 2
    for (x0, y0, x1, y1), colour in zip(
            ((0, 0, half_w, half_h), (half_w, 0, width, half_h), (0, half_h, half_w, height),
             (half_w, half_h, width, height)), QUADRANTS, strict=True):
        if x1 > x0 and y1 > y0:  # a picture one pixel wide has no left half
            draw.rectangle((x0, y0, x1 - 1, y1 - 1), fill=colour)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=quality)
    return out.getvalue()


def image_snapshot(width: int = 800, height: int = 600, caption: str = "",
                   data: bytes | None = None) -> ImageSnapshot:
    """An :class:`ImageSnapshot` of ``data`` (a quadrant JPEG of that size when None) whose sha256
    matches its bytes."""
    data = quadrant_jpeg(width, height) if data is None else data
    return ImageSnapshot(sha256=hashlib.sha256(data).hexdigest(), width=width, height=height,
                         data_b64=base64.b64encode(data).decode(), caption=caption)


def broken_snapshots() -> dict[str, ImageSnapshot]:
    """Pictures a renderer must leave out: bytes that do not match their sha256, a JPEG cut off
    half-way (the sha256 of what was sent, so only decoding can tell), a PNG, and noise."""
    good = quadrant_jpeg(640, 480)
    png = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 120, 200)).save(png, "PNG")
    other = image_snapshot(640, 480, data=quadrant_jpeg(640, 480, quality=50))
    return {
        "sha256-mismatch": other.model_copy(update={"sha256": hashlib.sha256(good).hexdigest()}),
        "truncated": image_snapshot(640, 480, data=good[: len(good) // 2]),
        "png": image_snapshot(640, 480, data=png.getvalue()),
        "noise": image_snapshot(640, 480, data=bytes(range(256)) * 40),
    }


def near(colour: tuple[int, ...], expected: tuple[int, int, int], tolerance: int = 40) -> bool:
    """True when ``colour`` is within ``tolerance`` of ``expected`` on every channel."""
    return all(abs(a - b) <= tolerance for a, b in zip(colour[:3], expected, strict=True))
