"""Which characters the printed notice can print: those the bundled Noto Serif subset has a glyph
for. fpdf2 would leave any other character out of the PDF with only a log warning, so a notice with
an emoji or a Cyrillic word would go on the board with words silently missing; the renderer refuses
such a notice instead (``PermanentRenderError``), and the service layer can refuse it when the
announcement is saved (:func:`unprintable`, :func:`unprintable_reason`)."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from channels.assets import SERIF_BOLD, SERIF_REGULAR, clean_text

_SHOWN = 8
"""How many characters a refusal names; the rest are counted."""


@lru_cache(maxsize=1)
def printable_codepoints() -> frozenset[int]:
    """Code points both printout faces (regular and bold) have a glyph for, read once per process."""
    from fontTools.ttLib import TTFont  # only the first call pays for it

    faces = [set(TTFont(path, lazy=True).getBestCmap()) for path in (SERIF_REGULAR, SERIF_BOLD)]
    return frozenset(set.intersection(*faces))


def unprintable(text: str) -> list[str]:
    """The characters of ``text`` the printout cannot print, each once, in order of appearance.

    The text is first cleaned as the printout cleans it (controls, format characters, private-use
    and unassigned code points are dropped and odd spaces normalised before anything is printed),
    so only characters that would otherwise vanish from the paper are reported."""
    have = printable_codepoints()
    seen: dict[str, None] = {}
    for ch in clean_text(text):
        if ch not in seen and not ch.isspace() and ord(ch) not in have:
            seen[ch] = None
    return list(seen)


def _named(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    # A combining or enclosing mark (the emoji variation selector U+FE0F) shows as nothing alone.
    return code if unicodedata.category(ch) in ("Mn", "Me") else f"{ch} ({code})"


def unprintable_reason(chars: list[str]) -> str:
    """The refusal in Indonesian, naming the characters: "Karakter tidak dapat dicetak: 🙂 (U+1F642)
    ..."; for the delivery's reason and the operator's error message alike."""
    shown = ", ".join(_named(ch) for ch in chars[:_SHOWN])
    more = f" dan {len(chars) - _SHOWN} karakter lain" if len(chars) > _SHOWN else ""
    return (f"Karakter tidak dapat dicetak: {shown}{more}. Huruf papan pengumuman tidak memuat "
            "karakter ini (emoji, aksara non-Latin, dan sejenisnya); hapus atau ganti dengan kata.")
