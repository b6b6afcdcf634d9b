"""The slide PNG writer: lossless (decoded pixels equal the drawn ones), valid chunks and CRCs,
deterministic, and no larger than Pillow's own encoder makes it by more than a little."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, PngImagePlugin

from channels.videotron import VideotronSettings
from channels.videotron.draw import draw_slide, png_bytes
from channels.videotron.render import plan_announcement
from tests.factories import snapshot

URL = "https://ppid.example.go.id/pengumuman/banjir"


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        tag, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(body, zlib.crc32(tag)), tag
        out.append((tag, body))
        pos += 12 + length
    return out


def test_full_hd_slide_round_trips_exactly():
    snap = snapshot("banjir", public_url=URL)
    plan = plan_announcement(snap, VideotronSettings(width=1920, height=1080))[0]
    slide = draw_slide(plan, snap.agency.logo_png_b64, URL)
    data = png_bytes(slide)
    assert [tag for tag, _ in _chunks(data)] == [b"IHDR", b"IDAT", b"IEND"]
    with Image.open(io.BytesIO(data)) as img:
        assert isinstance(img, PngImagePlugin.PngImageFile)
        assert (img.mode, img.size) == ("RGB", (1920, 1080))
        assert img.tobytes() == slide.tobytes()
    assert png_bytes(slide) == data  # deterministic: same pixels, same bytes
    pillow = io.BytesIO()
    slide.save(pillow, format="PNG", compress_level=3)
    assert len(data) <= len(pillow.getvalue()) * 1.25
    assert len(data) < 400 * 1024


def test_any_mode_and_odd_sizes_round_trip():
    noisy = Image.effect_noise((37, 11), 90).convert("RGB")
    rgba = Image.new("RGBA", (5, 3), (10, 200, 30, 128))
    for img in (noisy, rgba, Image.new("RGB", (1, 1), (255, 0, 0))):
        with Image.open(io.BytesIO(png_bytes(img))) as back:
            assert back.size == img.size
            assert back.tobytes() == img.convert("RGB").tobytes()
