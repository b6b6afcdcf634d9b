"""The archiver: consumes receipts, files the proof of publication under
``$WARTA_ARCHIVE_DIR/YYYY/MM/<number-as-slug>/<channel>/`` with a ``manifest.json``, updates the
delivery, and moves the announcement to disseminated once every channel confirmed.
Duplicate receipts change nothing; a receipt for an unknown announcement is logged and dropped."""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import threading
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from channels.base import atomic_write, sha256_file
from shared.slug import proof_folder
from shared.config import Settings
from shared.messages import Kind, Receipt
from shared.models import Announcement
from shared.observability import METRICS, get_logger
from shared.services import Warta
from shared.services.deliveries import ProofError
from shared.timefmt import local
from workers.transport import Incoming, Settlement, Transport

log = get_logger(service_part="archiver")


def proof_dir(archive: Path, number: str, channel: str, kind: str, at, tz: str) -> Path:  # noqa: ANN001
    """Where the proof of one delivery is filed (month of confirmation, in the agency's zone)."""
    when = local(at, tz)
    base = archive / f"{when:%Y}" / f"{when:%m}" / proof_folder(number) / channel
    return base / "pencabutan" if kind == Kind.REVOKE else base


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ProofError(f"Nama berkas bukti tidak sah: {name!r}")
    return str(path)


class Archiver:
    """Receipts → deliveries and archive."""

    def __init__(self, settings: Settings, transport: Transport) -> None:
        self.settings, self.transport = settings, transport
        self.w = Warta(settings)

    def file_proof(self, item: Announcement, r: Receipt) -> tuple[list[dict], str]:
        """Write the artifacts and manifest; checksums are verified before anything counts."""
        folder = proof_dir(self.settings.archive, item.number or r.number, str(r.channel), r.kind,
                           r.at, self.settings.timezone)
        files, stored = [], []
        for a in r.artifacts:
            name = _safe_name(a.name)
            target = folder / name
            if a.data_b64 is not None:
                data = base64.b64decode(a.data_b64)
                if hashlib.sha256(data).hexdigest() != a.sha256:
                    raise ProofError(f"Checksum {name} tidak cocok dengan tanda terima")
                atomic_write(target, data)
            elif a.ref and Path(a.ref).is_file():  # large file on this machine: copy it
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(a.ref, target)
                if sha256_file(target) != a.sha256:
                    target.unlink()
                    raise ProofError(f"Checksum {name} tidak cocok dengan tanda terima")
            else:  # large file on another machine: the manifest keeps the reference
                stored.append({"name": name, "size": a.size, "sha256": a.sha256, "ref": a.ref})
                continue
            files.append({"path": name, "sha256": a.sha256, "size": a.size})
            stored.append({"name": name, "size": a.size, "sha256": a.sha256,
                           "path": str(target.relative_to(self.settings.archive))})
        manifest = {"files": files, "references": [s for s in stored if "ref" in s],
                    "number": item.number, "announcement_id": item.id, "key": item.key,
                    "title": item.title, "channel": str(r.channel), "kind": str(r.kind),
                    "outcome": str(r.outcome), "message_id": r.message_id,
                    "confirmed_at": r.at.isoformat(), "host": r.host, "attempt": r.attempt}
        data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
        atomic_write(folder / "manifest.json", data)
        return stored, hashlib.sha256(data).hexdigest()

    def handle(self, inc: Incoming) -> Settlement:
        """Apply one receipt (never raises for a bad one: it is logged and dropped)."""
        METRICS.heartbeat.set_to_current_time()
        try:
            receipt = Receipt.model_validate_json(inc.body)
        except (ValidationError, ValueError) as exc:
            log.error("receipt_undecodable", message_id=inc.message_id,
                      error=str(exc).splitlines()[0][:200])
            return Settlement()
        bound = log.bind(message_id=receipt.message_id, channel=str(receipt.channel),
                         announcement_id=receipt.announcement_id, outcome=str(receipt.outcome))
        try:
            result = self.w.record_receipt(receipt, self.file_proof)
        except ProofError as exc:
            bound.error("receipt_proof_rejected", error=str(exc))
            return Settlement()
        (bound.warning if result in ("unknown", "stale") else bound.info)("receipt", result=result)
        return Settlement()

    def run(self, stop: threading.Event) -> None:
        """Consume receipts until ``stop``."""
        self.transport.declare()
        log.info("archiver_started", archive=str(self.settings.archive))
        self.transport.serve([self.transport.names.receipts], self.handle, stop,
                             idle=METRICS.heartbeat.set_to_current_time)
        log.info("archiver_stopped")
