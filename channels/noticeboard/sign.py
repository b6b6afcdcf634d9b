"""The signature block of the printed notice (place and date, the signatory's title lines with
a.n./Plt./Plh. as the profile says, room to sign, name and NIP, the QR code beside it) and, on the
file copy only, the paraf hierarki: who reviewed the notice in the chain and when."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import segno
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from channels.noticeboard.page import BOTTOM, LEFT, WIDTH

if TYPE_CHECKING:
    from channels.noticeboard.pdf import Notice

LEAD = 6.0
"""Space between what precedes the block and its first line (mm)."""
SIGN_ROOM = 22.0
"""Room for the wet signature and the stamp between the title and the name (mm)."""
QR_SIZE = 28.0
PARAF_COLUMNS = (("No.", 10.0), ("Jabatan", 32.0), ("Nama dan NIP", 64.0), ("Disetujui", 39.0),
                 ("Paraf", 20.0))
"""The paraf table's columns and widths (mm), filling the text column."""
PARAF_PT, PARAF_LINE = 8.5, 4.2


@dataclass(frozen=True)
class Paraf:
    """One reviewer's row in the file copy's paraf table, already worded."""

    role: str
    """"Kabid/Kasubag", "Sekretaris"."""
    name: str
    nip: str
    when: str
    """When they approved, with the zone: "21/11/2026 09.00 WIB"."""


def _column() -> tuple[float, float]:
    """x and width of the signature column (the right 58 % of the text column)."""
    return LEFT + WIDTH * 0.42, WIDTH * 0.58


def _lines_height(pdf: FPDF, width: float, line: float, text: str) -> float:
    # fpdf2 types multi_cell's result as the union of every output; "HEIGHT" alone is a float
    return cast(float, pdf.multi_cell(width, line, text, dry_run=True, output="HEIGHT"))


def _paraf_cells(row: int, p: Paraf) -> list[str]:
    return [f"{row}.", p.role, f"{p.name}\nNIP. {p.nip}" if p.nip else p.name, p.when, ""]


def _paraf_row_height(pdf: FPDF, cells: list[str]) -> float:
    return max(_lines_height(pdf, w - 2, PARAF_LINE, text or " ")
               for text, (_, w) in zip(cells, PARAF_COLUMNS, strict=True)) + 1.6


def _paraf_height(pdf: FPDF, n: Notice) -> float:
    if not (n.arsip and n.paraf):
        return 0.0
    pdf.set_font("Serif", "", PARAF_PT)
    rows = [_paraf_row_height(pdf, _paraf_cells(i, p)) for i, p in enumerate(n.paraf, 1)]
    return 5 + 5 + PARAF_LINE + 1.6 + sum(rows)


def signature_height(pdf: FPDF, n: Notice) -> float:
    """The height the block takes from where the body ends: the lead, the signature column (or the
    QR code beside it, if taller) and, on the file copy, the paraf table. Measured with fpdf2's
    own line breaking, so a long a.n. title that wraps is counted."""
    _x, width = _column()
    pdf.set_font("Serif", "", 11.5)
    column = sum(_lines_height(pdf, width, 6, line) for line in [n.place_date, *n.signatory_title])
    column += SIGN_ROOM + 6 + _lines_height(pdf, width, 6, f"NIP. {n.signatory_nip}")
    pdf.set_font("Serif", "B", 11.5)
    column += _lines_height(pdf, width, 6, n.signatory_name or " ")
    qr = 2 + QR_SIZE + 1 + 8 if n.url else 0.0
    return LEAD + max(column, qr) + _paraf_height(pdf, n)


def _qr_png(url: str) -> io.BytesIO | None:
    try:
        qr = segno.make(url, error="m", micro=False)
    except (segno.DataOverflowError, ValueError):
        return None
    buf = io.BytesIO()
    qr.save(buf, kind="png", scale=8, border=2)
    buf.seek(0)
    return buf


def signature(pdf: FPDF, n: Notice) -> None:
    """The block at the current position; on a new page only if the body's layout could not keep
    it with the text (``_keep_with_signature`` in ``pdf.py`` plans for it to fit)."""
    if pdf.get_y() + signature_height(pdf, n) > pdf.h - BOTTOM:
        pdf.add_page()
    pdf.ln(LEAD)
    top = pdf.get_y()
    x, width = _column()
    pdf.set_font("Serif", "", 11.5)
    for line in [n.place_date, *n.signatory_title]:
        pdf.set_x(x)
        pdf.multi_cell(width, 6, line, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(SIGN_ROOM)
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
        pdf.image(qr, x=LEFT, y=top + 2, w=QR_SIZE, h=QR_SIZE)
        pdf.set_xy(LEFT, top + 2 + QR_SIZE + 1)
        pdf.set_font("Serif", "", 8)
        pdf.multi_cell(QR_SIZE + 22, 4, "Pindai untuk membaca versi daring pengumuman ini",
                       align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        bottom = max(bottom, pdf.get_y())
    pdf.set_y(bottom)
    if n.arsip and n.paraf:
        _paraf_table(pdf, n)


def _paraf_table(pdf: FPDF, n: Notice) -> None:
    """The paraf hierarki under the signature: one row per reviewer with the date and time they
    approved in Warta and an empty cell for a handwritten paraf on the filed paper."""
    pdf.ln(5)
    pdf.set_font("Serif", "B", PARAF_PT)
    pdf.cell(0, 5, "PARAF HIERARKI", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_line_width(0.2)
    rows = [[label for label, _ in PARAF_COLUMNS]]
    rows += [_paraf_cells(i, p) for i, p in enumerate(n.paraf, 1)]
    for index, cells in enumerate(rows):
        pdf.set_font("Serif", "B" if index == 0 else "", PARAF_PT)
        h = _paraf_row_height(pdf, cells)
        y, x = pdf.get_y(), LEFT
        for text, (_, w) in zip(cells, PARAF_COLUMNS, strict=True):
            pdf.rect(x, y, w, h)
            pdf.set_xy(x + 1, y + 0.8)
            pdf.multi_cell(w - 2, PARAF_LINE, text, align=Align.L, new_x=XPos.LMARGIN,
                           new_y=YPos.NEXT)
            x += w
        pdf.set_y(y + h)
