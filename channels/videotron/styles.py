"""Colours of the slides: a day palette (pale background, as read in sunlight) and a night palette
(dark background, light text) for the hours the office sets, so an outdoor LED panel does not
glare at night."""

from __future__ import annotations

from dataclasses import dataclass

NAVY = (11, 61, 145)
GOLD = (242, 181, 41)
RED = (183, 28, 28)
AMBER = (255, 193, 7)
INK = (33, 33, 33)
WHITE = (255, 255, 255)

Colour = tuple[int, int, int]


@dataclass(frozen=True)
class Style:
    """Colours of one slide style."""

    header: Colour
    accent: Colour
    background: Colour
    title: Colour
    body: Colour
    footer: Colour
    kicker: Colour
    header_text: Colour = WHITE
    """The agency's name and the footer's text, on the dark bands."""
    instansi_text: Colour = (235, 238, 245)
    alert_text: Colour = (20, 20, 20)
    """The alert line, on the accent band."""
    frame: Colour = (200, 200, 196)
    """The hairline around the picture, so a pale photo does not melt into the pale background."""
    qr_dark: Colour = (0, 0, 0)
    qr_light: Colour = WHITE
    """The QR code's light modules (and quiet zone): dimmed at night, dark-on-light kept because
    not every phone reads an inverted code."""
    picture_dim: float = 1.0
    """Brightness factor of the picture (a bright photo is a large near-white area at night)."""
    night: bool = False


NORMAL = Style(header=NAVY, accent=GOLD, background=(250, 250, 246), title=(10, 42, 105), body=INK,
               footer=(22, 32, 52), kicker=(150, 105, 0))
ALERT = Style(header=RED, accent=AMBER, background=(255, 248, 225), title=(150, 20, 20), body=INK,
              footer=(70, 12, 12), kicker=RED)

# Night: near-black background, light grey text (not pure white), the bands darker, the accents
# kept so an alert still reads as an alert.
NIGHT = Style(header=(8, 30, 72), accent=(176, 130, 24), background=(12, 14, 20),
              title=(150, 190, 245), body=(214, 214, 206), footer=(6, 10, 20), kicker=(214, 160, 40),
              header_text=(218, 222, 230), instansi_text=(170, 178, 195), alert_text=(16, 12, 4),
              frame=(70, 72, 78), qr_light=(176, 176, 176), picture_dim=0.7, night=True)
NIGHT_ALERT = Style(header=(120, 16, 16), accent=(214, 150, 0), background=(18, 10, 8),
                    title=(255, 150, 120), body=(218, 210, 200), footer=(40, 8, 8),
                    kicker=(255, 120, 90), header_text=(228, 218, 214), instansi_text=(200, 170, 165),
                    alert_text=(16, 10, 0), frame=(80, 60, 56), qr_light=(176, 176, 176),
                    picture_dim=0.7, night=True)

_NIGHT_OF = {NORMAL: NIGHT, ALERT: NIGHT_ALERT}


def night_of(style: Style) -> Style:
    """The night counterpart of a day style (a night style is its own)."""
    return style if style.night else _NIGHT_OF.get(style, NIGHT)
