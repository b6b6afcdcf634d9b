"""The announcement's optional picture: read what the operator gives, refuse what is not a
picture, and keep one normalised form that every channel can use.

Normalised means: decoded by Pillow with a pixel ceiling (decompression bombs are refused), turned
upright by its EXIF orientation, flattened onto white, scaled to at most ``MAX_SIDE`` pixels on its
longer side, and written again as a baseline JPEG without metadata — so camera GPS positions and
other EXIF never reach the public."""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from shared.errors import InvalidInput

MAX_UPLOAD_BYTES = 15 * 1024 * 1024
"""The largest file accepted (a phone camera's JPEG is 3-8 MB)."""
MAX_PIXELS = 50_000_000
"""The largest decoded picture (50 megapixels); larger is refused before it is decoded."""
MIN_SIDE = 200
"""A picture smaller than this on either side is unreadable on a videotron or on paper."""
MAX_SIDE = 1920
"""The longer side after normalising (a full-HD videotron)."""
MAX_STORED_BYTES = 1024 * 1024
"""The normalised JPEG's ceiling: it travels inside every dispatch message that shows it."""
FORMATS = ("JPEG", "PNG", "WEBP", "GIF", "BMP")
"""What is accepted as input."""


@dataclass(frozen=True)
class NormalisedImage:
    """A picture ready to store and to send."""

    data: bytes
    sha256: str
    width: int
    height: int
    mime: str = "image/jpeg"


def _shown(path: str | Path) -> str:
    # a path in a message is for a person: a pasted 5,000-character one is cut
    text = str(path)
    return text if len(text) <= 120 else text[:119] + "…"


def check_path(path: str | Path, base: Path | None = None) -> Path:
    """The picture file named by ``path`` (``~`` expanded) when it exists and is not too large;
    InvalidInput says why not. With ``base`` (``Settings.image_dir``) the file must lie inside that
    folder, and a relative name is looked up there. Cheap (no reading): the kiosk calls it as the
    operator types."""
    try:
        p = Path(path).expanduser()
        if base is not None:
            p = (base / p).resolve()
            if not p.is_relative_to(base.resolve()):
                raise InvalidInput("Gambar hanya dapat diambil dari folder {dir}", dir=str(base))
        if not p.is_file():
            raise InvalidInput("Berkas gambar '{p}' tidak ditemukan", p=_shown(path))
        size = p.stat().st_size
    except InvalidInput:
        raise
    except PermissionError:
        raise InvalidInput("Berkas gambar '{p}' tidak boleh dibaca (izin ditolak)", p=_shown(path)) from None
    except (OSError, ValueError, RuntimeError) as exc:  # name too long, NUL byte, ~unknown-user
        raise InvalidInput("Berkas gambar '{p}' tidak dapat dibaca: {err}", p=_shown(path),
                           err=getattr(exc, "strerror", None) or str(exc)) from None
    if size > MAX_UPLOAD_BYTES:
        raise InvalidInput("Berkas gambar terlalu besar ({mb} MB; paling besar {max} MB)",
                           mb=f"{size / 1048576:.1f}", max=MAX_UPLOAD_BYTES // 1048576)
    return p


def read_file(path: str | Path, base: Path | None = None) -> bytes:
    """The bytes of the picture file at ``path`` (for the CLI and the kiosk, which take a path;
    ``base`` as in :func:`check_path`); InvalidInput says why not, before a large file is read."""
    p = check_path(path, base)
    try:
        return p.read_bytes()
    except PermissionError:
        raise InvalidInput("Berkas gambar '{p}' tidak boleh dibaca (izin ditolak)", p=_shown(path)) from None
    except OSError as exc:
        raise InvalidInput("Berkas gambar '{p}' tidak dapat dibaca: {err}", p=_shown(path),
                           err=exc.strerror or str(exc)) from None


def normalise(raw: bytes) -> NormalisedImage:
    """Check and normalise an uploaded picture; InvalidInput (in Indonesian) says why not."""
    if not raw:
        raise InvalidInput("Berkas gambar kosong")
    if len(raw) > MAX_UPLOAD_BYTES:
        raise InvalidInput("Berkas gambar terlalu besar ({mb} MB; paling besar {max} MB)",
                           mb=f"{len(raw) / 1048576:.1f}", max=MAX_UPLOAD_BYTES // 1048576)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as probe:
                fmt, (w, h) = probe.format, probe.size
                if fmt not in FORMATS:
                    raise InvalidInput("Format gambar {fmt} tidak didukung; gunakan JPEG atau PNG",
                                       fmt=fmt or "?")
                if w * h > MAX_PIXELS:
                    raise InvalidInput("Gambar terlalu besar ({w}×{h} piksel; paling banyak {max} "
                                       "megapiksel)", w=w, h=h, max=MAX_PIXELS // 1_000_000)
                probe.seek(0)
                img = ImageOps.exif_transpose(probe)
                img.load()
    except InvalidInput:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning,
            OSError, ValueError, SyntaxError, EOFError):
        raise InvalidInput("Berkas bukan gambar yang dapat dibaca; gunakan JPEG atau PNG") from None
    if min(img.size) < MIN_SIDE:
        raise InvalidInput("Gambar terlalu kecil ({w}×{h} piksel; paling kecil {min} piksel per sisi)",
                           w=img.width, h=img.height, min=MIN_SIDE)
    img = _flatten(img)
    img.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    for quality in (85, 75, 65, 55):
        out = io.BytesIO()
        img.save(out, "JPEG", quality=quality, optimize=True)  # no exif=, so no metadata
        data = out.getvalue()
        if len(data) <= MAX_STORED_BYTES:
            break
    else:
        raise InvalidInput("Gambar tidak dapat diperkecil sampai {max} KB", max=MAX_STORED_BYTES // 1024)
    return NormalisedImage(data=data, sha256=hashlib.sha256(data).hexdigest(),
                           width=img.width, height=img.height)


def _flatten(img: Image.Image) -> Image.Image:
    """RGB on white: transparency would turn black in a JPEG."""
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    return img.convert("RGB")


def store(session, image: NormalisedImage) -> str:  # noqa: ANN001 - sqlalchemy Session
    """Keep ``image`` in the caller's transaction (once per content); returns its sha256."""
    from shared.models import StoredImage

    if session.get(StoredImage, image.sha256) is None:
        session.add(StoredImage(sha256=image.sha256, mime=image.mime, width=image.width,
                                height=image.height, size=len(image.data), data=image.data))
        session.flush()
    return image.sha256


def snapshot(stored, caption: str):  # noqa: ANN001, ANN201 - StoredImage -> ImageSnapshot
    """The picture as it travels to the channels, inside the signed envelope (``stored`` is the
    database row, or a :class:`NormalisedImage` for a preview before saving)."""
    import base64

    from shared.messages import ImageSnapshot

    return ImageSnapshot(sha256=stored.sha256, mime=stored.mime, width=stored.width,
                         height=stored.height, data_b64=base64.b64encode(stored.data).decode(),
                         caption=caption or "")


def describe(stored, caption: str) -> dict | None:  # noqa: ANN001 - StoredImage | None
    """What lists and the editor show of a picture (never its bytes)."""
    if stored is None:
        return None
    return {"sha256": stored.sha256, "width": stored.width, "height": stored.height,
            "size": stored.size, "mime": stored.mime, "caption": caption or ""}
