"""Which characters the printed notice can print: those the bundled Noto Serif subset has a glyph
for. fpdf2 would leave any other character out of the PDF with only a log warning, so a notice with
an emoji or a Cyrillic word would go on the board with words silently missing; the renderer refuses
such a notice instead (``PermanentRenderError``), and the service layer can refuse it when the
announcement is saved (:func:`unprintable`, :func:`unprintable_reason`)."""

from __future__ import annotations

from channels.assets import clean_text
from shared import printable
from shared.i18n import _

printable_codepoints = printable.printable_codepoints


def unprintable(text: str) -> list[str]:
    """The characters of ``text`` the printout cannot print, each once, in order of appearance.

    The text is first cleaned as the printout cleans it (controls, format characters, private-use
    and unassigned code points are dropped and odd spaces normalised before anything is printed),
    so only characters that would otherwise vanish from the paper are reported."""
    return printable.unprintable(clean_text(text))


def unprintable_reason(chars: list[str]) -> str:
    """The refusal in Indonesian, naming the characters: "Karakter tidak dapat dicetak: 🙂 (U+1F642)
    ..."; for the delivery's reason and the operator's error message alike."""
    msgid, params = printable.reason(chars)
    return _(msgid, **params)
