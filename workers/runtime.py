"""The channel worker: verify → dedupe (local inbox) → render off the broker thread → receipt →
retry tier or parking → acknowledge. The same code runs over both transports, and reads nothing
from the central database (only the public key and its own output folder)."""

from __future__ import annotations

import base64
import socket
import threading
import time
from pathlib import Path

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from channels import get_renderer, make_renderer
from channels.base import (ChannelRenderer, PermanentRenderError, Superseded, TransientRenderError,
                           sha256_file)
from channels.readback import ARTIFACT_NAME, ReadBack, ReadBackError
from shared.config import Settings
from shared.messages import (Artifact, Envelope, EnvelopeRejected, Kind, Outcome, Receipt,
                             load_private_key, load_public_key, open_envelope)
from shared.receipt_keys import check_worker_id, private_key_path, sign_receipt
from shared.observability import METRICS, get_logger
from shared.settings import BrokerSettings
from shared.settings.endpoints import serves_endpoint
from shared.timefmt import utcnow
from shared.vocab import InboxState
from workers.inbox import Inbox
from workers.transport import (ATTEMPT, CHANNEL, CODE, DECISION, REASON, REDRIVEN, Incoming,
                               Settlement, Transport, channel_queues)

VERIFIED_REJECTIONS = ("expired", "wrong_channel", "forbidden")
"""Refusals of a message whose signature checked out (``open_envelope`` verifies it first)."""
MAYBE_DONE = ("Pesan mungkin sudah dihasilkan (dicetak) sebelum pekerja berhenti; periksa hasilnya, "
              "lalu kirim ulang dengan 'warta redrive' bila memang belum ada")


def load_renderer(name: str, out_dir: Path, settings: Settings | None = None) -> ChannelRenderer:
    """A renderer by registry name (``noop``, ``radio``...) or ``package.module:Class``, configured
    by the settings root (its channel's section)."""
    if ":" in name:
        return make_renderer(name, out_dir, settings)
    return get_renderer(name, out_dir, settings)


class ChannelWorker:
    """Handles the messages of one channel with one renderer."""

    def __init__(self, settings: Settings, bb: BrokerSettings, channel: str,
                 renderer: str | None = None) -> None:
        # bb: the broker section, ``settings.broker`` (or a copy for one endpoint)
        self.settings, self.bb, self.channel = settings, bb, channel
        inner = load_renderer(renderer or bb.worker_renderer or channel, settings.out, settings)
        from workers.faults import injected, wrap  # the fault harness's, off unless it set them

        faults = injected()
        if faults is not None and faults.renders:
            inner = wrap(inner, faults)
        self.renderer = inner
        self.key = load_public_key(settings.verify_key_path)
        self.worker_id = check_worker_id(bb.identity(channel))
        if not serves_endpoint(self.worker_id, bb.endpoint):  # the archiver would drop them all
            raise RuntimeError(f"Pekerja '{self.worker_id}' tidak dapat melapor untuk titik tayang "
                               f"'{bb.endpoint}': identitasnya harus '{bb.endpoint}' atau "
                               f"'{bb.endpoint}.<akhiran>' (WARTA_WORKER_ID)")
        self.receipt_key = _receipt_key(settings, bb, self.worker_id, channel)
        self.inbox = Inbox(bb.state_dir(settings, channel) / "inbox.db")
        self.host = socket.gethostname()
        self.endpoint = bb.endpoint
        """The named endpoint served ('' = the channel's unnamed one): its own queues."""
        self.log = get_logger(channel=channel, **({"endpoint": bb.endpoint} if bb.endpoint else {}))
        self._readback_seconds = 0.0
        """How long the last read-back took (logged with each confirmed message)."""

    # -- the loop ----------------------------------------------------------------------------------

    def run(self, transport: Transport, stop: threading.Event) -> None:
        """Consume the channel's queues (urgent first) until ``stop``; the message in hand finishes."""
        for warning in self.renderer.health():
            self.log.warning("renderer_health", warning=warning)
        swept = self.renderer.sweep_temp()
        if swept:
            self.log.warning("temp_files_removed", count=swept)
        queues = channel_queues(transport.names, self.channel, self.endpoint)
        if self.endpoint:
            transport.add_endpoint(self.channel, self.endpoint)
        transport.declare()
        self.log.info("worker_started", renderer=type(self.renderer).__name__, queues=queues)
        from workers.proof_of_play import start_for  # the videotron's proof-of-play endpoint

        play = start_for(self)
        try:
            transport.serve(queues, self.handle, stop, idle=self._idle)
        finally:
            if play is not None:
                play.stop()
        self.log.info("worker_stopped")

    def _idle(self) -> None:
        """Upkeep between messages, at most once a minute (playlist expiry, heartbeat)."""
        METRICS.heartbeat.set_to_current_time()
        now = time.monotonic()
        if now - getattr(self, "_maintained", 0.0) >= 60:
            self._maintained = now
            try:
                self.renderer.maintain()
            except Exception as exc:  # noqa: BLE001 - upkeep must never stop the worker
                self.log.warning("maintain_failed", error=repr(exc))

    # -- one message -------------------------------------------------------------------------------

    def handle(self, inc: Incoming) -> Settlement:
        """Decide what happens to one message (never raises for a bad message)."""
        METRICS.heartbeat.set_to_current_time()
        log = self.log.bind(message_id=inc.message_id, deliveries=inc.deliveries)
        attempt = int(inc.headers.get(ATTEMPT, 0) or 0)
        try:
            env = open_envelope(inc.body, self.key, channel=self.channel)
        except EnvelopeRejected as rej:
            log.warning("envelope_rejected", code=rej.code, reason=rej.reason)
            return self._park(inc, None, rej.code, rej.reason, attempt)
        log = log.bind(announcement_id=env.announcement.id, kind=str(env.kind))
        key = env.announcement.key
        seen = self.inbox.get(self.channel, env.message_id)
        if seen and seen[0] == InboxState.DONE and seen[1]:
            log.info("duplicate_absorbed")  # redelivery of a finished message: same receipt again
            return Settlement(receipt=seen[1].encode())
        if inc.deliveries >= self.bb.delivery_limit:
            return self._park(inc, env, "delivery_limit",
                              "Pesan gagal diproses berulang kali (batas pengiriman ulang tercapai)",
                              attempt)
        if seen and seen[0] in (InboxState.STARTED, InboxState.MAYBE_DONE) and self.renderer.irreversible:
            # paper may already be out: only a person's redrive (its one-time token) prints again
            token = inc.headers.get(REDRIVEN)
            if not (isinstance(token, str) and
                    self.inbox.use_decision(self.channel, env.message_id, token)):
                log.warning("irreversible_redelivery")
                hint = getattr(self.renderer, "inner", self.renderer).maybe_done_hint(env)
                return self._park(inc, env, "maybe_done",
                                  f"{MAYBE_DONE} ({hint})" if hint else MAYBE_DONE, attempt)
            if inc.headers.get(DECISION) == "printed":  # a person saw it on the board
                return self._confirm_printed(inc, env, attempt)
            log.warning("irreversible_rerender_by_decision")
        version = env.announcement.version
        if env.kind != Kind.REVOKE and self.inbox.is_revoked(self.channel, key):
            log.info("skipped_revoked")
            return self._superseded(env, attempt, self.inbox.held(self.channel, key),
                                    "Pengumuman sudah dicabut di kanal ini; tidak ditayangkan")
        held = self.inbox.held(self.channel, key)
        if env.kind != Kind.REVOKE and version <= held:
            log.info("skipped_superseded", version=version, held=held)
            return self._superseded(env, attempt, held,
                                    f"Kanal sudah menayangkan versi {held}; versi {version} "
                                    "tidak ditayangkan")
        # paper: 'started' must survive a power cut (a redelivery then parks as maybe_done);
        # a reversible channel's re-render overwrites the same files, so a cheap mark is enough
        self.inbox.mark(self.channel, env.message_id, key, InboxState.STARTED,
                        durable=self.renderer.irreversible)
        started = time.monotonic()
        try:
            files, readback = self._produce(env)
        except Superseded as exc:
            log.info("renderer_superseded", version=version, held=exc.held_version)
            return self._superseded(env, attempt, exc.held_version, exc.reason)
        except ReadBackError as exc:
            # the output does not show this version: never 'confirmed'. Reversible channels
            # render again (a retry tier); paper may be out already, so a person decides.
            METRICS.failed.labels(self.channel, "readback").inc()
            log.warning("readback_failed", error=str(exc), attempt=attempt)
            if self.renderer.irreversible:
                return self._park(inc, env, "readback", f"Hasil tidak terbaca ulang: {exc}. "
                                  f"{MAYBE_DONE}", attempt)
            return self._retry(inc, env, attempt, str(exc))
        except PermanentRenderError as exc:
            METRICS.failed.labels(self.channel, "permanent").inc()
            log.warning("render_permanent", error=str(exc))
            return self._park(inc, env, "permanent", str(exc), attempt)
        except Exception as exc:  # noqa: BLE001 - transient (or unknown): the next retry tier
            METRICS.failed.labels(self.channel, "transient").inc()
            log.warning("render_transient", error=str(exc) or repr(exc), attempt=attempt)
            return self._retry(inc, env, attempt, str(exc) or repr(exc))
        METRICS.render_seconds.labels(self.channel).observe(time.monotonic() - started)
        outcome = Outcome.REVOKED if env.kind == Kind.REVOKE else Outcome.CONFIRMED
        receipt = self._receipt(env, outcome, attempt, files, readback=readback)
        self.inbox.finish(self.channel, env.message_id, key, receipt.decode(), version,
                          revoked=env.kind == Kind.REVOKE)
        METRICS.processed.labels(self.channel).inc()
        log.info("rendered", files=len(files), seconds=round(time.monotonic() - started, 3),
                 readback_seconds=round(self._readback_seconds, 4),
                 readback_sha256=readback.sha256)
        return Settlement(receipt=receipt)

    def _confirm_printed(self, inc: Incoming, env: Envelope, attempt: int) -> Settlement:
        """A job set aside as "mungkin sudah tercetak" that a person checked is on paper: its
        files are made again as proof, nothing is printed, and the receipt says so."""
        self.log.warning("confirmed_printed_by_decision", message_id=env.message_id)
        reader = getattr(self.renderer, "inner", self.renderer)
        try:
            files = self.renderer.render_without_output(env)
            readback = reader.read_back(env, files)  # the proof names this message, as always
        except Exception as exc:  # noqa: BLE001 - the PDFs could not be made: a person looks again
            return self._park(inc, env, "maybe_done", f"{MAYBE_DONE} ({exc})", attempt)
        receipt = self._receipt(env, Outcome.CONFIRMED, attempt, files,
                                reason="Dinyatakan sudah tercetak oleh petugas; tidak dicetak ulang",
                                readback=readback)
        self.inbox.finish(self.channel, env.message_id, env.announcement.key, receipt.decode(),
                          env.announcement.version, revoked=env.kind == Kind.REVOKE)
        return Settlement(receipt=receipt)

    def _superseded(self, env: Envelope, attempt: int, held: int, reason: str) -> Settlement:
        """Acknowledge a message the channel already holds a newer version of (or the revocation):
        nothing is rendered, and the receipt says ``superseded``, never ``confirmed``."""
        receipt = self._receipt(env, Outcome.SUPERSEDED, attempt, [], reason, held_version=held)
        self.inbox.finish(self.channel, env.message_id, env.announcement.key, receipt.decode(), held)
        return Settlement(receipt=receipt)

    def _produce(self, env: Envelope) -> tuple[list[Path], ReadBack]:
        """Render, then read the public output back (``ChannelRenderer.read_back``): only what
        was read back is confirmed. A reversible channel retries both together in-process (a
        failed read-back renders again); paper is rendered (printed) with its own retries and
        read back once — its renderer checks the PDF before printing — so a read-back failure
        never prints a second copy by itself."""
        retrying = Retrying(stop=stop_after_attempt(self.bb.quick_retries),
                            wait=wait_random_exponential(multiplier=self.bb.quick_retry_wait, max=2),
                            retry=retry_if_exception_type((TransientRenderError, OSError)),
                            reraise=True)
        # fault injection (workers.faults) wraps render only: the read-back is the channel's own
        reader = getattr(self.renderer, "inner", self.renderer)

        def read(files: list[Path]) -> ReadBack:
            began = time.monotonic()
            result = reader.read_back(env, files)
            self._readback_seconds = time.monotonic() - began
            return result

        if self.renderer.irreversible:
            files = retrying(self.renderer.render, env)
            return files, read(files)

        def render_and_read() -> tuple[list[Path], ReadBack]:
            files = self.renderer.render(env)
            return files, read(files)

        return retrying(render_and_read)

    def _retry(self, inc: Incoming, env: Envelope, attempt: int, error: str) -> Settlement:
        tiers = self.bb.tiers
        if attempt >= len(tiers):
            return self._park(inc, env, "exhausted",
                              f"Percobaan ulang habis ({attempt} kali); galat terakhir: {error}", attempt)
        self.inbox.mark(self.channel, env.message_id, env.announcement.key, InboxState.RETRY)
        METRICS.retried.labels(self.channel).inc()
        receipt = self._receipt(env, Outcome.FAILED, attempt + 1, [],
                                f"Gagal sementara, dicoba lagi dalam {tiers[attempt]} detik: {error}")
        return Settlement(receipt=receipt, retry_delay=tiers[attempt],
                          headers={ATTEMPT: attempt + 1, CHANNEL: self.channel})

    def _park(self, inc: Incoming, env: Envelope | None, code: str, reason: str,
              attempt: int) -> Settlement:
        METRICS.parked.labels(self.channel, code).inc()
        receipt = None
        if env is None and code in VERIFIED_REJECTIONS:
            # signed by the approval side but expired, on the wrong channel or forbidden: its ids
            # are genuine, so the delivery may show it parked. An unsigned or forged body's ids
            # are whatever the forger wrote (a real message id, even): no mark, no receipt.
            env = _unverified(inc.body)
        seen = self.inbox.get(self.channel, env.message_id) if env is not None else None
        if seen is not None and seen[0] == InboxState.DONE:
            env = None  # already finished (a late expired copy): its stored receipt stands
        if env is not None:
            # a paper job that may have printed stays 'maybe_done' whatever parks it (a second
            # copy of the message must find it so, not 'parked', or it would print again)
            maybe = (self.renderer.irreversible and seen is not None
                     and seen[0] in (InboxState.STARTED, InboxState.MAYBE_DONE))
            self.inbox.mark(self.channel, env.message_id, env.announcement.key,
                            InboxState.MAYBE_DONE if maybe else InboxState.PARKED)
            receipt = self._receipt(env, Outcome.PARKED, attempt, [], reason)
        self.log.warning("parked", message_id=inc.message_id, code=code, reason=reason)
        return Settlement(receipt=receipt, park=True,
                          headers={CODE: code, REASON: reason, CHANNEL: self.channel})

    def _receipt(self, env: Envelope, outcome: Outcome, attempt: int, files: list[Path],
                 reason: str = "", held_version: int = 0, readback: ReadBack | None = None) -> bytes:
        snap = env.announcement
        artifacts = [self._artifact(Path(f)) for f in files]
        if readback is not None:  # filed with the proof as readback.json (same bytes, same digest)
            artifacts.append(Artifact(name=ARTIFACT_NAME, size=len(readback.data),
                                      sha256=readback.sha256,
                                      data_b64=base64.b64encode(readback.data).decode()))
        receipt = Receipt(message_id=env.message_id, announcement_id=snap.id,
                          announcement_key=snap.key, number=snap.number, channel=self.channel,
                          kind=env.kind, outcome=outcome, version=snap.version,
                          held_version=held_version, reason=reason, attempt=attempt,
                          artifacts=artifacts, at=utcnow(), host=self.host,
                          readback=readback.for_receipt() if readback is not None else None)
        return sign_receipt(receipt, self.receipt_key, self.worker_id).to_wire()

    def _artifact(self, path: Path) -> Artifact:
        try:
            name = str(path.relative_to(self.renderer.root))
        except ValueError:
            name = str(path.relative_to(self.renderer.out_dir)) if path.is_relative_to(
                self.renderer.out_dir) else path.name
        size = path.stat().st_size
        inline = size <= self.bb.inline_artifact_bytes
        return Artifact(name=name, size=size, sha256=sha256_file(path),
                        data_b64=base64.b64encode(path.read_bytes()).decode() if inline else None,
                        ref=None if inline else str(path.resolve()))


def _receipt_key(settings: Settings, bb: BrokerSettings, worker_id: str, channel: str):  # noqa: ANN202
    """The worker's private key for signing receipts; a clear error when it is missing."""
    path = bb.worker_key_file or private_key_path(settings.home, worker_id)
    if not Path(path).exists():
        raise RuntimeError(f"Kunci tanda tangan pekerja '{worker_id}' belum ada di {path}; jalankan "
                           f"'warta keys worker {channel} --id {worker_id}' dan daftarkan kunci "
                           "publiknya di server")
    return load_private_key(path)


def _unverified(body: bytes) -> Envelope | None:
    """The envelope's ids without trusting them (for the parked receipt only), or None."""
    try:
        return Envelope.model_validate_json(body)
    except Exception:  # noqa: BLE001 - undecodable: parked without a receipt
        return None
