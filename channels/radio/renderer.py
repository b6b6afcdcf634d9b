"""The radio channel: per message a naskah siaran (``scripts/*.txt`` and ``*.md``), its synthetic
reading (``audio/*.mp3``) when a speech engine is available, then ``feed.xml`` rebuilt from the
latest N records of the worker-local state (``radio/.state/items.db``, one record per announcement
key: the version the feed carries).

What the channel applies is decided by the public ``version`` of the announcement (never by the
review chain's ``revision``, which starts again at 1 for every ralat): a message is applied only
when its version is newer than the one held for its key, and nothing follows a revocation; anything
else raises :class:`~channels.base.Superseded` before a byte is written. Files are named per
version, so the scripts and audio of v2 and v3 never overwrite each other. How the feed meets
LibreTime's import rules (a new GUID per version) is in :mod:`channels.radio.feed`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Self

from channels.base import ChannelRenderer, Superseded, TransientRenderError, atomic_write, safe_slug
from channels.radio import readback, script as scripts
from channels.radio.audio import SpeechEngine, SpeechError, Tags, engine_for, produce, tags_for
from channels.radio.feed import feed_bytes, podcast_info
from channels.radio.speech_text import for_voice, load_glossary
from channels.readback import ReadBack, ReadBackError
from channels.web.state import FeedState
from shared.messages import AnnouncementSnapshot, Envelope, Kind
from shared.settings import RadioSettings
from shared.timefmt import aware, utcnow

if TYPE_CHECKING:
    from shared.config import Settings


class RadioRenderer(ChannelRenderer):
    """Radio scripts, their audio and the podcast feed under ``<out_dir>/radio/``."""

    name = "radio"

    def __init__(self, out_dir: Path, settings: RadioSettings | None = None,
                 engine: SpeechEngine | None = None) -> None:
        super().__init__(out_dir)
        self.settings = settings if settings is not None else RadioSettings.defaults()
        self.engine = engine or engine_for(self.settings.tts, self.settings.voice,
                                           self.settings.words_per_minute)
        self.audio_off = self.engine.unavailable()
        """Why there is no audio (Indonesian), or None when the engine works."""
        self.last_audio_error: str | None = None
        self.state = FeedState(self.root / ".state" / "items.db")
        self.clock: Callable[[], datetime] = utcnow
        """The current time, for the expiry of revocation notices (tests replace it)."""

    @classmethod
    def from_settings(cls, out_dir: Path, settings: Settings) -> Self:
        """The renderer configured by ``settings.radio``."""
        return cls(out_dir, settings.radio)

    def health(self) -> list[str]:
        """Audio off and why; the last synthesis failure; a missing public URL."""
        warnings = []
        if self.audio_off:
            warnings.append(f"radio: audio mati — {self.audio_off}; feed tetap memuat naskah")
        if self.last_audio_error:
            warnings.append(f"radio: sintesis suara terakhir gagal — {self.last_audio_error}")
        if not self.settings.public_url:
            warnings.append(f"radio: WARTA_PUBLIC_URL belum diatur; tautan feed memakai "
                            f"{self.settings.base_url} (hanya berlaku di komputer ini)")
        return warnings

    def render(self, envelope: Envelope) -> list[Path]:
        """Write the script (and audio) of a newer version, then rebuild ``feed.xml``; a redelivered
        message returns its files again; an older (or same) version raises ``Superseded``."""
        done = self.state.seen(envelope.message_id)
        if done is not None and all(Path(f).exists() for f in done):
            try:  # unless its output was changed since (a failed read-back): then render again
                self.read_back(envelope, [Path(f) for f in done])
                return [Path(f) for f in done]
            except ReadBackError:
                pass  # the same message applies again over its own record: the same files
        snap, kind = envelope.announcement, envelope.kind
        prev = self.state.get(snap.key)
        self._check_newer(envelope, prev)
        doc = scripts.build(snap, kind, self.settings)
        stem = self._stem(snap, kind)
        files = [atomic_write(self.root / "scripts" / f"{stem}.txt", doc.text.encode("utf-8")),
                 atomic_write(self.root / "scripts" / f"{stem}.md", doc.markdown.encode("utf-8"))]
        audio = self._audio(doc.spoken, stem, tags_for(snap, kind, self.settings.station))
        if audio:
            files.append(self.root / "audio" / audio["file"])
        rec = self._record(snap, envelope, prev, doc, audio, files)
        # the `revoked` column means "out of the feed": a revocation notice stays in until it expires
        self.state.put(snap.key, _sort_ts(rec), False, rec)
        self.rebuild()
        self.state.remember(envelope.message_id, [str(f) for f in files])
        return files

    def read_back(self, envelope: Envelope, files: list[Path]) -> ReadBack:
        """``feed.xml`` as radio automation reads it, checked to carry this version's episode
        (:mod:`channels.radio.readback`); raises ``ReadBackError``."""
        return readback.read_back(self, envelope, files)

    @staticmethod
    def _check_newer(envelope: Envelope, prev: dict | None) -> None:
        """Raise ``Superseded`` unless ``envelope`` carries a newer version than ``prev`` holds."""
        if prev is None or prev.get("message_id") == envelope.message_id:
            return  # new key, or the same message again whose files went missing: render it
        snap = envelope.announcement
        # records written before versions existed: a revocation held nothing newer can follow
        held = prev.get("version") or (snap.version if prev.get("revoked") else 1)
        if prev.get("revoked") and envelope.kind != Kind.REVOKE:
            raise Superseded(held, f"Pengumuman {snap.number} sudah dicabut di radio (versi {held}); "
                                   f"versi {snap.version} tidak disiarkan")
        if snap.version <= held:
            raise Superseded(held, f"Radio sudah memegang versi {held} pengumuman {snap.number}; "
                                   f"versi {snap.version} tidak diterapkan")

    @staticmethod
    def _stem(snap: AnnouncementSnapshot, kind: Kind) -> str:
        """File stem per public version and kind: a redelivery rewrites the same files, and no two
        versions share a file (LibreTime downloads each episode's own URL)."""
        suffix = {Kind.PUBLISH: "", Kind.UPDATE: "-ralat", Kind.REVOKE: "-dicabut"}[kind]
        return f"{safe_slug(f'{snap.number} {snap.title}', 80)}-v{snap.version}{suffix}"

    def _audio(self, spoken: str, stem: str, tags: Tags) -> dict | None:
        """Synthesize, master (loudness, 44.1 kHz), encode and tag; None (and a health warning)
        when there is no working engine."""
        if self.audio_off:
            return None
        try:
            pcm = self.engine.synthesize(for_voice(spoken, load_glossary(self.settings.glossary)))
        except SpeechError as exc:
            # the script still goes out; the failure shows in health() for the PPID team
            self.last_audio_error = str(exc)
            return None
        name = f"{stem}.mp3"
        cfg = self.settings
        data, pcm = produce(pcm, cfg.bitrate, tags, cfg.loudness_lufs, cfg.true_peak_dbtp,
                            cfg.sample_rate)
        try:
            path = atomic_write(self.root / "audio" / name, data)
        except OSError as exc:
            raise TransientRenderError(f"Berkas audio tidak dapat ditulis: {exc}") from exc
        self.last_audio_error = None
        return {"file": name, "length": path.stat().st_size, "type": "audio/mpeg",
                "seconds": round(pcm.seconds, 3)}

    def _record(self, snap: AnnouncementSnapshot, env: Envelope, prev: dict | None,
                doc: scripts.Script, audio: dict | None, files: list[Path]) -> dict:
        """The state record of the episode this message makes (the feed's item for its key)."""
        updated = self._pub_date(env)
        revoked = env.kind == Kind.REVOKE
        return {
            "key": snap.key, "number": snap.number, "title": snap.title,
            "version": snap.version, "revision": snap.revision, "kind": env.kind.value,
            "message_id": env.message_id, "corrects_number": snap.corrects_number,
            "link": snap.public_url or self.settings.site_url,
            "spoken": doc.spoken, "estimate": doc.seconds, "urgent": doc.urgent, "audio": audio,
            "published": aware(snap.published_at).isoformat(),
            "updated": updated.isoformat(), "revoked": revoked,
            "expires": ((updated + timedelta(days=self.settings.withdrawn_days)).isoformat()
                        if revoked else None),
            "files": [str(f.relative_to(self.root)) for f in files],
            "podcast": podcast_info(snap.agency, self.root),
        }

    def _pub_date(self, env: Envelope) -> datetime:
        """The episode's ``pubDate``: when its version was approved (or the revocation made), but
        never older than the newest episode in the feed, because LibreTime's automatic ingest skips
        an episode older than the newest it already took (a late delivery would never air)."""
        snap = env.announcement
        at = next((v.at for v in snap.history if v.version == snap.version), None)
        if at is None:
            at = (snap.revoked_at or env.created_at) if env.kind == Kind.REVOKE else snap.approved_at
        at = aware(at)
        newest = self.state.latest(1)
        if newest:
            at = max(at, datetime.fromisoformat(newest[0]["updated"]))
        return at

    def rebuild(self) -> Path:
        """Rewrite ``feed.xml`` from the latest N records still in the feed."""
        records = self._in_feed(self.clock())
        data = feed_bytes(records, self.settings.base_url, self.settings.station,
                          self.settings.site_url, records[0].get("podcast") if records else None,
                          self.settings.podcast_category)
        return atomic_write(self.root / "feed.xml", data)

    def maintain(self) -> list[Path]:
        """Rebuild ``feed.xml`` when a revocation notice in it has expired (called while idle,
        so the notice leaves on time even when no message arrives); one indexed query otherwise."""
        if any(_expired(r, self.clock()) for r in self.state.latest(self.settings.feed_items)):
            return [self.rebuild()]
        return []

    def _in_feed(self, now: datetime) -> list[dict]:
        """The latest N live records. An expired revocation notice is moved out of the live index
        (``revoked`` column set) when met, so each is read once more at most and the cost stays
        that of the indexed ``latest(N)`` however many records are stored."""
        while True:
            records = self.state.latest(self.settings.feed_items)
            gone = [r for r in records if _expired(r, now)]
            if not gone:
                return records
            self.state.put_many((r["key"], _sort_ts(r), True, r) for r in gone)


def _sort_ts(rec: dict) -> float:
    """The feed order of a record: its ``pubDate``."""
    return datetime.fromisoformat(rec["updated"]).timestamp()


def _expired(rec: dict, now: datetime) -> bool:
    """True for a revocation notice whose time in the feed is over."""
    return bool(rec.get("expires")) and datetime.fromisoformat(rec["expires"]) <= now
