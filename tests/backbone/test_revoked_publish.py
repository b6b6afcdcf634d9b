"""A publish for an announcement the channel already revoked is not rendered (docs/BACKBONE.md,
"Nothing forged is rendered" and "Channels apply versions monotonically"), through the real
pipeline: relay, the real web, videotron and print workers (print through a fake ``lp`` that logs
every job), archiver; once embedded and once over RabbitMQ.

The story: the publication's outbox rows could not be published yet (the relay backs a row the
broker refused off, ``outbox_failed``), and the Kepala Dinas revokes the announcement meanwhile.
The revocation reaches every channel first; then the publication arrives. What the public sees
must not change (web page and feeds, videotron playlist, the notice board's paper), and each
publication delivery ends ``superseded``, never ``confirmed``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from shared.models import AuditEvent, OutboxRow
from tests.backbone.conftest import Home, wait_until
from tests.backbone.test_paper_after_lp import fake_printer, lp_jobs
from tests.lifecycle import readers

CHANNELS = ["web", "videotron", "print"]
REASON = "Kegiatan dibatalkan (uji)"


def _outputs(out: Path) -> dict[str, str]:
    """Every file the channels made (hidden state folders excepted) with its sha256."""
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
            for channel in CHANNELS if (out / channel).exists()
            for p in sorted((out / channel).rglob("*"))
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)}


def _rows(home, item: int, kind: str) -> list[int]:  # noqa: ANN001
    with home.w.ctx.read() as s:
        return list(s.execute(select(OutboxRow.id).where(OutboxRow.announcement_id == item,
                                                         OutboxRow.kind == kind)).scalars())


def _states(home, item: int, kind: str) -> dict[str, str]:  # noqa: ANN001
    return {d["channel"]: d["state"] for d in home.deliveries(item) if d["kind"] == kind}


@pytest.fixture
def lp_log(tmp_path, monkeypatch) -> Path:  # noqa: ANN001
    """A printer for the print worker: the fake ``lp``'s job log."""
    return fake_printer(tmp_path, monkeypatch)


@pytest.fixture
def public_home(transport_kind, template_home, monkeypatch) -> Home:  # noqa: ANN001
    """The demo home of the transport under test, with a public URL (the web pages and feeds
    link to files under the output folder) and the videotron's play endpoint on a free port."""
    monkeypatch.setenv("WARTA_PUBLIC_URL", readers.PUBLIC_URL)
    monkeypatch.setenv("WARTA_VIDEOTRON_PLAY_PORT", "0")
    return Home(template_home)


def test_a_publish_arriving_after_the_revocation_is_superseded_and_shows_nowhere(
        public_home, lp_log) -> None:  # noqa: ANN001
    from workers.inprocess import start_all

    home = public_home
    out = home.settings.out

    item = home.approve("Vaksinasi keliling", ",".join(CHANNELS))
    key = home.w.queries.get_item(item)["key"]
    held = _rows(home, item, "publish")
    assert len(held) == len(CHANNELS)
    for row in held:  # the broker refused them: the relay retries in an hour
        home.w.outbox.mark_failed(row, "uji: broker menolak", 3600)
    home.w.review.revoke(home.ids["kadis1"], item, REASON)

    seen: dict[str, set[str]] = {c: set() for c in CHANNELS}  # every state a publication passed

    def states(kind: str) -> dict[str, str]:
        now = _states(home, item, kind)
        if kind == "publish":
            for channel, state in now.items():
                seen[channel].add(state)
        return now

    handle = start_all(home.settings, channels=CHANNELS, bb=home.bb())
    try:
        wait_until(lambda: states("revoke") == dict.fromkeys(CHANNELS, "revoked"), 90,
                   what="the revocation shown on every channel")
        assert states("publish") == dict.fromkeys(CHANNELS, "pending")  # still held back
        before, jobs_before = _outputs(out), lp_jobs(lp_log)

        for row in held:  # the broker takes them now: the publication goes out after all
            home.w.outbox.mark_failed(row, "uji: dilepas", 0)
        wait_until(lambda: home.w.outbox.lag() == 0.0, 30, what="the publication published")
        wait_until(lambda: all(s in ("confirmed", "superseded", "revoked", "parked")
                               for s in states("publish").values()), 90,
                   what="the publication settled on every channel")
        errors = list(handle.errors)
    finally:
        handle.stop()
    assert not errors, errors

    # the deliveries: superseded, never confirmed, nothing filed as proof of a publication
    publish = {d["channel"]: d for d in home.deliveries(item) if d["kind"] == "publish"}
    assert {c: d["state"] for c, d in publish.items()} == dict.fromkeys(CHANNELS, "superseded")
    assert all("confirmed" not in states for states in seen.values()), seen
    for d in publish.values():
        assert d["confirmed_at"] is None and not d["artifacts"] and not d["sha256"], d
        assert "sudah dicabut" in (d["last_error"] or ""), d  # the worker's superseded receipt
    with home.w.ctx.read() as s:
        audited = [json.loads(data) for data in s.execute(
            select(AuditEvent.data).where(AuditEvent.announcement_id == item,
                                          AuditEvent.action == "delivery_superseded")).scalars()]
    assert sorted(a["channel"] for a in audited) == sorted(CHANNELS)
    assert all((a["version"], a["held_version"]) == (1, 2) for a in audited), audited
    assert home.w.queries.get_item(item)["state"] == "revoked"

    # what the public sees did not change: not one byte of any channel's output, not one job
    assert _outputs(out) == before
    assert lp_jobs(lp_log) == jobs_before

    # and what it shows is the withdrawal, not the publication: each feed's one entry of the key
    # and the page it links to, the screen's playlist, the paper on the board
    links = set()
    for name, entries in readers.web_feeds(out).items():
        mine = [e for e in entries if e.key == key]
        assert len(mine) == 1 and mine[0].title.startswith("DICABUT: "), (name, mine)
        assert "telah dicabut" in mine[0].text and REASON in mine[0].text, (name, mine[0].text)
        links.add(mine[0].link)
    assert len(links) == 1, links
    page = readers.read_page(readers.url_path(out, links.pop()))
    assert len(page.revoked) == 1 and REASON in page.revoked[0], page.revoked
    assert key not in readers.playlist(out)
    pdfs = sorted(p.name for p in (out / "print").rglob("*.pdf"))
    assert pdfs and all("-pencabutan" in name for name in pdfs), pdfs
    assert [Path(j["file"]).name for j in lp_jobs(lp_log)] == \
        [n for n in pdfs if not n.endswith("-arsip.pdf")]  # one job: the withdrawal notice
