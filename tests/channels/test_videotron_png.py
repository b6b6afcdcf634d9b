"""The slide PNG writer: lossless (decoded pixels equal the drawn ones), valid chunks and CRCs,
deterministic, and no larger than Pillow's own encoder makes it by more than a little; the night
variant of a slide: same boxes, dark, under 10 % near-white pixels even with a white photo."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image, ImageChops, PngImagePlugin

from channels.videotron.draw import draw_slide, png_bytes
from channels.videotron.layout import night_plan
from channels.videotron.render import plan_announcement, plan_with_picture
from shared.settings import VideotronSettings
from tests.channels.pictures import image_snapshot
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


def _near_white(img: Image.Image) -> float:
    """Share of pixels whose every channel is at least 200 (what glares on an LED panel at night)."""
    histogram = [img.getchannel(band).point(lambda v: 255 if v >= 200 else 0) for band in "RGB"]
    mask = ImageChops.multiply(ImageChops.multiply(histogram[0], histogram[1]), histogram[2])
    return mask.histogram()[255] / (img.width * img.height)


def _white_jpeg(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (255, 255, 255)).save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.mark.parametrize("width,height", [(1920, 1080), (1344, 768), (384, 192), (192, 96), (1080, 1920)])
def test_night_slides_have_no_large_near_white_areas(width, height):
    cfg = VideotronSettings(width=width, height=height)
    # A white photo is the worst case: the night palette dims it below the threshold.
    white = image_snapshot(1200, 900, data=_white_jpeg(1200, 900))
    for key in ("renstra", "banjir"):
        for image in (None, white):
            snap = snapshot(key, public_url=URL, image=image, summary="")
            plans, pixels = plan_with_picture(snap, cfg)
            assert (pixels is not None) == bool(image and width >= 1080)  # the photo is on the big panels
            for plan in plans:
                day = draw_slide(plan, snap.agency.logo_png_b64, URL, pixels)
                night_plan_ = night_plan(plan)
                night = draw_slide(night_plan_, snap.agency.logo_png_b64, URL, pixels)
                assert _near_white(day) > 0.5  # the day slide is mostly pale (read in sunlight)
                assert _near_white(night) < 0.10, (key, width, _near_white(night))
                # Same slide: every box in the same place, only the colours change.
                assert [(b.text, b.box) for b in night_plan_.texts] == [(b.text, b.box) for b in plan.texts]
                background = night_plan_.style.background
                assert max(background) < 40 and night.getpixel((1, plan.text_area[1] + 1)) == background
