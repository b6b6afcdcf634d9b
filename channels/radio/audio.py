"""Offline speech synthesis of a script and its MP3 encoding, without ffmpeg.

The engine is pluggable (:class:`SpeechEngine`); espeak-ng with its ``id`` voice runs as a
subprocess (text on stdin, WAV on stdout), the PCM is read with the stdlib ``wave`` module and
encoded with lameenc. The duration comes from the PCM frame count, not from the MP3.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import wave
from dataclasses import dataclass
from typing import Protocol

import lameenc


@dataclass(frozen=True)
class Pcm:
    """Signed 16-bit little-endian PCM audio."""

    frames: bytes
    rate: int
    channels: int

    @property
    def seconds(self) -> float:
        """Exact duration from the frame count."""
        return len(self.frames) / (2 * self.channels * self.rate)


class SpeechError(Exception):
    """The engine failed on a text; ``str()`` says why in Indonesian."""


class SpeechEngine(Protocol):
    """A text-to-speech engine."""

    name: str

    def unavailable(self) -> str | None:
        """Why the engine cannot run here (Indonesian), or None when it can."""

    def synthesize(self, text: str) -> Pcm:
        """Speak ``text``; raise :class:`SpeechError` on failure."""


class NoSpeech:
    """No audio: the channel publishes scripts only."""

    name = "none"

    def unavailable(self) -> str | None:
        """Always off, by configuration."""
        return "audio dimatikan oleh konfigurasi (WARTA_RADIO_TTS=none)"

    def synthesize(self, text: str) -> Pcm:
        """Never called while :meth:`unavailable` says why."""
        raise SpeechError("mesin suara tidak diaktifkan")


class EspeakEngine:
    """espeak-ng through a subprocess (offline)."""

    name = "espeak-ng"

    def __init__(self, voice: str = "id", words_per_minute: int = 130, timeout: float = 120) -> None:
        self.voice = voice
        self.words_per_minute = words_per_minute
        self.timeout = timeout
        self.binary = shutil.which("espeak-ng")

    def unavailable(self) -> str | None:
        """Missing binary or missing voice."""
        if not self.binary:
            return "espeak-ng tidak terpasang (pasang paket Debian 'espeak-ng')"
        try:
            listing = subprocess.run([self.binary, f"--voices={self.voice}"], capture_output=True,
                                     text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError) as exc:
            return f"espeak-ng tidak dapat dijalankan: {exc}"
        if f" {self.voice} " not in listing:
            return f"suara espeak-ng '{self.voice}' tidak tersedia"
        return None

    def synthesize(self, text: str) -> Pcm:
        """WAV from espeak-ng's stdout, decoded to PCM. The text goes through stdin, never argv,
        so nothing in it can be taken for an option."""
        if not self.binary:
            raise SpeechError("espeak-ng tidak terpasang")
        cmd = [self.binary, "-v", self.voice, "-s", str(self.words_per_minute), "--stdout",
               "--stdin"]
        try:
            proc = subprocess.run(cmd, input=text.encode("utf-8"), capture_output=True,
                                  timeout=self.timeout)
        except subprocess.TimeoutExpired:
            raise SpeechError(f"espeak-ng tidak selesai dalam {self.timeout:.0f} detik") from None
        except OSError as exc:
            raise SpeechError(f"espeak-ng tidak dapat dijalankan: {exc}") from None
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip()[:200]
            raise SpeechError(f"espeak-ng gagal (kode {proc.returncode}): {err}")
        return read_wav(proc.stdout)


def read_wav(data: bytes) -> Pcm:
    """PCM of a 16-bit WAV. espeak-ng writes 0xFFFFFFFF as the sizes when streaming to a pipe,
    which ``wave`` tolerates for the header; the frames are taken as everything after it."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            if wav.getsampwidth() != 2:
                raise SpeechError("audio dari mesin suara bukan PCM 16-bit")
            rate, channels = wav.getframerate(), wav.getnchannels()
            frames = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise SpeechError(f"audio dari mesin suara tidak dapat dibaca: {exc}") from None
    frames = frames[: len(frames) - len(frames) % (2 * channels)]
    return Pcm(frames, rate, channels)


def encode_mp3(pcm: Pcm, bitrate: int = 64) -> bytes:
    """MP3 bytes of ``pcm`` (lameenc, constant bit rate)."""
    enc = lameenc.Encoder()
    enc.set_bit_rate(bitrate)
    enc.set_in_sample_rate(pcm.rate)
    enc.set_channels(pcm.channels)
    enc.set_quality(2)
    return bytes(enc.encode(pcm.frames) + enc.flush())


def engine_for(name: str, voice: str = "id", words_per_minute: int = 130) -> SpeechEngine:
    """The engine configured by ``WARTA_RADIO_TTS``."""
    if name == "espeak-ng":
        return EspeakEngine(voice, words_per_minute)
    return NoSpeech()
