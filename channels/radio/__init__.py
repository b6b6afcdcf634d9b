"""The radio channel: naskah siaran (script) per announcement, its offline synthetic reading as MP3,
and a podcast feed for radio automation. :func:`script_for` previews a script without audio."""

from channels.radio.renderer import RadioRenderer
from channels.radio.speech_text import script_for

__all__ = ["RadioRenderer", "script_for"]
