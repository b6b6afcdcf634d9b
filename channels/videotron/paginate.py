"""Lays the kicker, title and text out on as many slides as they need, breaking between slides
only at sentence ends.

Order of resort when something does not fit: the title shrinks (down to its smallest size) so the
first sentence can join it; a sentence that does not fit a slide of its own is shrunk down to the
panel's minimum legible size; only then is it split at a clause boundary, the piece ending in "…"
and the rest opening the next slide under "(lanjutan)"; a clause longer than a slide is split
between lines (only hostile text gets there).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from channels.videotron.geometry import Content, Geometry, TextBox, text_box
from channels.videotron.sentences import clauses, sentences
from channels.videotron.styles import Style
from channels.videotron.text import fit, ink, line_height, pitch, wrap

CONTINUED = "(lanjutan)"
"""Opens a slide that continues a sentence split at a clause boundary."""
TO_BE_CONTINUED = " …"
"""Ends the piece of a split sentence, so nobody takes it for the whole order."""
TITLE_SHARE = 0.55
"""The title's starting share of the content height when there is text under it."""


@dataclass
class Page:
    """The text boxes of one slide's content area."""

    boxes: list[TextBox] = field(default_factory=list)
    body_size: int | None = None
    """The body text's size on this slide (lowered only when a sentence needs it)."""
    open_from: int | None = None
    """Index in ``boxes`` where a sentence that continues on the next slide starts."""


class _Full(Exception):
    """The page limit was reached: the caller shows no more slides than that anyway."""


class Pager:
    """Places lines top to bottom on pages; ``reserve`` pixels are kept free at the bottom of page
    ``reserve_page`` (for the "Selengkapnya" line when the slides are cut short)."""

    def __init__(self, geo: Geometry, style: Style, reserve_page: int | None = None,
                 reserve: int = 0, limit: int | None = None) -> None:
        self.geo, self.style = geo, style
        self.left, self.top, right, self._bottom = geo.content
        self.width = right - self.left
        self.reserve_page, self.reserve, self.limit = reserve_page, reserve, limit
        self.pages = [Page()]
        self.y = self.top
        self.fresh = True  # nothing of the flow placed on this page yet

    @property
    def bottom(self) -> int:
        """The lowest row ink may reach on the current page."""
        return self._bottom - (self.reserve if len(self.pages) - 1 == self.reserve_page else 0)

    def new_page(self, continued: bool = False) -> None:
        """Start a page; ``continued``: it opens with the "(lanjutan)" label."""
        if self.limit is not None and len(self.pages) >= self.limit:
            raise _Full
        self.pages.append(Page())
        self.y, self.fresh = self.top, True
        if continued:
            label = text_box("kicker", CONTINUED, self.left, self.top, self.geo.min_px, False,
                             self.style, "kicker")
            self.pages[-1].boxes.append(label)
            self.y = self.top + pitch(self.geo.min_px)

    def layout(self, lines: list[str], size: int, bold: bool, y: int, gap: int,
               bottom: int | None = None) -> tuple[list[tuple[str, int]], int] | None:
        """(text, origin) of ``lines`` stacked from ``y`` plus ``gap`` with every ink box inside
        the area, and the next free row; None when they do not fit."""
        bottom = self.bottom if bottom is None else bottom
        out = []
        start = y + gap
        for text in lines:
            _, ink_top, _, ink_bottom = ink(text, size, bold)
            above, below = min(0, ink_top), max(line_height(size, bold), ink_bottom)
            if start + above < self.top or start + below > bottom:
                return None
            out.append((text, start - above))
            start = start - above + pitch(size, bold)
        return out, start

    def gap(self, gap: int) -> int:
        """The space above the next line: none at the top of a page."""
        return 0 if self.fresh else gap

    def put(self, placed: list[tuple[str, int]], end: int, role: str, size: int, bold: bool,
            tone: str) -> None:
        """Add laid-out lines to the current page."""
        page = self.pages[-1]
        page.boxes.extend(text_box(role, text, self.left, y, size, bold, self.style, tone)
                          for text, y in placed)
        if placed:
            self.y, self.fresh = end, False

    def lines(self, texts: list[str], role: str, size: int, bold: bool, tone: str, gap: int) -> None:
        """Place lines one by one, continuing on a new page (under "(lanjutan)") when the next one
        does not fit; a line taller than a whole page shrinks until it fits or is dropped."""
        for i, text in enumerate(t for t in texts if t):
            line_size = size
            while True:
                got = self.layout([text], line_size, bold, self.y, self.gap(gap) if i == 0 else 0)
                if got:
                    self.put(*got, role, line_size, bold, tone)
                    break
                if not self.fresh:
                    self.new_page(continued=True)
                    continue
                if line_size <= 1:
                    break  # nothing can show this line on this panel; drop it rather than clip it
                line_size -= 1

    def sentence(self, text: str, gap: int, joined: tuple[str, int, int, int] | None) -> tuple | None:
        """Place one sentence of the body. ``joined``: (text so far, first row, gap, box index) of
        the paragraph it continues on this page, so the two flow on the same lines. Returns the
        paragraph's new ``joined`` state (None after a split)."""
        geo = self.geo
        while True:
            page = self.pages[-1]
            size = page.body_size or geo.body_px
            if joined is not None:
                so_far, y0, gap0, index = joined
                got = self.layout(wrap(f"{so_far} {text}", size, self.width), size, False, y0, gap0)
                if got:
                    del page.boxes[index:]
                    self.put(*got, "body", size, False, "body")
                    return (f"{so_far} {text}", y0, gap0, index)
                joined = None
                self.new_page()
                continue
            index = len(page.boxes)
            gap0 = self.gap(gap)
            got = self.layout(wrap(text, size, self.width), size, False, self.y, gap0)
            if got:
                y0 = self.y
                self.put(*got, "body", size, False, "body")
                page.body_size = size
                return (text, y0, gap0, index)
            if not self.fresh:
                self.new_page()
                continue
            shrunk = self._shrink(text, size)
            if shrunk:
                page.body_size = shrunk
                continue
            rest = self._split(text)
            if rest is None:
                return None
            text = rest
            self.new_page(continued=True)

    def _shrink(self, text: str, size: int) -> int | None:
        """The largest size in [minimum, ``size``) at which ``text`` fits the rest of the page."""
        best, low, high = None, self.geo.min_px, size - 1
        while low <= high:
            mid = (low + high) // 2
            if self.layout(wrap(text, mid, self.width), mid, False, self.y, 0):
                best, low = mid, mid + 1
            else:
                high = mid - 1
        return best

    def _split(self, text: str) -> str | None:
        """Place as many whole clauses of ``text`` as fit at the minimum size (else as many lines)
        and return the rest; None when nothing is left."""
        size, page = self.geo.min_px, self.pages[-1]
        page.body_size = size
        pieces = clauses(text)
        for k in range(len(pieces) - 1, 0, -1):
            head = " ".join(pieces[:k]) + TO_BE_CONTINUED
            got = self.layout(wrap(head, size, self.width), size, False, self.y, 0)
            if got:
                page.open_from = len(page.boxes)
                self.put(*got, "body", size, False, "body")
                return " ".join(pieces[k:])
        lines = wrap(text, size, self.width)
        for n in range(len(lines) - 1, 0, -1):
            got = self.layout(lines[:n], size, False, self.y, 0)
            if got:
                page.open_from = len(page.boxes)
                self.put(*got, "body", size, False, "body")
                return " ".join(lines[n:])
        self.lines(lines[:1], "body", size, False, "body", 0)  # shrinks or drops a freak line
        return " ".join(lines[1:]) or None


def _title_size(pager: Pager, content: Content, first: str | None, room: int) -> tuple[int, int | None]:
    """The title's size and the first slide's body size: the title as large as fits its share;
    smaller, down to its minimum, when that lets the first sentence join it on the first slide."""
    geo, width = pager.geo, pager.width
    has_text = bool(content.text)
    fitted = fit(content.title, width, room if not has_text else round(room * TITLE_SHARE),
                 geo.title_lo, geo.title_hi, bold=True)
    if not first:
        return fitted.size, None
    gap = round(geo.pad * 0.6)

    def fits(title_px: int, body_px: int) -> bool:
        got = pager.layout(wrap(content.title, title_px, width, True), title_px, True, pager.y,
                           pager.gap(gap))
        if not got:
            return False
        return bool(pager.layout(wrap(first, body_px, width), body_px, False, got[1], geo.pad))

    if fits(fitted.size, geo.body_px):
        return fitted.size, None
    low, high, best = geo.title_lo, fitted.size - 1, None
    while low <= high:
        mid = (low + high) // 2
        if fits(mid, geo.body_px):
            best, low = mid, mid + 1
        else:
            high = mid - 1
    if best is not None:
        return best, None
    alone = pager.layout(wrap(first, geo.body_px, width), geo.body_px, False, pager.top, 0)
    if alone:
        return fitted.size, None  # it fits a slide of its own at full size: it goes there
    for body_px in range(geo.body_px - 1, geo.min_px - 1, -1):  # it shrinks anyway: here
        if fits(geo.title_lo, body_px):
            return geo.title_lo, body_px
    return fitted.size, None


def paginate(geo: Geometry, content: Content, style: Style, reserve_page: int | None = None,
             reserve: int = 0, limit: int | None = None) -> list[Page]:
    """The pages of ``content``: kicker and title on the first, then the text's sentences; at most
    ``limit`` pages are laid out (the rest would not be shown)."""
    pager = Pager(geo, style, reserve_page, reserve, limit)
    paragraphs = [sentences(p) for p in content.text.split("\n")] if content.text else []
    first = next((s[0] for s in paragraphs if s), None)
    try:
        pager.lines(wrap(content.kicker, geo.kicker_px, pager.width, True), "kicker",
                    geo.kicker_px, True, "kicker", 0)
        title_px, body_px = _title_size(pager, content, first, pager.bottom - pager.y)
        pager.lines(wrap(content.title, title_px, pager.width, True), "title", title_px, True,
                    "title", round(geo.pad * 0.6))
        if body_px:
            pager.pages[-1].body_size = body_px
        for paragraph in paragraphs:
            joined = None
            for text in paragraph:
                joined = pager.sentence(text, geo.pad, joined)
    except _Full:
        pass
    return pager.pages
