"""The whole chain through the ``warta`` command, as scripts use it (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.factories import demo_item


def run(warta, user: str | None, *args: str, expect_ok: bool = True) -> dict:
    """Run ``warta ARGS --json`` (as ``user`` with its password) in-process and return its one JSON
    object, with the exit code and stderr."""
    from typer.testing import CliRunner

    from warta.cli import app

    env = {"WARTA_PASSWORD": warta.passwords[user]} if user else {}
    if user:
        args = (*args, "--as", user)
    result = CliRunner().invoke(app, [*args, "--json"], env=env)
    assert (result.exit_code == 0) == expect_ok, (result.stdout, result.stderr, result.exception)
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1, result.stdout  # exactly one JSON object
    return json.loads(lines[0]) | {"_stderr": result.stderr, "_rc": result.exit_code}


def test_chain_with_a_return_at_each_level_through_the_cli(warta):
    sample = demo_item("cpns")
    item = run(warta, "pelaksana1", "item", "create", "--title", sample["title"], "--body", sample["body"],
               "--summary", sample["summary"], "--class", "berkala", "--audience", "masyarakat",
               "--channels", "videotron,radio,web,print", "--start", "2026-12-01T00:00")
    assert {"id", "state", "number", "klasifikasi", "sasaran", "channels", "deliveries"} <= item.keys()
    iid = str(item["id"])
    assert item["state"] == "draft" and item["start_at"].startswith("2026-11-30T17:00")  # WIB → UTC
    run(warta, "pelaksana1", "item", "submit", iid)
    returned = run(warta, "kabid1", "item", "return", iid, "--note", "Tambahkan tautan pendaftaran")
    assert returned["state"] == "returned"
    run(warta, "pelaksana1", "item", "revise", iid, "--summary", "Pendaftaran 1-15 Desember 2026.")
    run(warta, "pelaksana1", "item", "submit", iid)
    run(warta, "kabid1", "item", "approve", iid)
    returned = run(warta, "sekretaris1", "item", "return", iid, "--note", "Periksa jumlah formasi")
    assert returned["state"] == "review_kabid"
    run(warta, "kabid1", "item", "approve", iid)
    run(warta, "sekretaris1", "item", "approve", iid)
    returned = run(warta, "kadis1", "item", "return", iid, "--note", "Sebutkan dasar hukum")
    assert returned["state"] == "review_kabid"
    run(warta, "kabid1", "item", "approve", iid)
    run(warta, "sekretaris1", "item", "approve", iid)
    final = run(warta, "kadis1", "item", "approve", iid)
    assert final["state"] == "approved" and final["number"].startswith("001/PENG/DISKOMINFO/")
    assert sorted(d["channel"] for d in final["deliveries"]) == ["print", "radio", "videotron", "web"]
    assert all(d["state"] == "pending" for d in final["deliveries"])
    shown = run(warta, None, "item", "show", iid)
    assert shown["number"] == final["number"] and shown["revision"] == 2
    listed = run(warta, None, "item", "list", "--state", "approved")
    assert [i["id"] for i in listed["items"]] == [item["id"]]
    assert shown["version"] == 1 and shown["corrects"] is None

    # a ralat: revise on the approved item answers with the new draft, which names what it corrects
    ralat = run(warta, "pelaksana1", "item", "revise", iid, "--body", "Pendaftaran diperpanjang.")
    assert ralat["id"] != item["id"] and ralat["version"] is None
    assert ralat["corrects"] == {"id": item["id"], "number": final["number"], "version": 1,
                                 "title": sample["title"]}
    rid = str(ralat["id"])
    run(warta, "pelaksana1", "item", "submit", rid)
    run(warta, "kabid1", "item", "approve", rid)
    run(warta, "sekretaris1", "item", "approve", rid)
    done = run(warta, "kadis1", "item", "approve", rid)
    assert done["version"] == 2 and done["number"] != final["number"]
    assert {d["kind"] for d in done["deliveries"]} == {"update"}
    assert [(v["version"], v["public_state"]) for v in run(warta, None, "item", "show", iid)["versions"]] \
        == [(1, "superseded"), (2, "current")]


@pytest.mark.parametrize("user,args,words", [
    ("pelaksana1", ("item", "approve", "{id}"), "Pelaksana tidak berwenang menyetujui pengumuman"),
    ("kabid1", ("item", "return", "{id}", "--note", " "), "wajib disertai catatan"),
    ("sekretaris1", ("item", "approve", "{id}"), "tahap ini milik Kabid/Kasubag"),
    ("ppid1", ("item", "revoke", "{id}", "--reason", "salah"), "hanya Kepala Dinas"),
])
def test_refusals_exit_non_zero_with_the_reason(warta, user, args, words):
    item = run(warta, "pelaksana1", "item", "create", "--title", "Uji", "--body", "Isi", "--class",
               "berkala", "--audience", "masyarakat", "--channels", "web")
    run(warta, "pelaksana1", "item", "submit", str(item["id"]))
    out = run(warta, user, *(a.format(id=item["id"]) for a in args), expect_ok=False)
    assert out["_rc"] == 3 and words in out["error"] and words in out["_stderr"]
    assert run(warta, None, "item", "show", str(item["id"]))["state"] == "review_kabid"


def test_forbidden_channel_through_the_cli(warta):
    sample = demo_item("gaji-asn")
    out = run(warta, "pelaksana1", "item", "create", "--title", sample["title"], "--body", sample["body"],
              "--class", "berkala", "--audience", "pegawai", "--channels", "print,web", expect_ok=False)
    assert "kanal 'web' tidak diizinkan" in out["error"]
    assert run(warta, None, "item", "list")["items"] == []


def test_wrong_password_and_missing_password(warta):
    env = dict(os.environ, WARTA_PASSWORD="salah-sekali")
    proc = subprocess.run([sys.executable, "-m", "warta.cli", "item", "submit", "1", "--as", "pelaksana1"],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60)
    assert proc.returncode == 5 and "kata sandi salah" in proc.stderr
    env.pop("WARTA_PASSWORD")
    proc = subprocess.run([sys.executable, "-m", "warta.cli", "item", "submit", "1", "--as", "pelaksana1"],
                          capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60)
    assert proc.returncode == 5 and "WARTA_PASSWORD" in proc.stderr


def test_init_demo_json_lists_one_account_per_role(tmp_path):
    env = dict(os.environ, WARTA_HOME=str(tmp_path / "home"))
    env.pop("WARTA_DATABASE_URL", None)
    proc = subprocess.run([sys.executable, "-m", "warta.cli", "init", "--demo", "--json"],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    users = json.loads(proc.stdout)["users"]
    assert [u["username"] for u in users] == ["pelaksana1", "kabid1", "sekretaris1", "kadis1", "ppid1",
                                              "admin"]
    assert {u["role"] for u in users} == {"pelaksana", "kabid", "sekretaris", "kadis", "ppid", "admin"}
    assert all(len(u["password"]) >= 8 for u in users)
    assert oct((tmp_path / "home" / "demo-accounts.json").stat().st_mode)[-3:] == "600"


def test_bad_configuration_names_the_variable_and_why():
    from typer.testing import CliRunner

    from warta.cli import app

    result = CliRunner().invoke(app, ["item", "list"], env={"WARTA_TIMEZONE": "Asia/Atlantis"})
    assert result.exit_code == 2
    assert "WARTA_TIMEZONE" in result.stderr and "tidak dikenal" in result.stderr


def test_picture_and_clearing_through_the_cli(warta, tmp_path):
    from PIL import Image

    photo = tmp_path / "foto lokasi.png"
    Image.new("RGB", (1000, 800), (30, 90, 160)).save(photo)
    sample = demo_item("renstra")
    item = run(warta, "pelaksana1", "item", "create", "--title", sample["title"], "--body", sample["body"],
               "--class", "berkala", "--audience", "masyarakat", "--channels", "web,print",
               "--start", "2026-12-01T08:00", "--image", str(photo), "--image-caption", "Aula")
    assert item["image"]["width"] == 1000 and item["image"]["caption"] == "Aula"
    iid = str(item["id"])
    cleared = run(warta, "pelaksana1", "item", "revise", iid, "--clear", "start_at", "--clear", "image")
    assert cleared["start_at"] is None and cleared["image"] is None and cleared["revision"] == 2
    missing = run(warta, "pelaksana1", "item", "revise", iid, "--image", str(tmp_path / "tidak-ada.jpg"),
                  expect_ok=False)
    assert "tidak ditemukan" in missing["error"] and missing["_rc"] != 0
    text_file = tmp_path / "catatan.jpg"
    text_file.write_text("bukan gambar")
    bad = run(warta, "pelaksana1", "item", "revise", iid, "--image", str(text_file), expect_ok=False)
    assert "bukan gambar" in bad["error"]


def test_early_warning_choices_through_the_cli(warta):
    base = ("item", "create", "--title", "Banjir di Pontianak Timur", "--body", "Air naik.",
            "--class", "serta-merta", "--audience", "masyarakat", "--channels", "web",
            "--urgency", "Immediate", "--severity", "Extreme", "--response", "Evacuate",
            "--category", "Met", "--area", "6171020")
    refused = run(warta, "pelaksana1", *base, expect_ok=False)
    assert "wajib disertai instruksi" in refused["error"]
    made = run(warta, "pelaksana1", *base, "--instruction", "Segera menuju titik evakuasi.")
    assert made["alert"] == {"urgency": "Immediate", "severity": "Extreme", "certainty": "Likely",
                             "response_type": "Evacuate", "category": "Met",
                             "instruction": "Segera menuju titik evakuasi.", "areas": ["6171020"]}
    revised = run(warta, "pelaksana1", "item", "revise", str(made["id"]), "--severity", "Severe")
    assert revised["alert"]["severity"] == "Severe" and revised["alert"]["areas"] == ["6171020"]


# -- the schema: only `warta migrate` and `warta init` change it -----------------------------------

def test_a_schema_behind_the_code_is_refused_until_warta_migrate(warta, db_url):
    """After an update of Warta (here: the database one migration behind the code) a command that
    uses the database refuses, says what to run and changes nothing; `warta migrate` upgrades the
    schema, says from which revision to which, and the command then works."""
    from alembic import command

    from shared.db import alembic_config, current_revision, engine_for, head_revision

    heads = head_revision()
    command.downgrade(alembic_config(db_url), "-1")
    engine_for(db_url).dispose()
    behind = current_revision(db_url)
    assert behind and behind != heads
    refused = run(warta, None, "item", "list", expect_ok=False)
    words = (f"Skema basis data belum mutakhir (revisi {', '.join(sorted(behind))}, perlu "
             f"{', '.join(sorted(heads))}); jalankan 'warta migrate' atau 'warta init'")
    assert refused["_rc"] == 2 and refused["exit_code"] == 2
    assert refused["error"] == words and words in refused["_stderr"]
    refused = run(warta, "pelaksana1", "item", "create", "--title", "Uji", "--body", "Isi",
                  "--class", "berkala", "--audience", "masyarakat", "--channels", "web", expect_ok=False)
    assert refused["_rc"] == 2 and "warta migrate" in refused["error"]
    assert current_revision(db_url) == behind  # nothing migrated on the way

    migrated = run(warta, None, "migrate")
    assert (migrated["from"], migrated["to"], migrated["upgraded"]) == (sorted(behind), sorted(heads), True)
    assert current_revision(db_url) == heads
    assert run(warta, None, "item", "list")["items"] == []
    again = run(warta, None, "migrate")
    assert again["from"] == again["to"] == sorted(heads) and again["upgraded"] is False


def test_a_fresh_home_is_refused_until_init_or_migrate(tmp_path, monkeypatch):
    """A home nobody initialised: commands refuse (exit 2) and name both ways out; the text
    `warta migrate` prints names both revisions."""
    from typer.testing import CliRunner

    from shared.db import head_revision
    from warta.cli import app

    monkeypatch.setenv("WARTA_HOME", str(tmp_path / "fresh"))
    cli = CliRunner()
    refused = cli.invoke(app, ["deliveries"])
    assert refused.exit_code == 2
    assert "Skema basis data belum mutakhir (revisi -, perlu " in refused.stderr
    assert "jalankan 'warta migrate' atau 'warta init'" in refused.stderr
    assert cli.invoke(app, ["relay"]).exit_code == 2  # a service refuses before it starts
    done = cli.invoke(app, ["migrate"])
    assert done.exit_code == 0, done.output
    assert done.stdout.strip() == ("Skema basis data dimutakhirkan dari revisi - ke revisi "
                                   + ", ".join(sorted(head_revision())))
    listed = cli.invoke(app, ["deliveries"])
    assert listed.exit_code == 0 and "Tidak ada pengiriman" in listed.stdout


def test_a_schema_newer_than_the_code_is_refused_and_not_migrated(warta, db_url):
    """A database an updated Warta already migrated: this older code refuses every command,
    `warta migrate` and `warta init` included, and says to update Warta."""
    import sqlalchemy as sa

    from shared.db import engine_for

    with engine_for(db_url).begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999_future'"))
    for args in (("item", "list"), ("migrate",), ("init",)):
        out = run(warta, None, *args, expect_ok=False)
        assert out["_rc"] == 2, args
        assert out["error"].startswith("Skema basis data lebih baru dari kode ini (revisi 9999_future")


def test_the_kiosk_shows_a_schema_behind_as_a_refusal(tmp_path, monkeypatch):
    """The kiosk loads its use-cases in a thread and shows a WartaError on the sign-in screen:
    a schema behind the code is one (not an exit in a thread)."""
    from shared.config import get_settings
    from shared.errors import WartaError
    from warta.common import current_services

    monkeypatch.setenv("WARTA_HOME", str(tmp_path / "fresh"))
    with pytest.raises(WartaError, match="jalankan 'warta migrate'") as refused:
        current_services(get_settings(), "kiosk-redrive")
    assert refused.value.exit_code == 2


def test_dip_versions_and_archive_key_through_the_cli(warta):
    assert run(warta, None, "dip", "versions")["versions"] == []
    key = run(warta, None, "archive", "key")
    assert key["private"].endswith("archiver.key") and len(key["key_sha256"]) == 64
