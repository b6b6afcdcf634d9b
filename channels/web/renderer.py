"""The web channel: per message one page under ``items/`` (with its picture next to it as
``items/<sha256>.jpg``, and a CAP alert for serta-merta), then the aggregate outputs rebuilt from the
latest N records of the worker-local state: ``rss.xml``, ``atom.xml``, ``feed.json``, ``index.html``
and ``cap/index.xml``.

Each announcement (its ``key``) is held at one public version: a message applies only when its
``version`` is newer (a revocation: unless the key is already revoked), else :class:`Superseded`.
The page keeps its name from the first version; a ralat shows its notice and the version history,
a revocation turns the page into a withdrawal notice that stays (QR codes point at it) and a
"DICABUT" entry in the feeds for ``withdrawn_days``. Every CAP message has its own identifier per
version, references the whole chain before it and stays in ``cap/index.xml`` until it expires.

A picture is public only while a live announcement shows it: a revocation, or a correction that
changes or drops the picture, deletes the file unless another announcement still shows the same one.

Cost per message is independent of how many announcements the state holds: the state is indexed
sqlite, the aggregates read only the newest N rows, and exactly one item page is written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Self
from urllib.parse import urljoin

from channels.assets import load_picture
from channels.base import ChannelRenderer, Superseded, atomic_write, safe_slug, sha256_file
from channels.readback import ReadBack, ReadBackError
from channels.web import cap, feeds, pages, readback
from channels.web.state import FeedState
from shared.classification import Klasifikasi
from shared.messages import AnnouncementSnapshot, Envelope, Kind, VersionKind
from shared import public_urls
from shared.settings.web import DEFAULT_PUBLIC_URL, WebSettings
from shared.timefmt import aware, utcnow

if TYPE_CHECKING:
    from shared.config import Settings


class WebRenderer(ChannelRenderer):
    """Website feeds, static pages and CAP alerts under ``<out_dir>/web/``."""

    name = "web"

    def __init__(self, out_dir: Path, settings: WebSettings | None = None) -> None:
        super().__init__(out_dir)
        self.settings = settings if settings is not None else WebSettings.defaults()
        self.state = FeedState(self.root / ".state" / "items.db")
        self.cap_state = FeedState(self.root / ".state" / "cap.db")
        self.clock: Callable[[], datetime] = utcnow
        """What "now" is when the aggregates are built (tests set a fixed clock)."""
        self._built_at: datetime | None = None

    @classmethod
    def from_settings(cls, out_dir: Path, settings: Settings) -> Self:
        """The renderer configured by ``settings.web``."""
        return cls(out_dir, settings.web)

    @property
    def base_url(self) -> str:
        """Absolute URL of the web folder, ``<WARTA_PUBLIC_URL>/web`` (:mod:`shared.public_urls`)."""
        return self.settings.base_url

    def health(self) -> list[str]:
        """Warn when links fall back to the local default address."""
        if self.settings.public_url:
            return []
        return [f"web: WARTA_PUBLIC_URL belum diatur; tautan feed dan halaman memakai "
                f"{DEFAULT_PUBLIC_URL} (hanya berlaku di komputer ini)"]

    def render(self, envelope: Envelope) -> list[Path]:
        """Write the item page (and CAP alert), then rebuild the feeds; idempotent per message.

        Applies the message only when its version is newer than the one held for its key (a
        revocation: unless the key is already revoked); otherwise raises :class:`Superseded`
        before writing anything. The same message again (same id) returns its files."""
        done = self.state.seen(envelope.message_id)
        if done is not None and all(Path(f).exists() for f in done):
            try:  # unless its output was changed since (a failed read-back): then render again
                self.read_back(envelope, [Path(f) for f in done])
                return [Path(f) for f in done]
            except ReadBackError:
                pass  # the same message applies again over its own record: the same files
        snap = envelope.announcement
        prev = self.state.get(snap.key)
        self._check_version(envelope, prev)
        rec = self._record(snap, envelope, prev)
        # The picture goes up before the page that shows it, and the old one comes down before the
        # state forgets it, so a crash in between is healed by the redelivery.
        picture = self._publish_picture(snap, envelope, rec)
        page = atomic_write(self.root / "items" / rec["page"],
                            pages.item_page(rec, self.base_url).encode("utf-8"))
        self._withdraw_picture(snap.key, prev, rec)
        self.state.put(snap.key, datetime.fromisoformat(rec["updated"]).timestamp(),
                       rec["revoked"], rec)
        files = [page]
        alert = self._cap(snap, envelope, rec)
        if alert:
            files.append(alert)
        if picture:
            files.append(picture)
        self.rebuild(self._site_title(snap))
        self.state.remember(envelope.message_id, [str(f) for f in files])
        return files

    def read_back(self, envelope: Envelope, files: list[Path]) -> ReadBack:
        """The page, feeds and CAP index as visitors and feed readers get them, checked to show
        this message's version (:mod:`channels.web.readback`); raises ``ReadBackError``."""
        return readback.read_back(self, envelope, self._built_at or aware(self.clock()))

    def maintain(self, now: datetime | None = None) -> list[Path]:
        """Called about once a minute while idle: rewrite ``cap/index.xml`` when an alert expired
        since the last build, and the feeds and ``index.html`` when a withdrawal entry's period
        ended. Two index lookups when nothing changed."""
        now = aware(now or self.clock())
        last, self._built_at = self._built_at, now
        if last is None:  # first call since start: the files may be from long ago
            if not self.state.latest(1, withdrawn_since=0.0) and not self.cap_state.active(0.0, 1):
                return []  # nothing published yet: no empty feeds for nobody
            return self.rebuild(self._title_from_state(), now)
        changed: list[Path] = []
        if self.state.withdrawn_between(self.withdrawn_cutoff(last), self.withdrawn_cutoff(now)):
            changed += self._rebuild_site(self._title_from_state(), now)
        if self.cap_state.expired_between(last.timestamp(), now.timestamp()):
            changed += self._rebuild_cap(self._title_from_state(), now)
        return changed

    def _check_version(self, env: Envelope, prev: dict | None) -> None:
        """Raise :class:`Superseded` unless ``env`` may change what is held for its key. The
        review revision plays no part: a ralat is a new announcement whose revision is 1 again."""
        if prev is None:
            return
        held = _held_version(prev)
        snap = env.announcement
        if prev.get("message_id") == env.message_id:
            return  # this very message, applied before a crash lost its inbox row: finish it
        if prev["revoked"]:
            raise Superseded(held, f"Pengumuman sudah dicabut di kanal web (versi {held})")
        if env.kind != Kind.REVOKE and snap.version <= held:
            raise Superseded(held, f"Kanal web sudah memegang versi {held}; pesan membawa versi "
                                   f"{snap.version}")

    # -- records ---------------------------------------------------------------------------

    def _record(self, snap: AnnouncementSnapshot, env: Envelope, prev: dict | None) -> dict:
        """The stored record after this message (the caller checked that it applies)."""
        page = (prev or {}).get("page") or snap.page or pages.item_filename(snap.number, snap.title)
        revoked = env.kind == Kind.REVOKE
        if revoked:
            changed = snap.revoked_at or next(
                (h.at for h in reversed(snap.history) if h.kind == VersionKind.REVOKE), None) \
                or env.created_at
        else:
            changed = snap.approved_at  # the first approval, or the ralat's
        # The first publication date never moves; the snapshot knows it, else the state does.
        if snap.first_approved_at or not prev:
            published = aware(snap.published_at)
        else:
            published = datetime.fromisoformat(prev["published"])
        updated = aware(changed)
        if prev:  # an entry's date never goes back, even when the approval times look odd
            updated = max(updated, datetime.fromisoformat(prev["updated"]))
        return {
            # The picture's bytes stay out of the state (up to 1 MiB each, read back on every
            # rebuild); ``image`` below describes the published file.
            "snap": snap.model_dump(mode="json", exclude={"image"}),
            "image": None,
            "page": page,
            "url": snap.public_url or public_urls.item_page(self.settings.public_url, page),
            "published": published.isoformat(),
            "updated": updated.isoformat(),
            # a revocation applies whatever its version; the held version still never goes back
            "version": max(snap.version, _held_version(prev)) if prev else snap.version,
            "message_id": env.message_id,
            "revoked": revoked,
            "revoked_at": updated.isoformat() if revoked else None,
            "revoked_reason": snap.revoked_reason if revoked else None,
        }

    # -- picture ---------------------------------------------------------------------------

    def _publish_picture(self, snap: AnnouncementSnapshot, env: Envelope, rec: dict) -> Path | None:
        """Write the picture next to the item page and describe it in ``rec["image"]``; None when
        there is none to show (no picture, a revocation, or one that fails its checks)."""
        if rec["revoked"] or env.kind == Kind.REVOKE:
            return None
        picture = load_picture(snap.image, "web")
        if picture is None:
            return None
        name = f"{picture.sha256}.jpg"  # the sha256 is 64 hex digits: a safe file name
        path = self.root / "items" / name
        if not (path.is_file() and sha256_file(path) == picture.sha256):
            atomic_write(path, picture.data)
        rec["image"] = {
            "file": name, "url": urljoin(rec["url"], name), "mime": "image/jpeg",
            "size": len(picture.data), "sha256": picture.sha256,
            # CAP 1.2 defines <digest> as SHA-1: an integrity check, not a security one
            "sha1": hashlib.sha1(picture.data, usedforsecurity=False).hexdigest(),
            "width": picture.width, "height": picture.height, "caption": picture.caption,
        }
        return path

    def _withdraw_picture(self, key: str, prev: dict | None, rec: dict) -> None:
        """Delete the previous picture when this message stops showing it (revocation, or a
        correction with another picture or none) and no other announcement shows it."""
        old = (prev or {}).get("image")
        if not old or (rec.get("image") or {}).get("sha256") == old["sha256"]:
            return
        if self.state.image_users(old["sha256"], other_than=key) == 0:
            (self.root / "items" / old["file"]).unlink(missing_ok=True)

    def _site_title(self, snap: AnnouncementSnapshot) -> str:
        return self.settings.site_title or f"Pengumuman {_name_case(snap.agency.unit)}"

    # -- CAP -------------------------------------------------------------------------------

    def _cap(self, snap: AnnouncementSnapshot, env: Envelope, rec: dict) -> Path | None:
        """The CAP file of this message, for serta-merta announcements (and any announcement that
        already has alerts out, so its correction or revocation reaches the same consumers)."""
        held = self.cap_state.get(snap.key)
        if held and int(held.get("version") or 0) >= snap.version:
            # This version was alerted already (a redelivery after a crash that lost the inbox
            # row): the same file again, never a second Update or one that names itself.
            path = self.root / "cap" / held["file"]
            return path if int(held["version"]) == snap.version and path.is_file() else None
        if snap.klasifikasi != Klasifikasi.SERTA_MERTA and not held:
            return None
        if env.kind == Kind.REVOKE and not held:
            return None  # nothing was alerted, so there is nothing to cancel
        if held and held["msg_type"] == "Cancel":
            return None  # an alert once cancelled stays cancelled
        kind = Kind.PUBLISH if not held else (
            Kind.REVOKE if env.kind == Kind.REVOKE else Kind.UPDATE)
        refs = held["refs"] if held else []
        sent = aware(env.created_at)
        expires = self._expires(snap, kind, sent, held)
        resource = None
        image = rec.get("image")
        if image and kind != Kind.REVOKE:
            # Only a real public address goes into <uri>; the local fallback means nothing elsewhere.
            known = snap.public_url or self.settings.public_url
            resource = cap.Resource(desc="Gambar", mime=image["mime"], size=image["size"],
                                    uri=image["url"] if known else None, digest=image["sha1"])
        ident, data = cap.alert_xml(snap, kind, sent, refs, rec["url"], expires,
                                    self.settings.cap_status, resource)
        name = f"{safe_slug(ident, 160)}.xml"
        path = atomic_write(self.root / "cap" / name, data)
        self.cap_state.put(snap.key, sent.timestamp(), kind == Kind.REVOKE, {
            "key": snap.key, "identifier": ident, "file": name, "title": snap.title,
            "msg_type": cap.MSG_TYPE[kind], "updated": sent.isoformat(), "version": snap.version,
            "expires": expires.isoformat(), "refs": refs + [cap.reference(snap, ident, sent)],
        }, expires_ts=expires.timestamp())
        return path

    def _expires(self, snap: AnnouncementSnapshot, kind: Kind, sent: datetime,
                 held: dict | None) -> datetime:
        """``<expires>``: the announcement's end, else the configured hours after it starts; a
        Cancel expires with the alert it cancels, but not within the hour, so pollers see it."""
        if kind == Kind.REVOKE:
            alert = datetime.fromisoformat(held["expires"]) if held and held.get("expires") else sent
            return max(alert, sent + timedelta(hours=1))
        if snap.end:
            return aware(snap.end)
        start = max(sent, aware(snap.start)) if snap.start else sent
        return start + timedelta(hours=self.settings.cap_expires_hours)

    # -- aggregates ------------------------------------------------------------------------

    def rebuild(self, site_title: str, now: datetime | None = None) -> list[Path]:
        """Rewrite the feeds, ``index.html`` and ``cap/index.xml`` from the latest N records as
        they stand at ``now`` (default: the clock)."""
        now = aware(now or self.clock())
        self._built_at = now
        return self._rebuild_site(site_title, now) + self._rebuild_cap(site_title, now)

    def withdrawn_cutoff(self, now: datetime) -> float:
        """Revocations at or after this POSIX time still show as withdrawal entries."""
        return (now - timedelta(days=self.settings.withdrawn_days)).timestamp()

    def _rebuild_site(self, site_title: str, now: datetime) -> list[Path]:
        records = self.state.latest(self.settings.feed_items, self.withdrawn_cutoff(now))
        base = self.base_url
        outputs = {
            "rss.xml": feeds.rss_bytes(records, base, site_title),
            "atom.xml": feeds.atom_bytes(records, base, site_title),
            "feed.json": feeds.json_feed_bytes(records, base, site_title),
            "index.html": pages.index_page(records, base, site_title).encode("utf-8"),
        }
        return [atomic_write(self.root / name, data) for name, data in outputs.items()]

    def _rebuild_cap(self, site_title: str, now: datetime) -> list[Path]:
        alerts = self.cap_state.active(now.timestamp(), self.settings.feed_items)
        return [atomic_write(self.root / "cap" / "index.xml",
                             cap.index_bytes(alerts, self.base_url, site_title))]

    def _title_from_state(self) -> str:
        """The site title when no message is at hand (upkeep): the setting, else from the agency
        of the newest record."""
        if self.settings.site_title:
            return self.settings.site_title
        newest = self.state.latest(1, withdrawn_since=0.0)
        unit = newest[0]["snap"]["agency"]["unit"] if newest else ""
        return f"Pengumuman {_name_case(unit)}".strip()


def _held_version(rec: dict) -> int:
    """The public version a stored record holds (1 for records from before versions)."""
    return int(rec.get("version") or rec["snap"].get("version") or 1)


_LOWER = {"dan", "atau", "di", "ke", "dari", "untuk", "pada", "yang"}


def _name_case(text: str) -> str:
    """'DINAS KOMUNIKASI DAN INFORMATIKA' → 'Dinas Komunikasi dan Informatika'."""
    words = text.split()
    return " ".join(w.lower() if i and w.lower() in _LOWER else w.capitalize()
                    for i, w in enumerate(words))
