"""The web channel: RSS, Atom and JSON feeds, static HTML pages and CAP 1.2 alerts."""

from channels.web.pages import item_filename, item_url
from channels.web.renderer import WebRenderer

__all__ = ["WebRenderer", "item_filename", "item_url"]
