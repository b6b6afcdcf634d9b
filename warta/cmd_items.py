"""CLI: init, users, announcements through the review chain, audit, demo."""

from __future__ import annotations

from typing import Optional

import typer

from shared import images
from shared.i18n import _
from warta.common import acting_user, emit, fail, guarded, parse_when, services, settings

IMAGE_HELP = "Berkas gambar (JPEG/PNG/WebP), opsional; dinormalkan dan metadata dibuang."
CAPTION_HELP = "Keterangan gambar (teks alternatif dan keterangan cetak)."
CLEAR_HELP = "Kosongkan kolom: start_at, end_at atau image (boleh berulang)."


def _item_text(item: dict) -> str:
    lines = [f"#{item['id']} [{item['state']}] {item.get('number') or '-'}  {item['title']}",
             f"  klasifikasi: {item['klasifikasi']}  sasaran: {item['sasaran']}  "
             f"kanal: {', '.join(item['channels']) or '-'}"]
    if item.get("image"):
        pic = item["image"]
        lines.append(f"  gambar: {pic['width']}×{pic['height']} piksel, {pic['size'] // 1024} KB"
                     + (f" — {pic['caption']}" if pic["caption"] else ""))
    if item.get("alert"):
        a = item["alert"]
        lines.append(f"  peringatan dini: {a['urgency']}/{a['severity']}/{a['certainty']}, "
                     f"{a['response_type']}, {a['category']}; wilayah: "
                     f"{', '.join(a['areas']) or 'seluruh wilayah'}")
    if item.get("corrects"):
        c = item["corrects"]
        lines.append(f"  ralat atas {c['number']} (versi {c['version']})"
                     + (f"; versi ini: {item['version']}" if item.get("version") else ""))
    if len(item.get("versions", [])) > 1:
        lines.append("  riwayat: " + "; ".join(
            f"v{v['version'] or '-'} {v['number'] or '#' + str(v['id'])} {v['public_state_label']}"
            for v in item["versions"]))
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
    item = guarded(as_json, lambda: w.get_item(item_id, actor_id))
    emit(item, as_json, _item_text(item))


def register(app: typer.Typer, groups: dict[str, typer.Typer]) -> None:
    """Add the Foundation commands."""
    item, user, audit = groups["item"], groups["user"], groups["audit"]

    @app.command()
    def init(demo: bool = typer.Option(False, "--demo", help="Tambahkan profil dan akun demo."),
             as_json: bool = typer.Option(False, "--json")) -> None:
        """Buat atau perbarui basis data; --demo menambahkan profil instansi dan akun demo."""
        from shared.bootstrap import init_home

        cfg = settings()
        users = guarded(as_json, lambda: init_home(cfg, demo))
        text = _("Warta siap di {home}", home=str(cfg.home.resolve()))
        if users:
            text += "\n" + "\n".join(f"  {u['username']:<12} {u['role']:<11} {u['password']}" for u in users)
        emit({"home": str(cfg.home.resolve()), "users": users}, as_json, text)

    @user.command("add")
    def user_add(username: str, role: str = typer.Option(..., "--role"),
                 name: str = typer.Option(..., "--name"), nip: str = typer.Option("", "--nip"),
                 as_json: bool = typer.Option(False, "--json")) -> None:
        """Tambah akun; kata sandinya dari WARTA_PASSWORD atau ditanyakan."""
        import os
        import sys

        w = services()
        password = os.environ.get("WARTA_PASSWORD")
        if password is None:
            if not sys.stdin.isatty():
                fail(_("Kata sandi akun baru diperlukan: setel WARTA_PASSWORD"), 2, as_json)
            password = typer.prompt(_("Kata sandi baru"), hide_input=True, confirmation_prompt=True)
        uid = guarded(as_json, lambda: w.add_user(username, role, name, password, nip=nip))
        emit({"id": uid, "username": username, "role": role}, as_json,
             _("Akun {u} ({r}) dibuat", u=username, r=role))

    @item.command("create")
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
        w = services()
        who = acting_user(w, actor, as_json)
        windows = [dict(zip(("start", "end"), x.split("-", 1))) for x in window]
        new_id = guarded(as_json, lambda: w.create_item(
            who["id"], title=title, body=body, summary=summary, klasifikasi=klas, sasaran=audience,
            channels=channels, start_at=parse_when(start, w.tz), end_at=parse_when(end, w.tz),
            daily_windows=windows, image_caption=caption,
            image=images.read_file(image, w.settings.image_dir) if image else None,
            alert=alert_choices(None, urgency=urgency, severity=severity, certainty=certainty,
                                response_type=response, category=category,
                                instruction=instruction, areas=area)))
        _show(w, new_id, as_json, who["id"])

    def _transition(name: str, call, item_id: int, actor: str, as_json: bool) -> None:  # noqa: ANN001
        w = services()
        who = acting_user(w, actor, as_json)
        result = guarded(as_json, lambda: call(w, who["id"]))
        _show(w, result if isinstance(result, int) and name in ("revise",) else item_id, as_json, who["id"])

    @item.command("submit")
    def item_submit(item_id: int, actor: str = typer.Option(..., "--as"),
                    as_json: bool = typer.Option(False, "--json")) -> None:
        """Ajukan draf ke Kabid/Kasubag (Pelaksana)."""
        _transition("submit", lambda w, uid: w.submit(uid, item_id), item_id, actor, as_json)

    @item.command("approve")
    def item_approve(item_id: int, actor: str = typer.Option(..., "--as"),
                     as_json: bool = typer.Option(False, "--json")) -> None:
        """Setujui pada tahap Anda; Kepala Dinas memberi nomor dan memulai penyebarluasan."""
        _transition("approve", lambda w, uid: w.approve(uid, item_id), item_id, actor, as_json)

    @item.command("return")
    def item_return(item_id: int, actor: str = typer.Option(..., "--as"),
                    note: str = typer.Option(..., "--note"),
                    as_json: bool = typer.Option(False, "--json")) -> None:
        """Kembalikan untuk diperbaiki, dengan catatan."""
        _transition("return", lambda w, uid: w.return_item(uid, item_id, note), item_id, actor, as_json)

    @item.command("revise")
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
            current = w.get_item(item_id, uid).get("alert")
            return w.revise(uid, item_id, title=title, body=body, summary=summary, klasifikasi=klas,
                            sasaran=audience, channels=channels,
                            start_at=parse_when(start, w.tz), end_at=parse_when(end, w.tz),
                            image=images.read_file(image, w.settings.image_dir) if image else None,
                            image_caption=caption, clear=clear,
                            alert=alert_choices(current, urgency=urgency, severity=severity,
                                                certainty=certainty, response_type=response,
                                                category=category, instruction=instruction,
                                                areas=area))
        _transition("revise", call, item_id, actor, as_json)

    @item.command("revoke")
    def item_revoke(item_id: int, actor: str = typer.Option(..., "--as"),
                    reason: str = typer.Option(..., "--reason"),
                    as_json: bool = typer.Option(False, "--json")) -> None:
        """Cabut pengumuman (Kepala Dinas), dengan alasan."""
        _transition("revoke", lambda w, uid: w.revoke(uid, item_id, reason), item_id, actor, as_json)

    @item.command("assign")
    def item_assign(assignee: str, actor: str = typer.Option(..., "--as"),
                    instructions: str = typer.Option(..., "--instructions"),
                    as_json: bool = typer.Option(False, "--json")) -> None:
        """Disposisi penyusunan kepada Pelaksana (Kabid/Kasubag)."""
        w = services()
        who = acting_user(w, actor, as_json)
        did = guarded(as_json, lambda: w.assign(who["id"], assignee, instructions))
        emit({"disposition": did, "assignee": assignee}, as_json, _("Disposisi #{id} dibuat", id=did))

    @item.command("show")
    def item_show(item_id: int, actor: Optional[str] = typer.Option(None, "--as"),
                  as_json: bool = typer.Option(False, "--json")) -> None:
        """Tampilkan satu pengumuman dengan riwayat dan pengirimannya."""
        w = services()
        who = acting_user(w, actor, as_json) if actor else None
        _show(w, item_id, as_json, who["id"] if who else None)

    @item.command("list")
    def item_list(state: Optional[str] = typer.Option(None, "--state"),
                  actor: Optional[str] = typer.Option(None, "--as"),
                  limit: int = typer.Option(50, "--limit"),
                  as_json: bool = typer.Option(False, "--json")) -> None:
        """Daftar pengumuman, terbaru dahulu."""
        w = services()
        who = acting_user(w, actor, as_json) if actor else None
        rows = w.list_items(who["id"] if who else None, state=state, limit=limit)
        emit({"items": rows}, as_json, "\n".join(
            f"#{r['id']:<5} {r['state']:<18} {r['number'] or '-':<28} {r['title']}" for r in rows)
            or _("Tidak ada pengumuman"))

    @audit.command("verify")
    def audit_verify(as_json: bool = typer.Option(False, "--json")) -> None:
        """Periksa keutuhan jejak audit: rantai hash, checkpoint bertanda tangan, dan segel arsip
        yang tercatat; keluar bukan nol bila ada yang diubah, dipotong atau ditulis ulang."""
        from shared.checkpoints import verify_trail
        from shared.records.sealing import office_public_key, verify_seals

        w = services()
        public = guarded(as_json, lambda: office_public_key(w))
        with w.read() as s:
            data = verify_trail(s, w.settings.archive, w.settings.out, public)
        seal_problems = verify_seals(w, public)
        data["problems"] += seal_problems
        data["ok"] = data["ok"] and not seal_problems
        latest = data["latest"]
        if latest:
            note = _("checkpoint terakhir: kejadian #{id} ({at}); {n} kejadian sesudahnya belum "
                     "ditandatangani", id=latest["event_id"], at=latest["at"],
                     n=data["unsigned_tail"] if data["unsigned_tail"] is not None else "?")
        else:
            note = _("belum ada checkpoint bertanda tangan; jalankan 'warta audit checkpoint'")
        if data["ok"]:
            emit(data, as_json, _("Jejak audit utuh: {n} kejadian diperiksa", n=data["checked"])
                 + "\n  " + note)
            return
        if data["bad_event"] is not None:
            head = _("Jejak audit RUSAK pada kejadian #{id}: {reason}", id=data["bad_event"],
                     reason=data["reason"])
            rest = data["problems"][1:]
        else:
            head, rest = _("Jejak audit RUSAK:"), data["problems"]
        emit(data, as_json, "\n".join([head, *(f"  {p}" for p in rest), "  " + note]))
        raise typer.Exit(6)

    @audit.command("checkpoint")
    def audit_checkpoint(as_json: bool = typer.Option(False, "--json")) -> None:
        """Tandatangani kepala jejak audit (checkpoint) dengan kunci kantor; simpan di arsip dan
        terbitkan di situs web. Jalankan setiap hari (cron atau systemd timer)."""
        from shared.checkpoints import take

        w = services()

        def run() -> dict:
            with w.read() as s:
                return take(s, w.signing_key, w.settings.archive, w.settings.out, w.tz, "harian")

        cp = guarded(as_json, run)
        emit(cp, as_json, _("Checkpoint ditandatangani: kejadian #{id}, {n} kejadian; disimpan di "
                            "{path}; salinan publik: {web}", id=cp["event_id"], n=cp["count"],
                            path=cp["path"], web=cp["web"]))

    @app.command()
    def demo(broker: Optional[str] = typer.Option(None, "--broker", help="embedded atau URL amqp://"),
             items: int = typer.Option(0, "--items", help="Jumlah pengumuman (0: semua contoh)"),
             as_json: bool = typer.Option(False, "--json")) -> None:
        """Jalankan contoh pengumuman melalui seluruh alur SOP dengan akun demo."""
        from warta.demo import run_demo

        result = run_demo(broker=broker, items=items)
        ok = result.pop("ok", True)
        emit(result, as_json, _("{n} pengumuman diproses, {r} ditolak; data di {home}",
                                n=len(result["announcements"]), r=len(result["refused"]),
                                home=result["home"]))
        if not ok:
            raise typer.Exit(7)
