"""Static HTML: one page per announcement under ``items/`` and ``index.html`` with the latest ones.
Every piece of user text passes through :func:`channels.web.text.esc`; pages are readable on a phone
(viewport meta, fluid width, no scripts)."""

from __future__ import annotations

from datetime import datetime

from channels.web import versions
from channels.web.text import esc, one_line, paragraphs_html
from shared import public_urls
from shared.slug import item_page_name
from shared.classification import KLASIFIKASI_LABEL, Klasifikasi
from shared.timefmt import date_id, datetime_id

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:1rem;
line-height:1.55;color:#1a1a1a;background:#fafafa}
main{max-width:42rem;margin:0 auto;background:#fff;padding:1rem 1.25rem;border-radius:.5rem;
box-shadow:0 1px 3px rgba(0,0,0,.12)}
h1{font-size:1.35rem;line-height:1.3;margin:.25rem 0 1rem;overflow-wrap:anywhere}
p{overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem;font-size:.95rem}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}
.agency{font-size:.85rem;text-transform:uppercase;color:#555;margin:0}
.badge{display:inline-block;background:#b00020;color:#fff;padding:.1rem .5rem;border-radius:.25rem}
.revoked{border:2px solid #b00020;background:#fff0f0;padding:.75rem;border-radius:.5rem}
.notice{border-left:4px solid #0b57d0;padding-left:.75rem}
.ralat{border-left-color:#b26a00;background:#fff8e6;padding:.5rem .75rem}
.history{font-size:.9rem;border-top:1px solid #ddd;margin-top:1rem}
.history h2{font-size:1rem}.history .kind{font-weight:600}
ul.list{list-style:none;padding:0}ul.list li{border-bottom:1px solid #ddd;padding:.6rem 0}
a{color:#0b57d0}footer{font-size:.8rem;color:#666;margin-top:1.5rem}
figure{margin:1rem 0;text-align:center}figure img{max-width:100%;height:auto;border-radius:.25rem}
figcaption{font-size:.85rem;font-style:italic;color:#555;margin-top:.35rem;overflow-wrap:anywhere}
"""


def item_filename(number: str, title: str) -> str:
    """The page file name of an announcement under ``items/``: a slug of number and title, never a
    path trick (no slashes, dots or non-ASCII)."""
    return item_page_name(number, title)


def item_url(site_root: str | None, number: str, title: str) -> str:
    """The absolute URL of an announcement's page under the site root ``WARTA_PUBLIC_URL`` (for
    QR codes and feed links; the rule is :mod:`shared.public_urls`)."""
    return public_urls.item_page(site_root, item_filename(number, title))


def _document(title: str, body: str, head_extra: str = "") -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"id\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{title}</title>\n{head_extra}<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


def _feed_links(base_url: str) -> str:
    base = esc(base_url)
    return (f'<link rel="alternate" type="application/rss+xml" title="RSS" href="{base}/rss.xml">\n'
            f'<link rel="alternate" type="application/atom+xml" title="Atom" href="{base}/atom.xml">\n'
            f'<link rel="alternate" type="application/feed+json" title="JSON Feed" '
            f'href="{base}/feed.json">\n')


def item_page(rec: dict, base_url: str) -> str:
    """The HTML page of one announcement record (see :mod:`channels.web.renderer`): the current
    text, the withdrawal notice when it is revoked, the correction notice while the current version
    is a ralat, and the history of its public versions."""
    snap = rec["snap"]
    agency = snap["agency"]
    tz = agency["timezone"]
    published = datetime.fromisoformat(rec.get("published") or snap["approved_at"])
    klas = KLASIFIKASI_LABEL[Klasifikasi(snap["klasifikasi"])]
    rows = [("Nomor", esc(snap["number"])), ("Tanggal terbit", esc(date_id(published, tz))),
            ("Klasifikasi", esc(klas)), ("Dasar hukum", esc(snap["legal_basis"]))]
    if snap.get("start"):
        rows.append(("Berlaku mulai", esc(datetime_id(datetime.fromisoformat(snap["start"]), tz))))
    if snap.get("end"):
        rows.append(("Berlaku sampai", esc(datetime_id(datetime.fromisoformat(snap["end"]), tz))))
    if rec.get("updated") != rec.get("published"):
        rows.append(("Diperbarui", esc(datetime_id(datetime.fromisoformat(rec["updated"]), tz))))
    meta = "\n".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    parts = [f'<p class="agency">{esc(agency["instansi"])}<br>{esc(agency["unit"])}</p>']
    if snap["klasifikasi"] == Klasifikasi.SERTA_MERTA:
        parts.append('<p><span class="badge">SERTA MERTA</span></p>')
    parts.append(f"<h1>{esc(one_line(snap['title']))}</h1>")
    if rec.get("revoked"):
        when = datetime.fromisoformat(rec["revoked_at"])
        reason = esc(one_line(rec.get("revoked_reason") or "")) or "tidak disebutkan"
        parts.append(f'<section class="revoked" role="alert"><strong>Pengumuman ini telah dicabut'
                     f"</strong> pada {esc(datetime_id(when, tz))} dan tidak berlaku lagi.<br>"
                     f"Alasan: {reason}</section>")
    correction = versions.ralat_text(rec)
    if correction:
        parts.append(f'<section class="notice ralat" role="note"><strong>RALAT</strong><br>'
                     f"{esc(correction)}</section>")
    parts.append(f"<dl>\n{meta}\n</dl>")
    if snap.get("summary"):
        parts.append(f"<p><strong>{esc(one_line(snap['summary']))}</strong></p>")
    image = rec.get("image")
    if image:
        parts.append(_figure(image, snap["title"]))
    parts.append(f"<article>\n{paragraphs_html(snap['body'])}\n</article>")
    parts.append(f"<p>Ditetapkan oleh {esc(snap['approver_name'])}<br>NIP {esc(snap['approver_nip'])}</p>")
    parts.append(_history(rec))
    parts.append(f'<footer><a href="{esc(base_url)}/index.html">Semua pengumuman</a> · '
                 f"{esc(agency['address'])}</footer>")
    head = _feed_links(base_url)
    if image:  # the picture a CMS or a chat app shows when the page is shared
        head += f'<meta property="og:image" content="{esc(image["url"])}">\n'
    return _document(esc(one_line(snap["title"])), "\n".join(parts), head)


def _history(rec: dict) -> str:
    """The list of public versions, once there is more than one (a single publication has none
    to tell); empty otherwise."""
    entries = versions.history(rec)
    if len(entries) < 2:
        return ""
    items = []
    for h in entries:
        changed = f" — diubah: {esc(', '.join(h['changes']))}" if h["changes"] else ""
        items.append(f'<li><span class="kind">{esc(h["label"])}</span> · versi {int(h["version"])} · '
                     f"nomor {esc(h['number'])} · {esc(h['when'])}{changed}</li>")
    return ('<section class="history"><h2>Riwayat versi</h2>\n<ol>\n' + "\n".join(items)
            + "\n</ol></section>")


def _figure(image: dict, title: str) -> str:
    """The picture, which lives next to the page: alt text is the caption, else the title; the
    size attributes let the browser keep its place before it loads."""
    caption = one_line(image.get("caption"))
    alt = caption or one_line(title) or "Gambar pengumuman"
    img = (f'<img src="{esc(image["file"])}" alt="{esc(alt)}" width="{int(image["width"])}" '
           f'height="{int(image["height"])}">')
    text = f"\n<figcaption>{esc(caption)}</figcaption>" if caption else ""
    return f"<figure>\n{img}{text}\n</figure>"


def index_page(records: list[dict], base_url: str, site_title: str) -> str:
    """``index.html``: the latest announcements, newest first, with the recently withdrawn ones
    marked "DICABUT" (and why) and corrected ones marked "RALAT"."""
    items = []
    for rec in records:
        snap = rec["snap"]
        when = date_id(datetime.fromisoformat(rec["updated"]), snap["agency"]["timezone"])
        badges = ""
        if rec.get("revoked"):
            badges += ' <span class="badge">DICABUT</span>'
        elif versions.ralat(rec):
            badges += ' <span class="badge">RALAT</span>'
        if snap["klasifikasi"] == Klasifikasi.SERTA_MERTA and not rec.get("revoked"):
            badges += ' <span class="badge">SERTA MERTA</span>'
        note = f"<br><small>{esc(versions.withdrawal_text(rec))}</small>" if rec.get("revoked") else ""
        items.append(f'<li><a href="items/{esc(rec["page"])}">{esc(one_line(snap["title"]))}</a>'
                     f"{badges}<br><small>{esc(snap['number'])} · {esc(when)}</small>{note}</li>")
    body = (f"<h1>{esc(site_title)}</h1>\n"
            + ('<ul class="list">\n' + "\n".join(items) + "\n</ul>" if items
               else "<p>Belum ada pengumuman.</p>")
            + '\n<footer>Langganan: <a href="rss.xml">RSS</a> · <a href="atom.xml">Atom</a> · '
              '<a href="feed.json">JSON Feed</a> · <a href="cap/index.xml">Peringatan dini (CAP)</a>'
              "</footer>")
    return _document(esc(site_title), body, _feed_links(base_url))
