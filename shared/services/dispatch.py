"""Turning an approved announcement into dispatch messages: the snapshot, one delivery and one signed
outbox row per channel (per endpoint of a channel with named endpoints), all in the approval's
transaction (the transactional outbox)."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared import images, public_urls
from shared.classification import LEGAL_BASIS, Channel, Klasifikasi, channel_refusal
from shared.config import AgencyProfile, Settings
from shared.messages import (AgencySnapshot, AlertSnapshot, AnnouncementSnapshot, DailyWindow, Kind,
                             ReviewerInfo, new_envelope)
from shared.models import Announcement, Delivery, OutboxRow, User, WorkflowStep
from shared.services import history
from shared.services.context import current_revision
from shared.slug import item_page_name
from shared.vocab import Decision, DeliveryState
from shared.workflow import ROLE_LABEL


def agency_snapshot(profile: AgencyProfile, tz: str) -> AgencySnapshot:
    """The agency as channels see it (logo inlined, so workers need no files of the server)."""
    logo = ""
    if profile.logo_path and profile.logo_path.exists():
        logo = base64.b64encode(profile.logo_path.read_bytes()).decode()
    return AgencySnapshot(instansi=profile.instansi, unit=profile.unit, short_name=profile.short_name,
                          address=profile.address, phone=profile.phone, email=profile.email,
                          website=profile.website, city=profile.city, area_desc=profile.area_desc,
                          signatory_title=profile.signatory_title,
                          signatory_mode=profile.signatory_mode,
                          signatory_acting_title=profile.signatory_acting_title,
                          signatory_acting_name=profile.signatory_acting_name,
                          signatory_acting_nip=profile.signatory_acting_nip, timezone=tz,
                          logo_png_b64=logo)


def reviewers(session: Session, item: Announcement) -> list[ReviewerInfo]:
    """Who approved ``item``'s current revision at each review step, in the chain's order: the
    latest "approved" decision per step (a step approved, then returned further up and approved
    again, counts once, with its last approval)."""
    steps = session.execute(select(WorkflowStep).where(
        WorkflowStep.announcement_id == item.id, WorkflowStep.revision == item.revision,
        WorkflowStep.decision == Decision.APPROVED).order_by(WorkflowStep.id)).scalars().all()
    latest = {step.step: (step, step.actor, step.decided_at) for step in steps
              if step.actor is not None and step.decided_at is not None}
    return [ReviewerInfo(step=step.step, role=ROLE_LABEL.get(actor.role, actor.role),
                         name=actor.name, nip=actor.nip or "", approved_at=decided)
            for step, actor, decided in sorted(latest.values(), key=lambda x: x[2])]


def first_version(session: Session, item: Announcement) -> Announcement:
    """The original announcement of ``item``'s history (``item`` itself when it is one)."""
    first = item
    while first.corrects_id:
        first = session.get_one(Announcement, first.corrects_id)
    return first


def page_name(session: Session, item: Announcement) -> str:
    """The announcement's stable page under ``items/``: named after its first version, so links
    and QR codes printed before a ralat stay valid."""
    first = first_version(session, item)
    return item_page_name(first.number or "", first.title)


def public_url(session: Session, settings: Settings, item: Announcement) -> str | None:
    """The announcement's web page when a public URL is configured (the same for every version;
    the address rule is :mod:`shared.public_urls`). QR codes on slides and paper carry it."""
    if not settings.public_url:
        return None
    return public_urls.item_page(settings.public_url, page_name(session, item))


def build_snapshot(session: Session, settings: Settings, profile: AgencyProfile,
                   item: Announcement, revoke_version: int | None = None) -> AnnouncementSnapshot:
    """Everything a channel needs about ``item``, without the database. ``revoke_version``: the
    pencabutan's version, for a revocation message (else the message carries ``item.version``)."""
    rev = current_revision(session, item)
    approver = session.get(User, item.approved_by_id) if item.approved_by_id else None
    corrects = session.get(Announcement, item.corrects_id) if item.corrects_id else None
    first = first_version(session, item)
    # name and NIP are one person's: the approving account's when it has a NIP, else the profile's
    # signatory (never the account's name above the profile's NIP)
    signer = ((approver.name, approver.nip) if approver and approver.nip
              else (profile.signatory_name, profile.signatory_nip))
    return AnnouncementSnapshot(
        key=item.key, id=item.id, revision=item.revision, number=item.number or "",
        version=revoke_version or item.version or 1, page=page_name(session, item),
        first_approved_at=first.approved_at,
        history=history.history_of(session, item, revoke_version),
        title=rev.title, summary=rev.summary, body=rev.body, klasifikasi=rev.klasifikasi,
        sasaran=rev.sasaran, priority=item.priority, start=rev.start_at, end=rev.end_at,
        daily_windows=[DailyWindow(**w) for w in rev.daily_windows or []],
        approved_at=item.approved_at, approver_name=signer[0], approver_nip=signer[1],
        legal_basis=LEGAL_BASIS[Klasifikasi(rev.klasifikasi)],
        corrects_number=corrects.number if corrects else None, revoked_at=item.revoked_at,
        revoked_reason=item.revoked_reason, public_url=public_url(session, settings, item),
        agency=agency_snapshot(profile, settings.timezone),
        image=images.snapshot(rev.image, rev.image_caption) if rev.image else None,
        alert=alert_snapshot(rev.alert, profile), reviewers=reviewers(session, item))


def alert_snapshot(alert: dict | None, profile: AgencyProfile) -> AlertSnapshot | None:
    """The revision's early-warning choices with their areas looked up in the profile (an area
    since removed from the profile is left out rather than sent without its code's name)."""
    if not alert:
        return None
    known = {a.code: a for a in profile.areas}
    return AlertSnapshot(**{k: v for k, v in alert.items() if k != "areas"},
                         areas=[known[c] for c in alert.get("areas", []) if c in known])


def enqueue(session: Session, settings: Settings, profile: AgencyProfile, signing_key,  # noqa: ANN001
            item: Announcement, kind: Kind, channels: list[str],
            revoke_version: int | None = None) -> list[OutboxRow]:
    """One delivery (created or reset) and one signed outbox row per channel, in the caller's
    transaction. The rules are checked again here: a forbidden channel is never queued. A
    revocation (``revoke_version`` given) gets deliveries of its own, next to the publication's."""
    snapshot = build_snapshot(session, settings, profile, item, revoke_version)
    ttl = timedelta(hours=settings.message_ttl_hours)
    rows = []
    for channel in channels:
        if kind != Kind.REVOKE and channel_refusal(item.klasifikasi, item.sasaran, channel):
            continue
        # one message per endpoint (its own id, delivery and queue): two screens on one queue
        # would share the messages, each showing half while all said 'confirmed'
        for endpoint in endpoints_for(session, settings, item, kind, channel):
            message_id = str(uuid.uuid4())
            env = new_envelope(kind, Channel(channel), snapshot, message_id, ttl, signing_key)
            delivery = session.execute(select(Delivery).where(
                Delivery.announcement_id == item.id, Delivery.channel == channel,
                Delivery.kind == str(kind), Delivery.endpoint == endpoint)).scalar_one_or_none()
            if delivery is None:
                delivery = Delivery(announcement_id=item.id, channel=channel, kind=str(kind),
                                    endpoint=endpoint)
                session.add(delivery)
            delivery.state, delivery.kind, delivery.message_id = DeliveryState.PENDING, kind, message_id
            delivery.attempts, delivery.last_error, delivery.next_attempt_at = 0, None, None
            row = OutboxRow(message_id=message_id, announcement_id=item.id, channel=channel,
                            endpoint=endpoint, kind=str(kind), priority=item.priority,
                            payload=env.to_wire().decode())
            session.add(row)
            rows.append(row)
    session.flush()
    return rows


def endpoints_for(session: Session, settings: Settings, item: Announcement, kind: Kind,
                  channel: str) -> list[str]:
    """The endpoints a message of ``kind`` goes to on ``channel``: the configured ones
    (``WARTA_ENDPOINTS``; ``[""]`` for a channel with one unnamed endpoint) and, for a
    revocation, also every endpoint any version of the key was ever sent to (a screen since
    removed from the setting may still show it)."""
    found = list(settings.endpoints_of(channel))
    if kind == Kind.REVOKE:
        earlier = session.execute(
            select(Delivery.endpoint).join(Announcement, Announcement.id == Delivery.announcement_id)
            .where(Announcement.key == item.key, Delivery.channel == channel,
                   Delivery.kind != str(Kind.REVOKE)).distinct()).scalars().all()
        found += sorted(set(earlier) - set(found))
    return found
