"""An official-looking A4 document with fpdf2: kop surat (letterhead), title, bordered tables,
place/date and a signature block, page numbers. Every record document (DIP, exempt register,
monthly report, control card, receipt) is built on :class:`OfficialPdf`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import Iterable, Sequence

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from shared.config import AgencyProfile
from shared.timefmt import date_id, utcnow

# The bundled open-licence fonts (Noto, with every Indonesian glyph) and emblem ship in the
# channels' asset folder; located by path so shared/ does not import the channels package.
ASSETS = Path(__file__).resolve().parents[2] / "channels" / "assets"
FONT_DIR = ASSETS / "fonts"
EMBLEM = ASSETS / "emblem.png"

HEAD_FILL = (225, 230, 240)
"""Background of table headings: a light grey-blue that prints well in black and white."""


@dataclass(frozen=True)
class Signer:
    """Who signs a document: the role line, the name and the NIP."""

    title: str
    name: str
    nip: str = ""


SMALL_WORDS = {"dan", "di", "ke", "dari", "yang", "untuk", "atau", "serta", "pada"}


def title_id(text: str) -> str:
    """Title case as Indonesian official names write it ('Dinas Komunikasi dan Informatika')."""
    words = text.split()
    return " ".join(w.lower() if i and w.lower() in SMALL_WORDS else w.capitalize()
                    for i, w in enumerate(words))


def _core_safe(text: str) -> str:
    # Helvetica (the fallback) only knows Latin-1; replace the few typographic characters used.
    table = {"\u2014": "-", "\u2013": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
             "\u201d": '"', "\u2026": "...", "\u2713": "v", "\u2717": "x", "\u2264": "<=",
             "\u2265": ">="}
    text = "".join(table.get(c, c) for c in text)
    return text.encode("latin-1", "replace").decode("latin-1")


class OfficialPdf(FPDF):
    """A4 portrait (or landscape) document with the agency's letterhead on the first page."""

    def __init__(self, profile: AgencyProfile, tz: str, *, landscape: bool = False,
                 doc_label: str = "") -> None:
        super().__init__(orientation="L" if landscape else "P", unit="mm", format="A4")
        self.profile, self.tz, self.doc_label = profile, tz, doc_label
        self.set_margins(18, 15, 18)
        self.set_auto_page_break(True, margin=18)
        self.family = self._load_fonts()
        self.set_title(doc_label or profile.unit)
        self.set_author(profile.unit)
        self.set_creator("Warta")
        self.add_page()

    # -- fonts ----------------------------------------------------------------------------------

    def _load_fonts(self) -> str:
        regular, bold = FONT_DIR / "NotoSans-Regular.ttf", FONT_DIR / "NotoSans-Bold.ttf"
        if regular.exists() and bold.exists():
            self.add_font("Noto", "", str(regular))
            self.add_font("Noto", "B", str(bold))
            return "Noto"
        return "Helvetica"

    def t(self, text: object) -> str:
        """Text made printable with the font in use."""
        text = "" if text is None else str(text)
        return text if self.family == "Noto" else _core_safe(text)

    def font(self, size: float, bold: bool = False) -> None:
        """Set the document font."""
        self.set_font(self.family, "B" if bold else "", size)

    # -- page furniture -------------------------------------------------------------------------

    def footer(self) -> None:
        """Document label and 'Halaman x dari y' at the foot of every page."""
        self.set_y(-12)
        self.font(7.5)
        self.set_text_color(90, 90, 90)
        self.cell(0, 4, self.t(self.doc_label), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 4, f"Halaman {self.page_no()} dari {{nb}}", align="R")
        self.set_text_color(0, 0, 0)

    def letterhead(self) -> None:
        """Kop surat: emblem, instansi, unit, address and contacts, closed by a double rule."""
        p = self.profile
        top = self.get_y()
        logo = p.logo_path if p.logo_path and p.logo_path.exists() else EMBLEM
        if logo.exists():
            self.image(str(logo), x=self.l_margin, y=top, h=22)
        width = self.w - self.l_margin - self.r_margin
        self.set_xy(self.l_margin, top)
        self.font(12.5, True)
        self.cell(width, 6, self.t(p.instansi.upper()), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.font(15, True)
        self.cell(width, 7, self.t(p.unit.upper()), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.font(8.5)
        self.cell(width, 4.5, self.t(p.address), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        contacts = "  ".join(x for x in (f"Telp. {p.phone}" if p.phone else "",
                                         f"Surel: {p.email}" if p.email else "",
                                         f"Laman: {p.website}" if p.website else "") if x)
        if contacts:
            self.cell(width, 4.5, self.t(contacts), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = max(self.get_y(), top + 23) + 1.5
        self.set_line_width(0.9)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_line_width(0.25)
        self.line(self.l_margin, y + 1.2, self.w - self.r_margin, y + 1.2)
        self.set_line_width(0.2)
        self.set_y(y + 5)

    def title_block(self, title: str, *subtitles: str) -> None:
        """The document title (bold, centred, upper case) and its subtitle lines."""
        self.font(12, True)
        self.multi_cell(0, 6, self.t(title.upper()), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.font(9.5)
        for line in subtitles:
            if line:
                self.multi_cell(0, 5, self.t(line), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)

    def heading(self, text: str) -> None:
        """A section heading inside the document."""
        if self.get_y() > self.h - 40:
            self.add_page()
        self.ln(1.5)
        self.font(10, True)
        self.cell(0, 6, self.t(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def paragraph(self, text: str, size: float = 9.5) -> None:
        """A justified paragraph."""
        self.font(size)
        self.multi_cell(0, 5, self.t(text), align="J", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def fields(self, rows: Iterable[tuple[str, object]], label_width: float = 48,
               size: float = 9.5) -> None:
        """'Label : value' lines, as official letters list their particulars."""
        self.font(size)
        for label, value in rows:
            self.font(size)
            self.cell(label_width, 5.5, self.t(label))
            self.cell(4, 5.5, ":")
            self.multi_cell(0, 5.5, self.t(value if value not in (None, "") else "-"),
                            new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(self, headings: Sequence[str], rows: Iterable[Sequence[object]],
             widths: Sequence[float], *, size: float = 8.5, align: Sequence[str] | None = None,
             links: Sequence[Sequence[str | None]] | None = None) -> None:
        """A bordered table with a shaded heading row repeated on each page. ``links`` (same shape
        as ``rows``) turns cells into hyperlinks."""
        self.font(size)
        style = FontFace(emphasis="BOLD", fill_color=HEAD_FILL)
        with self.table(col_widths=tuple(widths), headings_style=style, line_height=size * 0.5,
                        text_align="LEFT", v_align="TOP", padding=1.2,
                        repeat_headings=1) as table:
            head = table.row()
            for h in headings:
                head.cell(self.t(h), align="C")
            for i, values in enumerate(rows):
                row = table.row()
                for j, value in enumerate(values):
                    link = links[i][j] if links and links[i] and j < len(links[i]) else None
                    row.cell(self.t(value), align=(align[j] if align else "L"), link=link or None)
        self.ln(2)

    def place_date(self, when: datetime | None = None) -> str:
        """'Pontianak, 21 November 2026' for the signature block."""
        return f"{self.profile.city}, {date_id(when or utcnow(), self.tz, weekday=False)}"

    def signatures(self, signers: Sequence[Signer], when: datetime | None = None,
                   place_date_on: int | None = None) -> None:
        """Signature columns (right-aligned for one signer); the place and date sit above the
        column ``place_date_on`` (default: the last)."""
        if self.get_y() + 46 > self.h - self.b_margin:
            self.add_page()
        self.ln(4)
        width = self.w - self.l_margin - self.r_margin
        col = 80 if len(signers) == 1 else width / len(signers)
        x0 = self.w - self.r_margin - col if len(signers) == 1 else self.l_margin
        top = self.get_y()
        pdi = len(signers) - 1 if place_date_on is None else place_date_on
        for i, signer in enumerate(signers):
            x = x0 + i * col
            self.set_xy(x, top)
            self.font(9.5)
            self.cell(col, 5, self.t(self.place_date(when) if i == pdi else ""), align="C",
                      new_x=XPos.LEFT, new_y=YPos.NEXT)
            self.multi_cell(col, 5, self.t(signer.title), align="C", new_x=XPos.LEFT,
                            new_y=YPos.NEXT)
            self.set_xy(x, top + 30)
            self.font(9.5, True)
            self.cell(col, 5, self.t(signer.name), align="C", new_x=XPos.LEFT, new_y=YPos.NEXT)
            name_w = min(self.get_string_width(self.t(signer.name)) + 2, col - 4)
            self.line(x + (col - name_w) / 2, self.get_y() - 0.6, x + (col + name_w) / 2,
                      self.get_y() - 0.6)
            self.font(9)
            if signer.nip:
                self.cell(col, 5, self.t(f"NIP. {signer.nip}"), align="C")
        self.set_xy(self.l_margin, top + 42)

    def png(self, data: bytes, width: float) -> None:
        """Embed a PNG (a chart), centred."""
        if self.get_y() + width * 0.5 > self.h - 20:
            self.add_page()
        x = (self.w - width) / 2
        self.image(BytesIO(data), x=x, w=width)
        self.ln(2)

    def to_file(self, path: Path) -> Path:
        """Write the PDF atomically (a temporary file renamed into place)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        self.output(str(tmp))
        tmp.replace(path)
        return path
