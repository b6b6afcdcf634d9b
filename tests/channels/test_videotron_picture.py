"""The announcement's picture on videotron slides: beside the text on landscape panels, above it on
portrait ones, on the narrow strip only when it fits; aspect ratio kept, pixels where the plan says,
nothing drawn over it; a broken picture leaves the slides exactly as they are without one."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from PIL import Image
from structlog.testing import capture_logs

from channels.videotron import VideotronRenderer
from channels.videotron.draw import draw_slide
from channels.videotron.layout import SlidePlan
from channels.videotron.render import plan_announcement, plan_with_picture
from shared.settings import VideotronSettings
from tests.channels.pictures import QUADRANTS, broken_snapshots, image_snapshot, near
from tests.factories import envelope, snapshot

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=timezone.utc)
URL = "https://ppid.example.go.id/items/045-peng-diskominfo-xi-2026-banjir.html"
FLOW = ("kicker", "title", "body")


def _render(key: str, panel: tuple[int, int], picture: tuple[int, int],
            caption: str = "") -> tuple[list[SlidePlan], Image.Image]:
    snap = snapshot(key, public_url=URL, image=image_snapshot(*picture, caption=caption))
    plans, pixels = plan_with_picture(snap, VideotronSettings(width=panel[0], height=panel[1]))
    return plans, draw_slide(plans[0], "", URL, pixels)


def _assert_picture_drawn(plan: SlidePlan, slide: Image.Image, source: tuple[int, int]) -> None:
    """The plan's picture box keeps the source's aspect ratio, lies inside the canvas with no text
    on it, and holds the picture's four quadrants the right way round."""
    x, y, w, h = plan.picture
    assert 0 <= x and 0 <= y and x + w <= plan.width and y + h <= plan.height
    assert abs(w / h - source[0] / source[1]) < 2 / min(w, h), (w, h, source)
    for box in plan.texts:
        x0, y0, x1, y1 = box.box
        assert x1 <= x or x0 >= x + w or y1 <= y or y0 >= y + h, box
    corners = ((0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75))
    for (fx, fy), colour in zip(corners, QUADRANTS, strict=True):
        pixel = slide.getpixel((x + round(w * fx), y + round(h * fy)))
        assert near(pixel, colour), (pixel, colour)
    # Corner to corner, not shifted: the picture's own corners at the box's corners, the
    # background just outside its hairline frame.
    assert near(slide.getpixel((x + 1, y + 1)), QUADRANTS[0])
    assert near(slide.getpixel((x + w - 2, y + h - 2)), QUADRANTS[3])
    assert slide.getpixel((x + w // 2, y - 6)) == plan.style.background
    assert slide.getpixel((x - 6, y + h // 2)) == plan.style.background


@pytest.mark.parametrize("width,height", [(1920, 1080), (1344, 768)])
def test_landscape_panels_show_the_picture_beside_the_text(width, height):
    caption = "Foto: Tim Reaksi Cepat BPBD"
    plans, slide = _render("banjir", (width, height), (1200, 900), caption)
    plan = plans[0]
    assert plan.picture is not None
    _assert_picture_drawn(plan, slide, (1200, 900))
    x, y, w, h = plan.picture
    flow = [b for b in plan.texts if b.role in FLOW]
    assert flow and all(b.box[0] >= x + w for b in flow)  # the text column starts right of it
    (cap,) = [b for b in plan.texts if b.role == "caption"]
    assert cap.text == caption and cap.box[1] >= y + h and x <= cap.box[0] and cap.box[2] <= x + w
    assert all(p.picture == plan.picture for p in plans)  # every slide of the announcement


def test_portrait_panel_shows_the_picture_above_the_text():
    plans, slide = _render("renstra", (1080, 1920), (900, 1200))
    plan = plans[0]
    assert plan.picture is not None
    _assert_picture_drawn(plan, slide, (900, 1200))
    x, y, w, h = plan.picture
    assert abs((x + w / 2) - 1080 / 2) <= 1  # centred
    flow = [b for b in plan.texts if b.role in FLOW]
    assert flow and all(b.box[1] >= y + h for b in flow)
    assert not [b for b in plan.texts if b.role == "caption"]  # no caption given, none shown


def test_narrow_strip_shows_a_picture_that_fits_and_leaves_out_one_that_does_not():
    plans, slide = _render("renstra", (960, 320), (800, 600))
    assert plans[0].picture is not None
    _assert_picture_drawn(plans[0], slide, (800, 600))
    # A panorama would be a sliver on a 320-pixel strip: the slides are laid out as without it.
    snap = snapshot("renstra", public_url=URL, image=image_snapshot(1920, 200))
    cfg = VideotronSettings(width=960, height=320)
    plans, pixels = plan_with_picture(snap, cfg)
    assert pixels is None and all(p.picture is None for p in plans)
    bare = plan_announcement(snapshot("renstra", public_url=URL), cfg)
    assert [p.texts for p in plans] == [p.texts for p in bare]


def test_a_small_picture_is_not_blown_up_past_twice_its_size():
    plans, _ = _render("renstra", (1920, 1080), (200, 150))
    _, _, w, h = plans[0].picture
    assert (w, h) == (400, 300)


def test_renderer_writes_slides_with_the_picture(tmp_path):
    renderer = VideotronRenderer(tmp_path)
    snap = snapshot("banjir", public_url=URL, image=image_snapshot(1024, 768, caption="Foto: BPBD"))
    paths = renderer.render(envelope("videotron", snap), now=NOW)
    plans, _ = plan_with_picture(snap, renderer.settings)
    assert len(paths) == len(plans)
    for path, plan in zip(paths, plans, strict=True):
        with Image.open(path) as img:
            _assert_picture_drawn(plan, img.convert("RGB"), (1024, 768))


@pytest.mark.parametrize("kind", sorted(broken_snapshots()))
def test_a_broken_picture_leaves_the_slides_as_without_one(tmp_path, kind):
    broken = snapshot("banjir", public_url=URL, image=broken_snapshots()[kind])
    with capture_logs() as logs:
        paths = VideotronRenderer(tmp_path / "broken").render(envelope("videotron", broken), now=NOW)
    assert any(e["event"] == "picture_left_out" and e["log_level"] == "warning"
               and e["channel"] == "videotron" for e in logs), logs
    plain = snapshot("banjir", public_url=URL)
    expected = VideotronRenderer(tmp_path / "plain").render(envelope("videotron", plain), now=NOW)
    assert [p.name for p in paths] == [p.name for p in expected]
    assert [p.read_bytes() for p in paths] == [p.read_bytes() for p in expected]
