"""Sealing the monthly archive as an audited act, and verifying a month against everything that
speaks for it: the seal's signature, the files, the audit trail's record of the seal, the signed
checkpoints, and (for a month not sealed yet) every manifest's archiver signature.

Who seals: a logged-in PPID or Kepala Dinas (``actor_id``), or the operator's scheduled job
(``actor_id=None``), which is audited under the explicit actor ``system`` with ``"system": true``.
Re-sealing a sealed month is only the PPID's or the Kepala Dinas's, with a reason; the seal it
replaces is kept (:func:`shared.records.archive_seal.close_month`). A month whose seal vanished
is never sealed afresh as if it had never been sealed: the audit trail remembers the seal.

Every seal writes its audit event (with the seal's sha256) and then a signed checkpoint of the
trail (:mod:`shared.checkpoints`), so rewriting ``SEGEL.json`` outside Warta — even re-signed with
the office's key — no longer matches the sealed record, and rewriting that record breaks the
checkpoint.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import TypedDict

from shared import audit, checkpoints
from shared.archive_keys import check_manifests
from shared.errors import InvalidInput, NotFound, Refused, WartaError
from shared.i18n import N_
from shared.records import archive_seal, parse_month
from shared.records.access import records_actor

SYSTEM_ACTOR = "system"


class SealRecord(TypedDict):
    """One seal file of a month (the current one last) and the audit event recording its sha256."""

    file: str
    sha256: str
    event: int | None
    """The id of that audit event; None when the audit trail never recorded this seal."""


def office_public_key(w):  # noqa: ANN001, ANN201 - Warta → Ed25519PublicKey
    """The public half of the office's key: the configured verify key, else the signing key's."""
    from shared.messages import load_public_key

    path = w.settings.verify_key_path
    return load_public_key(path) if path.exists() else w.signing_key.public_key()


def _data(event) -> dict:  # noqa: ANN001
    try:
        return json.loads(event.data)
    except ValueError:
        return {}


def seal_month(w, month: str, actor_id: int | None, reseal: bool = False,  # noqa: ANN001
               reason: str | None = None, now: datetime | None = None) -> dict:
    """Seal (or, with ``reseal`` and a ``reason``, seal again) the month's archive folder as
    ``actor_id`` (None: the scheduled job, audited as ``system``; never for a re-seal)."""
    parse_month(month)
    reason = (reason or "").strip()
    if reseal and actor_id is None:
        raise Refused("Penyegelan ulang arsip bulan {m} hanya oleh PPID atau Kepala Dinas yang "
                      "masuk (--as USER); tugas terjadwal (system) tidak boleh menyegel ulang", m=month)
    if reseal and not reason:
        raise InvalidInput("Penyegelan ulang arsip bulan {m} memerlukan alasan (--reason TEKS)",
                           m=month)
    refusal = (N_("{role} tidak berwenang menyegel ulang arsip bulanan; hanya PPID dan Kepala Dinas")
               if reseal else
               N_("{role} tidak berwenang menyegel arsip bulanan; hanya PPID dan Kepala Dinas"))
    with w.read() as s:
        actor = records_actor(w, s, actor_id, refusal)  # PPID or Kepala Dinas, else refused with why
        events = audit.seal_events(s, month)
    folder = archive_seal.month_dir(w.settings.archive, month)
    sealed_now = (folder / archive_seal.SEAL).exists()
    if reseal and not sealed_now and not events:
        raise Refused("Arsip bulan {m} belum pernah disegel; tutup dahulu tanpa --reseal", m=month)
    if not reseal and sealed_now:
        raise Refused("Arsip bulan {m} sudah ditutup; menyegel ulang hanya dengan --reseal "
                      "--reason oleh PPID atau Kepala Dinas (periksa dengan 'warta archive verify "
                      "--month {m}')", m=month)
    if not reseal and events:
        raise Refused("Arsip bulan {m} pernah disegel (kejadian audit #{id}) tetapi {f} tidak ada "
                      "lagi: segel dihapus di luar Warta. Periksa dengan 'warta archive verify "
                      "--month {m}'; menyegel ulang hanya dengan --reseal --reason oleh PPID atau "
                      "Kepala Dinas", m=month, id=events[-1].id, f=archive_seal.SEAL)
    result = archive_seal.close_month(w.settings.archive, month, w.signing_key, w.tz, actor,
                                      now=now, reseal_reason=reason if reseal else None)
    with w.tx() as s:
        event = audit.record(s, actor, "archive_reseal" if reseal else "archive_close", None,
                             month=month, files=result.files, manifest_sha256=result.manifest_sha256,
                             seal_no=result.seal_no, previous=result.previous,
                             reason=reason or None, system=actor_id is None)
        event_id = event.id
    out = {"month": month, "folder": str(result.folder), "files": result.files,
           "manifest_sha256": result.manifest_sha256, "closed_at": result.closed_at,
           "seal_no": result.seal_no, "previous": result.previous, "resealed": reseal,
           "actor": actor, "event": event_id, "checkpoint": None, "checkpoint_problem": ""}
    try:  # the seal is done and audited; a refused checkpoint is reported, not undone
        with w.read() as s:
            cp = checkpoints.take(s, w.signing_key, w.settings.archive, w.settings.out, w.tz,
                                  "segel", month)
        out["checkpoint"] = {"event_id": cp["event_id"], "at": cp["at"], "path": cp["path"]}
    except WartaError as exc:
        out["checkpoint_problem"] = str(exc)
    return out


def _seal_binding(folder: Path, events: list, latest_id: int) -> tuple[list[str], list[SealRecord]]:
    """Compare the seal files with the audited seals: (problems, the seals with their events)."""
    problems: list[str] = []
    by_sha = {_data(e).get("manifest_sha256"): e for e in events}
    seals: list[SealRecord] = []
    for path in [*archive_seal.previous_seals(folder), folder / archive_seal.SEAL]:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        event = by_sha.get(digest)
        seals.append({"file": path.name, "sha256": digest, "event": event.id if event else None})
        if path.name != archive_seal.SEAL and event is None:
            problems.append(f"segel lama {path.name} tidak tercatat di jejak audit (ditulis ulang?)")
    current = seals[-1]
    if not events:
        problems.append(f"segel bulan ini tidak tercatat di jejak audit: {archive_seal.SEAL} "
                        "dibuat di luar Warta")
    elif current["event"] is None:
        problems.append(f"{archive_seal.SEAL} tidak sama dengan segel yang tercatat di jejak audit "
                        f"(kejadian #{events[-1].id}): segel dibuka, diubah dan ditulis ulang di "
                        "luar Warta")
    elif current["event"] != events[-1].id:
        problems.append(f"{archive_seal.SEAL} adalah segel lama (kejadian #{current['event']}), "
                        f"bukan segel terakhir yang tercatat (kejadian #{events[-1].id})")
    elif current["event"] > latest_id:
        problems.append(f"kejadian segel #{current['event']} belum dilindungi checkpoint bertanda "
                        "tangan; bila segel ini sah, jalankan 'warta audit checkpoint'")
    return problems, seals


def verify_month(w, month: str) -> dict:  # noqa: ANN001
    """Check ``month`` (see the module's docstring). A sealed month: the report of
    :func:`archive_seal.verify_month` plus ``sealed``, ``seals``, ``problems`` and ``audit``.
    A month not sealed: its manifests; :class:`NotFound` when they all hold (nothing to seal-check),
    a report with ``ok`` False when something fails or its seal vanished."""
    parse_month(month)
    public = office_public_key(w)
    archive, out = w.settings.archive, w.settings.out
    folder = archive_seal.month_dir(archive, month)
    with w.read() as s:
        trail = checkpoints.verify_trail(s, archive, out, public)
        events = audit.seal_events(s, month)
    found = checkpoints.load(archive, out)
    trusted = checkpoints.trusted_archiver_keys(found, public)
    latest_id = trail["latest"]["event_id"] if trail["latest"] else 0
    audit_problems = [f"jejak audit: {p}" for p in trail["problems"]]
    if not (folder / archive_seal.SEAL).exists():
        problems = []
        if events:
            problems.append(f"segel hilang: arsip bulan {month} disegel (kejadian audit "
                            f"#{events[-1].id}) tetapi {archive_seal.SEAL} tidak ada lagi")
        problems += check_manifests(folder, archive, trusted) if folder.is_dir() else []
        problems += audit_problems
        if not problems:
            raise NotFound("Arsip bulan {m} belum ditutup (tidak ada {f} di {d}); manifest bulan "
                           "ini diperiksa: tanda tangan dan berkasnya cocok", m=month,
                           f=archive_seal.SEAL, d=str(folder))
        return {"ok": False, "month": month, "folder": str(folder), "sealed": False,
                "signature_ok": False, "checked": 0, "changed": [], "missing": [], "extra": [],
                "closed_at": None, "problem": "; ".join(problems), "problems": problems,
                "seals": [], "audit": trail}
    report = archive_seal.verify_month(archive, month, public).as_dict()
    problems = [report["problem"]] if report["problem"] else []
    binding, seals = _seal_binding(folder, events, latest_id)
    problems += binding + audit_problems
    ok = report["ok"] and not problems
    return {**report, "ok": ok, "sealed": True, "problem": "; ".join(problems),
            "problems": problems, "seals": seals, "audit": trail}


def verify_seals(w, public) -> list[str]:  # noqa: ANN001
    """Every sealed or once-sealed month's seal against the audit trail (for ``warta audit
    verify``): problems in Indonesian."""
    archive, out = w.settings.archive, w.settings.out
    with w.read() as s:
        events = audit.seal_events(s)
        _, latest = checkpoints.check(s, checkpoints.load(archive, out), public)
    months = {_data(e).get("month") for e in events}
    months |= {f"{p.parent.parent.name}-{p.parent.name}" for p in Path(archive).glob(
        f"[0-9][0-9][0-9][0-9]/[0-9][0-9]/{archive_seal.SEAL}")}
    problems = []
    for month in sorted(m for m in months if m):
        folder = archive_seal.month_dir(archive, month)
        mine = [e for e in events if _data(e).get("month") == month]
        if not (folder / archive_seal.SEAL).exists():
            problems.append(f"arsip {month}: segel hilang ({archive_seal.SEAL} tidak ada, padahal "
                            f"disegel pada kejadian #{mine[-1].id})")
            continue
        found, _ = _seal_binding(folder, mine, latest["event_id"] if latest else 0)
        problems += [f"arsip {month}: {p}" for p in found]
    return problems
