"""The announcement's optional picture through the service layer, on SQLite and PostgreSQL: it is
normalised (no metadata reaches the public), stored once, versioned with the texts, carried in the
signed envelope, replaceable and removable; bad files are refused in Indonesian and change nothing.
Also: a revision can clear the start and end times."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from PIL import Image
from sqlalchemy import func, select

from shared.errors import InvalidInput, Refused
from shared.messages import Envelope
from shared.models import OutboxRow, StoredImage
from tests.domain.helpers import draft, fingerprint, to_state


def picture(size=(2400, 1600), color=(200, 40, 40), fmt="JPEG", gps=True, mode="RGB") -> bytes:
    """A camera-like file: large, and (for JPEG) with an EXIF block holding a GPS position."""
    img = Image.new(mode, size, color if mode == "RGB" else (*color, 128))
    out = io.BytesIO()
    if fmt == "JPEG" and gps:
        exif = Image.Exif()
        exif[0x010F] = "KameraUji"  # Make
        exif[0x8825] = {1: "S", 2: (0.0, 1.0, 2.0), 3: "E", 4: (109.0, 20.0, 0.0)}  # GPS IFD
        img.save(out, fmt, exif=exif.tobytes())
    else:
        img.save(out, fmt)
    return out.getvalue()


def images_stored(w) -> int:
    with w.ctx.read() as s:
        return s.execute(select(func.count()).select_from(StoredImage)).scalar()


def test_picture_is_normalised_and_travels_in_the_signed_envelope(warta):
    w, ids = warta, warta.ids
    raw = picture()
    assert b"KameraUji" in raw  # the EXIF is really there before
    item = draft(w, image=raw, image_caption="Aula Kantor Gubernur")
    shown = w.queries.get_item(item, ids["pelaksana1"])["image"]
    assert (shown["width"], shown["height"], shown["mime"]) == (1920, 1280, "image/jpeg")
    assert shown["caption"] == "Aula Kantor Gubernur"
    to_state(w, item, "approved")
    with w.ctx.read() as s:
        payloads = s.execute(select(OutboxRow.payload)
                             .where(OutboxRow.announcement_id == item)).scalars().all()
    assert len(payloads) == 4
    for payload in payloads:
        snap = Envelope.model_validate_json(payload).announcement
        data = snap.image.data()  # checks the sha256 too
        assert snap.image.sha256 == shown["sha256"] and snap.image.caption == "Aula Kantor Gubernur"
        with Image.open(io.BytesIO(data)) as img:
            assert img.format == "JPEG" and img.size == (1920, 1280)
            assert not img.getexif() and "exif" not in img.info  # no GPS, no camera
            assert img.getpixel((960, 640))[0] > 180
        assert b"KameraUji" not in data


def test_transparent_png_is_flattened_on_white(warta):
    w, ids = warta, warta.ids
    item = draft(w, image=picture(size=(400, 300), fmt="PNG", mode="RGBA", color=(0, 0, 0)))
    snap = w.queries.item_picture(item, ids["pelaksana1"])
    with Image.open(io.BytesIO(snap.data())) as img:
        assert img.mode == "RGB"
        # half-transparent black over white, not solid black
        assert 100 < img.getpixel((200, 150))[0] < 160


def test_revisions_replace_keep_and_remove_the_picture(warta):
    w, ids = warta, warta.ids
    first = picture(color=(10, 200, 10))
    item = draft(w, image=first)
    sha1 = w.queries.get_item(item)["image"]["sha256"]
    with pytest.raises(InvalidInput, match="Tidak ada perubahan"):
        w.drafting.revise(ids["pelaksana1"], item, image=first)  # the same picture again is no change
    w.drafting.revise(ids["pelaksana1"], item, image_caption="Keterangan baru")
    assert w.queries.get_item(item)["image"]["sha256"] == sha1  # kept, and stored once
    assert images_stored(w) == 1
    w.drafting.revise(ids["pelaksana1"], item, image=picture(color=(10, 10, 200)))
    assert w.queries.get_item(item)["image"]["sha256"] != sha1 and images_stored(w) == 2
    w.drafting.revise(ids["pelaksana1"], item, clear=["image"])
    after = w.queries.get_item(item)
    assert after["image"] is None and after["revision"] == 4
    with pytest.raises(InvalidInput, match="tidak ada gambar"):
        w.drafting.revise(ids["pelaksana1"], item, image_caption="Keterangan tanpa gambar")


def test_reviewer_diff_shows_the_picture_change(warta):
    w, ids = warta, warta.ids
    item = draft(w)
    w.review.submit(ids["pelaksana1"], item)
    w.queries.diff_since_seen(ids["kabid1"], item)
    w.review.return_item(ids["kabid1"], item, "Tambahkan foto lokasi")
    w.drafting.revise(ids["pelaksana1"], item, image=picture(size=(800, 600)), image_caption="Lokasi")
    w.review.submit(ids["pelaksana1"], item)
    diff = "\n".join(w.queries.diff_since_seen(ids["kabid1"], item)["diff"])
    assert "-Gambar: (tidak ada)" in diff and "+Gambar: 800×600 piksel" in diff
    assert "+Keterangan gambar: Lokasi" in diff


def test_a_correction_keeps_the_picture_unless_changed(warta):
    w, ids = warta, warta.ids
    item = draft(w, image=picture(size=(640, 480)))
    to_state(w, item, "approved")
    ralat = w.drafting.revise(ids["pelaksana1"], item, body="Isi yang diralat: tempat pindah ke Aula Dinas.")
    assert ralat != item
    assert w.queries.get_item(ralat)["image"]["sha256"] == w.queries.get_item(item)["image"]["sha256"]


@pytest.mark.parametrize("raw, words", [
    (b"", "kosong"),
    (b"Ini bukan gambar, hanya teks.", "bukan gambar"),
    (picture()[:2000], "bukan gambar"),
    (picture(size=(120, 90)), "terlalu kecil"),
    (picture(size=(10000, 6000), fmt="PNG"), "megapiksel"),
    (picture(size=(300, 300), fmt="TIFF"), "tidak didukung"),
], ids=["empty", "text", "truncated", "tiny", "bomb", "tiff"])
def test_bad_pictures_are_refused_and_change_nothing(warta, raw, words):
    w, ids = warta, warta.ids
    item = draft(w)
    before = fingerprint(w)
    with pytest.raises(InvalidInput, match=words):
        w.drafting.revise(ids["pelaksana1"], item, image=raw)
    with pytest.raises(InvalidInput, match=words):
        draft(w, image=raw)
    assert fingerprint(w) == before and images_stored(w) == 0


def test_exempt_picture_is_not_readable_by_others(warta):
    w, ids = warta, warta.ids
    item = draft(w, "hasil-audit", channels=[], image=picture(size=(400, 300)))
    assert w.queries.item_picture(item, ids["pelaksana1"]) is not None  # the author
    assert w.queries.item_picture(item, ids["kadis1"]) is not None
    with pytest.raises(Refused, match="dikecualikan"):
        w.queries.item_picture(item, ids["kabid1"])


def test_revision_can_clear_start_and_end(warta):
    w, ids = warta, warta.ids
    start = datetime(2026, 12, 1, 1, 0, tzinfo=timezone.utc)
    item = draft(w)
    w.drafting.revise(ids["pelaksana1"], item, start_at=start, end_at=start.replace(day=5))
    assert w.queries.get_item(item)["end_at"].startswith("2026-12-05")
    w.drafting.revise(ids["pelaksana1"], item, clear=["end_at"])
    shown = w.queries.get_item(item)
    assert shown["end_at"] is None and shown["start_at"].startswith("2026-12-01")
    w.drafting.revise(ids["pelaksana1"], item, clear=("start_at",))
    assert w.queries.get_item(item)["start_at"] is None
    before = fingerprint(w)
    with pytest.raises(InvalidInput, match="tidak dapat dikosongkan"):
        w.drafting.revise(ids["pelaksana1"], item, clear=["title"])
    assert fingerprint(w) == before
