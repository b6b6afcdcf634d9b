"""The individual checks of ``warta doctor``. Each returns one :class:`Check` (or a few) whose
message and fix are Bahasa Indonesia, for the operator who reads them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Literal
from urllib.parse import urlsplit

from pydantic import ValidationError

from shared.config import Settings, setting_errors
from shared.i18n import _

Status = Literal["ok", "warn", "fail"]

BrokerProbe = Callable[[str, list[str], list[str]], dict]
"""``probe(url, exchanges, queues)`` → ``{"missing_exchanges": [...], "missing_queues": [...],
"depths": {queue: messages}}``; raises on a connection or login failure."""


@dataclass(frozen=True)
class Check:
    """One finding: what was checked, how it stands, what it means and how to fix it."""

    name: str
    status: Status
    message: str
    fix: str = ""

    def as_dict(self) -> dict:
        """The JSON form (``warta doctor --json``)."""
        return asdict(self)


def ok(name: str, message: str) -> Check:
    """A passing check (no fix needed)."""
    return Check(name, "ok", message, "")


def check_config() -> tuple[Check, Settings | None]:
    """Every ``WARTA_*`` variable parses (zone, numbers, secret files)."""
    try:
        cfg = Settings()
    except Exception as exc:  # noqa: BLE001 - a ValidationError names its variable, a section's too
        if isinstance(exc, ValidationError):
            detail = setting_errors(exc)[0]
        else:
            lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()] or [type(exc).__name__]
            detail = " ".join(lines[1:3]) if len(lines) > 1 else lines[0]
        return Check("konfigurasi", "fail", f"Variabel WARTA_* tidak sah: {detail}",
                     "Perbaiki nilai variabel yang disebut (lihat .env.example dan docs/OPERATOR.md)."), None
    if not cfg.embedded and not cfg.broker.url.startswith(("amqp://", "amqps://")):
        return Check("konfigurasi", "fail", f"WARTA_BROKER '{cfg.broker.url}' bukan 'embedded' maupun URL amqp://",
                     "Setel WARTA_BROKER=embedded atau amqp://pengguna:sandi@host:5672/warta."), cfg
    return ok("konfigurasi", f"Konfigurasi terbaca (WARTA_HOME={cfg.home}, broker "
                             f"{'embedded' if cfg.embedded else 'amqp'})."), cfg


def check_database(cfg: Settings) -> list[Check]:
    """The database answers, and its schema is at the migrations this code ships. A SQLite file
    that is not there is reported, never created (opening it would make an empty one)."""
    from shared.backup import sqlite_file
    from shared.db import current_revision, head_revision

    sqlite_path = sqlite_file(cfg.db_url)
    if sqlite_path is not None and not str(sqlite_path).startswith("file:") and not sqlite_path.is_file():
        return [Check("basis_data", "fail", _("Berkas basis data {db} tidak ada.", db=str(sqlite_path)),
                      _("Jalankan 'warta init' di server (atau setel WARTA_HOME/WARTA_DATABASE_URL "
                        "yang benar); di komputer yang hanya menjalankan pekerja kanal setel "
                        "WARTA_HOST_ROLE=worker.")),
                Check("migrasi", "fail", "Migrasi tidak dapat diperiksa karena basis data tidak terhubung.",
                      "Perbaiki sambungan basis data terlebih dahulu.")]
    try:
        current = current_revision(cfg.db_url)
    except Exception as exc:
        reason = str(exc).splitlines()[0][:200]
        return [Check("basis_data", "fail", f"Basis data tidak dapat dihubungi: {reason}",
                      "Pastikan PostgreSQL berjalan dan WARTA_DATABASE_URL (atau berkasnya) benar; "
                      "untuk SQLite pastikan folder WARTA_HOME dapat ditulisi."),
                Check("migrasi", "fail", "Migrasi tidak dapat diperiksa karena basis data tidak terhubung.",
                      "Perbaiki sambungan basis data terlebih dahulu.")]
    db = ok("basis_data", "Basis data terhubung.")
    heads = head_revision()
    if not current:
        return [db, Check("migrasi", "fail", "Skema basis data belum dibuat.",
                          "Jalankan 'warta init' (atau layanan migrate pada docker compose).")]
    if current != heads:
        from alembic.script import ScriptDirectory

        from shared.db import alembic_config

        # revisions this code does not ship at all: a newer Warta migrated it (an older one of
        # ours is simply behind)
        script = ScriptDirectory.from_config(alembic_config(cfg.db_url))
        unknown = current - {r.revision for r in script.walk_revisions()}
        if unknown:
            return [db, Check("migrasi", "fail",
                              f"Skema lebih baru dari kode ini (revisi {', '.join(sorted(unknown))}).",
                              "Perbarui Warta ke versi yang sama dengan layanan lain.")]
        return [db, Check("migrasi", "fail", "Skema basis data tertinggal dari versi kode.",
                          "Jalankan 'warta migrate' (atau 'warta init') untuk menerapkan migrasi "
                          "terbaru.")]
    return [db, ok("migrasi", f"Skema mutakhir ({', '.join(sorted(heads))}).")]


def _tcp_reachable(url: str, timeout: float = 2.0) -> str | None:
    """None when host:port accepts TCP, else the reason."""
    parts = urlsplit(url)
    port = parts.port or (5671 if parts.scheme == "amqps" else 5672)
    try:
        with socket.create_connection((parts.hostname or "localhost", port), timeout=timeout):
            return None
    except OSError as exc:
        return f"{parts.hostname}:{port} — {exc.strerror or exc}"


def check_broker(cfg: Settings, topology: dict, probe: BrokerProbe | None) -> list[Check]:
    """RabbitMQ answers and holds the exchanges and queues of the topology."""
    if cfg.embedded:
        return [ok("broker", "Broker embedded: pesan disimpan di basis data yang sama."),
                ok("topologi", "Tidak ada topologi RabbitMQ untuk broker embedded.")]
    from shared.doctor.definitions import expected_names

    exchanges, queues = expected_names(topology)
    if probe is None:
        reason = _tcp_reachable(cfg.broker.url)
        if reason:
            return [Check("broker", "fail", f"RabbitMQ tidak dapat dihubungi: {reason}",
                          "Nyalakan RabbitMQ dan periksa host, port dan WARTA_BROKER."),
                    Check("topologi", "fail", "Topologi tidak dapat diperiksa.",
                          "Perbaiki sambungan broker.")]
        return [ok("broker", "Port RabbitMQ menjawab."),
                Check("topologi", "warn", "Topologi tidak diperiksa (pemeriksa AMQP tidak tersedia).",
                      "Jalankan 'warta doctor' dari perintah warta agar topologi ikut diperiksa.")]
    try:
        found = probe(cfg.broker.url, exchanges, queues)
    except Exception as exc:
        reason = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return [Check("broker", "fail", f"Tidak dapat masuk ke RabbitMQ: {reason}",
                      "Periksa bahwa RabbitMQ berjalan, lalu pengguna, kata sandi dan vhost pada "
                      "WARTA_BROKER."),
                Check("topologi", "fail", "Topologi tidak dapat diperiksa.", "Perbaiki sambungan broker.")]
    missing = list(found.get("missing_exchanges", [])) + list(found.get("missing_queues", []))
    depth = sum(found.get("depths", {}).values())
    broker = ok("broker", f"RabbitMQ terhubung; {depth} pesan menunggu di antrean.")
    if missing:
        return [broker, Check("topologi", "fail", f"Exchange/antrean tidak ada: {', '.join(missing)}",
                              "Muat definisi broker: 'warta topology export --output definitions.json' "
                              "lalu impor (atau nyalakan ulang RabbitMQ dengan definisi saat boot).")]
    return [broker, ok("topologi", f"{len(exchanges)} exchange dan {len(queues)} antrean tersedia.")]


def check_keys(cfg: Settings) -> Check:
    """The signing pair: the private key on the approval side, the public key everywhere; they
    must belong together (who may read the private key: :func:`check_file_modes`)."""
    from shared.messages import load_private_key, load_public_key

    priv, pub = cfg.signing_key_path, cfg.verify_key_path
    if not pub.exists() and not priv.exists():
        return Check("kunci", "fail", f"Kunci tanda tangan tidak ditemukan ({priv}, {pub}).",
                     "Jalankan 'warta keys generate' di sisi persetujuan; salin hanya kunci publik ke "
                     "pekerja.")
    public = None
    if pub.exists():
        try:
            public = load_public_key(pub)
        except Exception:
            return Check("kunci", "fail", f"Kunci publik {pub} rusak atau bukan Ed25519.",
                         "Salin ulang signing.pub dari sisi persetujuan.")
    if not priv.exists():
        return ok("kunci", "Hanya kunci publik (sisi pekerja): pesan dapat diverifikasi.")
    try:
        private = load_private_key(priv)
    except Exception:
        return Check("kunci", "fail", f"Kunci privat {priv} rusak atau bukan Ed25519.",
                     "Pulihkan dari cadangan atau jalankan 'warta keys generate --force' lalu bagikan "
                     "kunci publik baru.")
    if public is not None:
        from cryptography.hazmat.primitives import serialization as ser

        raw = ser.Encoding.Raw, ser.PublicFormat.Raw
        if private.public_key().public_bytes(*raw) != public.public_bytes(*raw):
            return Check("kunci", "fail", "Kunci publik tidak berpasangan dengan kunci privat.",
                         "Salin signing.pub yang dibuat bersama signing.key ke semua pekerja.")
    # who may read it is the check izin_berkas (check_file_modes)
    return ok("kunci", "Kunci privat dan publik sah dan berpasangan (sisi persetujuan).")


def private_files(cfg: Settings) -> list[Path]:
    """The files of this installation on this machine that only their owner may read, those that
    exist: the SQLite database (with its ``-wal`` and ``-shm``), the private keys (signing,
    archiver, this worker's and every ``$WARTA_HOME/keys/*.key``), the workers' inboxes under
    ``$WARTA_HOME`` (and ``WARTA_WORKER_STATE_DIR``), the demo passwords and the database copies
    under ``$WARTA_HOME/cadangan``."""
    from shared.archive_keys import private_key_path as archiver_key_path
    from shared.backup import sqlite_file

    home = Path(cfg.home)
    found: list[Path] = []
    db = sqlite_file(cfg.db_url)
    if db is not None and not str(db).startswith("file:"):
        found += [db.with_name(db.name + suffix) for suffix in ("", "-wal", "-shm")]
    found += [cfg.signing_key_path, archiver_key_path(home)]
    if cfg.broker.worker_key_file is not None:
        found.append(cfg.broker.worker_key_file)
    found += sorted((home / "keys").glob("*.key"))
    states = sorted(home.glob("worker-*"))
    if cfg.broker.worker_state_dir is not None:
        states.append(cfg.broker.worker_state_dir)
    found += [state / f"inbox.db{suffix}" for state in states for suffix in ("", "-wal", "-shm")]
    found.append(home / "demo-accounts.json")
    found += sorted((home / "cadangan").glob("*"))
    unique: dict[Path, Path] = {}
    for path in found:
        if path.is_file():
            unique.setdefault(path.resolve(), path)
    return list(unique.values())


def check_file_modes(cfg: Settings) -> Check:
    """Every private file (:func:`private_files`) is mode 0600 (or stricter): a failure names each
    file others may read and the ``chmod 600`` that fixes it."""
    from shared.filemodes import readable_by_others

    files = private_files(cfg)
    loose = [path for path in files if readable_by_others(path)]
    if loose:
        listed = ", ".join(f"{path} ({path.stat().st_mode & 0o777:o})" for path in loose)
        fix = _("Jalankan 'chmod 600 {files}'.", files=" ".join(str(path) for path in loose))
        if any(str(path).startswith("/run/secrets/") for path in loose):
            fix += " " + _("Berkas di /run/secrets adalah berkas folder secrets/ di host: jalankan "
                           "ulang deploy/make-secrets.sh di host (berkas lama dijadikan mode 600), "
                           "lalu 'docker compose up -d'.")
        return Check("izin_berkas", "fail",
                     _("Berkas rahasia dapat dibaca pengguna lain: {files}.", files=listed), fix)
    if not files:
        return ok("izin_berkas", _("Tidak ada basis data, kunci privat atau inbox pekerja di "
                                   "komputer ini yang perlu diperiksa."))
    return ok("izin_berkas", _("{n} berkas rahasia hanya dapat dibaca pemiliknya (mode 600).",
                               n=len(files)))


def check_fonts(font_dir: Path | None) -> Check:
    """The bundled open-licence fonts the slides and printouts draw with."""
    if font_dir is None:
        return Check("fon", "warn", "Folder fon bawaan tidak diketahui.", "Pasang ulang paket Warta.")
    fonts = sorted(Path(font_dir).glob("*.ttf")) if Path(font_dir).is_dir() else []
    broken = [f.name for f in fonts if f.stat().st_size < 1024]
    if not fonts or broken:
        what = ", ".join(broken) if broken else "tidak ada berkas .ttf"
        return Check("fon", "fail", f"Fon bawaan di {font_dir} tidak lengkap ({what}).",
                     "Pasang ulang paket Warta (channels/assets/fonts) — fon sistem tidak dipakai.")
    return ok("fon", f"{len(fonts)} fon bawaan tersedia.")


def check_speech(voice: str = "id", tts: str = "espeak-ng") -> Check:
    """espeak-ng on PATH with the Indonesian voice (the radio degrades to script-only without it);
    ``tts``: ``settings.radio.tts``."""
    if tts == "none":
        return ok("mesin_suara", "Suara sintetis dinonaktifkan (WARTA_RADIO_TTS=none): hanya naskah.")
    binary = shutil.which("espeak-ng")
    if not binary:
        return Check("mesin_suara", "warn", "espeak-ng tidak ada di PATH: radio hanya menghasilkan naskah.",
                     "Pasang paket Debian 'espeak-ng' (image radio sudah memuatnya).")
    try:
        listing = subprocess.run([binary, f"--voices={voice}"], capture_output=True, text=True,
                                 timeout=15).stdout
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Check("mesin_suara", "warn", f"espeak-ng tidak dapat dijalankan: {exc}",
                     "Pasang ulang paket 'espeak-ng'.")
    if f" {voice} " not in listing:
        return Check("mesin_suara", "warn", f"Suara espeak-ng '{voice}' tidak tersedia.",
                     "Pasang paket 'espeak-ng-data' atau setel WARTA_RADIO_VOICE.")
    return ok("mesin_suara", f"espeak-ng dengan suara '{voice}' tersedia.")


def _writable(folder: Path) -> str | None:
    """None when ``folder`` exists (or can be created) and accepts a file, else the reason."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".warta-doctor-{os.getpid()}"
        probe.write_bytes(b"ok")
        probe.unlink()
        return None
    except OSError as exc:
        return exc.strerror or str(exc)


def check_folders(cfg: Settings) -> Check:
    """WARTA_HOME, the output folder and the archive (not on a worker-only host) accept files."""
    problems = []
    folders = [("WARTA_HOME", cfg.home), ("keluaran", cfg.out)]
    if cfg.host_role != "worker":
        folders.append(("arsip", cfg.archive))
    for label, folder in folders:
        reason = _writable(Path(folder))
        if reason:
            problems.append(f"{label} {folder}: {reason}")
    if problems:
        return Check("folder_keluaran", "fail", "Folder tidak dapat ditulisi: " + "; ".join(problems),
                     "Buat folder itu dan berikan kepada pengguna layanan (mis. 'chown -R warta: <folder>').")
    return ok("folder_keluaran", f"Folder dapat ditulisi ({', '.join(str(f) for _l, f in folders[1:])}).")


def _disk_folders(cfg: Settings) -> dict[str, Path]:
    """The folders whose disks Warta writes to: the SQLite database's, the output and the archive
    (each maybe its own disk; the archive is the one that fills up with proofs)."""
    from shared.backup import sqlite_file

    db = sqlite_file(cfg.db_url)
    folders = {"basis data": db.parent if db else Path(cfg.home), "keluaran": Path(cfg.out),
               "arsip": Path(cfg.archive)}
    out = {}
    for label, folder in folders.items():
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent  # not made yet: the disk it will be made on
        out[label] = folder
    return out


def check_disk(cfg: Settings, warn_mb: int = 1024, fail_mb: int = 200,
               warn_percent: float = 5.0) -> Check:
    """Free space on the disks of the database, the output and the archive: a warning under
    ``warn_mb`` or under ``warn_percent`` of the disk, a failure under ``fail_mb`` (a full
    archive disk leaves proofs pending, a full database disk stops everything)."""
    disks: dict[int, tuple[list[str], Path]] = {}
    for label, folder in _disk_folders(cfg).items():
        labels, _ = disks.setdefault(folder.stat().st_dev, ([], folder))
        labels.append(label)
    worst, parts, fixes = "ok", [], []
    for labels, folder in disks.values():
        usage = shutil.disk_usage(folder)
        free_mb, percent = usage.free // (1024 * 1024), 100.0 * usage.free / (usage.total or 1)
        parts.append(f"{', '.join(labels)} ({folder}): bebas {free_mb} MB ({percent:.0f} %)")
        status = ("fail" if free_mb < fail_mb else
                  "warn" if free_mb < warn_mb or percent < warn_percent else "ok")
        if status != "ok":
            fixes.append(f"Kosongkan ruang di {folder} ({', '.join(labels)}) atau pindahkan ke disk "
                         f"yang lebih besar.")
            if worst != "fail":
                worst = status
    text = "Ruang disk " + "; ".join(parts) + "."
    if worst == "fail":
        return Check("ruang_disk", "fail", f"{text} Kurang dari {fail_mb} MB.", " ".join(fixes))
    if worst == "warn":
        return Check("ruang_disk", "warn", f"{text} Kurang dari {warn_mb} MB atau "
                     f"{warn_percent:.0f} %.", " ".join(fixes))
    return ok("ruang_disk", text)


def check_integrity(cfg: Settings) -> Check:
    """SQLite: ``PRAGMA integrity_check`` (read-only). PostgreSQL checks its own pages; a copy is
    proven by ``warta backup`` and ``warta restore --check``."""
    from shared.backup import integrity_check, sqlite_file

    db = sqlite_file(cfg.db_url)
    if db is None:
        return ok("integritas", "PostgreSQL: uji cadangan dengan 'warta backup' dan "
                                "'warta restore --check'.")
    if not db.is_file():
        return Check("integritas", "fail", f"Berkas basis data {db} tidak ada.",
                     "Jalankan 'warta init', atau pulihkan dari cadangan ('warta restore').")
    problems = integrity_check(db)
    if problems:
        return Check("integritas", "fail", "Basis data SQLite rusak: " + "; ".join(problems[:3]),
                     "Hentikan layanan, lalu pulihkan dari cadangan terakhir yang lolos "
                     "'warta restore --check' (warta restore --input BERKAS --replace).")
    return ok("integritas", f"PRAGMA integrity_check: ok ({db.name}).")
