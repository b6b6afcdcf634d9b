"""Bundled assets the renderers share: the open-licence fonts (Noto Sans / Noto Serif, SIL OFL 1.1,
see ``fonts/OFL.txt``), the neutral emblem, the text cleaning both renderers apply to
announcement text before measuring it, and the checks every channel makes on an announcement's
picture before it shows it.

System fonts are never used, and Pillow's layout engine is fixed to BASIC, so a slide measures and
looks the same on every machine whether or not libraqm is installed.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import structlog
from PIL import Image, ImageFont

from shared.messages import ImageSnapshot

ASSETS = Path(__file__).resolve().parent
FONTS = ASSETS / "fonts"
SANS_REGULAR = FONTS / "NotoSans-Regular.ttf"
SANS_BOLD = FONTS / "NotoSans-Bold.ttf"
# The printed notice embeds pre-subset copies of Noto Serif (Latin ranges an Indonesian notice
# needs; made by ``make_subset.py`` from the full fonts next to them): fpdf2 parses the whole font
# for every document, and the full one costs about 40 ms a PDF.
SERIF_REGULAR = FONTS / "NotoSerif-Regular-subset.ttf"
SERIF_BOLD = FONTS / "NotoSerif-Bold-subset.ttf"
FONT_LICENCE = FONTS / "OFL.txt"
EMBLEM = ASSETS / "emblem.png"


@lru_cache(maxsize=512)
def _font_bytes(path: Path) -> bytes:
    return path.read_bytes()


@lru_cache(maxsize=512)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The bundled sans font at ``size`` pixels, with the BASIC layout engine (cached: binary searches
    over sizes ask for the same sizes again and again)."""
    path = SANS_BOLD if bold else SANS_REGULAR
    return ImageFont.truetype(io.BytesIO(_font_bytes(path)), size=max(1, int(size)),
                              layout_engine=ImageFont.Layout.BASIC)


def emblem() -> Image.Image:
    """The bundled neutral emblem (RGBA)."""
    return _emblem().copy()


@lru_cache(maxsize=1)
def _emblem() -> Image.Image:
    with Image.open(EMBLEM) as img:
        return img.convert("RGBA")


def logo_image(logo_png_b64: str) -> tuple[Image.Image, bool]:
    """The agency logo decoded from base64 PNG, or the bundled emblem when it is empty or unreadable.

    Returns ``(image, is_own_logo)``; an unreadable logo never fails a render (the emblem stands in
    and the renderer's ``health()`` reports it)."""
    if logo_png_b64:
        try:
            data = base64.b64decode(logo_png_b64, validate=True)
            with Image.open(io.BytesIO(data)) as img:
                if img.width * img.height > 16_000_000:  # a decompression bomb is not a logo
                    raise ValueError("logo too large")
                return img.convert("RGBA"), True
        except (binascii.Error, ValueError, OSError, Image.DecompressionBombError):
            pass
    return emblem(), False


_SPACES = re.compile(r"[^\S\n]+")
_NEWLINES = re.compile(r"\n{3,}")


def clean_text(text: str, multiline: bool = True) -> str:
    """Text safe to measure and draw: control and format characters removed (tabs become spaces,
    CR/LF and Unicode line separators become newlines), lone surrogates and private-use code points
    dropped, runs of spaces collapsed, at most one blank line in a row. With ``multiline=False``
    every newline becomes a space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n\n")
    out = []
    for ch in text:
        if ch == "\n":
            out.append("\n" if multiline else " ")
            continue
        if ch == "\t":
            out.append(" ")
            continue
        cat = unicodedata.category(ch)
        # Cc/Cf are invisible controls (bidi overrides, zero-width joiners); Cs/Co/Cn have no glyph
        # anyone agreed on. Zs (odd spaces) are normalised to a plain space.
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        out.append(" " if cat == "Zs" else ch)
    lines = [_SPACES.sub(" ", line).strip() for line in "".join(out).split("\n")]
    return _NEWLINES.sub("\n\n", "\n".join(lines)).strip()


# -- the announcement's picture ------------------------------------------------------------------

PICTURE_MAX_SIDE = 1920
"""The longest side ``shared.images`` lets through; a larger picture was not normalised."""
_PICTURE_MODES = ("RGB", "L")

_log = structlog.get_logger("channels.picture")


@dataclass(frozen=True)
class Picture:
    """An announcement picture whose bytes match their sha256 and whose JPEG header is sound."""

    data: bytes
    sha256: str
    width: int
    height: int
    caption: str
    """The caption cleaned to one line; empty when the operator gave none."""


def _refuse(image: ImageSnapshot, channel: str, reason: str) -> None:
    # Logged, never raised: a broken picture must not cost the announcement its delivery.
    _log.warning("picture_left_out", channel=channel, sha256=image.sha256, reason=reason)


def load_picture(image: ImageSnapshot | None, channel: str, decode: bool = True) -> Picture | None:
    """The announcement's picture, checked, or None (no picture, or one that cannot be shown; the
    reason is logged as a warning and the channel renders everything else).

    Checked: the bytes match their sha256, they are a JPEG in RGB or greyscale no larger than the
    normalised ceiling, and (with ``decode``) the whole image decodes. The videotron passes
    ``decode=False`` because it decodes the picture anyway, at the size it draws it."""
    if image is None:
        return None
    try:
        data = image.data()
    except (ValueError, binascii.Error):
        _refuse(image, channel, "Data gambar tidak cocok dengan sidik SHA-256-nya")
        return None
    try:
        with Image.open(io.BytesIO(data)) as img:
            size, fmt, mode = img.size, img.format, img.mode
            if fmt != "JPEG" or mode not in _PICTURE_MODES or max(size) > PICTURE_MAX_SIDE:
                _refuse(image, channel, f"Gambar bukan JPEG RGB yang dinormalkan ({fmt} {mode} "
                                        f"{size[0]}×{size[1]})")
                return None
            if decode:
                img.draft(mode, (max(1, size[0] // 8), max(1, size[1] // 8)))  # all of it, cheaply
                img.load()
    except Exception:  # noqa: BLE001 - hostile bytes may break a decoder in any way it likes
        _refuse(image, channel, "Gambar tidak dapat dibaca (berkas rusak atau terpotong)")
        return None
    return Picture(data=data, sha256=image.sha256, width=size[0], height=size[1],
                   caption=clean_text(image.caption, multiline=False))


def picture_pixels(picture: Picture, size: tuple[int, int], channel: str) -> Image.Image | None:
    """The picture decoded and scaled to exactly ``size`` (RGB), or None with a warning when it does
    not decode. The JPEG decoder scales down by 1/2, 1/4 or 1/8 while decoding (draft mode), which
    is most of the saving on a Full HD slide; the rest is a bicubic resize."""
    width, height = max(1, size[0]), max(1, size[1])
    try:
        img = Image.open(io.BytesIO(picture.data))  # in-memory: nothing to close
        img.draft("RGB", (width, height))
        img.load()
        rgb = img.convert("RGB") if img.mode != "RGB" else img
    except Exception:  # noqa: BLE001 - see load_picture
        _log.warning("picture_left_out", channel=channel, sha256=picture.sha256,
                     reason="Gambar tidak dapat dibaca (berkas rusak atau terpotong)")
        return None
    if rgb.size != (width, height):
        rgb = rgb.resize((width, height), Image.Resampling.BICUBIC)
    return rgb
