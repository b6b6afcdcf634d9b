"""Connecting to RabbitMQ and checking its topology: the helpers of :mod:`workers.transport.amqp`
(broker URLs, retried connections that give up on wrong credentials, the checked declaration of
the topology, message properties).

Connections are re-opened with tenacity (exponential backoff, jitter); wrong credentials or missing
permissions end the service with a clear log line instead."""

from __future__ import annotations

import re
import ssl
import threading
from collections.abc import Mapping
from pathlib import Path

import pika
from pika.adapters.blocking_connection import BlockingChannel
from pika.exceptions import (AMQPChannelError, AuthenticationError, ConnectionClosedByBroker,
                             ProbableAccessDeniedError, ProbableAuthenticationError)
from pika.spec import Basic
from tenacity import RetryCallState, Retrying, retry_if_exception, wait_random_exponential

from shared.config import Settings
from shared.observability import get_logger
from shared.settings import BrokerSettings
from workers.transport import FatalTransportError
from workers.transport.topology import Names, declare

log = get_logger(transport="amqp")
BROKER_HEADERS = ("x-death", "x-first-death-exchange", "x-first-death-queue",
                  "x-first-death-reason", "x-last-death-exchange", "x-last-death-queue",
                  "x-last-death-reason", "x-delivery-count")
"""Headers the broker owns; never copied onto a message we publish again."""


def broker_parameters(url: str, ca_file: Path | None = None) -> list[pika.URLParameters]:
    """One ``URLParameters`` per node of ``WARTA_BROKER``: one ``amqp://`` or ``amqps://`` URL, or
    several separated by commas (the nodes of a cluster). pika tries them in order at every
    (re)connection, so a service whose node dies reconnects to the next one that answers
    (docs/DEPLOYMENT.md). An ``amqps://`` node is reached over TLS, its certificate checked against
    ``ca_file`` only (``WARTA_AMQP_CA_FILE``: the office's own CA, pinned) or else the system's
    CAs, and its host name against the certificate."""
    urls = [u.strip() for u in re.split(r",(?=\s*amqps?://)", url) if u.strip()]
    if not urls:
        raise ValueError("WARTA_BROKER kosong: beri satu URL amqp:// atau beberapa dipisah koma")
    out = []
    for u in urls:
        params = pika.URLParameters(u)
        if u.startswith("amqps://"):
            try:
                context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
            except (OSError, ssl.SSLError) as exc:
                raise ValueError(f"WARTA_AMQP_CA_FILE: berkas CA {ca_file} tidak dapat dibaca "
                                 f"sebagai sertifikat PEM ({exc})") from None
            params.ssl_options = pika.SSLOptions(context, server_hostname=params.host)
        out.append(params)
    return out


def tls_refusal(exc: BaseException) -> str | None:
    """A Bahasa sentence when ``exc`` (from pika, at connecting) is the broker's TLS certificate
    failing verification, else None: a wrong CA or host name never heals by retrying."""
    seen: set[int] = set()
    todo: list[object] = [exc]
    while todo:
        item = todo.pop()
        if id(item) in seen or not isinstance(item, BaseException):
            continue
        seen.add(id(item))
        if isinstance(item, ssl.SSLCertVerificationError):
            return ("Sertifikat TLS broker ditolak: tidak ditandatangani CA yang dipercaya "
                    f"(WARTA_AMQP_CA_FILE) atau nama host tidak cocok ({item.verify_message}); "
                    "periksa berkas CA dan alamat pada WARTA_BROKER")
        todo += [*item.args, *getattr(item, "exceptions", ()), item.__cause__, item.__context__]
    return None


def is_fatal(exc: BaseException) -> bool:
    """Authentication and permission failures, and a broker certificate that fails verification:
    retrying cannot help."""
    if tls_refusal(exc):
        return True
    if isinstance(exc, (ProbableAuthenticationError, ProbableAccessDeniedError, AuthenticationError)):
        return True
    inner = exc.args[0] if exc.args else None
    closed = exc if isinstance(exc, ConnectionClosedByBroker) else inner
    if isinstance(closed, ConnectionClosedByBroker):
        return closed.reply_code in (403, 530)  # ACCESS_REFUSED, NOT_ALLOWED (vhost)
    return False


def open_connection(params: list[pika.URLParameters],
                    stop: threading.Event | None = None) -> pika.BlockingConnection:
    """Open a connection, retrying with exponential backoff and jitter until ``stop``."""
    def give_up(_state: RetryCallState) -> bool:
        return stop is not None and stop.is_set()

    def before_sleep(state: RetryCallState) -> None:
        log.warning("broker_unreachable", attempt=state.attempt_number,
                    error=repr(state.outcome.exception() if state.outcome is not None else None))

    # any failure to connect (refused, handshake timeout on a busy broker...) is retried,
    # except wrong credentials and permissions
    retrying = Retrying(retry=retry_if_exception(lambda e: isinstance(e, Exception)
                                                 and not is_fatal(e)),
                        wait=wait_random_exponential(multiplier=0.5, max=30), stop=give_up,
                        before_sleep=before_sleep, reraise=True)
    try:
        return retrying(pika.BlockingConnection, params)
    except Exception as exc:
        refusal = tls_refusal(exc)
        if refusal:
            log.error("broker_tls_refused", error=repr(exc))
            raise FatalTransportError(refusal) from None
        if is_fatal(exc):
            msg = (f"Broker menolak koneksi (kredensial atau izin vhost salah): {exc!r}; "
                   f"periksa WARTA_BROKER")
            log.error("broker_auth_failed", error=repr(exc))
            raise FatalTransportError(msg) from None
        raise


def declare_checked(ch: BlockingChannel, settings: Settings, bb: BrokerSettings,
                    endpoints: Mapping[str, list[str]]) -> None:
    """Declare the topology on ``ch`` (or only check it: ``WARTA_AMQP_DECLARE=false``); missing
    permissions or a topology not provisioned end the service with a clear message."""
    try:
        kept = declare(ch, settings.amqp_prefix, bb.tiers, bb.delivery_limit,
                       passive=not settings.amqp_declare, endpoints=endpoints)
        if kept:  # declared by an older Warta with the limits as arguments (docs/BACKBONE.md, "Policies")
            log.warning("queue_arguments_kept", queues=kept)
    except AMQPChannelError as exc:
        # the reply code, not the text: a queue name may itself contain "403"
        code = getattr(exc, "reply_code", None)
        if code == 403:
            raise FatalTransportError(f"Akun broker tidak berizin menyiapkan antrean: {exc!r}") from None
        if code == 404:
            raise FatalTransportError(
                f"Topologi broker belum disiapkan (WARTA_AMQP_DECLARE=false): muat definisi "
                f"dari 'warta topology export' ke broker; {exc!r}") from None
        raise


def properties(message_id: str | None, priority: int, headers: dict) -> pika.BasicProperties:
    """A persistent JSON message's properties."""
    return pika.BasicProperties(delivery_mode=pika.DeliveryMode.Persistent, message_id=message_id,
                                priority=priority, headers=headers, content_type="application/json")


def delivery_tag(method: Basic.Deliver | Basic.GetOk) -> int:
    """The delivery tag of a received message (the broker always sends one; pika's type allows
    None for a frame built by hand)."""
    assert method.delivery_tag is not None, "a received message without a delivery tag"
    return method.delivery_tag


def channel_from_death(headers: dict, names: Names) -> str | None:
    """The channel of a message the broker dead-lettered (from the queue it died in), or None."""
    queue = headers.get("x-first-death-queue") or ""
    prefix = names.prefix + "."
    return queue[len(prefix):].split(".")[0] if queue.startswith(prefix) else None
