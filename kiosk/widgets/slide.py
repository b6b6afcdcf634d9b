"""A low-resolution picture of a videotron slide in the terminal: two pixels per cell with the
upper half block."""

from __future__ import annotations

from typing import Any

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

PREVIEW_COLUMNS = 72
"""Width of the picture in cells (fits an 80-column terminal with the frame)."""


def shrink(image: Any, columns: int = PREVIEW_COLUMNS) -> Any:
    """The slide resized to ``columns`` × (rows × 2) pixels, keeping its aspect (call in a worker)."""
    rows = max(2, round(columns * image.height / image.width / 2))
    return image.convert("RGB").resize((columns, rows * 2))


def to_text(small: Any) -> Text:
    """Half-block text of an already shrunk RGB image."""
    text = Text()
    px = small.load()
    for y in range(0, small.height - 1, 2):
        for x in range(small.width):
            top, bottom = px[x, y], px[x, y + 1]
            text.append("▀", Style(color=f"rgb({top[0]},{top[1]},{top[2]})",
                                   bgcolor=f"rgb({bottom[0]},{bottom[1]},{bottom[2]})"))
        text.append("\n")
    return text


class SlideView(Static):
    """Shows a shrunk slide picture, or a text in its place."""

    shows_image = False
    """True once a picture (not the text in its place) is shown."""

    def show_image(self, small: Any) -> None:
        """Show the picture (already shrunk with :func:`shrink`)."""
        self.update(to_text(small))
        self.shows_image = True
