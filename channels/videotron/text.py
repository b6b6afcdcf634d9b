"""Measuring, wrapping and auto-fitting text with Pillow's own measurements (bundled font, BASIC
layout engine). Every function here works on ink boxes, so what it says fits does fit."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from channels.assets import font

ELLIPSIS = "…"


class _Metrics:
    """Per-character advance and ink box at one size, measured once with Pillow and cached.

    With the BASIC layout engine and a font without a legacy ``kern`` table (Noto Sans has none),
    Pillow places each glyph at the sum of the previous advances, so a line's box is the union of
    its characters' boxes: the same numbers ``getbbox`` gives, at a fraction of the cost (Pillow
    re-loads every glyph on each call, about a millisecond a line on a Full HD title)."""

    def __init__(self, size: int, bold: bool) -> None:
        self.font = font(size, bold)
        self.chars: dict[str, tuple[int, int, int, int, int]] = {}

    def char(self, ch: str) -> tuple[int, int, int, int, int]:
        entry = self.chars.get(ch)
        if entry is None:
            # Pillow types the box as float (for a fractional stroke); without one it is whole pixels
            left, top, right, bottom = map(int, self.font.getbbox(ch, anchor="la"))
            entry = (round(self.font.getlength(ch)), left, top, right, bottom)
            self.chars[ch] = entry
        return entry

    def box(self, text: str) -> tuple[int, int, int, int]:
        x = 0
        left = top = 1 << 30
        right = bottom = -(1 << 30)
        for ch in text:
            adv, lft, t, r, b = self.char(ch)
            left, right = min(left, x + lft), max(right, x + r)
            top, bottom = min(top, t), max(bottom, b)
            x += adv
        return (min(0, left), top, max(x, right), bottom)


@lru_cache(maxsize=256)
def _metrics(size: int, bold: bool) -> _Metrics:
    return _Metrics(size, bold)


def ink(text: str, size: int, bold: bool = False) -> tuple[int, int, int, int]:
    """The box Pillow measures for ``text`` drawn at origin (0, 0) with anchor ``la`` (left,
    ascender): ``font(size, bold).getbbox(text)``, computed from cached per-character metrics."""
    if not text:
        return (0, 0, 0, 0)
    return _metrics(size, bold).box(text)


def span(text: str, size: int, bold: bool = False) -> int:
    """Horizontal room ``text`` needs: a mark hanging left of the origin counts too."""
    left, _, right, _ = ink(text, size, bold)
    return right - left


def line_height(size: int, bold: bool = False) -> int:
    """Font ascent plus descent: the room one line takes before any spacing."""
    ascent, descent = font(size, bold).getmetrics()
    return ascent + descent


def pitch(size: int, bold: bool = False, leading: float = 1.08) -> int:
    """Distance between consecutive baselines."""
    return max(1, round(line_height(size, bold) * leading))


def _break_word(word: str, size: int, bold: bool, width: int) -> list[str]:
    """Split a word longer than a line into pieces that each fit (binary search on the prefix).
    A single character wider than the whole line is dropped: it cannot be shown without clipping."""
    pieces: list[str] = []
    rest = word
    while rest:
        lo, hi = 0, len(rest)
        while lo < hi:  # the longest prefix that fits
            mid = (lo + hi + 1) // 2
            if span(rest[:mid], size, bold) <= width:
                lo = mid
            else:
                hi = mid - 1
        if lo == 0:
            rest = rest[1:]
            continue
        pieces.append(rest[:lo])
        rest = rest[lo:]
    return pieces


def wrap(text: str, size: int, width: int, bold: bool = False) -> list[str]:
    """Greedy word wrap of ``text`` (paragraphs split on newlines; an empty paragraph gives an empty
    line) so that every line's ink fits in ``width`` pixels; words longer than a line are broken."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        words = [w for w in paragraph.split(" ") if w]
        if not words:
            lines.append("")
            continue
        current = ""
        for word in words:
            candidate = f"{current} {word}" if current else word
            if span(candidate, size, bold) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
                current = ""
            if span(word, size, bold) <= width:
                current = word
                continue
            pieces = _break_word(word, size, bold, width)
            if pieces:
                lines.extend(pieces[:-1])
                current = pieces[-1]
        if current:
            lines.append(current)
    return lines


@dataclass(frozen=True)
class Fitted:
    """Text wrapped at the size the fit chose."""

    size: int
    lines: list[str]
    fits: bool
    """False when even the smallest size allowed overflows the height (the caller continues it)."""


def fit(text: str, width: int, height: int, lo: int, hi: int, bold: bool = False,
        max_lines: int | None = None) -> Fitted:
    """The largest size in ``[lo, hi]`` at which ``text`` wrapped to ``width`` is at most ``height``
    pixels tall (and at most ``max_lines`` lines): a binary search over Pillow's measurements."""

    def attempt(size: int) -> tuple[bool, list[str]]:
        lines = wrap(text, size, width, bold)
        tall = (len(lines) - 1) * pitch(size, bold) + line_height(size, bold) if lines else 0
        ok = tall <= height and (max_lines is None or len(lines) <= max_lines)
        return ok, lines

    hi = max(hi, lo)
    ok, lines = attempt(lo)
    if not ok:
        return Fitted(lo, lines, False)
    best = Fitted(lo, lines, True)
    low, high = lo + 1, hi
    while low <= high:
        mid = (low + high) // 2
        ok, lines = attempt(mid)
        if ok:
            best = Fitted(mid, lines, True)
            low = mid + 1
        else:
            high = mid - 1
    return best


def fit_line(text: str, width: int, lo: int, hi: int, bold: bool = False) -> tuple[int, str]:
    """One line: the largest size in ``[lo, hi]`` at which ``text`` fits ``width``; when even ``lo``
    is too wide the text is shortened with an ellipsis (never drawn past the edge)."""
    low, high, best = lo, max(hi, lo), None
    while low <= high:
        mid = (low + high) // 2
        if span(text, mid, bold) <= width:
            best = mid
            low = mid + 1
        else:
            high = mid - 1
    if best is not None:
        return best, text
    low, high = 0, len(text)
    while low < high:  # the longest prefix that fits with the ellipsis
        mid = (low + high + 1) // 2
        if span(text[:mid].rstrip() + ELLIPSIS, lo, bold) <= width:
            low = mid
        else:
            high = mid - 1
    short = text[:low].rstrip() + ELLIPSIS
    return lo, short if span(short, lo, bold) <= width else ""
