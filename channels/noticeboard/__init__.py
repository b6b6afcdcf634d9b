"""Notice-board channel (``print``): A4 PDF printouts with the agency's letterhead, printed through
CUPS when a printer is configured."""

from channels.noticeboard.render import NoticeboardRenderer

__all__ = ["NoticeboardRenderer"]
