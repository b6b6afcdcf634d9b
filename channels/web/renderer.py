"""The web channel: per message one page under ``items/`` (with its picture next to it as
``items/<sha256>.jpg``, and a CAP alert for serta-merta), then the aggregate outputs rebuilt from the
latest N records of the worker-local state: ``rss.xml``, ``atom.xml``, ``feed.json``, ``index.html``
and ``cap/index.xml``.

A picture is public only while a live announcement shows it: a revocation, or a correction that
changes or drops the picture, deletes the file unless another announcement still shows the same one.

Cost per message is independent of how many announcements the state holds: the state is indexed
sqlite, the aggregates read only the newest N rows, and exactly one item page is written.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from urllib.parse import urljoin

from channels.assets import load_picture
from channels.base import ChannelRenderer, entry_date, atomic_write, safe_slug, sha256_file
from channels.web import cap, feeds, pages
from channels.web.settings import DEFAULT_PUBLIC_URL, WebSettings
from channels.web.state import FeedState
from shared.classification import Klasifikasi
from shared.messages import AnnouncementSnapshot, Envelope, Kind
from shared.timefmt import aware


class WebRenderer(ChannelRenderer):
    """Website feeds, static pages and CAP alerts under ``<out_dir>/web/``."""

    name = "web"

    def __init__(self, out_dir: Path, settings: WebSettings | None = None) -> None:
        super().__init__(out_dir)
        self.settings = settings or WebSettings()
        self.state = FeedState(self.root / ".state" / "items.db")
        self.cap_state = FeedState(self.root / ".state" / "cap.db")

    @property
    def base_url(self) -> str:
        """Absolute base URL of the web folder."""
        return self.settings.base_url

    def health(self) -> list[str]:
        """Warn when links fall back to the local default address."""
        if self.settings.public_url:
            return []
        return [f"web: WARTA_PUBLIC_URL belum diatur; tautan feed dan halaman memakai "
                f"{DEFAULT_PUBLIC_URL} (hanya berlaku di komputer ini)"]

    def render(self, envelope: Envelope) -> list[Path]:
        """Write the item page (and CAP alert), then rebuild the feeds; idempotent per message."""
        done = self.state.seen(envelope.message_id)
        if done is not None and all(Path(f).exists() for f in done):
            return [Path(f) for f in done]
        snap = envelope.announcement
        prev = self.state.get(snap.key)
        rec = self._record(snap, envelope, prev)
        # The picture goes up before the page that shows it, and the old one comes down before the
        # state forgets it, so a crash in between is healed by the redelivery.
        picture = self._publish_picture(snap, envelope, rec) if rec is not prev else None
        page = atomic_write(self.root / "items" / rec["page"],
                            pages.item_page(rec, self.base_url).encode("utf-8"))
        if rec is not prev:
            self._withdraw_picture(snap.key, prev, rec)
        self.state.put(snap.key, datetime.fromisoformat(rec["updated"]).timestamp(),
                       rec["revoked"], rec)
        files = [page]
        if rec is not prev:  # a stale redelivery changes nothing, so it sends no alert either
            alert = self._cap(snap, envelope, rec.get("image"))
            if alert:
                files.append(alert)
        if picture:
            files.append(picture)
        self.rebuild(self._site_title(snap))
        self.state.remember(envelope.message_id, [str(f) for f in files])
        return files

    # -- records ---------------------------------------------------------------------------

    def _record(self, snap: AnnouncementSnapshot, env: Envelope, prev: dict | None) -> dict:
        """The stored record after this message; ``prev`` itself when the message is stale."""
        if prev and env.kind != Kind.REVOKE and (
                prev["revoked"] or snap.revision < prev["snap"]["revision"]):
            return prev  # a late publish/update must not resurrect or roll back the page
        page = prev["page"] if prev else pages.item_filename(snap.number, snap.title)
        updated = entry_date(env, first_time=not prev)
        return {
            # The picture's bytes stay out of the state (up to 1 MiB each, read back on every
            # rebuild); ``image`` below describes the published file.
            "snap": snap.model_dump(mode="json", exclude={"image"}),
            "image": None,
            "page": page,
            "url": snap.public_url or f"{self.base_url}/items/{page}",
            "published": prev["published"] if prev else aware(snap.approved_at).isoformat(),
            "updated": updated.isoformat(),
            "revoked": env.kind == Kind.REVOKE,
            "revoked_at": updated.isoformat() if env.kind == Kind.REVOKE else None,
            "revoked_reason": snap.revoked_reason if env.kind == Kind.REVOKE else None,
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

    def _cap(self, snap: AnnouncementSnapshot, env: Envelope, image: dict | None) -> Path | None:
        """The CAP file of this message, for serta-merta announcements (and any announcement that
        already has alerts out, so its correction or revocation reaches the same consumers)."""
        history = self.cap_state.get(snap.key)
        if snap.klasifikasi != Klasifikasi.SERTA_MERTA and not history:
            return None
        if env.kind == Kind.REVOKE and not history:
            return None  # nothing was alerted, so there is nothing to cancel
        if history and history["msg_type"] == "Cancel":
            return None  # an alert once cancelled stays cancelled
        kind = Kind.PUBLISH if not history else (
            Kind.REVOKE if env.kind == Kind.REVOKE else Kind.UPDATE)
        refs = history["refs"] if history else []
        sent = aware(env.created_at)
        web_url = snap.public_url or f"{self.base_url}/items/" \
            f"{(self.state.get(snap.key) or {}).get('page') or pages.item_filename(snap.number, snap.title)}"
        resource = None
        if image and kind != Kind.REVOKE:
            # Only a real public address goes into <uri>; the local fallback means nothing elsewhere.
            known = snap.public_url or self.settings.public_url
            resource = cap.Resource(desc="Gambar", mime=image["mime"], size=image["size"],
                                    uri=image["url"] if known else None, digest=image["sha1"])
        ident, data = cap.alert_xml(snap, kind, sent, refs, web_url, self.settings.cap_status,
                                    resource)
        name = f"{safe_slug(ident, 160)}.xml"
        path = atomic_write(self.root / "cap" / name, data)
        self.cap_state.put(snap.key, sent.timestamp(), kind == Kind.REVOKE, {
            "key": snap.key, "identifier": ident, "file": name, "title": snap.title,
            "msg_type": cap.MSG_TYPE[kind], "updated": sent.isoformat(),
            "refs": refs + [cap.reference(snap, ident, sent)],
        })
        return path

    # -- aggregates ------------------------------------------------------------------------

    def rebuild(self, site_title: str) -> list[Path]:
        """Rewrite the feeds, ``index.html`` and ``cap/index.xml`` from the latest N records."""
        n = self.settings.feed_items
        records = self.state.latest(n)
        base = self.base_url
        outputs = {
            "rss.xml": feeds.rss_bytes(records, base, site_title),
            "atom.xml": feeds.atom_bytes(records, base, site_title),
            "feed.json": feeds.json_feed_bytes(records, base, site_title),
            "index.html": pages.index_page(records, base, site_title).encode("utf-8"),
            "cap/index.xml": cap.index_bytes(self.cap_state.latest(n), base, site_title),
        }
        return [atomic_write(self.root / name, data) for name, data in outputs.items()]


_LOWER = {"dan", "atau", "di", "ke", "dari", "untuk", "pada", "yang"}


def _name_case(text: str) -> str:
    """'DINAS KOMUNIKASI DAN INFORMATIKA' → 'Dinas Komunikasi dan Informatika'."""
    words = text.split()
    return " ".join(w.lower() if i and w.lower() in _LOWER else w.capitalize()
                    for i, w in enumerate(words))
