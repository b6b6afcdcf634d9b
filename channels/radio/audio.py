"""Offline speech synthesis of a script and an MP3 a radio automation system accepts, without ffmpeg.

The engine is pluggable (:class:`SpeechEngine`); espeak-ng with its ``id`` voice runs as a
subprocess (text on stdin, WAV on stdout), the PCM is read with the stdlib ``wave`` module. Then
:func:`master` resamples it to 44.1 kHz and normalises it to -16 LUFS integrated (EBU R 128 /
ITU-R BS.1770 loudness, measured with pyloudnorm) under a -1 dBTP true-peak ceiling (a look-ahead
limiter on the 4x oversampled signal, :mod:`channels.radio.loudness`); lameenc encodes it and
mutagen writes the ID3v2.3 tags (:func:`tag_mp3`). The duration comes from the PCM frame count,
not from the MP3.

Why in-process and not ffmpeg's ``loudnorm``: the worker then needs no Debian package beyond
espeak-ng, the result is deterministic (no single-pass dynamic mode, no 192 kHz detour, no JSON
scraped from stderr), and the tests' meter (ffmpeg ``ebur128``) is independent of the code it
checks.
"""

from __future__ import annotations

import io
import math
import shutil
import subprocess
import wave
from dataclasses import dataclass, replace
from typing import Protocol

import lameenc

from channels.radio import loudness
from shared.messages import AnnouncementSnapshot, Kind
from shared.timefmt import local


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


LAME_SCALE = 0.95
"""LAME scales its input by 0.95 by default (``lame_set_scale``; lameenc does not expose it), so
the MP3 plays 0.45 dB below the PCM given to it: :func:`produce` masters that much louder."""

MP3_PEAK_MARGIN_DB = 1.5
"""Headroom kept below the true-peak ceiling before encoding: MP3 quantisation adds inter-sample
overshoot (up to +1.3 dB measured on speech at 64 kbit/s) that only shows once decoded."""


def master(pcm: Pcm, target_lufs: float = -16.0, ceiling_dbtp: float = -1.0,
           rate: int = 44100) -> Pcm:
    """``pcm`` resampled to ``rate`` and normalised to ``target_lufs`` integrated loudness with its
    true peak at most ``ceiling_dbtp`` (see :func:`channels.radio.loudness.normalise`)."""
    frames = loudness.normalise(pcm.frames, pcm.rate, pcm.channels, target_lufs, ceiling_dbtp, rate)
    return Pcm(frames, rate, pcm.channels)


def produce(pcm: Pcm, bitrate: int = 64, tags: Tags | None = None, target_lufs: float = -16.0,
            ceiling_dbtp: float = -1.0, rate: int = 44100) -> tuple[bytes, Pcm]:
    """The MP3 a station's automation takes (mastered, encoded, tagged) and the mastered PCM, whose
    frame count gives the exact duration."""
    gain = 20 * math.log10(1 / LAME_SCALE)
    mastered = master(pcm, target_lufs + gain, ceiling_dbtp - MP3_PEAK_MARGIN_DB + gain, rate)
    data = encode_mp3(mastered, bitrate)
    if tags is not None:
        data = tag_mp3(data, replace(tags, milliseconds=round(mastered.seconds * 1000)))
    return data, mastered


@dataclass(frozen=True)
class Tags:
    """What an automation system shows and logs of an episode, written as ID3v2.3 frames."""

    title: str
    """TIT2: the episode title, as in the podcast feed ("RALAT: 046/... — Judul")."""
    number: str
    """The announcement number: TIT3 (subtitle) and TXXX "NOMOR PENGUMUMAN"."""
    artist: str
    """TPE1 and TPE2: the agency ("Dinas Komunikasi dan Informatika")."""
    album: str
    """TALB: the series ("Pengumuman Dinas Komunikasi dan Informatika")."""
    date: str
    """TDRC: the approval date, ``YYYY-MM-DD`` in the agency's zone."""
    publisher: str = ""
    """TPUB: the government the agency belongs to."""
    comment: str = ""
    """COMM (language ``ind``): a line for the studio (version, station)."""
    milliseconds: int = 0
    """TLEN: the exact length, so automation need not scan the file for it."""


def tag_mp3(data: bytes, tags: Tags) -> bytes:
    """``data`` with an ID3v2.3 tag in front (v2.3 because older playout systems read no v2.4)."""
    from mutagen.id3 import COMM, ID3, TALB, TCON, TDRC, TIT2, TIT3, TLAN, TLEN, TPE1, TPE2, TPUB, TXXX

    tag = ID3()
    tag.add(TIT2(encoding=3, text=tags.title))
    tag.add(TIT3(encoding=3, text=tags.number))
    tag.add(TXXX(encoding=3, desc="NOMOR PENGUMUMAN", text=tags.number))
    tag.add(TPE1(encoding=3, text=tags.artist))
    tag.add(TPE2(encoding=3, text=tags.artist))
    tag.add(TALB(encoding=3, text=tags.album))
    tag.add(TDRC(encoding=3, text=tags.date))
    tag.add(TCON(encoding=3, text="Speech"))
    tag.add(TLAN(encoding=3, text="ind"))
    if tags.publisher:
        tag.add(TPUB(encoding=3, text=tags.publisher))
    if tags.comment:
        tag.add(COMM(encoding=3, lang="ind", desc="", text=tags.comment))
    if tags.milliseconds:
        tag.add(TLEN(encoding=3, text=str(tags.milliseconds)))
    tag.update_to_v23()  # TDRC → TYER/TDAT; save() alone would write v2.4-only frames
    buf = io.BytesIO(data)
    tag.save(buf, v2_version=3)
    return buf.getvalue()


def tags_for(snap: AnnouncementSnapshot, kind: Kind, station: str) -> Tags:
    """The ID3 tags of the audio of ``snap`` as ``kind`` (publish, ralat, revocation)."""
    from channels.radio.feed import episode_title
    from channels.radio.speech_text import name_case

    unit = name_case(snap.agency.unit)
    title = episode_title({"kind": kind.value, "version": snap.version, "number": snap.number,
                           "title": snap.title})
    return Tags(title=title, number=snap.number, artist=unit, album=f"Pengumuman {unit}",
                date=local(snap.approved_at, snap.agency.timezone).date().isoformat(),
                publisher=name_case(snap.agency.instansi),
                comment=f"Versi {snap.version}; untuk disiarkan oleh {station}")
