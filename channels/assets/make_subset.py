"""Makes the pre-subset Noto Serif fonts the printed notice embeds (``NotoSerif-*-subset.ttf``) from
the full bundled fonts, with fontTools.

Run once with ``python -m channels.assets.make_subset``; the two small fonts are committed next to
their sources (like ``emblem.png``) so nothing is generated at run time. Why: fpdf2 parses the whole
font file for every document and subsets it again at output. The full Noto Serif (3,000+ glyphs for
Latin, Greek, Cyrillic and Vietnamese) costs about 40 ms a document to parse; the ~500 glyphs an
Indonesian notice can need cost a fraction of that, and the embedded subset in the PDF is the same.

Kept: the ranges in ``RANGES`` (everything Indonesian text, names, addresses, amounts and the usual
typographic marks use), the outlines with their hinting, and every name record (copyright and the
OFL licence text/URL stay inside the font). Dropped: OpenType layout tables (GSUB/GPOS/GDEF) —
fpdf2 drops them from the embedded font anyway, and text shaping is off. A character outside the
subset is not printed (fpdf2 logs a warning), exactly as characters missing from the full font were.

Licence: SIL OFL 1.1 allows modified versions; Noto declares no Reserved Font Name, so the subset may
keep its name. See ``fonts/OFL.txt``.
"""

from __future__ import annotations

from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent / "fonts"
SOURCES = {"NotoSerif-Regular.ttf": "NotoSerif-Regular-subset.ttf",
           "NotoSerif-Bold.ttf": "NotoSerif-Bold-subset.ttf"}

RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0020, 0x007E, "Basic Latin"),
    (0x00A0, 0x00FF, "Latin-1 Supplement (é, °, ², ×, ±, «», ©)"),
    (0x0100, 0x017F, "Latin Extended-A (names and places with diacritics)"),
    (0x0218, 0x021B, "Latin Extended-B: S and T with comma below"),
    (0x0259, 0x0259, "Schwa (ə), used in some regional-language spellings"),
    (0x02B9, 0x02DD, "Spacing modifier letters (ʼ, ˆ, ˇ, ˚, ˜)"),
    (0x0300, 0x0328, "Common combining accents (text typed in decomposed form)"),
    (0x2000, 0x206F, "General Punctuation (– — ‘ ’ “ ” • … ‰)"),
    (0x2070, 0x209F, "Superscripts and subscripts (m³ written with ³ is Latin-1; ⁴ ₂ here)"),
    (0x20A0, 0x20CF, "Currency symbols (€, ₹; Rp is letters)"),
    (0x2100, 0x2122, "Letterlike symbols (℃, №, ™)"),
    (0x2150, 0x218F, "Number forms (⅓, Roman numerals)"),
    (0x2190, 0x21FF, "Arrows (kept should the font gain them; this Noto Serif has none)"),
    (0x2200, 0x22FF, "Mathematical operators (likewise; ± × ÷ are Latin-1)"),
    (0x25A0, 0x25FF, "Geometric shapes used as bullets (■, ●, ◦)"),
    (0xFB00, 0xFB06, "Latin ligatures pasted from word processors (ﬁ, ﬂ)"),
)


def unicodes() -> set[int]:
    """Every code point the subset keeps (those the source font has a glyph for are kept)."""
    return {cp for lo, hi, _ in RANGES for cp in range(lo, hi + 1)}


def options() -> subset.Options:
    """fontTools options: hinting and all name records kept, layout tables dropped."""
    opts = subset.Options()
    opts.notdef_outline = True
    opts.recommended_glyphs = True
    opts.hinting = True
    opts.layout_features = []
    opts.drop_tables += ["GSUB", "GPOS", "GDEF"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.name_legacy = True
    opts.glyph_names = False
    return opts


def make_subset(source: Path, target: Path) -> int:
    """Write the subset of ``source`` to ``target``; returns its glyph count. Deterministic: the
    head timestamps are kept from the source, so re-running gives the same bytes."""
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options())
    subsetter.populate(unicodes=unicodes())
    subsetter.subset(font)
    font.save(target)
    return len(font.getGlyphOrder())


def main() -> None:
    """Regenerate both subset fonts next to their sources."""
    for source, target in SOURCES.items():
        count = make_subset(FONTS / source, FONTS / target)
        print(f"{target}: {count} glyphs, {(FONTS / target).stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
