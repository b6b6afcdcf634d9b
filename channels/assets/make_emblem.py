"""Draws the bundled neutral emblem (``emblem.png``) used when the agency profile has no logo.

Run once with ``python -m channels.assets.make_emblem``; the PNG is committed so renderers never
draw it at run time. Neutral on purpose: no real coat of arms may be imitated.
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = 256
NAVY = (11, 61, 145, 255)
GOLD = (242, 181, 41, 255)
WHITE = (255, 255, 255, 255)


def draw_emblem(size: int = SIZE) -> Image.Image:
    """A gold-rimmed navy shield with a white five-pointed star; transparent background."""
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    s = size / 256

    def shield(inset: float) -> list[tuple[float, float]]:
        top, left, right = 16 * s + inset, 32 * s + inset, 224 * s - inset
        mid = 150 * s
        points = [(left, top), (right, top), (right, mid)]
        # The lower half of the shield is a curve down to the point at the bottom centre.
        for i in range(1, 20):
            t = i / 20
            points.append((right - (right - 128 * s) * t,
                           mid + (240 * s - inset - mid) * math.sin(t * math.pi / 2)))
        points.append((128 * s, 240 * s - inset))
        for i in range(19, 0, -1):
            t = i / 20
            points.append((left + (128 * s - left) * t,
                           mid + (240 * s - inset - mid) * math.sin(t * math.pi / 2)))
        points.append((left, mid))
        return points

    draw.polygon(shield(0), fill=GOLD)
    draw.polygon(shield(12 * s), fill=NAVY)
    cx, cy, outer, inner = 128 * s, 112 * s, 62 * s, 25 * s
    star = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = -math.pi / 2 + i * math.pi / 5
        star.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(star, fill=WHITE)
    draw.rectangle((76 * s, 186 * s, 180 * s, 196 * s), fill=GOLD)
    return img


if __name__ == "__main__":
    target = Path(__file__).with_name("emblem.png")
    draw_emblem().save(target, optimize=True)
    print(target)
