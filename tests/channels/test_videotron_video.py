"""The MP4 for LED controllers that only play video from USB, as a controller would see it: probed
with ffprobe (codec, size, duration) and decoded frame by frame with the ffmpeg binary, both
independent of the PyAV encoder that wrote it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from channels import get_renderer
from channels.videotron.video import frame_counts
from shared.config import Settings
from shared.messages import Kind
from tests.conftest import require_tool
from tests.factories import envelope, snapshot

LONG_BODY = "\n\n".join(
    f"Bagian {n}. Pemerintah daerah menyampaikan jadwal pelayanan administrasi kependudukan, "
    "perizinan, dan pengaduan masyarakat yang berlaku selama masa libur nasional, termasuk "
    "lokasi layanan keliling di setiap kecamatan dan nomor kontak petugas yang dapat dihubungi."
    for n in range(1, 9))


def probe(path: Path) -> dict:
    """ffprobe's view of the first video stream and the container."""
    out = subprocess.run([require_tool("ffprobe"), "-v", "error", "-select_streams", "v:0",
                          "-show_entries", "stream=codec_name,width,height,pix_fmt,nb_frames",
                          "-show_entries", "format=duration", "-of", "json", str(path)],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    data = json.loads(out)
    return {**data["streams"][0], "duration": float(data["format"]["duration"])}


def frame_at(path: Path, seconds: float, target: Path) -> Image.Image:
    """The frame a player shows at ``seconds``, decoded by the ffmpeg binary."""
    subprocess.run([require_tool("ffmpeg"), "-v", "error", "-y", "-ss", f"{seconds:.3f}",
                    "-i", str(path), "-frames:v", "1", str(target)], check=True, timeout=60)
    with Image.open(target) as img:
        return img.convert("RGB")


def difference(a: Image.Image, b: Image.Image, mask: Image.Image | None = None) -> float:
    """Mean absolute difference per channel (0-255), over ``mask`` when given."""
    return sum(ImageStat.Stat(ImageChops.difference(a, b.convert("RGB")), mask).mean) / 3


def where_they_differ(a: Image.Image, b: Image.Image) -> Image.Image:
    """The pixels where two slides differ clearly (their text), as a mask: comparing a frame
    there tells the slides apart; over the whole slide, compression noise would drown it."""
    grey = ImageChops.difference(a.convert("RGB"), b.convert("RGB")).convert("L")
    return grey.point(lambda v: 255 if v > 64 else 0)


@pytest.fixture
def video_renderer(tmp_path, monkeypatch):
    """A 1344x768 panel (an odd LED size) with the MP4 on and short, distinct slide times."""
    monkeypatch.setenv("WARTA_VIDEOTRON_VIDEO", "true")
    monkeypatch.setenv("WARTA_VIDEOTRON_WIDTH", "1344")
    monkeypatch.setenv("WARTA_VIDEOTRON_HEIGHT", "768")
    monkeypatch.setenv("WARTA_VIDEOTRON_MIN_SECONDS", "2")
    monkeypatch.setenv("WARTA_VIDEOTRON_MAX_SECONDS", "4.5")
    return get_renderer("videotron", tmp_path, Settings())


def test_mp4_has_the_panel_size_and_each_slide_for_its_duration(video_renderer, tmp_path):
    snap = snapshot("renstra", summary=LONG_BODY)  # the slides show the summary
    files = video_renderer.render(envelope("videotron", snap))
    root = video_renderer.root
    entry = json.loads((root / "playlist.json").read_text(encoding="utf-8"))["items"][0]
    slides = entry["slides"]
    assert len(slides) >= 2, "the test needs an announcement of several slides"
    assert entry["video"] == f"slides/{Path(slides[0]['src']).stem[:-3]}.mp4"
    path = root / entry["video"]
    assert path.parent == root / "slides"  # next to the slides, as the playlist says
    assert path in files  # in the receipt: the archive keeps the video softcopy

    info = probe(path)
    total = sum(s["seconds"] for s in slides)
    assert (info["codec_name"], info["width"], info["height"]) == ("h264", 1344, 768)
    assert info["pix_fmt"] == "yuv420p"  # the chroma format every controller decodes
    assert abs(info["duration"] - total) <= 0.1, (info["duration"], total)

    # the middle of slide n shows slide n (and not its neighbour)
    start = 0.0
    for n, slide in enumerate(slides):
        shown = frame_at(path, start + slide["seconds"] / 2, tmp_path / f"frame{n}.png")
        other = slides[n + 1 if n + 1 < len(slides) else n - 1]
        with Image.open(root / slide["src"]) as own, Image.open(root / other["src"]) as neighbour:
            assert shown.size == own.size
            assert difference(shown, own) < 3.0  # the whole picture, through H.264 and 4:2:0
            text = where_they_differ(own, neighbour)
            mine, theirs = difference(shown, own, text), difference(shown, neighbour, text)
        assert theirs > 4 * mine, f"slide {n + 1}: {mine:.1f} vs neighbour {theirs:.1f}"
        start += slide["seconds"]


def test_a_correction_replaces_the_mp4_and_a_revocation_removes_it(video_renderer):
    first = snapshot("banjir", ident=1)
    video_renderer.render(envelope("videotron", first))
    root = video_renderer.root
    old = sorted((root / "slides").glob("*.mp4"))
    assert len(old) == 1
    video_renderer.render(envelope("videotron", snapshot("banjir", ident=1, version=2,
                                                         title="Peringatan Dini Banjir (Ralat)"),
                                   kind=Kind.UPDATE))
    new = sorted((root / "slides").glob("*.mp4"))
    assert len(new) == 1 and new != old and new[0].name.endswith("-v2.mp4")
    video_renderer.render(envelope("videotron", snapshot("banjir", ident=1, version=3),
                                   kind=Kind.REVOKE))
    assert list((root / "slides").glob("*.mp4")) == []


def test_no_mp4_unless_asked(tmp_path, monkeypatch):
    monkeypatch.delenv("WARTA_VIDEOTRON_VIDEO", raising=False)
    renderer = get_renderer("videotron", tmp_path)
    renderer.render(envelope("videotron", snapshot("renstra")))
    data = json.loads((renderer.root / "playlist.json").read_text(encoding="utf-8"))
    assert "video" not in data["items"][0]
    assert list((renderer.root / "slides").glob("*.mp4")) == []


def test_frame_counts_keep_the_total_exact():
    assert frame_counts([2.0, 3.5], 10) == [20, 35]
    counts = frame_counts([1.25, 1.25, 1.25, 1.25], 10)  # 12.5 frames each: alternates 13/12
    assert sum(counts) == 50 and set(counts) == {12, 13}
    assert frame_counts([0.01], 10) == [1]  # never a slide without a frame
