"""The notice-board renderer (channel ``print``): an A4 PDF per message under
``<out>/print/YYYY/MM/`` and, when a printer is configured, a paper copy through CUPS."""

from __future__ import annotations

import subprocess
from pathlib import Path
from zoneinfo import ZoneInfoNotFoundError

from channels.assets import SERIF_BOLD, SERIF_REGULAR, clean_text, load_picture
from channels.base import ChannelRenderer, PermanentRenderError, TransientRenderError, atomic_write, safe_slug
from channels.noticeboard.pdf import Notice, build_pdf
from channels.noticeboard.settings import PrintSettings
from shared.classification import KLASIFIKASI_LABEL, Sasaran
from shared.messages import AnnouncementSnapshot, Envelope, Kind
from shared.timefmt import date_id, datetime_id, local


def _signatory_lines(title: str, unit: str) -> list[str]:
    """'KEPALA DINAS' + 'DINAS KOMUNIKASI DAN INFORMATIKA' → 'KEPALA DINAS KOMUNIKASI DAN INFORMATIKA,'."""
    title, unit = title.strip(), unit.strip()
    if title.upper().endswith("DINAS") and unit.upper().startswith("DINAS "):
        return [f"{title}{unit[5:]},"]
    return [title, f"{unit},"] if unit else [f"{title},"]


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
        heading = "PENCABUTAN PENGUMUMAN"
        number_line = f"atas Pengumuman Nomor: {number}"
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
        number_line = f"Nomor: {number}"
        paragraphs = [f"Ralat atas Pengumuman Nomor {corrected}. Dengan ini disampaikan bahwa isi "
                      f"pengumuman tersebut diperbaiki sehingga berbunyi sebagai berikut:", *paragraphs]
    else:
        heading = "PENGUMUMAN"
        number_line = f"Nomor: {number}"
    contact = " · ".join(p for p in (
        f"Telepon {agency.phone}" if agency.phone else "", f"Pos-el {agency.email}" if agency.email else "",
        f"Laman {agency.website}" if agency.website else "") if p)
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
                                         clean_text(agency.unit, multiline=False).upper()),
        signatory_name=clean_text(snap.approver_name, multiline=False),
        signatory_nip=clean_text(snap.approver_nip, multiline=False),
        internal=snap.sasaran == Sasaran.PEGAWAI, url=snap.public_url, created=when,
        picture=picture, picture_alt=(picture.caption if picture else "") or title)


def pdf_path(root: Path, envelope: Envelope) -> Path:
    """Where the printout of ``envelope`` goes: ``print/YYYY/MM/<number>-<what>.pdf``, one name per
    (announcement, kind, public version), so a redelivery overwrites the same file."""
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


class NoticeboardRenderer(ChannelRenderer):
    """A4 PDF printouts for the internal notice board, printed through CUPS when configured."""

    name = "print"
    irreversible = True  # paper cannot be taken back: a redelivery is parked for a person

    def __init__(self, out_dir: Path, settings: PrintSettings | None = None) -> None:
        super().__init__(out_dir)
        self.settings = settings or PrintSettings()

    def render(self, envelope: Envelope) -> list[Path]:
        """Write the PDF of ``envelope`` (notice, ralat or pencabutan); print it if a printer is set."""
        try:
            notice = notice_for(envelope)
            path = pdf_path(self.root, envelope)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise PermanentRenderError(
                f"Zona waktu instansi '{envelope.announcement.agency.timezone}' tidak dikenal") from exc
        atomic_write(path, build_pdf(notice))
        path.chmod(0o644)
        if self.settings.printer:
            self.print_file(path, envelope.announcement)
        return [path]

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
            raise TransientRenderError(
                f"Pencetakan gagal: printer '{cfg.printer}' tidak menjawab dalam "
                f"{cfg.timeout_seconds:g} detik") from None
        if done.returncode != 0:
            detail = (done.stderr or done.stdout).strip().splitlines()
            raise TransientRenderError(
                f"Pencetakan ke printer '{cfg.printer}' gagal (kode {done.returncode})"
                + (f": {detail[-1][:200]}" if detail else ""))

    def health(self) -> list[str]:
        """Warnings: missing fonts, or a printer configured without ``lp``."""
        import shutil

        warnings = [f"Berkas huruf printout hilang: {p.name}" for p in (SERIF_REGULAR, SERIF_BOLD)
                    if not p.exists()]
        if self.settings.printer and not shutil.which(self.settings.lp_command):
            warnings.append(f"Printer '{self.settings.printer}' diatur tetapi perintah "
                            f"'{self.settings.lp_command}' tidak ada; hanya PDF yang dibuat")
        return warnings
