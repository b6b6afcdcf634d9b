"""F1: what to do here and the keys that work here, for the signed-in role, in the user's language.

The list is the screen's (or dialog's) own keys, hidden ones too, then the keys of every screen,
read with the same ``check_action`` answers the key bar uses (:func:`kiosk.commands.key_actions`),
so a Pelaksana's F1 has no Disposisi and a Kabid's no Draf baru. Above it, one sentence says what
this screen is for, per role where the roles do different things there."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from kiosk.widgets.keybar import KeyBar
from shared.i18n import N_, _

PLACES = {"LoginScreen": N_("Masuk"), "HomeScreen": N_("Beranda"),
          "ItemListScreen": N_("Daftar/Cari"), "EditorScreen": N_("Editor"),
          "ReviewScreen": N_("Pemeriksaan"), "DetailScreen": N_("Detail"),
          "MonitorScreen": N_("Pemantauan"), "RecordsScreen": N_("Rekap & Arsip"),
          "ArtefactScreen": N_("Artefak")}
"""What each screen is called in F1 (by class name: F1 imports no screen)."""

HELP = {
    "LoginScreen": N_("Ketik nama pengguna dan kata sandi, lalu tekan Enter."),
    ("HomeScreen", "pelaksana"): N_(
        "Pilih draf atau pengumuman yang dikembalikan kepada Anda dan tekan Enter untuk "
        "mengerjakannya; n membuat draf baru, dan disposisi dari atasan dibuka dari tabelnya."),
    ("HomeScreen", "kabid"): N_(
        "Pilih pengumuman yang menunggu pemeriksaan Anda dan tekan Enter; a memberi disposisi "
        "penyusunan kepada Pelaksana."),
    ("HomeScreen", "sekretaris"): N_(
        "Pilih pengumuman yang menunggu pemeriksaan Anda dan tekan Enter untuk memeriksanya."),
    ("HomeScreen", "kadis"): N_(
        "Pilih pengumuman yang menunggu persetujuan akhir Anda dan tekan Enter; p membuka Rekap "
        "& Arsip."),
    ("HomeScreen", "ppid"): N_(
        "Tindak lanjuti yang menunggu Anda, pantau pengiriman ke kanal (m), dan kelola DIP serta "
        "arsip di Rekap & Arsip (p)."),
    "HomeScreen": N_("Pilih baris dan tekan Enter untuk membukanya; d mencari pengumuman, m "
                     "memantau kanal."),
    "ItemListScreen": N_("Saring menurut status, klasifikasi, bulan atau teks; pilih baris dan "
                         "tekan Enter untuk membukanya."),
    "EditorScreen": N_("Isi judul, isi dan kanal; baris di atas isian menyatakan apa yang masih "
                       "kurang. Periksa pratinjau tiap kanal (F6–F9) sebelum mengajukan."),
    ("ReviewScreen", "kadis"): N_(
        "Baca perubahannya dan pratinjau tiap kanal (1–5), lalu setujui (s) atau kembalikan dengan "
        "catatan (k). Persetujuan Anda memberi nomor resmi dan langsung menyebarkan: kiosk meminta "
        "konfirmasi, dan hanya tombol y yang menyetujui."),
    "ReviewScreen": N_("Baca perubahannya dan pratinjau tiap kanal (1–5), lalu setujui (s) atau "
                       "kembalikan dengan catatan (k)."),
    "DetailScreen": N_("Linimasa setiap tahap, pengiriman per kanal dan berkas buktinya; pilih "
                       "berkas dan tekan Enter untuk melihatnya, d mengunduhnya, k mengunduh "
                       "kartu kontrol atau tanda terima."),
    "ArtefactScreen": N_("Isi berkas bukti ini sebagaimana diarsipkan; d mengunduhnya, Esc "
                         "kembali."),
    "DocumentDialog": N_("Isi nomor pengumuman dan pilih dokumennya, lalu tekan Enter; Esc "
                         "membatalkan."),
    "MonitorScreen": N_("Pengiriman per kanal: menunggu, gagal, diparkir dan terkonfirmasi; "
                        "diperbarui sendiri."),
    "RecordsScreen": N_("Daftar Informasi Publik, laporan bulanan dan arsip bersegel bulan yang "
                        "dipilih; b mengganti bulan."),
    "NoteDialog": N_("Tulis catatannya, lalu tekan Ctrl+S untuk mengirim; Esc membatalkan."),
    "AssignDialog": N_("Pilih Pelaksana dan tulis instruksinya, lalu tekan Ctrl+S untuk "
                       "mengirim; Esc membatalkan."),
    "ConfirmDialog": N_("Batal terpilih: Enter atau Esc membatalkan. Tombol yang menyetujui "
                        "tertulis di bawah."),
    "InputDialog": N_("Ketik isiannya lalu tekan Enter; Esc membatalkan."),
    "ChoiceDialog": N_("Pilih salah satu tombol; Esc membatalkan."),
    "UnsavedDialog": N_("Simpan sebagai draf, buang perubahannya, atau Batal (Esc) untuk tetap "
                        "di editor."),
}
"""One sentence per screen (and per role where the roles do different things there)."""


def place_of(screen: Screen[Any]) -> str:
    """What ``screen`` is called in F1."""
    name = type(screen).__name__
    if name in PLACES:
        return _(PLACES[name])
    return _("Dialog ini") if isinstance(screen, ModalScreen) else _("Layar ini")


def sentence_for(screen: Screen[Any], role: str | None) -> str:
    """What to do on ``screen`` as ``role`` (empty when F1 has nothing to say)."""
    for cls in type(screen).__mro__:
        msgid = HELP.get((cls.__name__, role or "")) or HELP.get(cls.__name__)
        if msgid:
            return _(msgid)
    return ""


def key_rows(screen: Screen[Any]) -> list[tuple[str, str, str]]:
    """(where, keys, what) for ``screen`` and the app as the signed-in role can use them, then
    how tables and forms are moved through when the screen has them."""
    from kiosk.commands import key_actions

    app = screen.app
    here = place_of(screen)
    rows = [(here, k.keys_text, k.what) for k in key_actions(screen, app)]
    everywhere = _("Semua layar")
    rows += [(everywhere, k.keys_text, k.what) for k in key_actions(app, app)]
    if screen.query("DataTable"):
        rows.append((_("Tabel"), "↑ ↓ Enter", _("Pilih baris / buka")))
    if screen.query("Input, TextArea"):
        rows.append((_("Formulir"), "Tab · Shift+Tab", _("Isian berikutnya / sebelumnya")))
    return rows


class HelpDialog(ModalScreen[None]):
    """The help of the screen under it; Esc or F1 closes it."""

    BINDINGS = [Binding("escape", "close", N_("Tutup")), Binding("f1", "close", N_("Tutup"))]

    def compose(self) -> ComposeResult:
        under = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else self
        user = getattr(self.app, "user", None)
        self.under = under
        """The screen (or dialog) this help is about."""
        head = _("Bantuan: {place}", place=place_of(under))
        sentence = sentence_for(under, user.role if user else None)
        with Vertical(classes="dialog help"):
            yield Static(Text.assemble((head, "bold"), f"\n{sentence}" if sentence else ""),
                         classes="dialog-text", id="help-text")
            yield DataTable(id="keys", cursor_type="row", show_cursor=False)
        yield KeyBar()

    def on_mount(self) -> None:
        """Fill the table."""
        table = self.query_one("#keys", DataTable)
        table.add_columns(_("Layar"), _("Tombol"), _("Fungsi"))
        for row in key_rows(self.under):
            table.add_row(*row)
        table.focus()

    def action_close(self) -> None:
        """Back to where the user was."""
        self.dismiss(None)
