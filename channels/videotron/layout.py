"""Slide layout: where every band, logo, QR code, picture and line of text goes on a panel of any
size, and how many slides an announcement gets.

``plan_slides`` is pure geometry (no pixels): it returns, per slide, the text boxes it will draw with
their measured ink boxes, so tests can check that nothing leaves the canvas. ``draw.py`` paints them.
The pieces: :mod:`.geometry` (proportions, compact bands), :mod:`.paginate` (sentence-aware
slide breaks), :mod:`.styles` (day and night palettes).
"""

from __future__ import annotations

from dataclasses import replace

from channels.assets import Picture, clean_text
from channels.videotron.geometry import Content, Geometry, Rect, SlidePlan, TextBox, text_box
from channels.videotron.paginate import CONTINUED, Page, paginate
from channels.videotron.styles import (ALERT, AMBER, GOLD, INK, NAVY, NIGHT, NIGHT_ALERT, NORMAL,
                                       RED, WHITE, Style, night_of)
from channels.videotron.text import ELLIPSIS, fit, fit_line, ink, line_height, pitch, wrap
from shared.settings import VideotronSettings

__all__ = ["ALERT", "AMBER", "CONTINUED", "Content", "GOLD", "INK", "NAVY", "NIGHT", "NIGHT_ALERT",
           "NORMAL", "RED", "Rect", "SlidePlan", "Style", "TextBox", "WHITE", "content_for",
           "night_plan", "plan_slides", "slide_seconds"]

ALERT_TEXTS = ("PERINGATAN · INFORMASI SERTA MERTA", "PERINGATAN · SERTA MERTA", "PERINGATAN")
"""The alert line, longest first: the longest that fits whole is shown."""
QR_CAPTION = "Pindai untuk informasi lengkap"
PLAIN_KICKER = "PENGUMUMAN"
"""The kicker of an ordinary announcement: left out on a compact panel."""
MORE_QR = "Selengkapnya: pindai kode QR"
MORE_AT = "Selengkapnya: {}"
MORE_OFFICE = "Selengkapnya di kantor {}"


def slide_seconds(words: int, cfg: VideotronSettings) -> float:
    """How long a slide with ``words`` words stays on screen: reading time plus two seconds to
    notice it, within the configured bounds."""
    seconds = words / cfg.words_per_minute * 60 + 2
    return round(min(cfg.max_seconds, max(cfg.min_seconds, seconds)), 1)


def _header(plan: SlidePlan, geo: Geometry, content: Content) -> None:
    style = plan.style
    plan.rects.append(Rect((0, 0, geo.w - 1, geo.header_h - 1), style.header, "header"))
    if geo.rule_h:
        plan.rects.append(Rect((0, geo.header_h, geo.w - 1, geo.header_h + geo.rule_h - 1),
                               style.accent, "accent"))
    small = geo.small
    logo = geo.header_h - 2 * small
    x = geo.pad * 2
    if logo >= 10:
        plan.logo = (x, small, logo)
        x += logo + geo.pad
    right = geo.w - geo.pad * 2
    if geo.compact:
        _compact_header(plan, geo, content, x, right)
        return
    width = right - x
    unit_px, unit = _agency_name(content, width, geo.min_px, geo.unit_px)
    inst_px, inst = fit_line(content.agency_instansi, width, geo.min_px, geo.instansi_px)
    if inst != content.agency_instansi:
        inst = ""  # the agency's name is shown whole or not at all, never cut
    block = line_height(unit_px, True) + (line_height(inst_px) if inst else 0)
    y = max(0, (geo.header_h - block) // 2)
    if unit:
        plan.texts.append(text_box("header", unit, x, y, unit_px, True, style, "header_text"))
    if inst:
        plan.texts.append(text_box("header", inst, x, y + line_height(unit_px, True), inst_px, False,
                                   style, "instansi_text"))
    if content.alert:
        top = geo.header_h + geo.rule_h
        plan.rects.append(Rect((0, top, geo.w - 1, top + geo.alert_h - 1), style.accent, "accent"))
        size, text = _first_whole(ALERT_TEXTS, geo.w - 4 * geo.pad, geo.min_px, geo.alert_px)
        tw = ink(text, size, True)[2]
        y = top + (geo.alert_h - line_height(size, True)) // 2
        plan.texts.append(text_box("alert", text, (geo.w - tw) // 2, y, size, True, style,
                                   "alert_text"))


def _compact_header(plan: SlidePlan, geo: Geometry, content: Content, x: int, right: int) -> None:
    """One line: the agency's name (or short name) left, the alert word right in the accent."""
    y = max(0, (geo.header_h - line_height(geo.min_px, True)) // 2)
    if content.alert:
        size, text = _first_whole(ALERT_TEXTS, (right - x) // 2, geo.min_px, geo.min_px)
        tw = ink(text, size, True)[2]
        plan.texts.append(text_box("alert", text, right - tw, y, size, True, plan.style, "accent"))
        right -= tw + geo.pad * 2
    size, name = _agency_name(content, right - x, geo.min_px, geo.min_px)
    if name:
        plan.texts.append(text_box("header", name, x, y, size, True, plan.style, "header_text"))


def _agency_name(content: Content, width: int, lo: int, hi: int) -> tuple[int, str]:
    """The agency's full name when it fits whole, else its short name (DISKOMINFO)."""
    size, name = fit_line(content.agency_unit, width, lo, hi, bold=True)
    if name == content.agency_unit or not content.agency_short:
        return size, name
    return fit_line(content.agency_short, width, lo, hi, bold=True)


def _first_whole(texts: tuple[str, ...], width: int, lo: int, hi: int,
                 bold: bool = True) -> tuple[int, str]:
    """The first of ``texts`` that fits ``width`` whole (the last one shortened otherwise)."""
    for text in texts:
        size, fitted = fit_line(text, width, lo, hi, bold)
        if fitted == text:
            return size, text
    return fit_line(texts[-1], width, lo, hi, bold)


def _footer(plan: SlidePlan, geo: Geometry, content: Content, index: int, count: int) -> None:
    top = geo.h - geo.footer_h
    plan.rects.append(Rect((0, top, geo.w - 1, geo.h - 1), plan.style.footer, "footer"))
    left, right = geo.pad * 2, geo.w - geo.pad * 2
    y = top + (geo.footer_h - line_height(geo.foot_px)) // 2
    # The time with its zone is what proves when it was decided: shown whole, never cut.
    share = (right - left) * (3 if geo.compact else 2) // 4
    size, date = _first_whole((content.date, *content.dates), share, geo.min_px, geo.foot_px, False)
    date_w = ink(date, size)[2]
    plan.texts.append(text_box("footer", date, right - date_w, y, size, False, plan.style,
                               "header_text"))
    room = right - date_w - geo.pad * 2 - left
    if count > 1:
        page = f"{index}/{count}"
        pw = ink(page, geo.foot_px, True)[2]
        if pw < room // 3:
            plan.texts.append(text_box("footer", page, right - date_w - geo.pad * 2 - pw, y,
                                       geo.foot_px, True, plan.style, "accent"))
            room -= pw + geo.pad * 2
    number = f"Nomor: {content.number}"
    nsize, fitted = fit_line(number, room, geo.min_px, geo.foot_px)
    if fitted == number and room > 0:  # a number cut short identifies nothing: whole or none
        plan.texts.append(text_box("footer", number, left, y, nsize, False, plan.style,
                                   "header_text"))


def _qr(plan: SlidePlan, geo: Geometry) -> None:
    if not geo.qr_box or geo.qr_caption is None:  # both are set together
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
        plan.texts.append(text_box("qr-caption", line, x, y0 + i * pitch(geo.min_px), geo.min_px,
                                   False, plan.style, "body"))


def _picture(plan: SlidePlan, geo: Geometry, content: Content) -> None:
    """The picture's box and hairline frame, and its caption on one line (shortened with an ellipsis
    rather than wrapped: the panel is read from a distance, in passing)."""
    if not geo.picture:
        return
    plan.picture = geo.picture
    x, y, w, h = geo.picture
    edge = max(1, geo.rule_h // 3)
    plan.rects.append(Rect((x - edge, y - edge, x + w - 1 + edge, y + h - 1 + edge),
                           plan.style.frame, "frame"))
    if geo.caption:
        x0, top, x1, px = geo.caption
        size, text = fit_line(content.caption, x1 - x0, geo.min_px, px)
        if text:
            tw = ink(text, size)[2]
            plan.texts.append(text_box("caption", text, x0 + max(0, (x1 - x0 - tw) // 2), top, size,
                                       False, plan.style, "body"))


def _words(boxes: list[TextBox]) -> int:
    return sum(1 for b in boxes if b.role in ("title", "body", "more")
               for word in b.text.split() if any(ch.isalnum() for ch in word))


def _note_page(geo: Geometry, content: Content, style: Style) -> Page:
    """The slide that ends an announcement cut short: its title (smaller if need be, shortened with
    "…" only on a panel too small for it) and "Selengkapnya: pindai kode QR" — or, without a QR
    code, the agency's website (else its office) — at the bottom."""
    left, top, right, bottom = geo.content
    width = right - left
    if geo.qr_box:
        note = MORE_QR
    elif content.website:
        note = MORE_AT.format(content.website)
    else:
        note = MORE_OFFICE.format(content.agency_short or content.agency_unit)
    size = max(geo.min_px, geo.kicker_px)
    lines = wrap(note, size, width, True)
    y = bottom - (len(lines) - 1) * pitch(size, True) - line_height(size, True)
    page = Page([text_box("more", line, left, y + i * pitch(size, True), size, True, style, "kicker")
                 for i, line in enumerate(lines)])
    room = y - geo.pad - top
    fitted = fit(content.title, width, room, geo.min_px, geo.title_hi, bold=True)
    title = fitted.lines
    if not fitted.fits:
        keep = max(0, (room - line_height(fitted.size, True)) // pitch(fitted.size, True) + 1)
        title = title[:keep]
        if title:
            title[-1] = fit_line(title[-1] + ELLIPSIS, width, fitted.size, fitted.size, True)[1]
    page.boxes[:0] = [text_box("title", line, left, top + i * pitch(fitted.size, True), fitted.size,
                               True, style, "title") for i, line in enumerate(title) if line]
    return page


def _fit_loop(geo: Geometry, content: Content, style: Style, cfg: VideotronSettings) -> list[Page]:
    """The pages within the announcement's share of the loop (``max_slides`` slides and
    ``loop_share`` × ``loop_seconds`` seconds). When the text needs more: as many slides of whole
    sentences as fit, then the closing "Selengkapnya" slide (:func:`_note_page`); the rest is not
    shown."""
    cap = cfg.loop_seconds * cfg.loop_share
    pages = paginate(geo, content, style, limit=cfg.max_slides + 1)

    def seconds(cut: list[Page]) -> float:
        return sum(slide_seconds(_words(p.boxes), cfg) for p in cut)

    if len(pages) <= cfg.max_slides and seconds(pages) <= cap:
        return pages
    note = _note_page(geo, content, style)
    # Greedy pagination: the first k pages are the same however many follow, so cut, not re-lay.
    for k in range(min(len(pages), cfg.max_slides) - 1, 0, -1):
        cut = [Page(list(p.boxes)) for p in pages[:k]]
        last = pages[k - 1]
        if last.open_from is not None:  # never end on half a sentence: it is not shown at all
            del cut[-1].boxes[last.open_from:]
            if all(b.text == CONTINUED for b in cut[-1].boxes):
                cut[-1].boxes.clear()
        if not any(b.role == "body" for p in cut for b in p.boxes):
            break  # only the title: the closing slide shows it too
        if cut[-1].boxes and seconds([*cut, note]) <= cap:
            return [*cut, note]
    return [note]


def plan_slides(content: Content, cfg: VideotronSettings) -> list[SlidePlan]:
    """Lay out ``content`` on as many slides as it needs for the panel in ``cfg``, within the
    announcement's share of the loop."""
    geo = Geometry(cfg, content.alert, content.qr, content.picture, content.caption)
    style = ALERT if content.alert else NORMAL
    if geo.compact and content.kicker == PLAIN_KICKER:
        # A small panel's rows go to the text; a ralat's kicker says something and stays.
        content = replace(content, kicker="")
    pages = _fit_loop(geo, content, style, cfg)
    plans = []
    for index, page in enumerate(pages, start=1):
        plan = SlidePlan(cfg.width, cfg.height, style, text_area=geo.content, compact=geo.compact)
        plan.rects.append(Rect((0, 0, cfg.width - 1, cfg.height - 1), style.background))
        _header(plan, geo, content)
        plan.texts.extend(page.boxes)
        plan.words = _words(plan.texts)
        _picture(plan, geo, content)
        _qr(plan, geo)
        _footer(plan, geo, content, index, len(pages))
        plans.append(plan)
    return plans


def night_plan(plan: SlidePlan) -> SlidePlan:
    """The same slide in the night palette: every box and band keeps its place and takes the
    night colour of its role (dark background, light text, the QR code and picture dimmed)."""
    night = night_of(plan.style)
    return replace(plan, style=night,
                   rects=[replace(r, fill=getattr(night, r.tone)) for r in plan.rects],
                   texts=[replace(t, fill=getattr(night, t.tone)) for t in plan.texts])


def content_for(snap, dates: tuple[str, ...], kicker: str, qr: bool,
                picture: Picture | None = None) -> Content:
    """The cleaned :class:`Content` of an announcement snapshot; ``dates`` the footer's approval
    time, longest form first; ``picture`` is its checked picture
    (:func:`channels.assets.load_picture`), None to lay the slides out without one."""
    text = clean_text(snap.summary) or clean_text(snap.body)
    return Content(agency_unit=clean_text(snap.agency.unit, multiline=False),
                   agency_instansi=clean_text(snap.agency.instansi, multiline=False),
                   agency_short=clean_text(snap.agency.short_name, multiline=False),
                   website=clean_text(snap.agency.website, multiline=False),
                   kicker=kicker, title=clean_text(snap.title, multiline=False) or "Pengumuman",
                   text=text, number=clean_text(snap.number, multiline=False), date=dates[0],
                   dates=tuple(dates[1:]), alert=snap.klasifikasi == "serta-merta", qr=qr,
                   picture=(picture.width, picture.height) if picture else None,
                   caption=picture.caption if picture else "")
