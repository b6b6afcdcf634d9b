"""The printed notice: an A4 portrait PDF with the agency's letterhead (kop surat), real selectable
text in the bundled Noto fonts (embedded as subsets), the announcement's picture when it has one, and
the signature block, which never stands alone on a page. The same notice makes the board copy and
the file copy (salinan arsip), which adds the reviewers' paraf table (see ``sign.py``)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import cast

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from channels.assets import SERIF_BOLD, SERIF_REGULAR, Picture, clean_text, logo_image
from channels.noticeboard.page import BOTTOM, LEFT, RIGHT, TOP, WIDTH
from channels.noticeboard.sign import Paraf, signature, signature_height

__all__ = ["BOTTOM", "LEFT", "PICTURE_BOX", "PICTURE_MIN_H", "TOP", "WIDTH", "Notice", "build_pdf"]
RED = (170, 20, 20)
PICTURE_BOX = (120.0, 80.0)
"""The largest the picture is printed (width, height in mm); its aspect ratio is always kept."""
PICTURE_MIN_H = 40.0
"""The picture may shrink down to this height so that the signature stays on the first page."""
CAPTION_PT, CAPTION_LINE, CAPTION_SLANT, CAPTION_LINES = 9.5, 4.6, 12.0, 3
""""Italic" caption: the bundled serif has no italic face, so the regular one is slanted (degrees);
a caption longer than three lines is shortened with an ellipsis."""
BODY_PT, BODY_LINE, PARAGRAPH_GAP = 11.5, 6.2, 2.5
"""Body text: size (pt), line height and the space after each paragraph (mm)."""
KEEP_LINES = 3
"""When the signature block does not fit after the body, this many last lines of the last paragraph
go over with it (the whole paragraph when it has at most one line more), so the signature's page
always carries text of the notice and neither page keeps a single stray line."""


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
    arsip: bool = False
    """The file copy (salinan arsip): marked as such on every page, with the paraf table."""
    paraf: tuple[Paraf, ...] = ()
    """The reviewers' paraf rows, printed on the file copy only (never on the board)."""


class NoticePDF(FPDF):
    """FPDF with the notice's page furniture: page numbers only when a notice runs over a page.

    One family (Noto Serif, regular and bold, pre-subset to Latin) only: fpdf2 parses and subsets
    every font a document loads, which is most of the time a one-page notice takes."""

    def __init__(self, arsip: bool = False) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self._adding = False
        self._arsip = arsip
        self._early: dict[int, float] = {}
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
        # An early break planned for this page (see ``break_before``), else the normal one.
        self.page_break_trigger = self._early.pop(self.page, self.h - self.b_margin)

    def break_before(self, page: int, y: float) -> None:
        """Make the automatic page break of ``page`` fall before the text line starting at ``y``
        (fpdf2 breaks before a line whose bottom would pass the trigger; the trigger is put in the
        middle of that line). Later pages break at the bottom margin again."""
        trigger = y + BODY_LINE / 2
        if page == self.page:
            self.page_break_trigger = trigger
        else:
            self._early[page] = trigger

    def end_planned_breaks(self) -> None:
        """Back to breaking at the bottom margin on this page and every later one."""
        self._early.clear()
        self.page_break_trigger = self.h - self.b_margin

    def header(self) -> None:
        """"SALINAN ARSIP" in the top margin of every page of the file copy."""
        if not self._arsip:
            return
        x, y = self.get_x(), self.get_y()
        self.set_font("Serif", "B", 8)
        self.set_text_color(60, 60, 60)
        self.set_draw_color(60, 60, 60)
        self.set_line_width(0.3)
        text = "SALINAN ARSIP"
        w = self.get_string_width(text) + 5
        self.set_xy(LEFT + WIDTH - w, 4)
        self.cell(w, 5, text, border=1, align=Align.C)
        self.set_xy(x, y)

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
        fitted_pt = _fit_pt(pdf, text, family, style, size_pt, smallest, width)
        height = fitted_pt * 0.47
        pdf.set_font(family, style, fitted_pt)
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
    pdf.set_font("Serif", "", BODY_PT)
    *paragraphs, last = n.paragraphs
    for paragraph in paragraphs:
        pdf.multi_cell(0, BODY_LINE, paragraph, align=Align.J, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(PARAGRAPH_GAP)
    _keep_with_signature(pdf, n, last)
    pdf.multi_cell(0, BODY_LINE, last, align=Align.J, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(PARAGRAPH_GAP)
    # The planned break was used (or not needed): nothing after the body may inherit it.
    pdf.end_planned_breaks()
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


def _caption_lines(pdf: NoticePDF, pic: Picture, cap_w: float) -> list[str]:
    """The caption wrapped to ``cap_w``, at most ``CAPTION_LINES`` lines (ellipsis when cut)."""
    if not pic.caption:
        return []
    pdf.set_font("Serif", "", CAPTION_PT)
    # fpdf2 types multi_cell's result as the union of every output; "LINES" alone is a list[str]
    lines = cast(list[str], pdf.multi_cell(cap_w, CAPTION_LINE, pic.caption, dry_run=True,
                                           output="LINES"))
    if len(lines) > CAPTION_LINES:
        last = lines[CAPTION_LINES - 1]
        while last and pdf.get_string_width(last + "…") > cap_w - 2:
            last = last[:-1]
        lines = [*lines[:CAPTION_LINES - 1], last.rstrip() + "…"]
    return lines


def _picture_box(pdf: NoticePDF, pic: Picture) -> tuple[float, float, float, list[str]]:
    """The picture's full size (w, h), the caption's width and its lines."""
    w, h = _fit(pic.width / pic.height, *PICTURE_BOX)
    cap_w = min(WIDTH, max(w, 100.0))
    return w, h, cap_w, _caption_lines(pdf, pic, cap_w)


def _picture(pdf: NoticePDF, n: Notice, pic: Picture) -> None:
    """The picture centred in its box, the caption slanted under it. When the full box would push
    the signature onto a next page, the picture shrinks (not below ``PICTURE_MIN_H``) so that a
    notice whose text fits one page stays one page."""
    ratio = pic.width / pic.height
    w, h, cap_w, lines = _picture_box(pdf, pic)
    after = 1.5 + len(lines) * CAPTION_LINE + 4  # caption and the space before what follows
    page_end = pdf.h - BOTTOM
    y = pdf.get_y() + 1.5
    room = page_end - y - after - _basis_height(pdf, n) - signature_height(pdf, n) - 0.5
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
    # fpdf2 types multi_cell's result as the union of every output; "HEIGHT" alone is a float
    return cast(float, pdf.multi_cell(0, 4.5, n.basis, dry_run=True, output="HEIGHT"))


def _tail_height(pdf: NoticePDF, n: Notice) -> float:
    """What follows the last paragraph, at its smallest: the picture shrunk to ``PICTURE_MIN_H``
    with its caption, the legal basis, and the signature block (with the paraf table)."""
    tail = PARAGRAPH_GAP + _basis_height(pdf, n) + signature_height(pdf, n) + 0.5
    if n.picture is not None:
        _w, h, _cap_w, lines = _picture_box(pdf, n.picture)
        tail += 1.5 + min(h, PICTURE_MIN_H) + 1.5 + len(lines) * CAPTION_LINE + 4
    pdf.set_font("Serif", "", BODY_PT)
    return tail


def _keep_with_signature(pdf: NoticePDF, n: Notice, last: str) -> None:
    """Plan the page breaks of the last paragraph so that the signature block never stands alone
    on a page: when, left to itself, the paragraph would end where the block no longer fits, the
    break before the block's page is moved up so that the paragraph's last ``KEEP_LINES`` lines
    (all of it, when short) go over with it. Nothing changes when the block fits."""
    tail = _tail_height(pdf, n)
    count = len(cast(list[str], pdf.multi_cell(0, BODY_LINE, last, dry_run=True, output="LINES")))
    page_end, y = pdf.h - BOTTOM, pdf.get_y()

    def fitting(top: float) -> int:  # lines fpdf2 puts on a page from ``top`` before it breaks
        return max(0, int((page_end - top) / BODY_LINE + 1e-6))

    first, per_page = fitting(y), fitting(TOP)

    def placed(index: int) -> tuple[int, float]:  # (pages after this one, top) of line ``index``
        if index < first:
            return 0, y + index * BODY_LINE
        pages, row = divmod(index - first, per_page)
        return pages + 1, TOP + row * BODY_LINE

    pages, top = placed(count - 1)
    if top + BODY_LINE + tail <= page_end:
        return  # the block fits after the paragraph, where the paragraph ends anyway
    keep = count if count <= KEEP_LINES + 1 else KEEP_LINES
    if TOP + keep * BODY_LINE + tail > page_end:
        return  # nothing to keep with it fits beside the block (cannot happen on A4)
    pages, top = placed(count - keep)
    if pages == 0 and top <= TOP + 1e-6:
        return  # already at the top of a page: moving it changes nothing
    pdf.break_before(pdf.page + pages, top)


def build_pdf(n: Notice) -> bytes:
    """The notice as PDF bytes (deterministic for the same notice: fixed creation date); the file
    copy when ``n.arsip``."""
    pdf = NoticePDF(arsip=n.arsip)
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
    signature(pdf, n)
    return bytes(pdf.output())
