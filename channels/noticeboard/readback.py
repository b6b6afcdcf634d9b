"""The printout's read-back (see :mod:`channels.readback`): the text of each PDF it made (board
copy and file copy), extracted as a reader's viewer does (:mod:`channels.noticeboard.pdftext`),
must name THIS message's announcement:

- its heading: "PENGUMUMAN", "RALAT PENGUMUMAN" or "PENCABUTAN PENGUMUMAN";
- its number ("NOMOR ..."), and for a ralat the number it corrects.

Numbers are compared without whitespace: a layout may break a line or pad a word, the
characters stay. When a printer is set, the renderer checks the board copy this way before it
goes to paper, so a wrong PDF is never printed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from channels.assets import clean_text
from channels.noticeboard.pdftext import PdfTextError, pdf_text, reader
from channels.readback import ReadBack, ReadBackError, dense, file_entry, header, require, squash
from shared.messages import Envelope, Kind


def expected(envelope: Envelope) -> dict:
    """What the printout of ``envelope`` must say: its heading and the numbers it names."""
    snap = envelope.announcement
    if envelope.kind == Kind.REVOKE:
        heading = "PENCABUTAN PENGUMUMAN"
    elif envelope.kind == Kind.UPDATE and snap.corrects_number:
        heading = "RALAT PENGUMUMAN"
    else:
        heading = "PENGUMUMAN"
    # the printout cleans what it prints (render.notice_for): so does what it must show
    out = {"heading": heading, "number": squash(clean_text(snap.number, multiline=False))}
    if heading == "RALAT PENGUMUMAN":
        out["corrects"] = squash(clean_text(snap.corrects_number or "", multiline=False))
    return out


def check_pdf(root: Path, path: Path, envelope: Envelope) -> dict:
    """Read one PDF back; its entry for the summary, or ``ReadBackError``."""
    entry = file_entry(root, path)
    try:
        text = pdf_text(path)
    except (PdfTextError, OSError) as exc:
        raise ReadBackError(f"Teks PDF {entry['file']} tidak dapat dibaca: {exc}") from None
    flat = dense(text)
    want = expected(envelope)
    require(dense(want["heading"]) in flat,
            f"PDF {entry['file']} tidak memuat judul '{want['heading']}'")
    require(dense(f"NOMOR {want['number']}") in flat,
            f"PDF {entry['file']} tidak memuat nomor {want['number']}")
    if "corrects" in want:
        require(dense(f"Nomor {want['corrects']}") in flat,
                f"PDF {entry['file']} tidak memuat nomor yang diralat {want['corrects']}")
    return {**entry, "shows": want, "text_sha256": hashlib.sha256(flat.encode()).hexdigest()}


def read_back(root: Path, envelope: Envelope, files: list[Path]) -> ReadBack:
    """Read every PDF of ``envelope`` back; raises ``ReadBackError``."""
    pdfs = [Path(f) for f in files if Path(f).suffix == ".pdf"]
    require(pdfs, "Tidak ada PDF yang dibuat untuk dibaca ulang")
    summary = header("print", envelope)
    summary["pdf_reader"] = reader()
    summary["files"] = [check_pdf(root, p, envelope) for p in pdfs]
    want = expected(envelope)
    summary["note"] = (f"Teks PDF dibaca ulang: {want['heading']} nomor {want['number']}"
                       + (f", ralat atas nomor {want['corrects']}" if "corrects" in want else "")
                       + ".")
    return ReadBack(summary)
