"""Videotron channel: slides at the LED panel's native resolution, a playlist of what is on air and
a self-contained player page for the videotron PC."""

from channels.videotron.render import VideotronRenderer

__all__ = ["VideotronRenderer"]
