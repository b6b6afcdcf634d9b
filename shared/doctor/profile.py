"""The doctor's check ``profil``: the office's profile is there, filled in, in the services' zone
and not the demo's (outside demo mode); and what a worker-only host does not need checked."""

from __future__ import annotations

from shared.config import Settings
from shared.doctor.checks import Check, ok
from shared.i18n import _
from shared.office_profile import (demo_mode, inspect_profile, is_demo_profile, problem_text,
                                   zone_mismatch)


def worker_host(cfg: Settings) -> bool:
    """True on a machine that runs channel workers only (``WARTA_HOST_ROLE=worker``)."""
    return cfg.host_role == "worker"


def not_needed_on_worker(name: str) -> Check:
    """A check of something a worker-only host does not have (database, office profile)."""
    if name == "profil":
        return ok(name, _("Komputer pekerja (WARTA_HOST_ROLE=worker): profil instansi tidak "
                          "diperlukan, kop surat ikut di setiap pesan bertanda tangan."))
    return ok(name, _("Komputer pekerja (WARTA_HOST_ROLE=worker): tidak memakai basis data pusat."))


def check_profile(cfg: Settings) -> Check:
    """The profile at ``cfg.profile_path``: missing, unfilled or invalid fails naming the keys;
    another zone than ``WARTA_TIMEZONE`` fails; the demo's fails outside demo mode and is a
    warning in it (a home set up with ``warta init --demo``)."""
    if worker_host(cfg):
        return not_needed_on_worker("profil")
    state = inspect_profile(cfg.profile_path)
    path = str(state.path)
    if not state.complete or state.profile is None:
        if not state.exists:
            fix = _("Jalankan 'warta init' (menulis templat ke {path}) atau setel WARTA_PROFILE ke "
                    "berkas profil kantor, lalu isi kop surat, penanda tangan dan NIP, zona waktu, "
                    "penomoran dan batas waktu SOP.", path=path)
        else:
            fix = _("Buka {path}, ganti setiap nilai bertanda 'ISI:' dengan data kantor, lalu "
                    "jalankan 'warta doctor --check profil' lagi.", path=path)
        return Check("profil", "fail", problem_text(state), fix)
    profile = state.profile
    mismatch = zone_mismatch(profile, cfg)
    if mismatch:
        return Check("profil", "fail", mismatch,
                     _("Samakan WARTA_TIMEZONE (.env, /etc/warta/warta.env) dan agency.timezone."))
    if is_demo_profile(profile):
        if demo_mode(cfg):
            return Check("profil", "warn",
                         _("Mode demo: profil demo dipakai ({path}; Kepala Dinas dan NIP fiktif).",
                           path=path),
                         _("Untuk pengumuman resmi pasang Warta di WARTA_HOME baru dengan 'warta "
                           "init' (tanpa --demo) dan isi profil kantor."))
        return Check("profil", "fail",
                     _("Profil instansi {path} adalah profil demo (penanda tangan {name}, NIP {nip}) "
                       "di luar mode demo: pengumuman resmi akan dicetak dengan kop dan penanda "
                       "tangan fiktif.", path=path, name=profile.signatory_name,
                       nip=profile.signatory_nip),
                     _("Pindahkan {path} ke tempat lain, jalankan 'warta init' (menulis templat "
                       "profil di {path}), lalu isi setiap nilai bertanda 'ISI:' dengan data "
                       "kantor.", path=path))
    return ok("profil", _("Profil instansi lengkap ({path}): {unit}, penanda tangan {name} (NIP "
                          "{nip}), zona {zone}.", path=path, unit=profile.unit,
                          name=profile.signatory_name, nip=profile.signatory_nip,
                          zone=profile.timezone))
