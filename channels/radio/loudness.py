"""Loudness normalisation of speech for broadcast and podcast: ITU-R BS.1770 integrated loudness
(pyloudnorm's meter, with its K-weighting and gating) brought to a target, and the true peak (the
4x oversampled peak, as BS.1770-4 Annex 2 defines it) held under a ceiling by a look-ahead limiter.

espeak-ng speaks at about -21 LUFS with peaks near -1.5 dBTP: a peak-to-loudness ratio of ~19 dB,
so -16 LUFS under -1 dBTP needs 5-6 dB of peak limiting. The limiter's gain never exceeds what the
sample needs (a minimum filter over the look-ahead window) and is smoothed by two moving averages
inside that window, so it ramps down over ~5 ms before a peak and recovers over ~25 ms after it
instead of clipping.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pyloudnorm
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import resample_poly

OVERSAMPLE = 4
"""True-peak oversampling factor (BS.1770-4 uses 4x at 48 kHz)."""

ATTACK_S = 0.005
"""The limiter's gain ramp before a peak (and its smoothing window)."""

HOLD_S = 0.020
"""How long the limiter holds its gain after a peak before recovering."""

MIN_LOUDNESS_S = 0.4
"""BS.1770 gating blocks are 400 ms: a shorter clip has no integrated loudness, only peaks."""


def _to_float(frames: bytes, channels: int) -> np.ndarray:
    data = np.frombuffer(frames, dtype="<i2").astype(np.float64) / 32768.0
    return data.reshape(-1, channels)


def _to_int16(signal: np.ndarray) -> bytes:
    return (np.clip(signal, -1.0, 32767 / 32768) * 32768.0).round().astype("<i2").tobytes()


def resample(signal: np.ndarray, rate: int, to_rate: int) -> np.ndarray:
    """``signal`` (frames × channels) at ``to_rate``: polyphase filtering with the exact ratio
    (22.05 → 44.1 kHz is 2/1, 16 → 44.1 kHz is 441/160)."""
    if rate == to_rate:
        return signal
    ratio = Fraction(to_rate, rate)
    return resample_poly(signal, ratio.numerator, ratio.denominator, axis=0)


def peak_envelope(signal: np.ndarray) -> np.ndarray:
    """Per frame, the largest absolute value of the 4x oversampled signal over all channels
    (float32: a minute of speech is ten million oversampled values)."""
    over = resample_poly(signal.astype(np.float32), OVERSAMPLE, 1, axis=0)[: len(signal) * OVERSAMPLE]
    np.abs(over, out=over)
    return over.reshape(len(signal), -1).max(axis=1)


def true_peak_db(signal: np.ndarray) -> float:
    """The true peak of ``signal`` in dBTP (-inf for silence)."""
    peak = float(peak_envelope(signal).max()) if len(signal) else 0.0
    return 20 * math.log10(peak) if peak > 0 else -math.inf


def integrated_lufs(signal: np.ndarray, rate: int) -> float:
    """BS.1770 integrated loudness in LUFS (-inf for silence or a clip under 400 ms)."""
    if len(signal) < MIN_LOUDNESS_S * rate:
        return -math.inf
    data = signal[:, 0] if signal.shape[1] == 1 else signal
    return float(pyloudnorm.Meter(rate).integrated_loudness(data))


BLOCK = 32
"""Frames per step of the limiter's gain curve (0.7 ms at 44.1 kHz): the curve is computed on block
peaks and interpolated, 32 times less work than per frame, and still never above what a frame
needs (the minimum filter reaches one block further than the smoothing)."""


def block_peaks(envelope: np.ndarray) -> np.ndarray:
    """The largest value of ``envelope`` in each block of :data:`BLOCK` frames."""
    pad = (-len(envelope)) % BLOCK
    return np.pad(envelope, (0, pad)).reshape(-1, BLOCK).max(axis=1)


def limiter_gain(peaks: np.ndarray, frames: int, gain: float, ceiling: float, rate: int) -> np.ndarray:
    """The per-frame gain (≤ 1) that keeps ``gain × peak`` at or under ``ceiling`` (linear), from the
    block peaks of the true-peak envelope."""
    need = np.minimum(1.0, ceiling / np.maximum(peaks * gain, 1e-12))
    smooth = max(1, round(rate * ATTACK_S / BLOCK))
    # the minimum covers both smoothing passes and the interpolation to the next block, so no
    # frame gets more gain than it can take
    held = minimum_filter1d(need, size=2 * smooth + 3 + round(rate * HOLD_S / BLOCK), mode="nearest")
    curve = uniform_filter1d(uniform_filter1d(held, smooth, mode="nearest"), smooth, mode="nearest")
    centres = np.arange(len(curve)) * BLOCK + (BLOCK - 1) / 2
    return np.interp(np.arange(frames), centres, curve)


def normalise(frames: bytes, rate: int, channels: int, target_lufs: float, ceiling_dbtp: float,
              to_rate: int) -> bytes:
    """16-bit PCM ``frames`` at ``to_rate``, at ``target_lufs`` integrated with a true peak of at
    most ``ceiling_dbtp``. The limiter lowers the loudness a little, so the make-up gain is solved
    for in a few rounds; silence and clips under 400 ms only get their peaks held."""
    signal = resample(_to_float(frames, channels), rate, to_rate)
    if not len(signal):
        return b""
    peaks = block_peaks(peak_envelope(signal))
    ceiling = 10 ** (ceiling_dbtp / 20)
    level = integrated_lufs(signal, to_rate)
    gain_db = 0.0 if math.isinf(level) else target_lufs - level
    out, last = signal, None
    for _ in range(8):
        gain = 10 ** (gain_db / 20)
        out = signal * (gain * limiter_gain(peaks, len(signal), gain, ceiling, to_rate))[:, None]
        level = integrated_lufs(out, to_rate)
        if math.isinf(level) or abs(level - target_lufs) < 0.05:
            break
        # under limiting a dB of gain buys less than a dB of loudness: secant steps on that slope
        slope = 1.0
        if last is not None and gain_db != last[0]:
            slope = min(1.0, max(0.1, (level - last[1]) / (gain_db - last[0])))
        last = (gain_db, level)
        gain_db += (target_lufs - level) / slope
    # a smooth gain curve can still leave an inter-sample overshoot of a few hundredths of a dB
    excess = true_peak_db(out) - ceiling_dbtp
    if excess > 0:
        out = out * 10 ** (-excess / 20)
    return _to_int16(out)
