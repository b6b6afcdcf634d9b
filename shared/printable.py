"""Which characters the printed notice can print: those both faces of the bundled Noto Serif
subset have a glyph for. fpdf2 would leave any other character out of the PDF with only a log
warning, so the service layer refuses such text for the print channel when it is saved
(:mod:`shared.limits`) and the renderer refuses it again before printing
(``channels.noticeboard.glyphs``). The font files ship with the channels' assets; this module only
reads their character maps (data, not code), so ``shared`` still imports nothing of ``channels``."""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from shared.i18n import N_

FONTS = Path(__file__).resolve().parents[1] / "channels" / "assets" / "fonts"
PRINT_FONTS = (FONTS / "NotoSerif-Regular-subset.ttf", FONTS / "NotoSerif-Bold-subset.ttf")
"""The printout's faces (regular and bold): a character must be in both."""

SHOWN = 8
"""How many characters a refusal names; the rest are counted."""

_IGNORED = {"Cc", "Cf", "Co", "Cn"}
"""Controls, format characters, private-use and unassigned code points: the printout drops them
before printing, so they never go missing from the paper."""

MESSAGE = N_("Karakter tidak dapat dicetak: {chars}. Huruf papan pengumuman tidak memuat "
             "karakter ini (emoji, aksara non-Latin, dan sejenisnya); hapus atau ganti dengan kata.")
"""The refusal (msgid), for the save, the renderer and the delivery's reason alike."""
MESSAGE_MORE = N_("Karakter tidak dapat dicetak: {chars} dan {n} karakter lain. Huruf papan pengumuman "
                  "tidak memuat karakter ini (emoji, aksara non-Latin, dan sejenisnya); hapus atau "
                  "ganti dengan kata.")
"""The same refusal when more characters are missing than it names (``n`` more)."""


@lru_cache(maxsize=1)
def printable_codepoints() -> frozenset[int]:
    """Code points both printout faces have a glyph for, read once per process."""
    from fontTools.ttLib import TTFont  # only the first call pays for it

    faces = [set(TTFont(path, lazy=True).getBestCmap()) for path in PRINT_FONTS]
    return frozenset(set.intersection(*faces))


def unprintable(text: str) -> list[str]:
    """The characters of ``text`` the printout cannot print, each once, in order of appearance."""
    have = printable_codepoints()
    seen: dict[str, None] = {}
    for ch in text or "":
        if (ch not in seen and not ch.isspace() and ord(ch) not in have
                and unicodedata.category(ch) not in _IGNORED):
            seen[ch] = None
    return list(seen)


def _named(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    # A combining or enclosing mark (the emoji variation selector U+FE0F) shows as nothing alone.
    return code if unicodedata.category(ch) in ("Mn", "Me") else f"{ch} ({code})"


def reason(chars: list[str]) -> tuple[str, dict]:
    """The refusal naming ``chars``: its msgid (:data:`MESSAGE` or :data:`MESSAGE_MORE`) and
    parameters."""
    shown = ", ".join(_named(ch) for ch in chars[:SHOWN])
    if len(chars) > SHOWN:
        return MESSAGE_MORE, {"chars": shown, "n": len(chars) - SHOWN}
    return MESSAGE, {"chars": shown}
