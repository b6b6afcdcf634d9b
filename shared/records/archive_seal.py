"""Closing a month of the archive ("Folder Informasi Bulanan", Kalsel SOP step 12): a manifest of
every file under ``archive/YYYY/MM/`` with its sha256, signed with the approval side's Ed25519 key;
and verifying a closed month, naming each changed, missing or extra file.

The seal is two files in the month's folder: ``SEGEL.json`` (the manifest, canonical JSON) and
``SEGEL.sig`` (the base64 signature of exactly those bytes). Neither is listed in the manifest.
A re-seal never overwrites: the seal it replaces is kept as ``SEGEL-<n>.json``/``SEGEL-<n>.sig``
(n = that seal's number), listed in the new manifest, which names it under ``previous``.
Who may seal, and the audit event and checkpoint every seal gets, are in
:mod:`shared.records.sealing`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from shared.slug import sha256_file

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shared.errors import NotFound, Refused
from shared.records import month_bounds, parse_month
from shared.timefmt import utcnow

SEAL = "SEGEL.json"
SIGNATURE = "SEGEL.sig"
SEAL_FILES = {SEAL, SIGNATURE}
FORMAT = "warta-segel-arsip/1"
_OLD_SEAL = re.compile(r"^SEGEL-(\d+)\.json$")


def month_dir(archive: Path, month: str) -> Path:
    """``archive/YYYY/MM`` for a ``YYYY-MM`` month."""
    year, mon = parse_month(month)
    return Path(archive) / f"{year:04d}" / f"{mon:02d}"


def scan(folder: Path) -> dict[str, Path]:
    """Every file under ``folder`` (relative POSIX path → path), the seal files excepted."""
    found = {}
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in files:
            full = Path(root) / name
            rel = full.relative_to(folder).as_posix()
            if rel in SEAL_FILES:
                continue
            found[rel] = full
    return dict(sorted(found.items()))


def key_fingerprint(public: Ed25519PublicKey) -> str:
    """sha256 of the raw public key, so a reader knows which key sealed the month."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def _canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass
class SealResult:
    """What closing a month produced."""

    month: str
    folder: Path
    files: int
    manifest_sha256: str
    closed_at: str
    seal_no: int = 1
    previous: dict | None = None


def previous_seals(folder: Path) -> list[Path]:
    """The seals a re-seal replaced (``SEGEL-<n>.json``), oldest first."""
    found = [(int(m.group(1)), p) for p in folder.glob("SEGEL-*.json")
             if (m := _OLD_SEAL.match(p.name))] if folder.is_dir() else []
    return [p for _, p in sorted(found)]


def _keep_previous(folder: Path) -> dict:
    """Move the current seal aside as ``SEGEL-<n>``; link first, so an existing file is never
    overwritten. Returns what the new manifest says about it."""
    number = len(previous_seals(folder)) + 1
    if not (folder / SEAL).exists():  # removed outside Warta: the re-seal says so
        return {"seal_no": number, "path": None, "sha256": None, "missing": True}
    kept = folder / f"SEGEL-{number}.json"
    digest = hashlib.sha256((folder / SEAL).read_bytes()).hexdigest()
    if (folder / SIGNATURE).exists():
        os.link(folder / SIGNATURE, folder / f"SEGEL-{number}.sig")
    os.link(folder / SEAL, kept)
    (folder / SEAL).unlink()
    (folder / SIGNATURE).unlink(missing_ok=True)
    return {"seal_no": number, "path": kept.name, "sha256": digest, "missing": False}


def close_month(archive: Path, month: str, key: Ed25519PrivateKey, tz: str, closed_by: str,
                now: datetime | None = None, reseal_reason: str | None = None) -> SealResult:
    """Seal ``month``: refuse a month that has not ended yet or is already sealed. With
    ``reseal_reason`` a sealed month is sealed again, keeping the seal it replaces (the caller,
    :func:`shared.records.sealing.seal_month`, decides who may)."""
    now = now or utcnow()
    _, end = month_bounds(month, tz)
    if now < end:
        raise Refused("Bulan {m} belum berakhir; arsip bulanan ditutup setelah bulan berjalan "
                      "selesai", m=month)
    folder = month_dir(archive, month)
    if (folder / SEAL).exists() and reseal_reason is None:
        raise Refused("Arsip bulan {m} sudah ditutup; jalankan 'warta archive verify --month {m}' "
                      "untuk memeriksanya", m=month)
    folder.mkdir(parents=True, exist_ok=True)
    previous = _keep_previous(folder) if reseal_reason is not None else None
    files = [{"path": rel, "sha256": sha256_file(p), "size": p.stat().st_size}
             for rel, p in scan(folder).items()]
    seal_no: int = previous["seal_no"] + 1 if previous else 1
    manifest = {"format": FORMAT, "month": month, "closed_at": now.isoformat(),
                "closed_by": closed_by, "key_sha256": key_fingerprint(key.public_key()),
                "files": files, "seal_no": seal_no}
    if previous:
        manifest.update(previous=previous, reseal_reason=reseal_reason)
    body = _canonical(manifest)
    signature = base64.b64encode(key.sign(body)).decode()
    # the signature lands first, the manifest last: a half-written seal has no SEGEL.json
    tmp_sig, tmp_seal = folder / f".{SIGNATURE}.tmp", folder / f".{SEAL}.tmp"
    tmp_sig.write_text(signature + "\n", encoding="ascii")
    tmp_seal.write_bytes(body)
    tmp_sig.replace(folder / SIGNATURE)
    tmp_seal.replace(folder / SEAL)
    return SealResult(month, folder, len(files), hashlib.sha256(body).hexdigest(), now.isoformat(),
                      seal_no, previous)


@dataclass
class VerifyReport:
    """Outcome of :func:`verify_month`: ``ok`` only when the signature holds and every file matches."""

    month: str
    folder: str
    signature_ok: bool
    checked: int = 0
    changed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    closed_at: str | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        """True when nothing differs from the sealed manifest."""
        return self.signature_ok and not (self.changed or self.missing or self.extra or self.problem)

    def as_dict(self) -> dict:
        """For ``--json`` and the kiosk."""
        return {"ok": self.ok, "month": self.month, "folder": self.folder,
                "signature_ok": self.signature_ok, "checked": self.checked,
                "changed": self.changed, "missing": self.missing, "extra": self.extra,
                "closed_at": self.closed_at, "problem": self.problem}


def verify_month(archive: Path, month: str, public: Ed25519PublicKey) -> VerifyReport:
    """Check a sealed month: the signature over the manifest, then every file against it."""
    folder = month_dir(archive, month)
    seal = folder / SEAL
    if not seal.exists():
        raise NotFound("Arsip bulan {m} belum ditutup (tidak ada {f} di {d})", m=month, f=SEAL,
                       d=str(folder))
    body = seal.read_bytes()
    report = VerifyReport(month, str(folder), signature_ok=False)
    try:
        signature = base64.b64decode((folder / SIGNATURE).read_text(encoding="ascii").strip(),
                                     validate=True)
        public.verify(signature, body)
        report.signature_ok = True
    except FileNotFoundError:
        report.problem = f"berkas tanda tangan {SIGNATURE} hilang"
    except (InvalidSignature, ValueError):
        report.problem = "tanda tangan segel tidak sah: manifest diubah atau ditandatangani kunci lain"
    try:
        manifest = json.loads(body)
        sealed = {f["path"]: f["sha256"] for f in manifest["files"]}
        report.closed_at = manifest.get("closed_at")
    except (ValueError, KeyError, TypeError):
        report.problem = report.problem or "manifest segel rusak (bukan JSON yang dikenal)"
        return report
    present = scan(folder)
    for rel, digest in sealed.items():
        if rel not in present:
            report.missing.append(rel)
        elif sha256_file(present[rel]) != digest:
            report.changed.append(rel)
    report.extra = [rel for rel in present if rel not in sealed]
    report.checked = len(sealed)
    return report
