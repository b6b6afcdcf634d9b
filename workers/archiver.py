"""The archiver: consumes receipts, files the proof of publication under
``$WARTA_ARCHIVE_DIR/YYYY/MM/<number-as-slug>/<channel>/`` with a ``manifest.json``, updates the
delivery, and moves the announcement to disseminated once every channel confirmed.
Duplicate receipts change nothing; a receipt for an unknown announcement is logged and dropped.
A proof the archive cannot take now (an ``OSError``: disk full, I/O error, mount missing) leaves its
delivery ``proof_pending`` and goes back to the receipts queue through the transports' retry tiers
(:func:`proof_retry_delay`), so it is filed by itself once the archive takes files again."""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from pydantic import ValidationError

from channels.base import sha256_file
from shared.slug import proof_folder
from shared.config import Settings
from shared.messages import Kind, Receipt
from shared.models import Announcement
from shared.observability import METRICS, get_logger
from shared.receipt_keys import ReceiptVerifier, registry_dir
from shared.services.context import Context
from shared.services.deliveries import ProofDeferred, ProofError
from shared.services.ledger import Applied, ReceiptLedger, ReceiptResult
from shared.settings import BrokerSettings
from shared.settings.endpoints import parse_endpoints, serves_endpoint
from shared.timefmt import local
from channels.videotron.proof_of_play import is_screen_report
from workers.proof_of_play import file_screen_report
from workers.transport import ATTEMPT, Incoming, Settlement, Transport

log = get_logger(service_part="archiver")

PROOF_RETRY_CAP = 300
"""Longest wait (s) between two filings of a receipt whose proof the archive could not take. The
workers' longer tiers (1800 s) would leave a confirmed delivery ``proof_pending`` for half an hour
after space returned; a retry every 5 minutes of a few receipts costs next to nothing."""


def proof_retry_delay(tiers: list[int], attempt: int) -> int:
    """The retry tier (seconds) for the ``attempt``-th deferred filing (0 = first): the workers'
    tiers shortest first, never beyond :data:`PROOF_RETRY_CAP` (the shortest tier when all are
    longer), and the last one again for every later attempt: never parked, never a busy loop. Only
    declared tiers are used, so the AMQP retry exchange of the delay always exists."""
    ordered = sorted(set(tiers)) or [PROOF_RETRY_CAP]
    usable = [t for t in ordered if t <= PROOF_RETRY_CAP] or ordered[:1]
    return usable[min(max(attempt, 0), len(usable) - 1)]


def _deferred(exc: OSError, r: Receipt) -> ProofDeferred:
    """The archive could not take ``r``'s proof now: log why (errno) and defer it."""
    code = errno.errorcode.get(exc.errno or 0, "")
    log.warning("proof_deferred", message_id=r.message_id, channel=str(r.channel),
                errno=code, error=str(exc)[:200])
    return ProofDeferred(f"{code or type(exc).__name__}: {exc.strerror or exc}")


def proof_dir(archive: Path, number: str, channel: str, kind: str, at, tz: str,  # noqa: ANN001
              endpoint: str = "") -> Path:
    """Where the proof of one delivery is filed (month of confirmation, in the agency's zone); a
    named endpoint's under ``<channel>/<endpoint>/`` (each screen's proof on its own)."""
    when = local(at, tz)
    base = archive / f"{when:%Y}" / f"{when:%m}" / proof_folder(number) / channel
    base = base / endpoint if endpoint else base
    return base / "pencabutan" if kind == Kind.REVOKE else base


def _safe_name(name: str) -> str:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ProofError(f"Nama berkas bukti tidak sah: {name!r}")
    return str(path)


@dataclass
class StagedProof:
    """A proof written to temp files (fsynced); ``install`` renames them into place."""

    key: tuple
    stored: list[dict] = field(default_factory=list)
    digest: str = ""
    moves: list[tuple[Path, Path]] = field(default_factory=list)

    def install(self) -> tuple[list[dict], str]:
        """Rename every file into place (manifest last); returns (artifacts, manifest sha256)."""
        for tmp, target in self.moves:
            os.replace(tmp, target)
        self.moves = []
        return self.stored, self.digest

    def discard(self) -> None:
        """Remove the temp files (the receipt was not applied)."""
        for tmp, _ in self.moves:
            tmp.unlink(missing_ok=True)
        self.moves = []


def _proof_key(item, r: Receipt) -> tuple:  # noqa: ANN001
    """What the proof's content depends on besides the receipt (staged vs. applied must agree)."""
    return (item.id, item.number, item.key, item.title, r.message_id, _endpoint(item))


def _endpoint(item) -> str:  # noqa: ANN001
    """The named endpoint a proof belongs to ('' for a channel's unnamed one: an Announcement)."""
    return getattr(item, "endpoint", "") or ""


def _staged_write(target: Path, data: bytes) -> Path:
    """``data`` in a fsynced temp file next to ``target`` (same folder, so the rename is atomic)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o644)  # read by others, as atomic_write's files
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def _fsync_path(path: Path) -> None:
    with open(path, "rb+") as fh:
        os.fsync(fh.fileno())


class Archiver:
    """Receipts → deliveries and archive."""

    def __init__(self, settings: Settings, transport: Transport,
                 bb: BrokerSettings | None = None) -> None:
        self.settings, self.transport = settings, transport
        self.bb = bb if bb is not None else settings.broker
        self.ledger = ReceiptLedger(Context(settings))  # the one service the archiver calls
        self.verifier = ReceiptVerifier(self.bb.worker_registry or registry_dir(settings.home))
        if not self.verifier.workers():
            log.warning("no_worker_keys", folder=str(self.verifier.folder),
                        hint="jalankan 'warta keys worker CHANNEL' untuk setiap pekerja")
        self._check_endpoints()
        try:  # made once at start; a root that vanishes later is a lost mount (see _check_archive)
            self.settings.archive.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("archive_unavailable", archive=str(self.settings.archive), error=str(exc))

    def _check_endpoints(self) -> None:
        """Cross-check ``WARTA_ENDPOINTS`` with the registered worker keys: a named endpoint
        without a key named after it can never confirm, so its announcements would wait for ever."""
        registered = self.verifier.workers()
        for channel, names in parse_endpoints(self.settings.endpoints).items():
            for endpoint in names:
                if not any(ch == channel and serves_endpoint(worker, endpoint)
                           for ch, worker in registered):
                    log.warning("endpoint_without_key", channel=channel, endpoint=endpoint,
                                hint=f"jalankan 'warta keys worker {channel} --id {endpoint}' "
                                     "di komputer layar dan daftarkan kunci publiknya")

    def _check_archive(self) -> None:
        """Raise when the archive's root is gone (an unmounted disk): filing would otherwise
        recreate it on the system disk, and the proofs would vanish under the remount."""
        if not self.settings.archive.is_dir():
            raise FileNotFoundError(errno.ENOENT, "Folder arsip tidak ada (disk arsip tidak "
                                    "terpasang?)", str(self.settings.archive))

    def _filer(self, item: Announcement, r: Receipt) -> tuple[list[dict], str]:
        """:meth:`file_proof` for the service layer: an ``OSError`` becomes :class:`ProofDeferred`
        (raised before the delivery changes), so the delivery waits as ``proof_pending``."""
        try:
            self._check_archive()
            return self.file_proof(item, r)
        except OSError as exc:
            raise _deferred(exc, r) from exc

    def _later(self, inc: Incoming) -> Settlement:
        """Back to the receipts queue after the next retry tier, with its attempt counted (our own
        header, as the workers do): other receipts go on meanwhile, and nothing is parked."""
        attempt = int(inc.headers.get(ATTEMPT, 0) or 0)
        delay = proof_retry_delay(self.bb.tiers, attempt)
        log.warning("receipt_retry_later", message_id=inc.message_id, attempt=attempt + 1,
                    delay_seconds=delay)
        return Settlement(retry_delay=delay, headers={ATTEMPT: attempt + 1})

    def file_proof(self, item: Announcement, r: Receipt) -> tuple[list[dict], str]:
        """Write the artifacts and manifest; checksums are verified before anything counts."""
        return self.prepare_proof(item, r).install()

    def prepare_proof(self, item, r: Receipt) -> "StagedProof":  # noqa: ANN001
        """Write (and fsync) the proof of ``r`` as temp files next to their final names; nothing
        is visible under the final names until :meth:`StagedProof.install`. Raises
        :class:`ProofError` on a checksum mismatch (the temp files are removed)."""
        folder = proof_dir(self.settings.archive, item.number or r.number, str(r.channel), r.kind,
                           r.at, self.settings.timezone, _endpoint(item))
        staged = StagedProof(key=_proof_key(item, r))
        try:
            files = []
            for a in r.artifacts:
                name = _safe_name(a.name)
                target = folder / name
                if a.data_b64 is not None:
                    data = base64.b64decode(a.data_b64)
                    if hashlib.sha256(data).hexdigest() != a.sha256:
                        raise ProofError(f"Checksum {name} tidak cocok dengan tanda terima")
                    staged.moves.append((_staged_write(target, data), target))
                elif a.ref and Path(a.ref).is_file():  # large file on this machine: copy it
                    tmp = _staged_write(target, b"")
                    staged.moves.append((tmp, target))
                    shutil.copyfile(a.ref, tmp)
                    if sha256_file(tmp) != a.sha256:
                        raise ProofError(f"Checksum {name} tidak cocok dengan tanda terima")
                    _fsync_path(tmp)
                else:  # large file on another machine: the manifest keeps the reference
                    staged.stored.append({"name": name, "size": a.size, "sha256": a.sha256, "ref": a.ref})
                    continue
                files.append({"path": name, "sha256": a.sha256, "size": a.size})
                staged.stored.append({"name": name, "size": a.size, "sha256": a.sha256,
                                      "path": str(target.relative_to(self.settings.archive))})
            manifest = {"files": files, "references": [s for s in staged.stored if "ref" in s],
                        "number": item.number, "announcement_id": item.id, "key": item.key,
                        "title": item.title, "channel": str(r.channel), "kind": str(r.kind),
                        "outcome": str(r.outcome), "message_id": r.message_id,
                        "confirmed_at": r.at.isoformat(), "host": r.host, "attempt": r.attempt}
            if _endpoint(item):  # which screen this proof is of (absent: the unnamed endpoint)
                manifest["endpoint"], manifest["worker"] = _endpoint(item), r.worker
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            # signed with the archiver's own key, never the approval side's (shared.archive_keys);
            # the signature lands before the manifest, so a filed manifest always has one
            from shared.archive_keys import SIG_SUFFIX, archiver_key, sign_manifest

            sig = sign_manifest(archiver_key(self.settings.home, self.settings.archive), data)
            sig_path = folder / f"manifest.json{SIG_SUFFIX}"
            staged.moves.append((_staged_write(sig_path, sig), sig_path))
            staged.moves.append((_staged_write(folder / "manifest.json", data), folder / "manifest.json"))
            staged.digest = hashlib.sha256(data).hexdigest()
        except BaseException:
            staged.discard()
            raise
        return staged

    def handle_batch(self, batch: list[Incoming]) -> list[Settlement]:
        """Apply several receipts in one database transaction; every message is settled (acked)
        only after that transaction committed. A bad receipt is logged and dropped as in
        :meth:`handle`; a database failure raises, and the transport requeues the whole batch."""
        METRICS.heartbeat.set_to_current_time()
        settlements = [Settlement() for _ in batch]
        receipts, owners = [], []
        for i, inc in enumerate(batch):
            try:
                receipt = self._decode(inc)
            except OSError as exc:  # a screen report the archive could not take now: later
                log.warning("screen_report_deferred", message_id=inc.message_id, error=str(exc)[:200])
                settlements[i] = self._later(inc)
                continue
            if receipt is not None:
                receipts.append(receipt)
                owners.append(i)
        results = self._apply_staged(receipts) if receipts else []
        for i, receipt, (result, reason) in zip(owners, receipts, results, strict=False):
            self._log_result(receipt, result, reason)
            if result == ReceiptResult.DEFERRED:
                settlements[i] = self._later(batch[i])
        return settlements

    def _apply_staged(self, receipts: list[Receipt]) -> list[Applied]:
        """Stage (write + fsync) the proofs the batch will need BEFORE taking the database's write
        lock, then apply every receipt in one transaction, in which a staged proof is only renamed
        into place when its receipt is applied; the rest are discarded."""
        staged: dict[str, StagedProof | ProofError | ProofDeferred] = {}
        for receipt, item in zip(receipts, self.ledger.receipts_to_file(receipts), strict=False):
            if item is not None and receipt.message_id not in staged:
                try:
                    self._check_archive()
                    staged[receipt.message_id] = self.prepare_proof(item, receipt)
                except ProofError as exc:
                    staged[receipt.message_id] = exc
                except OSError as exc:  # disk full, I/O error: not a bad proof, a later one
                    staged[receipt.message_id] = _deferred(exc, receipt)

        def file_proof(item: Announcement, r: Receipt) -> tuple[list[dict], str]:
            waiting = staged.get(r.message_id)
            if isinstance(waiting, ProofDeferred):
                raise waiting  # kept: a copy in this batch waits as well
            ready = staged.pop(r.message_id, None)
            if isinstance(ready, (ProofError, ProofDeferred)):
                raise ready
            try:
                if ready is not None and ready.key == _proof_key(item, r):
                    return ready.install()
                if ready is not None:  # the announcement changed since staging: file it afresh
                    ready.discard()
                return self._filer(item, r)
            except OSError as exc:  # a rename failed: its temp files go, the receipt waits
                if isinstance(ready, StagedProof):
                    ready.discard()
                raise _deferred(exc, r) from exc

        try:
            return self.ledger.record_receipts(receipts, file_proof)
        finally:
            for left in staged.values():  # not applied (duplicate, stale) or the batch failed
                if isinstance(left, StagedProof):
                    left.discard()

    def _decode(self, inc: Incoming) -> Receipt | None:
        if is_screen_report(inc.body):  # a screen's proof of play: filed, no delivery changes
            file_screen_report(self.settings, self.ledger.ctx, inc.body, self.verifier)
            return None
        try:
            receipt = Receipt.model_validate_json(inc.body)
        except (ValidationError, ValueError) as exc:
            log.error("receipt_undecodable", message_id=inc.message_id,
                      error=str(exc).splitlines()[0][:200])
            return None
        refusal = self.verifier.refusal(receipt)
        if refusal is not None:  # never applied: a forged receipt must not become proof
            METRICS.receipts_rejected.labels(str(receipt.channel)).inc()
            log.error("receipt_rejected", message_id=receipt.message_id, worker=receipt.worker,
                      channel=str(receipt.channel), reason=refusal)
            return None
        return receipt

    @staticmethod
    def _log_result(receipt: Receipt, result: ReceiptResult, reason: str = "") -> None:
        bound = log.bind(message_id=receipt.message_id, channel=str(receipt.channel),
                         announcement_id=receipt.announcement_id, outcome=str(receipt.outcome))
        if result == ReceiptResult.REJECTED:
            bound.error("receipt_proof_rejected", error=reason)
        else:
            if result == ReceiptResult.FOREIGN:  # another screen's key: as good as unsigned for this one
                METRICS.receipts_rejected.labels(str(receipt.channel)).inc()
            odd = result in (ReceiptResult.UNKNOWN, ReceiptResult.STALE, ReceiptResult.DEFERRED,
                             ReceiptResult.FOREIGN)
            (bound.warning if odd else bound.info)(
                "receipt", result=result, worker=receipt.worker)

    def handle(self, inc: Incoming) -> Settlement:
        """Apply one receipt (never raises for a bad one: it is logged and dropped)."""
        METRICS.heartbeat.set_to_current_time()
        try:
            receipt = self._decode(inc)
        except OSError as exc:  # a screen report the archive could not take now: later
            log.warning("screen_report_deferred", message_id=inc.message_id, error=str(exc)[:200])
            return self._later(inc)
        if receipt is None:
            return Settlement()
        try:
            result, reason = self.ledger.record_receipt(receipt, self._filer), ""
        except ProofError as exc:
            result, reason = ReceiptResult.REJECTED, str(exc)
        self._log_result(receipt, result, reason)
        return self._later(inc) if result == ReceiptResult.DEFERRED else Settlement()

    def run(self, stop: threading.Event) -> None:
        """Consume receipts until ``stop``."""
        self.transport.declare()
        log.info("archiver_started", archive=str(self.settings.archive))
        self.transport.serve([self.transport.names.receipts], self.handle, stop,
                             idle=METRICS.heartbeat.set_to_current_time,
                             batch_handler=self.handle_batch, batch=self.bb.archiver_batch)
        log.info("archiver_stopped")
