"""Top-level commands that set a home up: ``warta init``, ``warta migrate`` and ``warta demo``.

``init`` and ``migrate`` are the only commands that change the database schema; every other
command that uses the database refuses while the schema is behind (:func:`warta.common.services`).
"""

from __future__ import annotations

from typing import Optional

import typer

from shared.config import Settings
from shared.i18n import _
from shared.office_profile import problem_text
from warta.common import emit, fail, guarded, refuse_newer_schema, revisions_text, settings


def init(demo: bool = typer.Option(False, "--demo", help="Tambahkan profil dan akun demo."),
         as_json: bool = typer.Option(False, "--json")) -> None:
    """Buat atau perbarui basis data; tanpa --demo menulis templat profil instansi untuk diisi,
    dengan --demo memakai profil instansi dan akun demo."""
    from shared.bootstrap import init_home
    from shared.office_profile import TEMPLATE, inspect_profile, write_template

    cfg = settings()
    guarded(as_json, lambda: refuse_newer_schema(cfg.db_url))
    path = cfg.profile_path
    if demo and cfg.profile is None and path.is_file() and path.read_bytes() == TEMPLATE.read_bytes():
        path.unlink()  # an untouched template: the demo's profile takes its place
    users = guarded(as_json, lambda: init_home(cfg, demo))
    text = _("Warta siap di {home}", home=str(cfg.home.resolve()))
    written = unwritable = False
    try:
        written = False if demo else write_template(path)
    except OSError as exc:  # e.g. WARTA_PROFILE in a root-owned folder: copy the template there
        unwritable = True
        text += "\n" + _("Templat profil instansi tidak dapat ditulis ke {path} ({error}); salin "
                         "shared/data/profile_template.toml ke sana dan isi.", path=str(path),
                         error=exc.strerror or str(exc))
    state = inspect_profile(path)
    if written:
        text += "\n" + _("Templat profil instansi ditulis ke {path}: isi setiap nilai bertanda "
                         "'ISI:' (kop surat, penanda tangan dan NIP, zona waktu, penomoran, batas "
                         "waktu SOP), lalu periksa dengan 'warta doctor --check profil'. Layanan "
                         "tidak berjalan sebelum profil lengkap.", path=str(path))
    elif not state.complete and not unwritable:
        text += "\n" + problem_text(state)
    if users:
        text += "\n" + "\n".join(f"  {u['username']:<12} {u['role']:<11} {u['password']}" for u in users)
    emit({"home": str(cfg.home.resolve()), "users": users,
          "profile": {"path": str(path), "written": written, "complete": state.complete,
                      "unfilled": state.unfilled, "invalid": state.invalid}}, as_json, text)


def require_profile(cfg: Settings) -> None:
    """Exit 2 with the reason (the profile's path and the keys to fill) unless this service may
    start: the office's profile is complete and its zone is ``WARTA_TIMEZONE`` (a worker-only host,
    ``WARTA_HOST_ROLE=worker``, needs none). Called by relay, archiver, ``warta run`` and workers."""
    from shared.office_profile import check_before_start

    reason = check_before_start(cfg)
    if reason:
        fail(reason, 2)


def migrate(as_json: bool = typer.Option(False, "--json")) -> None:
    """Mutakhirkan skema basis data ke revisi kode ini (hanya skema: tanpa folder, kunci atau akun)."""
    from shared.db import current_revision, upgrade

    cfg = settings()
    before, heads = guarded(as_json, lambda: refuse_newer_schema(cfg.db_url))
    if before != heads:
        upgrade(cfg.db_url)
    after = current_revision(cfg.db_url)
    data = {"from": sorted(before), "to": sorted(after), "upgraded": before != after}
    if data["upgraded"]:
        text = _("Skema basis data dimutakhirkan dari revisi {old} ke revisi {new}",
                 old=revisions_text(before), new=revisions_text(after))
    else:
        text = _("Skema basis data sudah mutakhir (revisi {new})", new=revisions_text(after))
    emit(data, as_json, text)


def demo(broker: Optional[str] = typer.Option(None, "--broker", help="embedded atau URL amqp://"),
         items: int = typer.Option(0, "--items", help="Jumlah pengumuman (0: semua contoh)"),
         as_json: bool = typer.Option(False, "--json")) -> None:
    """Jalankan contoh pengumuman melalui seluruh alur SOP dengan akun demo."""
    from warta.demo import run_demo

    result = run_demo(broker=broker, items=items)
    ok = result.pop("ok", True)
    emit(result, as_json, _("{n} pengumuman diproses, {r} ditolak; data di {home}",
                            n=len(result["announcements"]), r=len(result["refused"]),
                            home=result["home"]))
    if not ok:
        raise typer.Exit(7)
