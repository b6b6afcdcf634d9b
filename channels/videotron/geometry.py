"""What a slide plan is made of (text boxes, rectangles, the content) and the proportions of a
panel: paddings, band heights, text sizes and the content area, with a compact variant for small
panels (a P10 board of 384×192 or smaller) where the bands would otherwise eat the text's room."""

from __future__ import annotations

from dataclasses import dataclass, field

from channels.videotron.styles import Colour, Style
from channels.videotron.text import ink, line_height, pitch
from shared.settings import VideotronSettings

PICTURE_SHARE = 0.4
"""Landscape: the widest the picture panel may be, as a share of the content width."""
PORTRAIT_SHARE = 0.4
"""Portrait: the tallest the picture may be, as a share of the content height."""
MAX_UPSCALE = 2.0
"""A small picture is enlarged at most this much (more looks blurred on an LED panel)."""
MIN_PICTURE = (96, 0.15)
"""A picture is left out when its shorter side would be under 96 px or 15 % of the panel's
shorter side: a sliver nobody can make out (a panorama on a 320-pixel strip, say)."""
TEXT_SHARE = 0.6
"""The text keeps at least this share of the panel's rows: below it the bands are made compact."""


@dataclass(frozen=True)
class TextBox:
    """One line of text as drawn: origin (anchor ``la``), font, colour and its measured ink box.
    ``tone`` names the :class:`Style` field the colour comes from (the night variant re-reads it)."""

    role: str
    text: str
    x: int
    y: int
    size: int
    bold: bool
    fill: Colour
    box: tuple[int, int, int, int]
    tone: str = "body"


@dataclass(frozen=True)
class Rect:
    """A filled rectangle (bands and rules), inclusive pixel coordinates as Pillow draws them."""

    xy: tuple[int, int, int, int]
    fill: Colour
    tone: str = "background"


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
    text_area: tuple[int, int, int, int] = (0, 0, 0, 0)
    """(left, top, right, bottom) of the area the kicker, title and body are laid out in."""
    compact: bool = False
    """True when the panel is small and the bands were made one line each."""


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
    agency_short: str = ""
    """The agency's short name (DISKOMINFO), shown when the full name does not fit whole."""
    dates: tuple[str, ...] = ()
    """Shorter forms of ``date`` (each still with the time and zone), tried in order when the
    footer has no room for it."""
    website: str = ""
    """Where to read the whole announcement when there is no QR code (the agency's website)."""


def text_box(role: str, text: str, x: int, y: int, size: int, bold: bool, style: Style,
             tone: str) -> TextBox:
    """A :class:`TextBox` in ``style``'s ``tone`` colour, with its measured ink box."""
    left, top, right, bottom = ink(text, size, bold)
    return TextBox(role, text, x, y, size, bold, getattr(style, tone),
                   (x + left, y + top, x + right, y + bottom), tone)


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
        self.small = max(4, self.pad // 2)
        self.header_h = max(round(m * 0.13), line_height(self.unit_px, True)
                            + line_height(self.instansi_px) + 2 * self.small)
        self.rule_h = max(2, round(m * 0.006))
        self.alert_h = line_height(self.alert_px, True) + 2 * self.small if alert else 0
        self.footer_h = line_height(self.foot_px) + 2 * self.small
        self.compact = False
        top = self.header_h + self.rule_h + self.alert_h + self.pad
        if h - self.footer_h - self.pad - top < TEXT_SHARE * h:
            self._make_compact(m)
            top = self.header_h + self.pad
        bottom = h - self.footer_h - self.pad
        left, right = self.pad * 2, w - self.pad * 2
        self.qr_box: tuple[int, int, int] | None = None
        self.qr_caption: tuple[int, int, int, int] | None = None
        if qr:
            cap_h = 2 * pitch(self.min_px)
            if w >= h:  # landscape: a column on the right
                size = min(bottom - top - cap_h - self.small, round((right - left) * 0.24))
                if size >= 64:
                    x = right - size
                    self.qr_box = (x, top, size)
                    self.qr_caption = (x, top + size + self.small, right, bottom)
                    right = x - self.pad * 2
            else:  # portrait: a strip at the bottom
                size = min(round((right - left) * 0.36), round((bottom - top) * 0.22))
                if size >= 64:
                    y = bottom - cap_h - self.small - size
                    x = (w - size) // 2
                    self.qr_box = (x, y, size)
                    self.qr_caption = (left, y + size + self.small, right, bottom)
                    bottom = y - self.pad
        self.content = (left, top, right, bottom)
        self.picture: tuple[int, int, int, int] | None = None
        self.caption: tuple[int, int, int, int] | None = None
        """(x0, y, x1, size) of the caption line under the picture."""
        if picture and min(picture) > 0:
            self._place_picture(picture, caption, self.small)

    def _make_compact(self, m: int) -> None:
        """One line per band at the smallest legible size, the alert folded into the header line,
        no rule, tighter paddings: the bands of the full layout took more than 40 % of the rows."""
        self.compact = True
        self.pad = max(2, round(m * 0.02))
        self.small = 1
        self.unit_px = self.instansi_px = self.foot_px = self.alert_px = self.min_px
        self.kicker_px = self.min_px
        self.header_h = line_height(self.min_px, True) + 2
        self.rule_h = 0
        self.alert_h = 0
        self.footer_h = line_height(self.min_px) + 2

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
