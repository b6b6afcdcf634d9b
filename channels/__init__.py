"""Pure renderers, one package per channel. Input: a verified :class:`shared.messages.Envelope`;
output: files under the channel's output folder. No broker, no database."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from channels.base import ChannelRenderer

RENDERERS = {
    "videotron": "channels.videotron:VideotronRenderer",
    "radio": "channels.radio:RadioRenderer",
    "web": "channels.web:WebRenderer",
    "print": "channels.noticeboard:NoticeboardRenderer",
    "noop": "channels.base:NoopRenderer",
}
"""Channel name → ``module:Class`` of its renderer (imported lazily, so a worker loads only its own)."""


def get_renderer(name: str, out_dir: Path) -> ChannelRenderer:
    """The renderer of channel ``name`` writing under ``out_dir`` (the process's output folder)."""
    module, _, cls = RENDERERS[name].partition(":")
    return getattr(import_module(module), cls)(out_dir)
