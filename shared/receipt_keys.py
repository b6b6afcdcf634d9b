"""Signed receipts: a receipt is the office's proof of publication, so the archiver applies only
receipts signed by a worker registered for that channel.

Every worker has its own Ed25519 key pair and an identity (``WARTA_WORKER_ID``, default the
channel's name; two screens of one channel get two identities). The private key stays with the
worker (``$WARTA_HOME/keys/worker-<id>.key``, mode 0600); the public key is registered on the
approval side under ``$WARTA_HOME/keys/workers/<channel>/<id>.pub`` — the folder says which channel
the worker may report on. ``warta keys worker CHANNEL [--id ID]`` makes a pair and registers it on
one machine; for a worker on another machine (the videotron PC) it is run there and the ``.pub``
file is copied into the server's registry folder (``warta keys register``). Rotation: make a new
pair under a new identity, register it, restart the worker with the new ``WARTA_WORKER_ID``, then
remove the old ``.pub`` once its last receipts are filed.
"""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shared.messages import Receipt, generate_keypair, load_public_key

WORKER_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")
"""A worker identity: lower-case letters, digits, dot, dash, underscore (it names files)."""


def check_worker_id(worker_id: str) -> str:
    """``worker_id`` when it is a valid identity; ValueError (Indonesian) otherwise."""
    if not WORKER_ID.match(worker_id or ""):
        raise ValueError(f"Identitas pekerja '{worker_id}' tidak sah: huruf kecil, angka, titik, "
                         "tanda hubung atau garis bawah, paling banyak 63 karakter")
    return worker_id


def registry_dir(home: Path) -> Path:
    """The approval side's folder of registered worker public keys."""
    return Path(home) / "keys" / "workers"


def private_key_path(home: Path, worker_id: str) -> Path:
    """Where a worker's private key is kept by default."""
    return Path(home) / "keys" / f"worker-{check_worker_id(worker_id)}.key"


def generate_worker_key(home: Path, channel: str, worker_id: str,
                        private: Path | None = None) -> tuple[Path, Path]:
    """Make a worker's key pair and register its public key for ``channel`` in ``home``'s
    registry; returns (private, public) paths."""
    private = private or private_key_path(home, worker_id)
    public = registry_dir(home) / channel / f"{check_worker_id(worker_id)}.pub"
    generate_keypair(private, public)
    return private, public


def sign_receipt(receipt: Receipt, key: Ed25519PrivateKey, worker_id: str) -> Receipt:
    """The receipt with the worker's identity and signature set."""
    unsigned = receipt.model_copy(update={"worker": worker_id, "sig": ""})
    signature = key.sign(unsigned.signed_bytes())
    return unsigned.model_copy(update={"sig": base64.b64encode(signature).decode()})


class ReceiptVerifier:
    """The registry of worker keys, read from its folder (again at most every ``reload_seconds``
    when an unknown worker reports, so a newly registered worker needs no archiver restart)."""

    def __init__(self, folder: Path, reload_seconds: float = 10.0) -> None:
        self.folder = Path(folder)
        self.reload_seconds = reload_seconds
        self._keys: dict[tuple[str, str], Ed25519PublicKey] = {}
        self._loaded = float("-inf")
        self.load()

    def load(self) -> None:
        """Read every ``<channel>/<id>.pub`` of the registry."""
        keys = {}
        if self.folder.is_dir():
            for path in sorted(self.folder.glob("*/*.pub")):
                try:
                    keys[(path.parent.name, path.stem)] = load_public_key(path)
                except (ValueError, OSError):
                    continue  # a broken file registers nobody; doctor reports it
        self._keys, self._loaded = keys, time.monotonic()

    def workers(self) -> list[tuple[str, str]]:
        """The registered (channel, worker id) pairs."""
        return sorted(self._keys)

    def refusal(self, receipt: Receipt) -> str | None:
        """Why ``receipt`` must not be applied (Indonesian), or None when its signature is that
        of a worker registered for its channel."""
        if not receipt.sig or not receipt.worker:
            return "Tanda terima tidak bertanda tangan"
        key = self._keys.get((str(receipt.channel), receipt.worker))
        if key is None and time.monotonic() - self._loaded >= self.reload_seconds:
            self.load()
            key = self._keys.get((str(receipt.channel), receipt.worker))
        if key is None:
            return (f"Pekerja '{receipt.worker}' tidak terdaftar untuk kanal '{receipt.channel}'")
        try:
            key.verify(base64.b64decode(receipt.sig, validate=True),
                       receipt.model_copy(update={"sig": ""}).signed_bytes())
        except (InvalidSignature, ValueError):
            return "Tanda tangan tanda terima tidak sah"
        return None
