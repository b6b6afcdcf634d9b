"""An announcement's content: the fields a draft has, how they are cleaned and checked (the
same rules for the kiosk, the CLI and the services), and the limits of each field."""

from __future__ import annotations

import unicodedata
from datetime import time

from shared import alerting, images, limits
from shared.classification import (Klasifikasi, check_channels, parse_channels, parse_klasifikasi,
                                   parse_sasaran)
from shared.errors import InvalidInput
from shared.i18n import N_
from shared.models import Revision

TITLE_MAX = 300
BODY_MAX = 20000
CAPTION_MAX = 300
CONTENT_FIELDS = ("title", "summary", "body", "klasifikasi", "sasaran", "channels", "start_at",
                  "end_at", "daily_windows", "image_sha256", "image_caption", "alert")
EXEMPT_NOTE = N_("Informasi dikecualikan (UU 14/2008 Pasal 17) disimpan tanpa kanal dan tidak "
                 "diajukan untuk diumumkan; PPID mencatatnya dalam register informasi dikecualikan")
"""What the drafter of a dikecualikan item is told on saving (``get_item``'s ``register_note``)."""
CLEARABLE = ("start_at", "end_at", "image")
"""Fields a revision can empty with ``clear=`` (their empty value is None, which otherwise means
'unchanged')."""


def _clean(text: str | None) -> str:
    # control characters (C0, DEL, C1) other than newline and tab never belong in an announcement
    return "".join(c for c in (text or "")
                   if c in "\n\t" or unicodedata.category(c) != "Cc").strip()


def validate_content(fields: dict, areas: list | None = None, check_limits: bool = True) -> dict:
    """Normalise and check an announcement's content; refuse with the reason. ``areas``: the
    profile's areas an early warning may name; ``check_limits``: also the channel limits of
    :mod:`shared.limits` (the kiosk lists those itself, every one of them, as the user types)."""
    out = dict(fields)
    out["title"] = _clean(out.get("title"))
    out["summary"] = _clean(out.get("summary"))
    out["body"] = _clean(out.get("body"))
    out["image_caption"] = _clean(out.get("image_caption"))
    if len(out["image_caption"]) > CAPTION_MAX:
        raise InvalidInput("Keterangan gambar terlalu panjang ({n} karakter; paling banyak {max})",
                           n=len(out["image_caption"]), max=CAPTION_MAX)
    if out["image_caption"] and not out.get("image_sha256"):
        raise InvalidInput("Keterangan gambar diisi, tetapi tidak ada gambar")
    if not out["title"]:
        raise InvalidInput("Judul wajib diisi")
    if len(out["title"]) > TITLE_MAX:
        raise InvalidInput("Judul terlalu panjang ({n} karakter; paling banyak {max})",
                           n=len(out["title"]), max=TITLE_MAX)
    if not out["body"]:
        raise InvalidInput("Isi pengumuman wajib diisi")
    if len(out["body"]) > BODY_MAX:
        raise InvalidInput("Isi terlalu panjang ({n} karakter; paling banyak {max})",
                           n=len(out["body"]), max=BODY_MAX)
    out["klasifikasi"] = parse_klasifikasi(str(out["klasifikasi"]))
    out["sasaran"] = parse_sasaran(str(out["sasaran"]))
    out["channels"] = [str(c) for c in parse_channels(out.get("channels") or [])]
    check_channels(out["klasifikasi"], out["sasaran"], out["channels"])
    start, end = out.get("start_at"), out.get("end_at")
    for name in ("start_at", "end_at"):
        if out.get(name) is not None and out[name].tzinfo is None:
            raise InvalidInput("Waktu '{name}' harus menyertakan zona waktu", name=name)
    if start and end and end <= start:
        raise InvalidInput("Waktu selesai harus sesudah waktu mulai")
    windows = []
    for w in out.get("daily_windows") or []:
        try:
            windows.append({"start": time.fromisoformat(str(w["start"])).isoformat(),
                            "end": time.fromisoformat(str(w["end"])).isoformat()})
        except (KeyError, ValueError):
            raise InvalidInput("Jendela waktu harian tidak sah: {w}; contoh 06:00-22:00", w=w) from None
    out["daily_windows"] = windows
    if check_limits:
        limits.check(out)
    # only a serta-merta announcement raises an early warning; it starts from the defaults
    if out["klasifikasi"] == Klasifikasi.SERTA_MERTA:
        out["alert"] = alerting.validate(out.get("alert") or alerting.defaults(), areas or [])
    else:
        out["alert"] = None
    return out


def merged_content(rev: Revision, changes: dict, clear: tuple[str, ...] | list[str] = (),
            areas: list | None = None) -> dict:
    """The revision's content with the given (non-None) changes and the ``clear``ed fields
    emptied, validated."""
    content = {k: getattr(rev, k) for k in CONTENT_FIELDS}
    content.update({k: v for k, v in changes.items() if v is not None})
    for name in clear:
        if name not in CLEARABLE:
            raise InvalidInput("Kolom '{name}' tidak dapat dikosongkan; yang dapat: {ok}",
                               name=name, ok=", ".join(CLEARABLE))
        if name == "image":
            content["image_sha256"], content["image_caption"] = None, ""
        else:
            content[name] = None
    return validate_content(content, areas)


def normalised_picture(image: bytes | None) -> images.NormalisedImage | None:
    # decoding and re-encoding takes ~0.2 s: done before the transaction takes the write lock
    return images.normalise(image) if image is not None else None
