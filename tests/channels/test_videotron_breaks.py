"""Videotron slides as a passer-by reads them (issue 16): a slide never starts in mid-sentence
unless it says "(lanjutan)", an evacuation order is never cut from its condition, no announcement
takes more than its share of the loop, small LED boards keep most rows for the text with the
agency's name whole, and every slide says when it was approved with the zone."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from PIL import Image

from channels.videotron.draw import draw_slide
from channels.videotron.layout import SlidePlan, slide_seconds
from channels.videotron.render import plan_announcement
from channels.videotron.sentences import clauses, sentences
from shared.settings import VideotronSettings
from tests.factories import agency, snapshot

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_FILES = [ROOT / "shared" / "data" / "demo_announcements.json",
                ROOT.parent / "shared" / "samples" / "announcements.json"]
PANELS = [(1920, 1080), (1344, 768), (384, 192)]
SMALL = [(384, 192), (192, 96)]
URL = "https://ppid.example.go.id/pengumuman/045-peng-diskominfo-xi-2026"
EVACUATION = "Warga di bantaran sungai diminta segera menuju titik evakuasi bila air naik."
END = re.compile(r"[.!?…][\"'”’)\]]*$")


def samples() -> list[dict]:
    """The sample announcements of both files (the second lives beside the project and may be
    missing on a bare clone)."""
    out = []
    for path in SAMPLE_FILES:
        if path.is_file():
            out += [dict(a, source=path.name) for a in json.loads(path.read_text("utf-8"))["announcements"]]
    assert out
    return out


def variants() -> list[tuple[str, dict]]:
    """Every sample as the slides show it: with its summary, and without (the whole body)."""
    out = []
    for item in samples():
        fields = {"title": item["title"], "body": item["body"], "klasifikasi": item["klasifikasi"]}
        out.append((f"{item['source']}:{item['key']}", {**fields, "summary": item["summary"]}))
        out.append((f"{item['source']}:{item['key']}:isi", {**fields, "summary": ""}))
    return out


def body(plan: SlidePlan) -> str:
    """One slide's body text, its lines joined as they read."""
    return " ".join(b.text for b in plan.texts if b.role == "body")


def continued(plan: SlidePlan) -> bool:
    return any(b.role == "kicker" and b.text == "(lanjutan)" for b in plan.texts)


def shown_text(plans: list[SlidePlan]) -> str:
    """The body of all slides as one text, the marks of a clause split taken out."""
    return " ".join(body(p) for p in plans).replace(" …", "").strip()


def normal(text: str) -> str:
    return " ".join(text.split())


def check_breaks(plans: list[SlidePlan], text: str) -> None:
    """Each slide's body starts a sentence, or the slide says "(lanjutan)" and the slide before it
    ended its piece with "…"; what is shown is the text's first sentences, whole and in order."""
    previous = ""
    for i, plan in enumerate(plans):
        here = body(plan)
        if not here:
            continue
        if previous:
            if continued(plan):
                assert previous.endswith("…"), (i, previous)
            else:
                assert END.search(previous), (i, previous, here)
        previous = here
    if previous:
        assert END.search(previous) and not previous.endswith(" …"), previous  # never ends mid-way
    every = [s for p in text.split("\n") for s in sentences(p)]
    runs = {normal(" ".join(every[:n])) for n in range(len(every) + 1)}
    assert normal(shown_text(plans)) in runs  # the first n sentences, whole and in order


@pytest.mark.parametrize("width,height", PANELS + [(192, 96)])
def test_slides_break_only_at_sentence_ends(width, height):
    cfg = VideotronSettings(width=width, height=height)
    splits = 0
    for name, fields in variants():
        plans = plan_announcement(snapshot("", public_url=URL, **fields), cfg)
        check_breaks(plans, fields["summary"] or fields["body"])
        splits += sum(continued(p) for p in plans)
        assert plans[0].texts, name
    if (width, height) == (1920, 1080):
        assert splits == 0  # on Full HD every sample sentence fits a slide of its own


def test_a_sentence_too_long_for_a_slide_shrinks_then_splits_at_a_clause():
    long = ("Warga yang tinggal di bantaran Sungai Kaibus, khususnya di Kelurahan Kaibus, Kampung "
            "Wehali, Kampung Sawatut, Kampung Seribau dan Kampung Kohoin, diminta tetap waspada, "
            "menyiapkan tas siaga berisi dokumen penting, obat-obatan, pakaian, makanan dan air minum "
            "untuk tiga hari, mematikan aliran listrik di rumah, mengamankan ternak, dan segera menuju "
            "titik evakuasi di SD Negeri 1 Teminabuan atau Gedung Serbaguna Kecamatan apabila "
            "permukaan air naik melewati tanda batas waspada yang dipasang petugas BPBD di jembatan.")
    text = f"{long} {EVACUATION}"
    cfg = VideotronSettings(width=1344, height=768, min_font_px=34, loop_seconds=480)
    plans = plan_announcement(snapshot("banjir", summary="", body=text, public_url=URL), cfg)
    check_breaks(plans, text)
    split = next(i for i, p in enumerate(plans) if continued(p))
    before, after = plans[split - 1], plans[split]
    # Shrunk first: down to exactly the minimum legible size, never below it.
    assert {b.size for b in before.texts if b.role == "body"} == {34}
    piece = body(before).removesuffix(" …")
    rest = body(after)
    assert piece in clauses_prefixes(long)  # cut at a clause boundary ...
    assert normal(f"{piece} {rest}").startswith(normal(long))  # ... and nothing lost between
    assert EVACUATION in rest


def clauses_prefixes(sentence: str) -> set[str]:
    pieces = clauses(sentence)
    return {" ".join(pieces[:k]) for k in range(1, len(pieces))}


@pytest.mark.parametrize("width,height", PANELS + [(192, 96), (960, 320), (1080, 1920)])
def test_the_evacuation_order_is_never_split_across_slides(width, height):
    filler = ["Curah hujan tinggi diperkirakan terjadi 21-23 November 2026.",
              "Tas siaga berisi dokumen penting, obat-obatan dan air minum disiapkan sejak sekarang.",
              "Laporan kejadian dapat disampaikan ke Posko BPBD melalui nomor 112 selama 24 jam."]
    cfg = VideotronSettings(width=width, height=height)
    shown = 0
    for at in range(len(filler) + 1):  # the order at every position, so some break falls near it
        for summary in (True, False):
            text = " ".join(filler[:at] + [EVACUATION] + filler[at:])
            snap = snapshot("banjir", summary=text if summary else "", body=text, public_url=URL)
            plans = plan_announcement(snap, cfg)
            holding = [p for p in plans if "bila air naik" in body(p) or "evakuasi" in body(p)]
            assert len(holding) <= 1, [body(p) for p in holding]
            if holding:
                assert EVACUATION in normal(body(holding[0]))  # whole, with its condition
                shown += 1
    if width >= 960:
        assert shown == 2 * (len(filler) + 1)  # on the larger panels it is always on air


@pytest.mark.parametrize("width,height", PANELS + SMALL)
def test_no_announcement_takes_more_than_its_share_of_the_loop(width, height):
    monster = " ".join(f"Kalimat nomor {i} dari pengumuman yang tidak memiliki ringkasan."
                       for i in range(200))
    for cfg in (VideotronSettings(width=width, height=height),
                VideotronSettings(width=width, height=height, max_slides=2, loop_seconds=100,
                                  loop_share=0.3)):
        cap = cfg.loop_seconds * cfg.loop_share
        cases = [("samples", f) for _, f in variants()] + [("monster", {"summary": "", "body": monster,
                                                                         "title": "Pengumuman panjang"})]
        for name, fields in cases:
            for url in (URL, None):
                plans = plan_announcement(snapshot("renstra", public_url=url, **fields), cfg)
                assert 1 <= len(plans) <= cfg.max_slides, name
                seconds = sum(slide_seconds(p.words, cfg) for p in plans)
                assert seconds <= max(cap, cfg.min_seconds), (name, seconds, cap)
                note = " ".join(b.text for b in plans[-1].texts if b.role == "more")
                if name == "monster":  # cut short: the rest is pointed to, never half-shown
                    assert note == ("Selengkapnya: pindai kode QR" if plans[-1].qr
                                    else "Selengkapnya: diskominfo.example.go.id"), note
                    check_breaks(plans, monster)
                assert all(b.role != "more" for p in plans[:-1] for b in p.texts)


def band_rows(img: Image.Image, plan: SlidePlan) -> int:
    """Rows that are mostly a band colour (header, rule, alert, footer)."""
    bands = {plan.style.header, plan.style.accent, plan.style.footer}
    rows = 0
    for y in range(img.height):
        row = img.crop((0, y, img.width, y + 1)).getcolors(img.width) or []
        if sum(n for n, c in row if c in bands) > img.width // 2:
            rows += 1
    return rows


@pytest.mark.parametrize("width,height", SMALL)
@pytest.mark.parametrize("key", ["renstra", "banjir"])
def test_small_panels_keep_most_rows_for_the_text(width, height, key):
    cfg = VideotronSettings(width=width, height=height)
    for summary in (None, ""):
        extra = {} if summary is None else {"summary": summary}
        snap = snapshot(key, public_url=URL, **extra)
        for plan in plan_announcement(snap, cfg):
            left, top, right, bottom = plan.text_area
            assert plan.compact and bottom - top >= 0.6 * height, plan.text_area
            img = draw_slide(plan, "", URL)
            assert height - band_rows(img, plan) >= 0.6 * height
            # The text is drawn there: ink in the text area's rows, none of it clipped by a band.
            for box in plan.texts:
                if box.role in ("title", "body", "more", "kicker"):
                    assert top <= box.box[1] and box.box[3] <= bottom, box
            inked = [y for y in range(top, bottom) if any(
                img.getpixel((x, y)) != plan.style.background for x in range(left, right))]
            assert inked, "no text drawn in the text area"
            header = [b.text for b in plan.texts if b.role == "header"]
            assert header in (["DINAS KOMUNIKASI DAN INFORMATIKA"], ["DISKOMINFO"]), header


@pytest.mark.parametrize("width,height", [(1920, 1080), (960, 320), (384, 192), (192, 96)])
def test_the_agency_name_is_never_cut(width, height):
    cfg = VideotronSettings(width=width, height=height)
    for key in ("renstra", "banjir"):
        for plan in plan_announcement(snapshot(key, public_url=URL), cfg):
            header = [b.text for b in plan.texts if b.role == "header"]
            assert header and all("…" not in t for t in header)
            assert header[0] in ("DINAS KOMUNIKASI DAN INFORMATIKA", "DISKOMINFO")


@pytest.mark.parametrize("zone,clock", [("Asia/Jakarta", "09.00 WIB"), ("Asia/Pontianak", "09.00 WIB"),
                                        ("Asia/Makassar", "10.00 WITA"), ("Asia/Jayapura", "11.00 WIT")])
def test_every_slide_says_when_it_was_approved_with_the_zone(zone, clock):
    for width, height in [(1920, 1080), (1344, 768), (384, 192), (192, 96)]:
        cfg = VideotronSettings(width=width, height=height)
        plans = plan_announcement(snapshot("banjir", summary="", agency=agency(zone)), cfg)
        for plan in plans:
            footer = [b.text for b in plan.texts if b.role == "footer"]
            assert any(t.endswith(clock) for t in footer), footer
            if width == 1920:
                assert f"Disahkan Sabtu, 21 November 2026 pukul {clock}" in footer


def test_the_title_shrinks_before_the_text_moves_to_the_next_slide():
    cfg = VideotronSettings(width=1920, height=1080)
    full = snapshot("renstra", summary="", public_url=URL)
    alone = plan_announcement(full.model_copy(update={"body": ""}), cfg)[0]
    plans = plan_announcement(full, cfg)
    title = {b.size for b in plans[0].texts if b.role == "title"}
    alone_title = {b.size for b in alone.texts if b.role == "title"}
    assert max(title) < max(alone_title)  # smaller than it would be by itself ...
    first = sentences(full.body.split("\n")[0])[0]
    assert normal(body(plans[0])) == normal(first)  # ... so the first sentence joins it
    assert {b.size for b in plans[0].texts if b.role == "body"} == {round(1080 * 0.045)}
