"""Bundled assets the renderers share: the open-licence fonts (Noto Sans / Noto Serif, SIL OFL 1.1,
see ``fonts/OFL.txt``), the neutral emblem, and the text cleaning both renderers apply to
announcement text before measuring it.

System fonts are never used, and Pillow's layout engine is fixed to BASIC, so a slide measures and
looks the same on every machine whether or not libraqm is installed.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageFont

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
