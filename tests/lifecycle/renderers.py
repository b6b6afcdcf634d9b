"""The radio renderer of the lifecycle runs: the real :class:`RadioRenderer` whose speech engine is
espeak-ng for announcements with :data:`AUDIO_MARK` in their title and none for the others, so the
matrix keeps real audio (and real podcast episodes) in one path without paying ~0.5 s of synthesis
for every radio message. Loaded by the worker as ``tests.lifecycle.renderers:SelectiveAudioRadio``."""

from __future__ import annotations

from pathlib import Path

from channels.radio import RadioRenderer
from channels.radio.audio import Pcm, SpeechError, engine_for
from shared.settings import RadioSettings

AUDIO_MARK = "bersuara"
"""A word in the title (and so in the spoken text) of announcements that get real audio."""

RENDERER = "tests.lifecycle.renderers:SelectiveAudioRadio"


class SelectiveSpeech:
    """espeak-ng for texts with :data:`AUDIO_MARK`; for the others the engine refuses, which the
    radio channel handles as "no audio": the script goes out, the item has no enclosure."""

    name = "selective-espeak-ng"

    def __init__(self, settings: RadioSettings) -> None:
        self.inner = engine_for("espeak-ng", settings.voice, settings.words_per_minute)

    def unavailable(self) -> str | None:
        return self.inner.unavailable()

    def synthesize(self, text: str) -> Pcm:
        if AUDIO_MARK not in text:
            raise SpeechError("uji siklus hidup: tanpa audio untuk pengumuman ini")
        return self.inner.synthesize(text)


class SelectiveAudioRadio(RadioRenderer):
    def __init__(self, out_dir: Path, settings: RadioSettings | None = None) -> None:
        # the worker passes ``settings.radio`` (RadioRenderer.from_settings)
        settings = settings if settings is not None else RadioSettings.defaults()
        super().__init__(out_dir, settings, engine=SelectiveSpeech(settings))
