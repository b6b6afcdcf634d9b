"""The radio channel: per message a naskah siaran (``scripts/*.txt`` and ``*.md``), its synthetic
reading (``audio/*.mp3``) when a speech engine is available, then ``feed.xml`` rebuilt from the
latest N records of the worker-local state (``radio/.state/items.db``)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from channels.base import ChannelRenderer, entry_date, TransientRenderError, atomic_write, safe_slug
from channels.radio import script as scripts
from channels.radio.audio import SpeechEngine, SpeechError, encode_mp3, engine_for
from channels.radio.feed import feed_bytes
from channels.radio.settings import RadioSettings
from channels.radio.speech_text import for_voice
from channels.web.state import FeedState
from shared.messages import AnnouncementSnapshot, Envelope, Kind
from shared.timefmt import aware


class RadioRenderer(ChannelRenderer):
    """Radio scripts, their audio and the podcast feed under ``<out_dir>/radio/``."""

    name = "radio"

    def __init__(self, out_dir: Path, settings: RadioSettings | None = None,
                 engine: SpeechEngine | None = None) -> None:
        super().__init__(out_dir)
        self.settings = settings or RadioSettings()
        self.engine = engine or engine_for(self.settings.tts, self.settings.voice,
                                           self.settings.words_per_minute)
        self.audio_off = self.engine.unavailable()
        """Why there is no audio (Indonesian), or None when the engine works."""
        self.last_audio_error: str | None = None
        self.state = FeedState(self.root / ".state" / "items.db")

    def health(self) -> list[str]:
        """Audio off and why; the last synthesis failure; a missing public URL."""
        warnings = []
        if self.audio_off:
            warnings.append(f"radio: audio mati — {self.audio_off}; feed tetap memuat naskah")
        if self.last_audio_error:
            warnings.append(f"radio: sintesis suara terakhir gagal — {self.last_audio_error}")
        if not (self.settings.public_url or self.settings.site_public_url):
            warnings.append(f"radio: WARTA_PUBLIC_URL belum diatur; tautan feed memakai "
                            f"{self.settings.base_url} (hanya berlaku di komputer ini)")
        return warnings

    def render(self, envelope: Envelope) -> list[Path]:
        """Write the script (and audio), then rebuild ``feed.xml``; idempotent per message."""
        done = self.state.seen(envelope.message_id)
        if done is not None and all(Path(f).exists() for f in done):
            return [Path(f) for f in done]
        snap, kind = envelope.announcement, envelope.kind
        prev = self.state.get(snap.key)
        if prev and kind != Kind.REVOKE and (prev["revoked"] or snap.revision < prev["revision"]):
            # stale: a late publish/update must not resurrect or roll back; nothing new to air
            files = [self.root / f for f in prev["files"] if (self.root / f).exists()]
            self.state.remember(envelope.message_id, [str(f) for f in files])
            return files
        doc = scripts.build(snap, kind, self.settings)
        stem = self._stem(snap, kind)
        files = [atomic_write(self.root / "scripts" / f"{stem}.txt", doc.text.encode("utf-8")),
                 atomic_write(self.root / "scripts" / f"{stem}.md", doc.markdown.encode("utf-8"))]
        audio = self._audio(doc.spoken, stem)
        if audio:
            files.append(self.root / "audio" / audio["file"])
        rec = self._record(snap, envelope, prev, doc, audio, files)
        self.state.put(snap.key, datetime.fromisoformat(rec["updated"]).timestamp(),
                       rec["revoked"], rec)
        self.rebuild()
        self.state.remember(envelope.message_id, [str(f) for f in files])
        return files

    @staticmethod
    def _stem(snap: AnnouncementSnapshot, kind: Kind) -> str:
        """File stem per announcement revision and kind: a redelivery rewrites the same files."""
        suffix = {Kind.PUBLISH: "", Kind.UPDATE: "-ralat", Kind.REVOKE: "-dicabut"}[kind]
        return f"{safe_slug(f'{snap.number} {snap.title}', 80)}-r{snap.revision}{suffix}"

    def _audio(self, spoken: str, stem: str) -> dict | None:
        """Synthesize and encode; None (and a health warning) when there is no working engine."""
        if self.audio_off:
            return None
        try:
            pcm = self.engine.synthesize(for_voice(spoken))
        except SpeechError as exc:
            # the script still goes out; the failure shows in health() for the PPID team
            self.last_audio_error = str(exc)
            return None
        name = f"{stem}.mp3"
        try:
            path = atomic_write(self.root / "audio" / name,
                                encode_mp3(pcm, self.settings.bitrate))
        except OSError as exc:
            raise TransientRenderError(f"Berkas audio tidak dapat ditulis: {exc}") from exc
        self.last_audio_error = None
        return {"file": name, "length": path.stat().st_size, "type": "audio/mpeg",
                "seconds": round(pcm.seconds, 3)}

    def _record(self, snap: AnnouncementSnapshot, env: Envelope, prev: dict | None,
                doc: scripts.Script, audio: dict | None, files: list[Path]) -> dict:
        updated = entry_date(env, first_time=not prev)
        site = self.settings.site_public_url or self.settings.base_url
        return {
            "key": snap.key, "number": snap.number, "title": snap.title,
            "revision": snap.revision, "kind": env.kind.value,
            "link": snap.public_url or site.rstrip("/") + "/",
            "spoken": doc.spoken, "estimate": doc.seconds, "urgent": doc.urgent, "audio": audio,
            "published": prev["published"] if prev else aware(snap.approved_at).isoformat(),
            "updated": updated.isoformat(), "revoked": env.kind == Kind.REVOKE,
            "files": [str(f.relative_to(self.root)) for f in files],
        }

    def rebuild(self) -> Path:
        """Rewrite ``feed.xml`` from the latest N live records."""
        records = self.state.latest(self.settings.feed_items)
        site = self.settings.site_public_url or self.settings.base_url
        data = feed_bytes(records, self.settings.base_url, self.settings.station,
                          site.rstrip("/") + "/")
        return atomic_write(self.root / "feed.xml", data)
