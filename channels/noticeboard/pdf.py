"""The printed notice: an A4 portrait PDF with the agency's letterhead (kop surat), real selectable
text in the bundled Noto fonts (embedded as subsets), the announcement's picture when it has one, and
the Kepala Dinas's signature block."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import segno
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from channels.assets import SERIF_BOLD, SERIF_REGULAR, Picture, clean_text, logo_image

LEFT, RIGHT, TOP, BOTTOM = 25.0, 20.0, 12.0, 20.0
WIDTH = 210.0 - LEFT - RIGHT
RED = (170, 20, 20)
PICTURE_BOX = (120.0, 80.0)
"""The largest the picture is printed (width, height in mm); its aspect ratio is always kept."""
PICTURE_MIN_H = 40.0
"""The picture may shrink down to this height so that the signature stays on the first page."""
CAPTION_PT, CAPTION_LINE, CAPTION_SLANT, CAPTION_LINES = 9.5, 4.6, 12.0, 3
""""Italic" caption: the bundled serif has no italic face, so the regular one is slanted (degrees);
a caption longer than three lines is shortened with an ellipsis."""


@dataclass(frozen=True)
class Notice:
    """What one printout says, already cleaned and worded (see ``render.notice_for``)."""

    instansi: str
    unit: str
    address: str
    contact: str
    logo_png_b64: str
    heading: str
    number_line: str
    title: str
    paragraphs: list[str]
    basis: str
    place_date: str
    signatory_title: list[str]
    signatory_name: str
    signatory_nip: str
    internal: bool
    url: str | None
    created: datetime
    picture: Picture | None = None
    """The announcement's checked picture, printed after the body; None: no picture."""
    picture_alt: str = ""
    """The picture's alternative text in the PDF (its caption, else the title)."""


class NoticePDF(FPDF):
    """FPDF with the notice's page furniture: page numbers only when a notice runs over a page.

    One family (Noto Serif, regular and bold, pre-subset to Latin) only: fpdf2 parses and subsets
    every font a document loads, which is most of the time a one-page notice takes."""

    def __init__(self) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._adding = False
        self.add_font("Serif", "", SERIF_REGULAR)
        self.add_font("Serif", "B", SERIF_BOLD)
        for loaded in self.fonts.values():
            # fontTools would otherwise unpack and re-encode every embedded glyph at output only to
            # recompute bounding boxes the bundled font already stores (about 12 ms a document);
            # the glyph data is then copied as it is. The PDF FontBBox comes from the head table.
            ttfont = getattr(loaded, "ttfont", None)
            if ttfont is not None:
                ttfont.recalcBBoxes = False
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(True, margin=BOTTOM)

    def add_page(self, *args, **kwargs) -> None:
        """Start a page (remembering that the footer now runs because a page follows)."""
        self._adding = True
        try:
            super().add_page(*args, **kwargs)
        finally:
            self._adding = False

    def footer(self) -> None:
        """"Halaman X dari Y" on notices longer than one page. The footer of page 1 runs while page 2
        is being added, and the last footer at close, when the page count is known."""
        if not (self._adding or self.page_no() > 1):
            return
        self.set_y(-13)
        self.set_font("Serif", "", 8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 5, f"Halaman {self.page_no()} dari {{nb}}", align=Align.C)


def _fit_pt(pdf: NoticePDF, text: str, family: str, style: str, start: float, smallest: float,
            width: float) -> float:
    """The largest size from ``start`` down to ``smallest`` (half-point steps) at which ``text``
    fits on one line of ``width`` mm; ``smallest`` when none does (the text then wraps)."""
    size = start
    while size > smallest:
        pdf.set_font(family, style, size)
        if pdf.get_string_width(text) <= width - 1:
            return size
        size -= 0.5
    return smallest


@lru_cache(maxsize=8)
def _logo_png(logo_png_b64: str) -> tuple[bytes, float]:
    """The letterhead logo as clean PNG bytes and its width/height ratio, decoded once per logo
    (a worker prints many notices of the same agency)."""
    logo, _ = logo_image(logo_png_b64)
    buf = io.BytesIO()
    logo.save(buf, format="PNG")
    return buf.getvalue(), logo.width / logo.height


def _kop(pdf: NoticePDF, n: Notice) -> None:
    png, ratio = _logo_png(n.logo_png_b64)
    size = 24.0
    w, h = (size, size / ratio) if ratio >= 1 else (size * ratio, size)
    pdf.image(io.BytesIO(png), x=LEFT + (size - w) / 2, y=TOP + (size - h) / 2, w=w, h=h)
    x = LEFT + size + 3
    width = WIDTH - (size + 3) * 2  # centred between the logo and an equal right margin
    pdf.set_xy(x, TOP)
    pdf.set_text_color(0, 0, 0)
    for text, family, style, size_pt, smallest in (
            (n.instansi, "Serif", "B", 13, 10), (n.unit, "Serif", "B", 15, 11),
            (n.address, "Serif", "", 9, 7.5), (n.contact, "Serif", "", 9, 7.5)):
        if not text:
            continue
        size_pt = _fit_pt(pdf, text, family, style, size_pt, smallest, width)
        height = size_pt * 0.47
        pdf.set_font(family, style, size_pt)
        pdf.set_x(x)
        pdf.multi_cell(width, height, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    y = max(pdf.get_y(), TOP + size) + 2
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.9)
    pdf.line(LEFT, y, LEFT + WIDTH, y)
    pdf.set_line_width(0.3)
    pdf.line(LEFT, y + 1.3, LEFT + WIDTH, y + 1.3)
    pdf.set_y(y + 4)


def _internal_mark(pdf: NoticePDF) -> None:
    pdf.set_font("Serif", "B", 9)
    pdf.set_text_color(*RED)
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.4)
    text = "UNTUK KALANGAN INTERNAL"
    w = pdf.get_string_width(text) + 6
    pdf.set_x(LEFT + WIDTH - w)
    pdf.cell(w, 6, text, border=1, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    pdf.ln(1)


def _heading(pdf: NoticePDF, n: Notice) -> None:
    pdf.ln(2)
    pdf.set_font("Serif", "B", 14)
    pdf.multi_cell(0, 7, n.heading, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    w = min(pdf.get_string_width(n.heading), WIDTH)
    y = pdf.get_y() - 0.8
    pdf.set_line_width(0.3)
    pdf.line(LEFT + (WIDTH - w) / 2, y, LEFT + (WIDTH + w) / 2, y)
    pdf.set_font("Serif", "", 11)
    pdf.multi_cell(0, 6, n.number_line, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    pdf.set_font("Serif", "", 11)
    pdf.multi_cell(0, 6, "TENTANG", align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Serif", "B", 12)
    pdf.multi_cell(0, 6.5, n.title, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(5)


def _body(pdf: NoticePDF, n: Notice) -> None:
    pdf.set_font("Serif", "", 11.5)
    for paragraph in n.paragraphs:
        pdf.multi_cell(0, 6.2, paragraph, align=Align.J, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2.5)
    if n.picture is not None:
        _picture(pdf, n, n.picture)
    if n.basis:
        pdf.set_font("Serif", "", 8.5)
        pdf.set_text_color(70, 70, 70)
        pdf.multi_cell(0, 4.5, n.basis, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_text_color(0, 0, 0)


def _fit(ratio: float, width: float, height: float) -> tuple[float, float]:
    """The largest (w, h) with ``w / h == ratio`` inside ``width`` × ``height``."""
    return (width, width / ratio) if width / ratio <= height else (height * ratio, height)


def _picture(pdf: NoticePDF, n: Notice, pic: Picture) -> None:
    """The picture centred in its box, the caption slanted under it. When the full box would push
    the signature onto a second page, the picture shrinks (not below ``PICTURE_MIN_H``) so that a
    notice whose text fits one page stays one page."""
    ratio = pic.width / pic.height
    w, h = _fit(ratio, *PICTURE_BOX)
    cap_w = min(WIDTH, max(w, 100.0))
    lines: list[str] = []
    if pic.caption:
        pdf.set_font("Serif", "", CAPTION_PT)
        lines = pdf.multi_cell(cap_w, CAPTION_LINE, pic.caption, dry_run=True, output="LINES")
        if len(lines) > CAPTION_LINES:
            last = lines[CAPTION_LINES - 1]
            while last and pdf.get_string_width(last + "…") > cap_w - 2:
                last = last[:-1]
            lines = [*lines[:CAPTION_LINES - 1], last.rstrip() + "…"]
    cap_h = len(lines) * CAPTION_LINE
    after = 1.5 + cap_h + 4  # caption and the space before what follows
    page_end = pdf.h - BOTTOM
    y = pdf.get_y() + 1.5
    room = page_end - y - after - _basis_height(pdf, n) - 6 - _signature_height(n) - 0.5
    if h > room >= PICTURE_MIN_H:
        w, h = _fit(ratio, PICTURE_BOX[0], room)
    elif y + h + after > page_end:
        pdf.add_page()
        y = pdf.get_y()
    pdf.image(io.BytesIO(pic.data), x=LEFT + (WIDTH - w) / 2, y=y, w=w, h=h, alt_text=n.picture_alt)
    pdf.set_y(y + h + 1.5)
    pdf.set_font("Serif", "", CAPTION_PT)
    pdf.set_text_color(60, 60, 60)
    x = LEFT + (WIDTH - cap_w) / 2
    # The block was measured to fit this page: no page break can split a slanted line's transform.
    for line in lines:
        top = pdf.get_y()
        with pdf.skew(ax=CAPTION_SLANT, x=x + cap_w / 2, y=top + CAPTION_LINE * 0.75):
            pdf.set_x(x)
            pdf.cell(cap_w, CAPTION_LINE, line, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(4)


def _basis_height(pdf: NoticePDF, n: Notice) -> float:
    if not n.basis:
        return 0.0
    pdf.set_font("Serif", "", 8.5)
    return pdf.multi_cell(0, 4.5, n.basis, dry_run=True, output="HEIGHT")


def _signature_height(n: Notice) -> float:
    """The signature block's height: place and date, title lines, room to sign, name and NIP."""
    return 6 * (2 + len(n.signatory_title)) + 24 + 12


def _qr_png(url: str) -> io.BytesIO | None:
    try:
        qr = segno.make(url, error="m", micro=False)
    except (segno.DataOverflowError, ValueError):
        return None
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=8, border=2)
    buf.seek(0)
    return buf


def _signature(pdf: NoticePDF, n: Notice) -> None:
    if pdf.get_y() + 6 + _signature_height(n) > pdf.h - BOTTOM:
        pdf.add_page()
    pdf.ln(6)
    top = pdf.get_y()
    x, width = LEFT + WIDTH * 0.42, WIDTH * 0.58
    pdf.set_font("Serif", "", 11.5)
    for line in [n.place_date, *n.signatory_title]:
        pdf.set_x(x)
        pdf.multi_cell(width, 6, line, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(22)  # room for the wet signature and the stamp
    pdf.set_font("Serif", "B", 11.5)
    pdf.set_x(x)
    pdf.multi_cell(width, 6, n.signatory_name, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    name_w = min(pdf.get_string_width(n.signatory_name), width)
    pdf.set_line_width(0.3)
    pdf.line(x + (width - name_w) / 2, pdf.get_y() - 0.6, x + (width + name_w) / 2, pdf.get_y() - 0.6)
    pdf.set_font("Serif", "", 11.5)
    pdf.set_x(x)
    pdf.multi_cell(width, 6, f"NIP. {n.signatory_nip}", align=Align.C, new_x=XPos.LMARGIN,
                   new_y=YPos.NEXT)
    bottom = pdf.get_y()
    qr = _qr_png(n.url) if n.url else None
    if qr is not None:
        size = 28.0
        pdf.image(qr, x=LEFT, y=top + 2, w=size, h=size)
        pdf.set_xy(LEFT, top + 2 + size + 1)
        pdf.set_font("Serif", "", 8)
        pdf.multi_cell(size + 22, 4, "Pindai untuk membaca versi daring pengumuman ini",
                       align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        bottom = max(bottom, pdf.get_y())
    pdf.set_y(bottom)


def build_pdf(n: Notice) -> bytes:
    """The notice as PDF bytes (deterministic for the same notice: fixed creation date)."""
    pdf = NoticePDF()
    pdf.set_title(clean_text(f"{n.heading} {n.number_line}", multiline=False))
    pdf.set_author(n.unit)
    pdf.set_creator("Warta")
    pdf.set_lang("id")
    pdf.set_creation_date(n.created)
    pdf.add_page()
    _kop(pdf, n)
    if n.internal:
        _internal_mark(pdf)
    _heading(pdf, n)
    _body(pdf, n)
    _signature(pdf, n)
    return bytes(pdf.output())
