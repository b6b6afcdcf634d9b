"""One public address rule (shared/public_urls.py), proven where the public meets it: announcements
go through the real review chain (the approval side makes each snapshot's ``public_url``, which
the QR codes carry), their outbox messages through the four channels' renderers, then the month's
report and DIP are written; Debian's nginx serves the output folder with the shipped
``deploy/nginx/warta.conf`` and every link of every output must answer 200 — pages, feeds, CAP,
podcast enclosures (with their declared length and type), the slides the player loads, the QR
codes on the slides and on the printed notices, the report's links. What is not public (printed
notices, worker state) must answer 404."""

from __future__ import annotations

import hashlib
import io
import socket
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image
from sqlalchemy import select

from channels import get_renderer
from channels.radio import RadioRenderer
from channels.radio.audio import Pcm
from shared import public_urls
from shared.config import Settings, get_settings
from shared.messages import Envelope
from shared.models import Announcement, Delivery, OutboxRow
from shared.records import month_of
from shared.services.root import Services
from shared.timefmt import utcnow
from shared.vocab import DeliveryState
from tests.channels import links
from tests.conftest import require_tool
from tests.domain.helpers import draft, to_state

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _jpeg() -> bytes:
    img = Image.new("RGB", (1200, 800), (30, 90, 160))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=85)
    return buf.getvalue()


class Tone:
    """A speech engine stub (half a second of PCM from the text): real MP3s, without espeak-ng's
    and the loudness stage's seconds per episode (tests/channels/test_radio_audio.py has those)."""

    name = "tone"

    def unavailable(self) -> str | None:
        return None

    def synthesize(self, text: str) -> Pcm:
        seed = hashlib.sha256(text.encode()).digest()
        return Pcm((seed * 500)[:16000], 16000, 1)


def _deliver_outbox(w: Services, settings: Settings, renderers: dict) -> None:
    """What relay, workers and archiver do, in process: every pending outbox message rendered by
    its channel (and read back, as the worker does before confirming), then confirmed."""
    with w.ctx.tx() as s:
        rows = s.execute(select(OutboxRow).where(OutboxRow.published_at.is_(None))
                         .order_by(OutboxRow.id)).scalars().all()
        for row in rows:
            channel = str(row.channel)
            if channel not in renderers:
                renderers[channel] = (RadioRenderer(settings.out, settings.radio, engine=Tone())
                                      if channel == "radio"
                                      else get_renderer(channel, settings.out, settings))
            env = Envelope.model_validate_json(row.payload)
            renderer = renderers[channel]
            renderer.read_back(env, renderer.render(env))
            row.published_at = utcnow()
            delivery = s.execute(select(Delivery).where(
                Delivery.announcement_id == row.announcement_id, Delivery.channel == row.channel,
                Delivery.endpoint == row.endpoint)).scalar_one()
            delivery.state, delivery.confirmed_at = DeliveryState.CONFIRMED, utcnow()
            delivery.message_id = row.message_id


def _publish(w: Services, settings: Settings) -> tuple[str, dict[str, str]]:
    """Two announcements (a serta-merta one with a picture: CAP alert, resource, enclosures) and
    a ralat of the other, through the chain and the channels. Returns the month and, per
    announcement number, its title."""
    renderers: dict = {}
    banjir = draft(w, "banjir", image=_jpeg(), image_caption="Foto: BPBD")
    renstra = draft(w, "renstra")
    for item in (banjir, renstra):
        to_state(w, item, "approved")
    _deliver_outbox(w, settings, renderers)
    fix = w.drafting.correct(w.ids["pelaksana1"], renstra, title="Ralat Jadwal Konsultasi Publik Renstra")
    to_state(w, fix, "approved")
    _deliver_outbox(w, settings, renderers)
    with w.ctx.read() as s:
        items = s.execute(select(Announcement).where(Announcement.id.in_([banjir, renstra, fix])))
        titles = {a.number: a.title for a in items.scalars()}
        approved = s.get_one(Announcement, fix).approved_at
    return month_of(approved, w.ctx.tz), titles


def _collect(out: Path, root: str, records: dict[str, Path], work: Path) -> list[links.Link]:
    """Every link of every output, by kind."""
    web, radio, videotron = out / "web", out / "radio", out / "videotron"
    found: list[links.Link] = []
    for page in [web / "index.html", *sorted((web / "items").glob("*.html"))]:
        found += links.html_links("page", out, root, page)
    found += links.html_links("slides", out, root, videotron / "index.html")
    found += links.playlist_links(out, root, videotron)
    for name in ("rss.xml", "atom.xml", "cap/index.xml"):
        found += links.feed_links("feed", web / name)
    found += links.json_feed_links(web / "feed.json")
    found += links.feed_links("podcast", radio / "feed.xml")
    for alert in sorted((web / "cap").glob("*.xml")):
        if alert.name != "index.xml":
            found += links.cap_links(alert)
    for slide, codes in links.qr_codes(sorted((videotron / "slides").glob("*.png"))).items():
        assert codes or not slide.stem.endswith(("-01", "-01-malam")), slide  # on every first slide
        found += [links.Link("qr-slide", slide.name, code) for code in codes]
    notices = sorted((out / "print").rglob("*.pdf"))
    for notice, codes in links.pdf_qr_codes(notices, work / "pages").items():
        assert codes, notice  # the board copy and the file copy alike
        found += [links.Link("qr-print", notice.name, code) for code in codes]
    found += [links.Link("report", "laporan.pdf", u) for u in links.pdf_uris(records["pdf"])]
    found += [links.Link("report", "laporan.xlsx", u) for u in links.xlsx_uris(records["xlsx"])]
    found.append(links.Link("dip", "dip", records["dip_url"]))  # the DIP's own address
    return found


def test_every_link_of_every_output_answers_200_under_the_shipped_nginx(db_url, request, tmp_path,
                                                                         monkeypatch):
    for tool in ("zbarimg", "pdftoppm", "qpdf"):
        require_tool(tool)
    links.nginx_binary()
    port = _free_port()
    root = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("WARTA_PUBLIC_URL", root)
    settings = get_settings()
    w = Services.build(settings)
    w.ids = dict(request.node.seed["ids"])
    out = settings.out

    month, titles = _publish(w, settings)
    records = {"pdf": w.reports.export_monthly_report(month, "pdf", tmp_path / "laporan.pdf"),
               "xlsx": w.reports.export_monthly_report(month, "xlsx", tmp_path / "laporan.xlsx")}
    w.dip.propose_dip_entries(month)
    dip = w.dip.export_dip(month, "pdf", out / public_urls.DIP / public_urls.dip_name(month, "pdf"))
    records["dip_url"] = public_urls.dip_url(root, month)
    assert public_urls.file_url(root, out, dip) == records["dip_url"]  # the one-to-one rule

    found = _collect(out, root, records, tmp_path / "work")
    public = [ln for ln in found if not ln.url.startswith("file:")]  # proof folders: local files
    off_site = [ln for ln in public if not links.on_site(ln.url, root)]
    assert not off_site, off_site

    answers: dict[str, tuple[int, dict, bytes]] = {}
    with links.nginx(out, tmp_path / "nginx", port):
        for ln in public:
            if ln.url not in answers:
                parts = urlsplit(ln.url)
                answers[ln.url] = links.status(port, parts.path + (f"?{parts.query}" if parts.query else ""))
        hidden = ["/" + p.relative_to(out).as_posix() for p in
                  [*(out / "print").rglob("*.pdf"), *out.glob("*/.state/*")] if p.is_file()]
        refused = {path: links.status(port, path)[0] for path in hidden}
        home = links.status(port, "/")

    broken = sorted({(ln.kind, ln.source, ln.url, answers[ln.url][0]) for ln in public
                     if answers[ln.url][0] != 200})
    assert not broken, broken
    for ln in public:  # a podcast app checks what it downloads against the feed
        _, headers, body = answers[ln.url]
        if ln.length is not None:
            assert len(body) == ln.length, ln
        if ln.mime:
            assert headers["content-type"].split(";")[0] == ln.mime, (ln, headers["content-type"])
    # each QR code opens the page of the announcement it was printed for (a ralat: the original's)
    qr = [ln for ln in public if ln.kind.startswith("qr")]
    for ln in qr:
        text = answers[ln.url][2].decode("utf-8")
        assert any(number in text for number in titles), ln
    assert {urlsplit(ln.url).path.rsplit("/", 1)[0] for ln in qr} == {"/web/items"}
    assert len({ln.url for ln in qr}) == 2  # two announcements, the ralat keeps its page
    assert refused and set(refused.values()) == {404}, refused
    assert home[0] == 302 and home[1]["location"].endswith("/web/")

    counts = Counter(ln.kind for ln in public)
    for kind in ("page", "feed", "cap", "enclosure", "podcast", "slides", "qr-slide", "qr-print",
                 "report", "dip"):
        assert counts[kind] > 0, (kind, counts)
    print(f"\nlinks checked: {dict(sorted(counts.items()))}, {len(public)} in all, "
          f"{len(answers)} distinct, {len(refused)} private paths 404")
