"""Videotron slide layout: exact sizes, every text box inside the canvas (re-measured with Pillow),
auto-fit, word breaking, alert style, QR code and picture, on demo and hostile text (and pictures
of any aspect ratio) at every panel size."""

from __future__ import annotations

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from channels.assets import clean_text, font
from channels.videotron.draw import draw_slide
from channels.videotron.layout import ALERT, NORMAL, SlidePlan
from channels.videotron.render import plan_announcement, plan_with_picture
from channels.videotron.text import fit, ink, line_height, pitch, span, wrap
from shared.classification import Channel, channel_refusal
from shared.settings import VideotronSettings
from tests.channels.pictures import image_snapshot
from tests.factories import demo_items, snapshot

RESOLUTIONS = [(1920, 1080), (1344, 768), (960, 320), (1080, 1920)]
SMALL = [(384, 192), (192, 96)]
URL = "https://ppid.example.go.id/pengumuman/045-peng-diskominfo-xi-2026"


def videotron_demo_keys() -> list[str]:
    """Demo announcements the rules let onto the videotron."""
    return [a["key"] for a in demo_items()
            if channel_refusal(a["klasifikasi"], a["sasaran"], Channel.VIDEOTRON) is None]


def check_plan(plan: SlidePlan, img: Image.Image) -> None:
    """The image has the panel's exact size; every text box lies inside it, and Pillow's own
    measurement of each drawn string matches the box the layout reported."""
    assert img.size == (plan.width, plan.height)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    for box in plan.texts:
        real = measure.textbbox((box.x, box.y), box.text, font=font(box.size, box.bold), anchor="la")
        assert tuple(real) == box.box, box
        x0, y0, x1, y1 = real
        assert 0 <= x0 and 0 <= y0 and x1 <= plan.width and y1 <= plan.height, (box, plan.width, plan.height)
    if plan.qr:
        x, y, size = plan.qr
        assert x >= 0 and y >= 0 and x + size <= plan.width and y + size <= plan.height
    check_picture(plan)


def check_picture(plan: SlidePlan, source: tuple[int, int] | None = None) -> None:
    """The picture box (with its one- or two-pixel frame) lies inside the canvas, keeps the
    source's aspect ratio to the pixel, and no text box overlaps it."""
    if plan.picture is None:
        return
    x, y, w, h = plan.picture
    assert w > 0 and h > 0
    assert x >= 2 and y >= 2 and x + w + 2 <= plan.width and y + h + 2 <= plan.height, plan.picture
    if source is not None:  # w = int(sw * s), h = int(sh * s) for one scale s
        sw, sh = source
        assert abs(w * sh - h * sw) <= max(sw, sh), (plan.picture, source)
    for box in plan.texts:
        x0, y0, x1, y1 = box.box
        assert x1 <= x or x0 >= x + w or y1 <= y or y0 >= y + h, (box, plan.picture)


def _body(plan: SlidePlan) -> str:
    """The body text of one slide, its lines joined as they read."""
    return " ".join(b.text for b in plan.texts if b.role == "body")


def _more(plan: SlidePlan) -> str:
    """The "Selengkapnya" note of a slide ("" when it has none)."""
    return " ".join(b.text for b in plan.texts if b.role == "more")


def render_all(snap, cfg: VideotronSettings) -> list[tuple[SlidePlan, Image.Image]]:
    plans = plan_announcement(snap, cfg)
    return [(p, draw_slide(p, snap.agency.logo_png_b64, snap.public_url)) for p in plans]


@pytest.mark.parametrize("width,height", RESOLUTIONS)
def test_demo_announcements_fit_every_panel(width, height):
    cfg = VideotronSettings(width=width, height=height)
    keys = videotron_demo_keys()
    assert {"renstra", "banjir"} <= set(keys)
    for key in keys:
        snap = snapshot(key, public_url=URL)
        slides = render_all(snap, cfg)
        assert slides
        for plan, img in slides:
            check_plan(plan, img)
        texts = " ".join(b.text for plan, _ in slides for b in plan.texts)
        assert "21 November 2026" in texts and "09.00 WIB" in texts
        assert "Nomor: 045/PENG/DISKOMINFO/XI/2026" in texts
        # Every word of the title and the summary is on some slide (nothing silently lost).
        for word in (snap.title + " " + snap.summary).split():
            assert word in texts, word


def test_serta_merta_slides_have_the_alert_style():
    cfg = VideotronSettings(width=1344, height=768)
    (plan, img), *_ = render_all(snapshot("banjir"), cfg)
    (normal_plan, normal_img), *_ = render_all(snapshot("renstra"), cfg)
    assert plan.style is ALERT and normal_plan.style is NORMAL
    assert img.getpixel((cfg.width - 5, 5)) == ALERT.header
    assert normal_img.getpixel((cfg.width - 5, 5)) == NORMAL.header
    assert any(b.role == "alert" and "SERTA MERTA" in b.text for b in plan.texts)
    assert not any(b.role == "alert" for b in normal_plan.texts)


def test_qr_code_only_with_a_public_url():
    cfg = VideotronSettings()
    (with_qr, img), *_ = render_all(snapshot("renstra", public_url=URL), cfg)
    (without, _), *_ = render_all(snapshot("renstra", public_url=None), cfg)
    assert with_qr.qr is not None and without.qr is None
    x, y, size = with_qr.qr
    region = img.crop((x, y, x + size, y + size)).convert("L")
    dark = sum(1 for v in region.tobytes() if v < 64)
    assert 0.2 < dark / (size * size) < 0.6  # a QR code is roughly half dark modules


def test_title_is_fitted_by_binary_search_to_the_largest_size():
    width, height = 900, 300
    short = fit("Banjir", width, height, 20, 200, bold=True)
    long = fit("Sosialisasi Rencana Strategis Dinas Komunikasi dan Informatika Tahun 2025-2029",
               width, height, 20, 200, bold=True)
    assert short.fits and long.fits and short.size > long.size
    for fitted, text in ((short, "Banjir"), (long, None)):
        size = fitted.size + 1
        if size <= 200:  # one pixel larger no longer fits (width or height)
            lines = wrap(text or " ".join(long.lines), size, width, True)
            tall = (len(lines) - 1) * pitch(size, True) + line_height(size, True)
            assert tall > height or any(span(line, size, True) > width for line in lines)


def test_a_word_longer_than_a_line_is_broken():
    word = "Pemberitahuan" * 20
    lines = wrap(word, 40, 500)
    assert len(lines) > 1
    assert "".join(lines) == word
    assert all(span(line, 40) <= 500 for line in lines)


def test_minimum_legible_size_is_respected():
    cfg = VideotronSettings(width=1920, height=1080, min_font_px=30)
    body = "Isi pengumuman yang panjang. " * 200
    for plan, img in render_all(snapshot("renstra", summary="", body=body), cfg):
        check_plan(plan, img)
        assert all(b.size >= 30 for b in plan.texts)
    plans = plan_announcement(snapshot("renstra", summary="", body=body), cfg)
    assert len(plans) > 1  # the body continues onto further slides instead of shrinking
    # ... breaking between sentences (no "(lanjutan)" needed) and only up to its share of the loop.
    assert all(b.text != "(lanjutan)" for p in plans for b in p.texts)
    assert _body(plans[1]).startswith("Isi pengumuman yang panjang.")
    assert len(plans) <= cfg.max_slides and _more(plans[-1]) == "Selengkapnya: diskominfo.example.go.id"


def test_clean_text_removes_controls_and_keeps_paragraphs():
    assert clean_text("a\x00b\u202ec\td\r\n\r\n\r\ne") == "abc d\n\ne"
    assert clean_text("x\ny", multiline=False) == "x y"


def test_measurements_match_pillow():
    for text in ("Peringatan Dini", "jalan Tj ⸻ x\u0332y", "\u0301awal", "😀 中文"):
        for size, bold in ((16, False), (45, True), (97, True)):
            assert ink(text, size, bold) == font(size, bold).getbbox(text, anchor="la")


hostile_text = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=120),
    st.text(alphabet=string.ascii_letters, min_size=200, max_size=400),  # one enormous word
    st.text(alphabet=st.sampled_from(list("😀🌊🚨👍🏽\u200d\u202e\x00\x07\x1b\t\r\n ")), max_size=80),
    st.just("Air " * 1250),  # a 5,000-character body
    st.builds(lambda a, b: a + "\n" * 5 + b, st.text(max_size=60), st.text(max_size=60)),
)


# A picture of any aspect ratio the contract allows (1 to 1920 pixels a side), with or without a
# caption; None for none.
pictures = st.one_of(st.none(), st.tuples(st.integers(1, 1920), st.integers(1, 1920), hostile_text))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=hostile_text, summary=hostile_text, body=hostile_text, number=hostile_text,
       alert=st.booleans(), url=st.sampled_from([None, URL, "https://x.example/" + "a" * 3000]),
       picture=pictures)
def test_hostile_text_never_leaves_the_canvas(title, summary, body, number, alert, url, picture):
    image = image_snapshot(picture[0], picture[1], caption=picture[2]) if picture else None
    snap = snapshot("banjir" if alert else "renstra", title=title, summary=summary, body=body,
                    number=number, public_url=url, image=image)
    for width, height in RESOLUTIONS + SMALL:
        cfg = VideotronSettings(width=width, height=height)
        plans, pixels = plan_with_picture(snap, cfg)
        assert plans
        assert (pixels is None) == (plans[0].picture is None)
        # Drawing every slide of a 5,000-character body at four sizes is slow; draw the first
        # and last, measure all.
        for plan in {id(p): p for p in (plans[0], plans[-1])}.values():
            check_plan(plan, draw_slide(plan, "", url, pixels))
        for plan in plans:
            assert plan.picture == plans[0].picture
            check_picture(plan, picture[:2] if picture else None)
            for box in plan.texts:
                x0, y0, x1, y1 = box.box
                assert 0 <= x0 and 0 <= y0 and x1 <= width and y1 <= height


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(width=st.integers(200, 1920), height=st.integers(200, 1920), alert=st.booleans(),
       caption=st.sampled_from(["", "Foto: Humas Diskominfo", "Keterangan " * 40]))
def test_pictures_of_any_aspect_ratio_fit_every_panel(width, height, alert, caption):
    snap = snapshot("banjir" if alert else "renstra", public_url=URL,
                    image=image_snapshot(width, height, caption=caption))
    for panel in RESOLUTIONS:
        cfg = VideotronSettings(width=panel[0], height=panel[1])
        plans, pixels = plan_with_picture(snap, cfg)
        if panel != (960, 320) and 0.5 <= width / height <= 2:
            # An ordinary photo always has room on the large panels.
            assert plans[0].picture is not None, (panel, width, height)
        for plan in plans:
            check_picture(plan, (width, height))
        check_plan(plans[0], draw_slide(plans[0], "", URL, pixels))
        captions = [b for b in plans[0].texts if b.role == "caption"]
        assert len(captions) <= (1 if caption and plans[0].picture else 0)
