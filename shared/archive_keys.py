"""The archiver's own Ed25519 key and the detached signature of every ``manifest.json`` it files.

Why a key of its own: the approval side's key signs the dispatch messages every worker obeys, and
the archiver service is deliberately not given it (``deploy/systemd/warta-archiver.service`` loads
only the public key). Handing it that key so it could sign manifests would let anyone who takes
the archiver forge announcements. A manifest signature only has to say "this archiver filed these
bytes", so the archiver signs with a key that can do nothing else.

- private key: ``$WARTA_HOME/keys/archiver.key`` (mode 0600; ``WARTA_ARCHIVER_KEY_FILE`` to put it
  elsewhere), made on first use when missing (``warta archive key`` makes it ahead of time);
- public key: kept with the archive, ``$WARTA_ARCHIVE_DIR/keys/archiver/<16 hex of sha256>.pub``,
  so the archive verifies on its own; every signed audit checkpoint lists the fingerprints present
  (see :mod:`shared.checkpoints`), so a key planted later is told apart from the office's;
- signature: ``manifest.json.sig`` next to the manifest, one JSON line
  ``{"format", "key_sha256", "signature"}`` (base64 Ed25519 over exactly the manifest's bytes).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SIG_SUFFIX = ".sig"
FORMAT = "warta-manifest-sig/1"
KEYS_DIR = Path("keys") / "archiver"
"""Relative to the archive folder."""

_LOCK = threading.Lock()
_CACHE: dict[Path, Ed25519PrivateKey] = {}


def fingerprint(public: Ed25519PublicKey) -> str:
    """sha256 (hex) of the raw public key."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def private_key_path(home: Path) -> Path:
    """Where the archiver's private key is kept (``WARTA_ARCHIVER_KEY_FILE`` overrides)."""
    override = os.environ.get("WARTA_ARCHIVER_KEY_FILE")
    return Path(override) if override else Path(home) / "keys" / "archiver.key"


def _publish_public(archive: Path, key: Ed25519PrivateKey) -> Path:
    public = key.public_key()
    target = Path(archive) / KEYS_DIR / f"{fingerprint(public)[:16]}.pub"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f"{target.name}.{os.getpid()}.part")
        tmp.write_bytes(public.public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo))
        tmp.replace(target)
    return target


def _create_key(path: Path) -> None:
    """A new private key at ``path`` (0600), written whole before it appears under its name; when
    another archiver process made one first, that one is kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def archiver_key(home: Path, archive: Path, create: bool = True) -> Ed25519PrivateKey:
    """The archiver's private key (made when missing and ``create``); its public key is put in
    the archive's key folder."""
    path = private_key_path(home)
    with _LOCK:
        key = _CACHE.get(path.resolve())
        if key is None:
            if not path.exists():
                if not create:
                    raise FileNotFoundError(str(path))
                _create_key(path)
            loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
            if not isinstance(loaded, Ed25519PrivateKey):
                raise ValueError(f"{path} bukan kunci privat Ed25519")
            key = _CACHE[path.resolve()] = loaded
    _publish_public(archive, key)
    return key


def sign_manifest(key: Ed25519PrivateKey, data: bytes) -> bytes:
    """The bytes of ``manifest.json.sig`` for a manifest whose bytes are ``data``."""
    body = {"format": FORMAT, "key_sha256": fingerprint(key.public_key()),
            "signature": base64.b64encode(key.sign(data)).decode()}
    return (json.dumps(body, sort_keys=True) + "\n").encode()


def public_keys(archive: Path) -> dict[str, Ed25519PublicKey]:
    """The archiver public keys kept with the archive: fingerprint → key (unreadable ones are
    left out; a signature by them then fails as by an unknown key)."""
    keys = {}
    folder = Path(archive) / KEYS_DIR
    for path in sorted(folder.glob("*.pub")) if folder.is_dir() else []:
        try:
            key = serialization.load_pem_public_key(path.read_bytes())
        except (OSError, ValueError):
            continue
        if isinstance(key, Ed25519PublicKey):
            keys[fingerprint(key)] = key
    return keys


def check_manifest(manifest: Path, keys: dict[str, Ed25519PublicKey],
                   trusted: set[str] | None = None) -> str | None:
    """Why the manifest's signature does not hold (Indonesian), or None when it does. ``trusted``
    (fingerprints named by the signed checkpoints; None or empty: no list yet) narrows ``keys``."""
    sig_path = manifest.with_name(manifest.name + SIG_SUFFIX)
    if not sig_path.exists():
        return "manifest tidak bertanda tangan (manifest.json.sig hilang)"
    try:
        sig = json.loads(sig_path.read_text(encoding="utf-8"))
        fp, signature = sig["key_sha256"], base64.b64decode(sig["signature"], validate=True)
    except (OSError, ValueError, KeyError, TypeError):
        return "berkas tanda tangan manifest rusak"
    public = keys.get(fp)
    if public is None:
        return f"manifest ditandatangani kunci yang tidak dikenal arsip ({fp[:16]})"
    if trusted and fp not in trusted:
        return (f"kunci archiver {fp[:16]} tidak tercatat di checkpoint audit terakhir (kunci "
                "asing?); bila kunci archiver memang baru, jalankan 'warta audit checkpoint'")
    try:
        public.verify(signature, manifest.read_bytes())
    except InvalidSignature:
        return "tanda tangan manifest tidak cocok: manifest.json diubah setelah diarsipkan"
    return None


def _sealed(manifest: Path, archive: Path) -> bool:
    """True when the manifest lies in a sealed month (``YYYY/MM/SEGEL.json``): the seal covers it."""
    try:
        parts = manifest.relative_to(archive).parts
    except ValueError:
        return False
    return len(parts) > 2 and (Path(archive) / parts[0] / parts[1] / "SEGEL.json").exists()


def check_manifests(root: Path, archive: Path, trusted: set[str] | None = None) -> list[str]:
    """Every ``manifest.json`` under ``root`` (inside ``archive``): its files exist and match
    their sha256, and its signature holds. A manifest without a signature counts only where
    nothing else protects it: in a month not yet sealed, once the archive has an archiver key
    (older archives, from before manifests were signed, are reported by their seal instead)."""
    from shared.slug import sha256_file

    keys = public_keys(archive)
    problems = []
    for manifest in sorted(Path(root).rglob("manifest.json")):
        try:
            data = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"{manifest}: manifest tidak terbaca ({exc})")
            continue
        sealed = _sealed(manifest, Path(archive))
        has_sig = manifest.with_name(manifest.name + SIG_SUFFIX).exists()
        if has_sig or (keys and not sealed):
            why = check_manifest(manifest, keys, trusted)
            if why:
                problems.append(f"{manifest}: {why}")
        for entry in data.get("files", []) if isinstance(data, dict) else []:
            path = manifest.parent / entry["path"]
            if not path.is_file():
                problems.append(f"{path}: berkas hilang")
            elif sha256_file(path) != entry["sha256"]:
                problems.append(f"{path}: checksum tidak cocok")
    return problems
