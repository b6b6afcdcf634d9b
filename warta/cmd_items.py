"""``warta item``: announcements through the review chain (create, submit, approve, return,
revise, revoke, assign, show, list) and their control card and submission receipt."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from shared import images
from shared.i18n import _
from shared.vocab import PublicState, label_of
from warta.common import acting_user, emit, guarded, parse_when, services

IMAGE_HELP = "Berkas gambar (JPEG/PNG/WebP), opsional; dinormalkan dan metadata dibuang."
CAPTION_HELP = "Keterangan gambar (teks alternatif dan keterangan cetak)."
CLEAR_HELP = "Kosongkan kolom: start_at, end_at atau image (boleh berulang)."

app = typer.Typer(help="Pengumuman: susun, ajukan, setujui, kembalikan, cabut.", no_args_is_help=True)


def _item_text(item: dict) -> str:
    """An announcement for people: the values are the codes the options take (``--class
    berkala``), the words around them in the user's language."""
    lines = [f"#{item['id']} [{item['state']}] {item.get('number') or '-'}  {item['title']}",
             "  " + _("klasifikasi: {k}  sasaran: {s}  kanal: {c}", k=item["klasifikasi"],
                      s=item["sasaran"], c=", ".join(item["channels"]) or "-")]
    if item.get("image"):
        pic = item["image"]
        size = {"w": pic["width"], "h": pic["height"], "kb": pic["size"] // 1024}
        lines.append("  " + (_("gambar: {w}×{h} piksel, {kb} KB — {caption}", caption=pic["caption"],
                                **size) if pic["caption"] else
                             _("gambar: {w}×{h} piksel, {kb} KB", **size)))
    if item.get("alert"):
        a = item["alert"]
        alert = {"u": a["urgency"], "s": a["severity"], "c": a["certainty"], "r": a["response_type"],
                 "cat": a["category"]}
        lines.append("  " + (_("peringatan dini: {u}/{s}/{c}, {r}, {cat}; wilayah: {areas}",
                               areas=", ".join(a["areas"]), **alert) if a["areas"] else
                             _("peringatan dini: {u}/{s}/{c}, {r}, {cat}; seluruh wilayah", **alert)))
    if item.get("corrects"):
        c = item["corrects"]
        lines.append("  " + (_("ralat atas {n} (versi {v}); versi ini: {this}", n=c["number"],
                               v=c["version"], this=item["version"]) if item.get("version") else
                             _("ralat atas {n} (versi {v})", n=c["number"], v=c["version"])))
    if len(item.get("versions", [])) > 1:
        lines.append("  " + _("riwayat: {versions}", versions="; ".join(
            f"v{v['version'] or '-'} {v['number'] or '#' + str(v['id'])} "
            f"{label_of(PublicState, v.get('public_state')) or v['public_state_label']}"
            for v in item["versions"])))
    lines += [f"  {d['channel']} ({d['kind']}): {d['state']}" for d in item.get("deliveries", [])]
    if item.get("register_note"):  # a dikecualikan item: where it goes instead of any channel
        lines.append(f"  {item['register_note']}")
    return "\n".join(lines)


ALERT_HELP = ("Peringatan dini (serta-merta): urgency Immediate|Expected|Future|Past|Unknown, "
              "severity Extreme|Severe|Moderate|Minor|Unknown, certainty Observed|Likely|Possible|"
              "Unlikely|Unknown, response Shelter|Evacuate|Prepare|Execute|Avoid|Monitor|Assess|None, "
              "category Geo|Met|Safety|Security|Rescue|Fire|Health|Env|Transport|Infra|CBRNE|Other")
AREA_HELP = "Kode wilayah dari profil instansi ([[areas]]); boleh diulang"


def alert_choices(current: dict | None, **given: object) -> dict | None:
    """The early-warning choices: ``current`` (or the defaults) with the options given on the
    command line; None when none was given and there is nothing to keep."""
    chosen = {k: v for k, v in given.items() if v not in (None, [])}
    if not chosen:
        return None
    return {**(current or {}), **chosen}


def _show(w, item_id: int, as_json: bool, actor_id: int | None = None) -> None:  # noqa: ANN001
    item = guarded(as_json, lambda: w.queries.get_item(item_id, actor_id))
    emit(item, as_json, _item_text(item))


@app.command("create")
def item_create(actor: str = typer.Option(..., "--as"), title: str = typer.Option(..., "--title"),
                body: str = typer.Option(..., "--body"), summary: str = typer.Option("", "--summary"),
                klas: str = typer.Option(..., "--class"), audience: str = typer.Option(..., "--audience"),
                channels: str = typer.Option("", "--channels"),
                start: Optional[str] = typer.Option(None, "--start"),
                end: Optional[str] = typer.Option(None, "--end"),
                window: list[str] = typer.Option([], "--window", help="Jendela harian HH:MM-HH:MM"),
                image: Optional[str] = typer.Option(None, "--image", help=IMAGE_HELP),
                caption: str = typer.Option("", "--image-caption", help=CAPTION_HELP),
                urgency: Optional[str] = typer.Option(None, "--urgency", help=ALERT_HELP),
                severity: Optional[str] = typer.Option(None, "--severity", help=ALERT_HELP),
                certainty: Optional[str] = typer.Option(None, "--certainty", help=ALERT_HELP),
                response: Optional[str] = typer.Option(None, "--response", help=ALERT_HELP),
                category: Optional[str] = typer.Option(None, "--category", help=ALERT_HELP),
                instruction: Optional[str] = typer.Option(None, "--instruction", help=ALERT_HELP),
                area: list[str] = typer.Option([], "--area", help=AREA_HELP),
                as_json: bool = typer.Option(False, "--json")) -> None:
    """Susun draf pengumuman (Pelaksana)."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json)
    windows = [dict(zip(("start", "end"), x.split("-", 1), strict=False)) for x in window]
    new_id = guarded(as_json, lambda: w.drafting.create_item(
        who.id, title=title, body=body, summary=summary, klasifikasi=klas, sasaran=audience,
        channels=channels, start_at=parse_when(start, w.ctx.tz), end_at=parse_when(end, w.ctx.tz),
        daily_windows=windows, image_caption=caption,
        image=images.read_file(image, w.ctx.settings.image_dir) if image else None,
        alert=alert_choices(None, urgency=urgency, severity=severity, certainty=certainty,
                            response_type=response, category=category,
                            instruction=instruction, areas=area)))
    _show(w, new_id, as_json, who.id)


def _transition(name: str, call, item_id: int, actor: str, as_json: bool) -> None:  # noqa: ANN001
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json)
    result = guarded(as_json, lambda: call(w, who.id))
    _show(w, result if isinstance(result, int) and name in ("revise",) else item_id, as_json, who.id)


@app.command("submit")
def item_submit(item_id: int, actor: str = typer.Option(..., "--as"),
                as_json: bool = typer.Option(False, "--json")) -> None:
    """Ajukan draf ke Kabid/Kasubag (Pelaksana)."""
    _transition("submit", lambda w, uid: w.review.submit(uid, item_id), item_id, actor, as_json)


@app.command("approve")
def item_approve(item_id: int, actor: str = typer.Option(..., "--as"),
                 as_json: bool = typer.Option(False, "--json")) -> None:
    """Setujui pada tahap Anda; Kepala Dinas memberi nomor dan memulai penyebarluasan."""
    _transition("approve", lambda w, uid: w.review.approve(uid, item_id), item_id, actor, as_json)


@app.command("return")
def item_return(item_id: int, actor: str = typer.Option(..., "--as"),
                note: str = typer.Option(..., "--note"),
                as_json: bool = typer.Option(False, "--json")) -> None:
    """Kembalikan untuk diperbaiki, dengan catatan."""
    _transition("return", lambda w, uid: w.review.return_item(uid, item_id, note), item_id, actor, as_json)


@app.command("revise")
def item_revise(item_id: int, actor: str = typer.Option(..., "--as"),
                title: Optional[str] = typer.Option(None, "--title"),
                body: Optional[str] = typer.Option(None, "--body"),
                summary: Optional[str] = typer.Option(None, "--summary"),
                klas: Optional[str] = typer.Option(None, "--class"),
                audience: Optional[str] = typer.Option(None, "--audience"),
                channels: Optional[str] = typer.Option(None, "--channels"),
                start: Optional[str] = typer.Option(None, "--start"),
                end: Optional[str] = typer.Option(None, "--end"),
                image: Optional[str] = typer.Option(None, "--image", help=IMAGE_HELP),
                caption: Optional[str] = typer.Option(None, "--image-caption", help=CAPTION_HELP),
                clear: list[str] = typer.Option([], "--clear", help=CLEAR_HELP),
                urgency: Optional[str] = typer.Option(None, "--urgency", help=ALERT_HELP),
                severity: Optional[str] = typer.Option(None, "--severity", help=ALERT_HELP),
                certainty: Optional[str] = typer.Option(None, "--certainty", help=ALERT_HELP),
                response: Optional[str] = typer.Option(None, "--response", help=ALERT_HELP),
                category: Optional[str] = typer.Option(None, "--category", help=ALERT_HELP),
                instruction: Optional[str] = typer.Option(None, "--instruction", help=ALERT_HELP),
                area: list[str] = typer.Option([], "--area", help=AREA_HELP),
                as_json: bool = typer.Option(False, "--json")) -> None:
    """Ubah sebagai revisi baru; pada pengumuman yang sudah disetujui, buat ralat."""
    def call(w, uid):  # noqa: ANN001, ANN202
        current = w.queries.get_item(item_id, uid).get("alert")
        return w.drafting.revise(
            uid, item_id, title=title, body=body, summary=summary, klasifikasi=klas,
            sasaran=audience, channels=channels,
            start_at=parse_when(start, w.ctx.tz), end_at=parse_when(end, w.ctx.tz),
            image=images.read_file(image, w.ctx.settings.image_dir) if image else None,
            image_caption=caption, clear=clear,
            alert=alert_choices(current, urgency=urgency, severity=severity, certainty=certainty,
                                response_type=response, category=category,
                                instruction=instruction, areas=area))
    _transition("revise", call, item_id, actor, as_json)


@app.command("revoke")
def item_revoke(item_id: int, actor: str = typer.Option(..., "--as"),
                reason: str = typer.Option(..., "--reason"),
                as_json: bool = typer.Option(False, "--json")) -> None:
    """Cabut pengumuman (Kepala Dinas), dengan alasan."""
    _transition("revoke", lambda w, uid: w.review.revoke(uid, item_id, reason), item_id, actor, as_json)


@app.command("assign")
def item_assign(assignee: str, actor: str = typer.Option(..., "--as"),
                instructions: str = typer.Option(..., "--instructions"),
                as_json: bool = typer.Option(False, "--json")) -> None:
    """Disposisi penyusunan kepada Pelaksana (Kabid/Kasubag)."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json)
    did = guarded(as_json, lambda: w.drafting.assign(who.id, assignee, instructions))
    emit({"disposition": did, "assignee": assignee}, as_json, _("Disposisi #{id} dibuat", id=did))


@app.command("show")
def item_show(item_id: int, actor: Optional[str] = typer.Option(None, "--as"),
              as_json: bool = typer.Option(False, "--json")) -> None:
    """Tampilkan satu pengumuman dengan riwayat dan pengirimannya."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json) if actor else None
    _show(w, item_id, as_json, who.id if who else None)


@app.command("list")
def item_list(state: Optional[str] = typer.Option(None, "--state"),
              actor: Optional[str] = typer.Option(None, "--as"),
              limit: int = typer.Option(50, "--limit"),
              as_json: bool = typer.Option(False, "--json")) -> None:
    """Daftar pengumuman, terbaru dahulu."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json) if actor else None
    rows = w.queries.list_items(who.id if who else None, state=state, limit=limit)
    emit({"items": rows}, as_json, "\n".join(
        f"#{r['id']:<5} {r['state']:<18} {r['number'] or '-':<28} {r['title']}" for r in rows)
        or _("Tidak ada pengumuman"))


@app.command("card")
def item_card(item_id: int, output: Path = typer.Option(..., "--output"),
              actor: Optional[str] = typer.Option(None, "--as"),
              as_json: bool = typer.Option(False, "--json")) -> None:
    """Kartu kontrol pengumuman: seluruh riwayat dengan tanda SLA (PDF satu halaman)."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json).id if actor else None
    path = guarded(as_json, lambda: w.reports.control_card(item_id, output, who))
    emit({"id": item_id, "output": str(path)}, as_json, _("Kartu kontrol ditulis ke {p}", p=str(path)))


@app.command("receipt")
def item_receipt(item_id: int, output: Path = typer.Option(..., "--output"),
                 revision: Optional[int] = typer.Option(None, "--revision"),
                 actor: Optional[str] = typer.Option(None, "--as"),
                 as_json: bool = typer.Option(False, "--json")) -> None:
    """Tanda terima penyerahan draf untuk diperiksa (PDF)."""
    w = services(as_json=as_json)
    who = acting_user(w, actor, as_json).id if actor else None
    path = guarded(as_json, lambda: w.reports.submission_receipt(item_id, output, who, revision))
    emit({"id": item_id, "output": str(path)}, as_json, _("Tanda terima ditulis ke {p}", p=str(path)))
