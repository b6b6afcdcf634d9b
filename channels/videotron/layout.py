"""Slide layout: where every band, logo, QR code, picture and line of text goes on a panel of any
size.

``plan_slides`` is pure geometry (no pixels): it returns, per slide, the text boxes it will draw with
their measured ink boxes, so tests can check that nothing leaves the canvas. ``draw.py`` paints them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from channels.assets import Picture, clean_text
from channels.videotron.settings import VideotronSettings
from channels.videotron.text import fit, fit_line, ink, line_height, pitch, wrap

NAVY = (11, 61, 145)
GOLD = (242, 181, 41)
RED = (183, 28, 28)
AMBER = (255, 193, 7)
INK = (33, 33, 33)
WHITE = (255, 255, 255)


@dataclass(frozen=True)
class Style:
    """Colours of one slide style."""

    header: tuple[int, int, int]
    accent: tuple[int, int, int]
    background: tuple[int, int, int]
    title: tuple[int, int, int]
    body: tuple[int, int, int]
    footer: tuple[int, int, int]
    kicker: tuple[int, int, int]


NORMAL = Style(header=NAVY, accent=GOLD, background=(250, 250, 246), title=(10, 42, 105), body=INK,
               footer=(22, 32, 52), kicker=(150, 105, 0))
ALERT = Style(header=RED, accent=AMBER, background=(255, 248, 225), title=(150, 20, 20), body=INK,
              footer=(70, 12, 12), kicker=RED)

ALERT_TEXT = "PERINGATAN · INFORMASI SERTA MERTA"
QR_CAPTION = "Pindai untuk informasi lengkap"
FRAME = (200, 200, 196)
"""The hairline around the picture, so a pale photo does not melt into the pale background."""

PICTURE_SHARE = 0.4
"""Landscape: the widest the picture panel may be, as a share of the content width."""
PORTRAIT_SHARE = 0.4
"""Portrait: the tallest the picture may be, as a share of the content height."""
MAX_UPSCALE = 2.0
"""A small picture is enlarged at most this much (more looks blurred on an LED panel)."""
MIN_PICTURE = (96, 0.15)
"""A picture is left out when its shorter side would be under 96 px or 15 % of the panel's
shorter side: a sliver nobody can make out (a panorama on a 320-pixel strip, say)."""


@dataclass(frozen=True)
class TextBox:
    """One line of text as drawn: origin (anchor ``la``), font, colour and its measured ink box."""

    role: str
    text: str
    x: int
    y: int
    size: int
    bold: bool
    fill: tuple[int, int, int]
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class Rect:
    """A filled rectangle (bands and rules), inclusive pixel coordinates as Pillow draws them."""

    xy: tuple[int, int, int, int]
    fill: tuple[int, int, int]


@dataclass
class SlidePlan:
    """Everything one slide shows."""

    width: int
    height: int
    style: Style
    rects: list[Rect] = field(default_factory=list)
    texts: list[TextBox] = field(default_factory=list)
    logo: tuple[int, int, int] | None = None
    """(x, y, size) of the square the logo is fitted into."""
    qr: tuple[int, int, int] | None = None
    """(x, y, size) of the square the QR code is drawn into."""
    picture: tuple[int, int, int, int] | None = None
    """(x, y, width, height) the picture fills exactly (its aspect ratio kept); None: no picture."""
    words: int = 0
    """Words of announcement text on this slide (for its reading time)."""


@dataclass(frozen=True)
class Content:
    """What the slides say, already cleaned."""

    agency_unit: str
    agency_instansi: str
    kicker: str
    title: str
    text: str
    number: str
    date: str
    alert: bool
    qr: bool
    picture: tuple[int, int] | None = None
    """Pixel size of the announcement's picture (its aspect ratio is what matters); None: none."""
    caption: str = ""
    """The picture's caption (one line), shown under it when there is room."""


def _box(role: str, text: str, x: int, y: int, size: int, bold: bool,
         fill: tuple[int, int, int]) -> TextBox:
    left, top, right, bottom = ink(text, size, bold)
    return TextBox(role, text, x, y, size, bold, fill, (x + left, y + top, x + right, y + bottom))


@dataclass(frozen=True)
class _Line:
    role: str
    text: str
    size: int
    bold: bool
    fill: tuple[int, int, int]
    gap: int = 0
    """Extra space above this line (paragraph and section gaps)."""


class Geometry:
    """Proportions of a panel: paddings, band heights, text sizes and the content area."""

    def __init__(self, cfg: VideotronSettings, alert: bool, qr: bool,
                 picture: tuple[int, int] | None = None, caption: str = "") -> None:
        w, h = cfg.width, cfg.height
        m = min(w, h)
        self.w, self.h = w, h
        self.pad = max(6, round(m * 0.03))
        # A configured minimum larger than the panel can hold is lowered so one line still fits.
        self.min_px = max(6, min(cfg.min_font_px, h // 10))
        self.body_px = max(self.min_px, round(m * 0.045))
        self.title_hi = max(self.body_px + 2, round(m * 0.095))
        self.title_lo = max(self.min_px, min(self.title_hi, round(self.body_px * 1.15)))
        self.kicker_px = max(self.min_px, round(m * 0.03))
        self.unit_px = max(self.min_px, round(m * 0.038))
        self.instansi_px = max(self.min_px, round(m * 0.03))
        self.foot_px = max(self.min_px, round(m * 0.03))
        self.alert_px = max(self.min_px, round(m * 0.036))
        small = max(4, self.pad // 2)
        self.header_h = max(round(m * 0.13),
                            line_height(self.unit_px, True) + line_height(self.instansi_px) + 2 * small)
        self.rule_h = max(2, round(m * 0.006))
        self.alert_h = line_height(self.alert_px, True) + 2 * small if alert else 0
        self.footer_h = line_height(self.foot_px) + 2 * small
        top = self.header_h + self.rule_h + self.alert_h + self.pad
        bottom = h - self.footer_h - self.pad
        left, right = self.pad * 2, w - self.pad * 2
        self.qr_box: tuple[int, int, int] | None = None
        self.qr_caption: tuple[int, int, int, int] | None = None
        if qr:
            cap_h = 2 * pitch(self.min_px)
            if w >= h:  # landscape: a column on the right
                size = min(bottom - top - cap_h - small, round((right - left) * 0.24))
                if size >= 64:
                    x = right - size
                    self.qr_box = (x, top, size)
                    self.qr_caption = (x, top + size + small, right, bottom)
                    right = x - self.pad * 2
            else:  # portrait: a strip at the bottom
                size = min(round((right - left) * 0.36), round((bottom - top) * 0.22))
                if size >= 64:
                    y = bottom - cap_h - small - size
                    x = (w - size) // 2
                    self.qr_box = (x, y, size)
                    self.qr_caption = (left, y + size + small, right, bottom)
                    bottom = y - self.pad
        self.content = (left, top, right, bottom)
        self.picture: tuple[int, int, int, int] | None = None
        self.caption: tuple[int, int, int, int] | None = None
        """(x0, y, x1, size) of the caption line under the picture."""
        if picture and min(picture) > 0:
            self._place_picture(picture, caption, small)

    def _place_picture(self, source: tuple[int, int], caption: str, small: int) -> None:
        """Beside the text (landscape) or above it (portrait), fitted into its panel with the aspect
        ratio kept; left out when it would be too small to make out or leave the text too little
        room (a very wide picture on a narrow strip, say)."""
        left, top, right, bottom = self.content
        cw, ch = right - left, bottom - top
        landscape = self.w >= self.h
        box_w, box_h = (round(cw * PICTURE_SHARE), ch) if landscape else (cw, round(ch * PORTRAIT_SHARE))
        cap_px = max(self.min_px, round(min(self.w, self.h) * 0.024))
        least = max(MIN_PICTURE[0], round(min(self.w, self.h) * MIN_PICTURE[1]))
        for cap_h in ((line_height(cap_px) + small, 0) if caption else (0,)):  # caption if room
            scale = min(box_w / source[0], (box_h - cap_h) / source[1], MAX_UPSCALE)
            pw, ph = int(source[0] * scale), int(source[1] * scale)
            if min(pw, ph) >= least:
                break
        else:
            return
        if landscape:
            gap = self.pad * 2
            # The text keeps at least half the width and some 24 characters of body text a line.
            if cw - pw - gap < max(cw // 2, 12 * self.body_px):
                return
            y = top + (ch - ph - cap_h) // 2
            self.picture = (left, y, pw, ph)
            if cap_h:
                self.caption = (left, y + ph + small, left + pw, cap_px)
            self.content = (left + pw + gap, top, right, bottom)
        else:
            gap = self.pad
            # The text keeps at least half the height and six lines of body text.
            if ch - ph - cap_h - gap < max(ch // 2, 6 * pitch(self.body_px)):
                return
            self.picture = (left + (cw - pw) // 2, top, pw, ph)
            if cap_h:
                self.caption = (left, top + ph + small, right, cap_px)
            self.content = (left, top + ph + cap_h + gap, right, bottom)


def _header(plan: SlidePlan, geo: Geometry, content: Content) -> None:
    style = plan.style
    plan.rects.append(Rect((0, 0, geo.w - 1, geo.header_h - 1), style.header))
    plan.rects.append(Rect((0, geo.header_h, geo.w - 1, geo.header_h + geo.rule_h - 1), style.accent))
    small = max(4, geo.pad // 2)
    logo = geo.header_h - 2 * small
    plan.logo = (geo.pad * 2, small, logo)
    x = geo.pad * 2 + logo + geo.pad
    width = geo.w - x - geo.pad * 2
    unit_px, unit = fit_line(content.agency_unit, width, geo.min_px, geo.unit_px, bold=True)
    inst_px, inst = fit_line(content.agency_instansi, width, geo.min_px, geo.instansi_px)
    block = line_height(unit_px, True) + (line_height(inst_px) if inst else 0)
    y = max(0, (geo.header_h - block) // 2)
    if unit:
        plan.texts.append(_box("header", unit, x, y, unit_px, True, WHITE))
    if inst:
        plan.texts.append(_box("header", inst, x, y + line_height(unit_px, True), inst_px, False,
                               (235, 238, 245)))
    if content.alert:
        top = geo.header_h + geo.rule_h
        plan.rects.append(Rect((0, top, geo.w - 1, top + geo.alert_h - 1), style.accent))
        size, text = fit_line(ALERT_TEXT, geo.w - 4 * geo.pad, geo.min_px, geo.alert_px, bold=True)
        tw = ink(text, size, True)[2]
        y = top + (geo.alert_h - line_height(size, True)) // 2
        plan.texts.append(_box("alert", text, (geo.w - tw) // 2, y, size, True, (20, 20, 20)))


def _footer(plan: SlidePlan, geo: Geometry, content: Content, index: int, count: int) -> None:
    top = geo.h - geo.footer_h
    plan.rects.append(Rect((0, top, geo.w - 1, geo.h - 1), plan.style.footer))
    left, right = geo.pad * 2, geo.w - geo.pad * 2
    y = top + (geo.footer_h - line_height(geo.foot_px)) // 2
    size, date = fit_line(content.date, (right - left) // 2, geo.min_px, geo.foot_px)
    date_w = ink(date, size)[2]
    plan.texts.append(_box("footer", date, right - date_w, y, size, False, WHITE))
    room = right - date_w - geo.pad * 2 - left
    if count > 1:
        page = f"{index}/{count}"
        pw = ink(page, geo.foot_px, True)[2]
        if pw < room // 3:
            plan.texts.append(_box("footer", page, right - date_w - geo.pad * 2 - pw, y, geo.foot_px,
                                   True, plan.style.accent))
            room -= pw + geo.pad * 2
    nsize, number = fit_line(f"Nomor: {content.number}", room, geo.min_px, geo.foot_px)
    if number and room > 0:
        plan.texts.append(_box("footer", number, left, y, nsize, False, WHITE))


def _qr(plan: SlidePlan, geo: Geometry) -> None:
    if not geo.qr_box:
        return
    plan.qr = geo.qr_box
    x0, y0, x1, y1 = geo.qr_caption
    for caption in (QR_CAPTION, "Pindai"):  # the whole caption or a shorter one, never half of it
        lines = wrap(caption, geo.min_px, x1 - x0)
        if y0 + (len(lines) - 1) * pitch(geo.min_px) + line_height(geo.min_px) <= y1:
            break
    else:
        return
    for i, line in enumerate(lines):
        tw = ink(line, geo.min_px)[2]
        x = x0 + max(0, (x1 - x0 - tw) // 2)
        plan.texts.append(_box("qr-caption", line, x, y0 + i * pitch(geo.min_px), geo.min_px, False,
                               plan.style.body))


def _picture(plan: SlidePlan, geo: Geometry, content: Content) -> None:
    """The picture's box and hairline frame, and its caption on one line (shortened with an ellipsis
    rather than wrapped: the panel is read from a distance, in passing)."""
    if not geo.picture:
        return
    plan.picture = geo.picture
    x, y, w, h = geo.picture
    edge = max(1, geo.rule_h // 3)
    plan.rects.append(Rect((x - edge, y - edge, x + w - 1 + edge, y + h - 1 + edge), FRAME))
    if geo.caption:
        x0, top, x1, px = geo.caption
        size, text = fit_line(content.caption, x1 - x0, geo.min_px, px)
        if text:
            tw = ink(text, size)[2]
            plan.texts.append(_box("caption", text, x0 + max(0, (x1 - x0 - tw) // 2), top, size,
                                   False, plan.style.body))


def _flow(geo: Geometry, content: Content) -> list[_Line]:
    """The content area's lines in reading order: kicker, title, then the text's paragraphs."""
    left, top, right, bottom = geo.content
    width, height = right - left, bottom - top
    lines: list[_Line] = [_Line("kicker", t, geo.kicker_px, True, NORMAL.kicker if not content.alert
                                else ALERT.kicker) for t in wrap(content.kicker, geo.kicker_px, width, True)]
    room = height - len(lines) * pitch(geo.kicker_px, True)
    title_room = room if not content.text else round(room * 0.55)
    fitted = fit(content.title, width, title_room, geo.title_lo, geo.title_hi, bold=True)
    style = ALERT if content.alert else NORMAL
    gap = round(geo.pad * 0.6)
    for i, text in enumerate(fitted.lines):
        lines.append(_Line("title", text, fitted.size, True, style.title, gap if i == 0 else 0))
    first = True
    for text in wrap(content.text, geo.body_px, width):
        para_gap = geo.pad if first else 0
        first = False
        lines.append(_Line("body", text, geo.body_px, False, style.body, para_gap))
    return lines


def _paginate(geo: Geometry, lines: list[_Line], style: Style) -> list[list[TextBox]]:
    """Place lines top to bottom, starting a new slide whenever the next line's ink would pass the
    bottom of the content area; a continued slide opens with "(lanjutan)". Blank lines at the top
    of a slide are skipped."""
    left, top, right, bottom = geo.content
    pages: list[list[TextBox]] = [[]]
    y = top
    fresh = True  # nothing of the flow placed on this slide yet
    for line in lines:
        size = line.size
        while True:
            if fresh and not line.text:
                break  # a paragraph gap at the top of a slide shows nothing
            _, ink_top, _, ink_bottom = ink(line.text, size, line.bold)
            above = min(0, ink_top)
            below = max(line_height(size, line.bold), ink_bottom)
            start = y + (0 if fresh else line.gap)
            if start + above >= top and start + below <= bottom:
                origin = start - above
                pages[-1].append(_box(line.role, line.text, left, origin, size, line.bold, line.fill))
                y = origin + pitch(size, line.bold)
                fresh = False
                break
            if not fresh:  # continue on a new slide
                label = _box("kicker", "(lanjutan)", left, top, geo.min_px, False, style.kicker)
                pages.append([label])
                y = top + pitch(geo.min_px)
                fresh = True
                continue
            if size <= 1:
                break  # nothing can show this line on this panel; drop it rather than clip it
            size -= 1  # a freak glyph taller than the area: shrink this one line until it fits
    return pages


def plan_slides(content: Content, cfg: VideotronSettings) -> list[SlidePlan]:
    """Lay out ``content`` on as many slides as it needs for the panel in ``cfg``."""
    geo = Geometry(cfg, content.alert, content.qr, content.picture, content.caption)
    style = ALERT if content.alert else NORMAL
    pages = _paginate(geo, _flow(geo, content), style)
    plans = []
    for index, boxes in enumerate(pages, start=1):
        plan = SlidePlan(cfg.width, cfg.height, style)
        plan.rects.append(Rect((0, 0, cfg.width - 1, cfg.height - 1), style.background))
        _header(plan, geo, content)
        plan.texts.extend(boxes)
        plan.words = sum(len(b.text.split()) for b in boxes if b.role in ("title", "body"))
        _picture(plan, geo, content)
        _qr(plan, geo)
        _footer(plan, geo, content, index, len(pages))
        plans.append(plan)
    return plans


def content_for(snap, date_text: str, kicker: str, qr: bool, picture: Picture | None = None) -> Content:
    """The cleaned :class:`Content` of an announcement snapshot; ``picture`` is its checked picture
    (:func:`channels.assets.load_picture`), None to lay the slides out without one."""
    text = clean_text(snap.summary) or clean_text(snap.body)
    return Content(agency_unit=clean_text(snap.agency.unit, multiline=False),
                   agency_instansi=clean_text(snap.agency.instansi, multiline=False),
                   kicker=kicker, title=clean_text(snap.title, multiline=False) or "Pengumuman",
                   text=text, number=clean_text(snap.number, multiline=False), date=date_text,
                   alert=snap.klasifikasi == "serta-merta", qr=qr,
                   picture=(picture.width, picture.height) if picture else None,
                   caption=picture.caption if picture else "")
