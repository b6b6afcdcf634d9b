"""The per-channel preview tabs the editor and the review screen share: the radio script with its
air time, the videotron slide as a picture, the printout and the web text, each the output of
:mod:`kiosk.previews` (the channels' own renderers), one tab per channel."""

from __future__ import annotations

from typing import Any, Iterator

from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static, TabPane

from kiosk.widgets.slide import SlideView, shrink
from shared.i18n import _

TABS = (("radio", "Radio"), ("videotron", "Videotron"), ("print", "Cetak"), ("web", "Web"))
"""Channel and tab title, in the order the tabs appear."""


def panes(placeholder: str, keys: dict[str, str] | None = None) -> Iterator[TabPane]:
    """One tab per channel (``tab-<channel>``) holding ``pv-<channel>``; ``keys`` puts the key
    that opens a tab in its title."""
    for channel, title in TABS:
        view = (SlideView(placeholder, id=f"pv-{channel}") if channel == "videotron" else
                Static(placeholder, id=f"pv-{channel}"))
        key = (keys or {}).get(channel)
        label = f"{key} {_(title)}" if key else _(title)
        yield TabPane(label, VerticalScroll(view, classes="preview"), id=f"tab-{channel}")


def render(fields: dict, profile: Any, tz: str, now: Any, number: str = "",
           settings: Any = None) -> dict:
    """Every preview, with the slide already shrunk for the terminal (call in a worker);
    ``settings``: the settings root (``w.ctx.settings``)."""
    from kiosk.previews import previews

    result = previews(fields, profile, tz, now=now, number=number, settings=settings)
    image = result["videotron"].image
    result["small"] = shrink(image) if image is not None else None
    return result


def show(screen: Screen, result: dict) -> None:
    """Put the rendered previews of :func:`render` into the screen's tabs."""
    screen.query_one("#pv-radio", Static).update(result["radio"].text)
    slide = screen.query_one("#pv-videotron", SlideView)
    if result["small"] is not None:
        slide.show_image(result["small"])
    else:
        slide.update(result["videotron"].text)
    screen.query_one("#pv-print", Static).update(result["print"].text)
    screen.query_one("#pv-web", Static).update(result["web"].text)
