"""Hostile picture paths, as an operator may paste them into the editor or the CLI: each is refused
with an Indonesian reason of readable length, before anything large or endless is read."""

from __future__ import annotations

import os

import pytest

from kiosk.forms import check_image_path
from shared.errors import InvalidInput
from shared.images import MAX_UPLOAD_BYTES, read_file


def _paths(tmp) -> dict[str, str]:  # noqa: ANN001
    loop = tmp / "loop.jpg"
    loop.symlink_to(loop)
    big = tmp / "besar.jpg"
    with big.open("wb") as f:  # sparse: no disk used, but larger than accepted
        f.truncate(MAX_UPLOAD_BYTES + 1)
    fifo = tmp / "pipa.jpg"
    os.mkfifo(fifo)
    return {"nul": "foto\x00.jpg", "very-long": "x" * 5000, "unknown-user": "~tidakadapengguna/f.jpg",
            "directory": str(tmp), "symlink-loop": str(loop), "sparse-too-big": str(big),
            "fifo": str(fifo), "device": "/dev/zero", "missing": str(tmp / "tidak-ada.jpg")}


@pytest.mark.parametrize("case", ["nul", "very-long", "unknown-user", "directory", "symlink-loop",
                                  "sparse-too-big", "fifo", "device", "missing"])
@pytest.mark.parametrize("check", [check_image_path, read_file], ids=["kiosk", "cli"])
def test_hostile_picture_path_is_refused(tmp_path, case, check) -> None:
    path = _paths(tmp_path)[case]
    with pytest.raises(InvalidInput) as refused:
        check(path)
    message = str(refused.value)
    assert message.startswith("Berkas gambar") and len(message) < 300, message


def test_image_dir_confines_pictures_to_one_folder(tmp_path) -> None:
    from PIL import Image

    share = tmp_path / "foto-kiosk"
    share.mkdir()
    Image.new("RGB", (400, 300), (10, 20, 30)).save(share / "acara.jpg")
    outside = tmp_path / "rahasia.jpg"
    Image.new("RGB", (400, 300)).save(outside)
    assert check_image_path("acara.jpg", share) == str((share / "acara.jpg").resolve())
    assert read_file("acara.jpg", share)[:2] == b"\xff\xd8"
    for escape in (str(outside), "../rahasia.jpg", "/etc/passwd"):
        with pytest.raises(InvalidInput, match="hanya dapat diambil dari folder"):
            check_image_path(escape, share)
        with pytest.raises(InvalidInput, match="hanya dapat diambil dari folder"):
            read_file(escape, share)
    (share / "tautan.jpg").symlink_to(outside)  # a link out of the folder is outside too
    with pytest.raises(InvalidInput, match="hanya dapat diambil dari folder"):
        read_file("tautan.jpg", share)
