"""Paints a :class:`SlidePlan` into an image and encodes it as PNG."""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

import segno
from PIL import Image, ImageDraw, ImageEnhance, ImageOps

from channels.assets import font, logo_image
from channels.videotron.geometry import SlidePlan

PNG_LEVEL = 3
"""zlib level of slide PNGs: 3 is as fast as 1 on slides and a few per cent smaller."""


@lru_cache(maxsize=32)
def _logo(logo_png_b64: str, size: int) -> Image.Image:
    img, _ = logo_image(logo_png_b64)
    img = img.copy()
    img.thumbnail((size, size), Image.Resampling.LANCZOS)
    return img


@lru_cache(maxsize=32)
def qr_matrix(url: str) -> Image.Image | None:
    """The QR code of ``url`` as a 1-pixel-per-module 'L' image with its quiet zone, or None when the
    URL is too long for a QR code."""
    try:
        qr = segno.make(url, error="m", micro=False)
    except (segno.DataOverflowError, ValueError):
        return None
    rows = [bytes(0 if dark else 255 for dark in row) for row in qr.matrix_iter(scale=1, border=4)]
    return Image.frombytes("L", (len(rows[0]), len(rows)), b"".join(rows))


def qr_image(url: str, size: int) -> Image.Image | None:
    """The QR code scaled by a whole number of pixels per module to at most ``size`` (sharp modules
    scan best), or None when it cannot be drawn that small."""
    matrix = qr_matrix(url)
    if matrix is None or matrix.width > size:
        return None
    scale = size // matrix.width
    return matrix.resize((matrix.width * scale, matrix.height * scale), Image.Resampling.NEAREST)


@lru_cache(maxsize=8192)
def _glyph(ch: str, size: int, bold: bool) -> tuple[Image.Image | None, int, int, int]:
    """(coverage mask, left, top, advance) of one character: rasterised once, pasted many times."""
    fnt = font(size, bold)
    # Pillow types the box as float (for a fractional stroke); without one it is whole pixels
    left, top, right, bottom = map(int, fnt.getbbox(ch, anchor="la"))
    advance = round(fnt.getlength(ch))
    if right <= left or bottom <= top:
        return None, left, top, advance
    mask = Image.new("L", (right - left, bottom - top), 0)
    ImageDraw.Draw(mask).text((-left, -top), ch, font=fnt, fill=255, anchor="la")
    return mask, left, top, advance


def draw_text(img: Image.Image, x: int, y: int, text: str, size: int, bold: bool,
              fill: tuple[int, int, int]) -> None:
    """Draw ``text`` with its left-ascender origin at (x, y), glyph by glyph from a cache of
    rasterised glyphs. Same positions as Pillow's BASIC layout (sum of advances; the bundled font
    has no legacy kern table) at a fraction of the cost of re-rasterising every line."""
    pen = x
    for ch in text:
        mask, left, top, advance = _glyph(ch, size, bold)
        if mask is not None:
            img.paste(fill, (pen + left, y + top), mask)
        pen += advance


def draw_slide(plan: SlidePlan, logo_png_b64: str = "", url: str | None = None,
               picture: Image.Image | None = None) -> Image.Image:
    """The slide as an RGB image of exactly the plan's size. ``picture`` fills ``plan.picture``; it
    should already have that size (:func:`channels.assets.picture_pixels`), else it is scaled. The
    QR code and the picture take the plan's style (dimmed in the night palette)."""
    img = Image.new("RGB", (plan.width, plan.height), plan.style.background)
    draw = ImageDraw.Draw(img)
    for rect in plan.rects:
        draw.rectangle(rect.xy, fill=rect.fill)
    if plan.picture and picture is not None:
        x, y, w, h = plan.picture
        if picture.size != (w, h):
            picture = picture.resize((w, h), Image.Resampling.BICUBIC)
        picture = picture.convert("RGB") if picture.mode != "RGB" else picture
        if plan.style.picture_dim != 1.0:
            picture = ImageEnhance.Brightness(picture).enhance(plan.style.picture_dim)
        img.paste(picture, (x, y))
    if plan.logo:
        x, y, size = plan.logo
        logo = _logo(logo_png_b64, size)
        img.paste(logo, (x + (size - logo.width) // 2, y + (size - logo.height) // 2), logo)
    if plan.qr and url:
        x, y, size = plan.qr
        code = qr_image(url, size)
        if code is not None:
            code = ImageOps.colorize(code, black=plan.style.qr_dark, white=plan.style.qr_light)
            img.paste(code, (x + (size - code.width) // 2, y + (size - code.height) // 2))
    for box in plan.texts:
        draw_text(img, box.x, box.y, box.text, box.size, box.bold, box.fill)
    return img


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(data, zlib.crc32(tag)))


def png_bytes(img: Image.Image, level: int = PNG_LEVEL) -> bytes:
    """Lossless PNG bytes of a slide (8-bit RGB), deterministic for the same pixels.

    Written directly rather than with ``Image.save``: Pillow tries four PNG row filters on every
    row and keeps the best, which is two thirds of its 35-40 ms on a Full HD slide and buys
    nothing here: flat bands and text compress as well unfiltered (filter type 0), because deflate
    finds the repeated pixels itself (same size within a few per cent, about 140 KiB). Unfiltered
    rows plus zlib cost about 15 ms."""
    if img.mode != "RGB":
        img = img.convert("RGB")
    width, height = img.size
    raw = memoryview(img.tobytes())
    stride = width * 3
    rows = b"".join([part for start in range(0, len(raw), stride)
                     for part in (b"\0", raw[start:start + stride])])
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows, level)) + _chunk(b"IEND", b""))
