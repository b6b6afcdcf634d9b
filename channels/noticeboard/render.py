"""The notice-board renderer (channel ``print``): per message, the A4 PDF for the board and its
file copy (salinan arsip, with the reviewers' paraf) under ``<out>/print/YYYY/MM/``, and, when a
printer is configured, a paper copy of the board PDF through CUPS."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Self
from zoneinfo import ZoneInfoNotFoundError

from channels.assets import SERIF_BOLD, SERIF_REGULAR, clean_text, load_picture
from channels.base import ChannelRenderer, PermanentRenderError, TransientRenderError, atomic_write, safe_slug
from channels.noticeboard import readback
from channels.noticeboard.glyphs import unprintable, unprintable_reason
from channels.noticeboard.pdf import Notice, build_pdf
from channels.noticeboard.sign import Paraf
from channels.readback import ReadBack, ReadBackError
from shared.classification import KLASIFIKASI_LABEL, Sasaran
from shared.messages import AgencySnapshot, AnnouncementSnapshot, Envelope, Kind
from shared.settings import PrintSettings
from shared.timefmt import date_id, datetime_id, local, short_id
from shared.vocab import Step

if TYPE_CHECKING:
    from shared.config import Settings

FINAL_STEP = Step.REVIEW_KADIS
"""The chain's last approval: the signature stands for it, so it has no paraf row."""


def _signatory_lines(title: str, unit: str, mode: str = "", acting_title: str = "") -> list[str]:
    """'KEPALA DINAS' + 'DINAS KOMUNIKASI DAN INFORMATIKA' → 'KEPALA DINAS KOMUNIKASI DAN INFORMATIKA,'.
    With ``mode`` (tata naskah dinas): 'Plt. KEPALA DINAS ...,' or 'Plh. ...,'; for 'a.n.' the
    office's title without its comma, then the signing official's own title: 'a.n. KEPALA DINAS
    ...' / 'SEKRETARIS,'."""
    title, unit = title.strip(), unit.strip()
    if title.upper().endswith("DINAS") and unit.upper().startswith("DINAS "):
        lines = [f"{title}{unit[5:]},"]
    else:
        lines = [title, f"{unit},"] if unit else [f"{title},"]
    if not mode:
        return lines
    lines[0] = f"{mode} {lines[0]}"
    if mode == "a.n." and acting_title.strip():
        lines[-1] = lines[-1].removesuffix(",")
        lines.append(f"{acting_title.strip().upper()},")
    return lines


def _signer(snap: AnnouncementSnapshot) -> tuple[str, str]:
    """Name and NIP under the signature. Unset mode: the Kepala Dinas who approved in Warta (the
    snapshot's approver). a.n./Plt./Plh.: the official the profile names (``signatory_acting_*``),
    because the paper is signed under that official's mandate whoever pressed approve; the
    approver stays in the audit trail. Falls back to the approver if the profile left them empty."""
    agency: AgencySnapshot = snap.agency
    if agency.signatory_mode and agency.signatory_acting_name.strip():
        return agency.signatory_acting_name, agency.signatory_acting_nip
    return snap.approver_name, snap.approver_nip


def _paraf(snap: AnnouncementSnapshot, tz: str) -> tuple[Paraf, ...]:
    """The reviewers below the signatory (Kabid/Kasubag, Sekretaris) as paraf rows."""
    return tuple(Paraf(role=clean_text(r.role, multiline=False), name=clean_text(r.name, multiline=False),
                       nip=clean_text(r.nip, multiline=False), when=short_id(r.approved_at, tz))
                 for r in snap.reviewers if r.step != FINAL_STEP)


def _paragraphs(text: str) -> list[str]:
    return [p.replace("\n", " ") for p in clean_text(text).split("\n\n") if p.strip()]


def notice_for(envelope: Envelope) -> Notice:
    """Word the printout of ``envelope``: a notice, a correction (ralat) or a revocation (pencabutan)."""
    snap = envelope.announcement
    agency = snap.agency
    tz = agency.timezone
    title = clean_text(snap.title, multiline=False) or "Pengumuman"
    number = clean_text(snap.number, multiline=False)
    when = snap.approved_at
    paragraphs = _paragraphs(snap.body)
    # A revocation withdraws the announcement: its picture is not printed again.
    picture = None if envelope.kind == Kind.REVOKE else load_picture(snap.image, "print")
    if envelope.kind == Kind.REVOKE:
        when = snap.revoked_at or envelope.created_at
        # Read as one phrase: "Pencabutan Pengumuman Nomor ... tentang ..." (a pencabutan has no
        # number of its own; it names the announcement it withdraws).
        heading = "PENCABUTAN PENGUMUMAN"
        number_line = f"NOMOR {number}"
        paragraphs = [
            f"Dengan ini diberitahukan bahwa Pengumuman Nomor {number} tanggal "
            f"{date_id(snap.approved_at, tz, weekday=False)} tentang {title} dicabut dan dinyatakan "
            f"tidak berlaku sejak {datetime_id(when, tz)}."]
        if snap.revoked_reason:
            paragraphs.append(f"Alasan pencabutan: {clean_text(snap.revoked_reason, multiline=False)}")
        paragraphs.append("Demikian pencabutan ini disampaikan untuk diketahui.")
    elif envelope.kind == Kind.UPDATE and snap.corrects_number:
        heading = "RALAT PENGUMUMAN"
        corrected = clean_text(snap.corrects_number, multiline=False)
        number_line = f"NOMOR {number}"
        paragraphs = [f"Ralat atas Pengumuman Nomor {corrected}. Dengan ini disampaikan bahwa isi "
                      f"pengumuman tersebut diperbaiki sehingga berbunyi sebagai berikut:", *paragraphs]
    else:
        heading = "PENGUMUMAN"
        number_line = f"NOMOR {number}"
    contact = " · ".join(p for p in (
        f"Telepon {agency.phone}" if agency.phone else "", f"Pos-el {agency.email}" if agency.email else "",
        f"Laman {agency.website}" if agency.website else "") if p)
    signer_name, signer_nip = _signer(snap)
    basis = (f"Klasifikasi informasi: {KLASIFIKASI_LABEL.get(snap.klasifikasi, snap.klasifikasi)} — "
             f"{clean_text(snap.legal_basis, multiline=False)}")
    return Notice(
        instansi=clean_text(agency.instansi, multiline=False).upper(),
        unit=clean_text(agency.unit, multiline=False).upper(),
        address=clean_text(agency.address, multiline=False),
        contact=clean_text(contact, multiline=False), logo_png_b64=agency.logo_png_b64,
        heading=heading, number_line=number_line, title=title.upper() if len(title) < 200 else title,
        paragraphs=paragraphs or ["-"], basis=basis,
        place_date=f"{clean_text(agency.city, multiline=False)}, {date_id(when, tz, weekday=False)}",
        signatory_title=_signatory_lines(clean_text(agency.signatory_title, multiline=False),
                                         clean_text(agency.unit, multiline=False).upper(),
                                         agency.signatory_mode,
                                         clean_text(agency.signatory_acting_title, multiline=False)),
        signatory_name=clean_text(signer_name, multiline=False),
        signatory_nip=clean_text(signer_nip, multiline=False),
        internal=snap.sasaran == Sasaran.PEGAWAI, url=snap.public_url, created=when,
        picture=picture, picture_alt=(picture.caption if picture else "") or title,
        # A pencabutan is decided by the Kepala Dinas alone: the chain's paraf belong to the notice.
        paraf=() if envelope.kind == Kind.REVOKE else _paraf(snap, tz))


def archive_copy(notice: Notice) -> Notice:
    """The file copy (salinan arsip) of ``notice``: marked, with the paraf table."""
    return replace(notice, arsip=True)


def printed_text(notice: Notice) -> list[str]:
    """Every text the PDFs of ``notice`` print (board and file copy), for the glyph check."""
    texts = [notice.instansi, notice.unit, notice.address, notice.contact, notice.heading,
             notice.number_line, notice.title, *notice.paragraphs, notice.basis, notice.place_date,
             *notice.signatory_title, notice.signatory_name, notice.signatory_nip]
    if notice.picture is not None:
        texts.append(notice.picture.caption)
    for p in notice.paraf:
        texts += [p.role, p.name, p.nip]
    return texts


def pdf_path(root: Path, envelope: Envelope) -> Path:
    """Where the printout of ``envelope`` goes: ``print/YYYY/MM/<number>-<what>.pdf``, one name per
    (announcement, kind, public version), so a redelivery overwrites the same file. The file copy
    goes next to it as ``<number>-<what>-arsip.pdf``."""
    snap = envelope.announcement
    when = (snap.revoked_at or envelope.created_at) if envelope.kind == Kind.REVOKE else snap.approved_at
    stamp = local(when, snap.agency.timezone)
    if envelope.kind == Kind.REVOKE:
        what = "pencabutan"
    elif envelope.kind == Kind.UPDATE:
        what = f"{'ralat' if snap.corrects_number else 'perubahan'}-v{snap.version}"
    else:
        what = "pengumuman"
    return root / f"{stamp:%Y}" / f"{stamp:%m}" / f"{safe_slug(snap.number)}-{snap.id}-{what}.pdf"


CUPS_REQUEST = re.compile(r"request id is (\S+)")
"""What ``lp`` prints for an accepted job: ``request id is papan-123 (1 file(s))``."""
JOB_SUFFIX = ".cups"
"""The file beside a printed PDF that names its CUPS job."""


class NoticeboardRenderer(ChannelRenderer):
    """A4 PDF printouts for the internal notice board, printed through CUPS when configured."""

    name = "print"
    irreversible = True  # paper cannot be taken back: a redelivery is parked for a person

    def __init__(self, out_dir: Path, settings: PrintSettings | None = None) -> None:
        super().__init__(out_dir)
        self.settings = settings if settings is not None else PrintSettings.defaults()

    @classmethod
    def from_settings(cls, out_dir: Path, settings: Settings) -> Self:
        """The renderer configured by ``settings.print``."""
        return cls(out_dir, settings.print)

    def render(self, envelope: Envelope) -> list[Path]:
        """Write the PDFs of ``envelope`` (notice, ralat or pencabutan): the board copy and its file
        copy (``...-arsip.pdf``, with the paraf table); print the board copy if a printer is set.
        A text with characters the font cannot print is refused (PermanentRenderError naming
        them), never printed with the characters missing."""
        return self._make(envelope, paper=True)

    def _make(self, envelope: Envelope, paper: bool) -> list[Path]:
        """Both PDFs, and with ``paper`` the board copy printed when a printer is set."""
        try:
            notice = notice_for(envelope)
            path = pdf_path(self.root, envelope)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise PermanentRenderError(
                f"Zona waktu instansi '{envelope.announcement.agency.timezone}' tidak dikenal") from exc
        missing = unprintable("\n".join(printed_text(notice)))
        if missing:
            raise PermanentRenderError(unprintable_reason(missing))
        arsip = path.with_name(f"{path.stem}-arsip.pdf")
        atomic_write(path, build_pdf(notice))
        atomic_write(arsip, build_pdf(archive_copy(notice)))
        path.chmod(0o644)
        arsip.chmod(0o644)
        if paper and self.settings.printer:
            try:  # a PDF that does not show this message never reaches paper (nothing printed yet)
                self.read_back(envelope, [path])
            except ReadBackError as exc:
                raise TransientRenderError(f"PDF tidak dicetak: {exc}") from exc
            self.print_file(path, envelope.announcement)  # the board copy only: the file copy is kept
        return [path, arsip]

    def render_without_output(self, envelope: Envelope) -> list[Path]:
        """The PDFs of a job a person confirmed is already on the board: written again (they are
        the proof), never sent to the printer."""
        return self._make(envelope, paper=False)

    def read_back(self, envelope: Envelope, files: list[Path]) -> ReadBack:
        """The PDFs' text, checked to name this message's heading and number
        (:mod:`channels.noticeboard.readback`); raises ``ReadBackError``."""
        return readback.read_back(self.root, envelope, files)

    def print_file(self, path: Path, snap: AnnouncementSnapshot) -> None:
        """Send ``path`` to the configured CUPS printer with ``lp``; raise TransientRenderError (the
        job is retried later) when ``lp`` is missing, refuses the job or hangs."""
        cfg = self.settings
        title = clean_text(f"Pengumuman {snap.number}", multiline=False)[:120]
        cmd = [cfg.lp_command, "-d", str(cfg.printer), "-n", str(cfg.copies), "-t", title, str(path)]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=cfg.timeout_seconds,
                                  check=False)
        except FileNotFoundError:
            raise TransientRenderError(
                f"Pencetakan gagal: perintah '{cfg.lp_command}' tidak ditemukan (CUPS belum terpasang?)"
            ) from None
        except subprocess.TimeoutExpired:
            # lp may have queued the job before it hung: printing again is a person's decision
            raise PermanentRenderError(
                f"Printer '{cfg.printer}' tidak menjawab dalam {cfg.timeout_seconds:g} detik; "
                "pekerjaan mungkin sudah tercetak: periksa papan, lalu pilih 'Sudah tercetak' "
                "atau 'Kirim ulang'") from None
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise TransientRenderError(
                f"Pencetakan ke printer '{cfg.printer}' gagal (kode {done.returncode})"
                + (f": {detail[-1][:200]}" if detail else ""))
        job = CUPS_REQUEST.search(done.stdout or "")
        if job:  # kept beside the PDF: a redelivery set aside as maybe printed names the job
            atomic_write(path.with_name(path.name + JOB_SUFFIX), job.group(1).encode())

    def maybe_done_hint(self, envelope: Envelope) -> str:
        """The CUPS job of this message's printout, when ``lp`` answered before the worker
        stopped (so the PPID can look it up with ``lpstat``)."""
        try:
            path = pdf_path(self.root, envelope)
        except (ZoneInfoNotFoundError, ValueError):
            return ""
        job = path.with_name(path.name + JOB_SUFFIX)
        return f"pekerjaan CUPS {job.read_text().strip()}" if job.is_file() else ""

    def health(self) -> list[str]:
        """Warnings: missing fonts, or a printer configured without ``lp``."""
        import shutil

        warnings = [f"Berkas huruf printout hilang: {p.name}" for p in (SERIF_REGULAR, SERIF_BOLD)
                    if not p.exists()]
        if self.settings.printer and not shutil.which(self.settings.lp_command):
            warnings.append(f"Printer '{self.settings.printer}' diatur tetapi perintah "
                            f"'{self.settings.lp_command}' tidak ada; hanya PDF yang dibuat")
        return warnings
