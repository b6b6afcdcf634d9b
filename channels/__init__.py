"""Pure renderers, one package per channel. Input: a verified :class:`shared.messages.Envelope`;
output: files under the channel's output folder. No broker, no database."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

from channels.base import ChannelRenderer

if TYPE_CHECKING:
    from shared.config import Settings

RENDERERS = {
    "videotron": "channels.videotron:VideotronRenderer",
    "radio": "channels.radio:RadioRenderer",
    "web": "channels.web:WebRenderer",
    "print": "channels.noticeboard:NoticeboardRenderer",
    "noop": "channels.base:NoopRenderer",
}
"""Channel name → ``module:Class`` of its renderer (imported lazily, so a worker loads only its own)."""


def get_renderer(name: str, out_dir: Path, settings: Settings | None = None) -> ChannelRenderer:
    """The renderer of channel ``name`` writing under ``out_dir`` (the process's output folder),
    configured by the settings root ``settings`` (its channel's section); without them, by the
    section's defaults."""
    return make_renderer(RENDERERS[name], out_dir, settings)


def make_renderer(spec: str, out_dir: Path, settings: Settings | None = None) -> ChannelRenderer:
    """The renderer ``module:Class`` writing under ``out_dir``, built from ``settings`` (see
    :meth:`ChannelRenderer.from_settings`) or with its defaults when None."""
    module, _, cls = spec.partition(":")
    kind: type[ChannelRenderer] = getattr(import_module(module), cls)
    return kind(out_dir) if settings is None else kind.from_settings(out_dir, settings)
