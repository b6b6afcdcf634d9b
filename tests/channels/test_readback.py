"""Read-back (channels/readback.py): each channel reads its public output back as its consumer
does and names THIS version in a summary whose digests are those of the files on disk; an output
that shows another version (written between render and read-back) raises ReadBackError.

The worker's side (no ``confirmed`` without a read-back, ``readback.json`` in the archive) is in
tests/backbone/test_readback.py."""

from __future__ import annotations

import hashlib
import json
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest

from channels import noticeboard
from channels.base import NoopRenderer, TransientRenderError
from channels.noticeboard import NoticeboardRenderer, pdftext
from channels.radio import RadioRenderer
from channels.readback import ReadBackError, etree_entries, feed_entries
from channels.videotron import VideotronRenderer
from channels.web import WebRenderer
from shared.config import Settings
from shared.messages import Kind
from shared.settings import PrintSettings, RadioSettings
from tests.channels.test_radio_libretime import Tone
from tests.channels.test_web_versions import N1, N2, N3, chain
from tests.factories import envelope, snapshot

KINDS = [Kind.PUBLISH, Kind.UPDATE, Kind.UPDATE, Kind.REVOKE]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_digests(root: Path, summary: dict) -> None:
    """Every file the summary says it read has, on disk, the digest and size it recorded."""
    entries = []
    for value in summary.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and "sha256" in item and "file" in item:
                entries.append(item)
    assert entries
    for item in entries:
        assert sha(root / item["file"]) == item["sha256"], item["file"]
        assert (root / item["file"]).stat().st_size == item["size"]


def assert_canonical(rb) -> None:  # noqa: ANN001
    """The digest is that of the canonical bytes, which are the summary."""
    assert rb.sha256 == hashlib.sha256(rb.data).hexdigest()
    assert json.loads(rb.data) == rb.summary


def send(renderer, snap, kind=Kind.PUBLISH):  # noqa: ANN001, ANN201
    env = envelope(renderer.name, snap, kind)
    files = renderer.render(env)
    return env, files, renderer.read_back(env, files)


# -- web -----------------------------------------------------------------------------------------

def test_web_read_back_names_each_version_and_its_digests_match(tmp_path):
    r = WebRenderer(tmp_path)
    numbers = [N1, N2, N3, N3]
    for snap, kind, number in zip(chain(), KINDS, numbers, strict=False):
        env, files, rb = send(r, snap, kind)
        s = rb.summary
        assert (s["channel"], s["version"], s["number"], s["kind"]) == (
            "web", snap.version, number, kind.value)
        assert s["page"]["shows"]["number"] == number and number in s["note"]
        assert s["page"]["sha256"] == sha(files[0])
        titles = {f["file"]: f["entry"]["title"] for f in s["feeds"]}
        mark = {Kind.PUBLISH: "", Kind.UPDATE: "RALAT: ", Kind.REVOKE: "DICABUT: "}[kind]
        assert set(titles) == {"rss.xml", "atom.xml", "feed.json"}
        assert all(t.startswith(f"{mark}{number} — ") for t in titles.values()), titles
        assert_digests(r.root, s)
        assert_canonical(rb)
    assert s["page"]["shows"]["notice"] == "dicabut"
    assert r.read_back(env, files).sha256 == rb.sha256  # same output read again: same digest


def test_web_read_back_of_an_alert_lists_its_cap_identifier(tmp_path):
    r = WebRenderer(tmp_path)
    _, _, rb = send(r, snapshot("banjir", klasifikasi="serta-merta"))
    alert, index = rb.summary["cap"]
    assert alert["msg_type"] == "Alert" and alert["identifier"].endswith(".v1.publish")
    assert index["file"] == "cap/index.xml" and index["entry"]["id"] == alert["identifier"]
    assert_digests(r.root, rb.summary)


def test_web_page_of_the_previous_version_fails_the_read_back(tmp_path):
    r = WebRenderer(tmp_path)
    v1, v2 = chain()[:2]
    _, files, _ = send(r, v1)
    old_page = files[0].read_bytes()
    env = envelope("web", v2, Kind.UPDATE)
    files = r.render(env)
    files[0].write_bytes(old_page)  # a stale writer put version 1 back after the render
    with pytest.raises(ReadBackError, match=N2):
        r.read_back(env, files)
    assert isinstance(ReadBackError("x"), TransientRenderError)  # the worker renders again


def test_web_stale_feed_fails_the_read_back(tmp_path):
    r = WebRenderer(tmp_path)
    v1, v2 = chain()[:2]
    send(r, v1)
    old = {n: (r.root / n).read_bytes() for n in ("rss.xml", "atom.xml", "feed.json")}
    env = envelope("web", v2, Kind.UPDATE)
    files = r.render(env)
    for name, data in old.items():
        (r.root / name).write_bytes(data)
        with pytest.raises(ReadBackError, match="RALAT|bertanggal"):
            r.read_back(env, files)
        r.rebuild("Pengumuman")  # the feeds as the render left them
        r.read_back(env, files)


def test_feed_readers_agree(tmp_path):
    """The stdlib fallback (workers without feedparser installed) reads the same entries."""
    r = WebRenderer(tmp_path)
    for snap, kind in zip(chain(), KINDS[:3], strict=False):
        send(r, snap, kind)
    send(r, snapshot("banjir", klasifikasi="serta-merta", ident=9))
    for name in ("rss.xml", "atom.xml", "cap/index.xml"):
        data = (r.root / name).read_bytes()
        keep = ("id", "title", "link", "updated", "enclosures")
        ours = [{k: e[k] for k in keep} for e in etree_entries(data)]
        theirs = [{k: e[k] for k in keep} for e in feed_entries(data)]
        assert ours == theirs and len(ours) == len(feedparser.parse(data).entries), name


# -- radio ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("audio", [True, False], ids=["audio", "naskah"])
def test_radio_read_back_finds_this_versions_episode(tmp_path, audio):
    settings = RadioSettings(tts="espeak-ng" if audio else "none")
    r = RadioRenderer(tmp_path, settings, engine=Tone() if audio else None)
    for snap, kind in zip(chain(), KINDS, strict=False):
        env, files, rb = send(r, snap, kind)
        entry = rb.summary["feed"]["entry"]
        suffix = "" if snap.version == 1 else f"-v{snap.version}"
        assert entry["id"] == f"{snap.key}{suffix}"
        assert snap.number in entry["title"]
        if audio:
            mp3 = next(f for f in files if f.suffix == ".mp3")
            assert entry["enclosure"]["sha256"] == sha(mp3)
            assert int(entry["enclosure"]["length"]) == mp3.stat().st_size
            assert entry["enclosure"]["href"].endswith(f"/audio/{mp3.name}")
        else:
            assert "enclosure" not in entry and entry["script_sha256"]
        assert_digests(r.root, rb.summary)
        assert_canonical(rb)
    assert entry["title"].startswith(f"DICABUT: {N3}")


def test_radio_mp3_changed_after_render_fails_the_read_back(tmp_path):
    r = RadioRenderer(tmp_path, RadioSettings(), engine=Tone())
    env, files, _ = send(r, chain()[0])
    mp3 = next(f for f in files if f.suffix == ".mp3")
    mp3.write_bytes(mp3.read_bytes()[:-100])  # the station would download other bytes
    with pytest.raises(ReadBackError, match="panjang"):
        r.read_back(env, files)


def test_radio_feed_of_the_previous_version_fails_the_read_back(tmp_path):
    r = RadioRenderer(tmp_path, RadioSettings(tts="none"))
    send(r, chain()[0])
    old = (r.root / "feed.xml").read_bytes()
    env = envelope("radio", chain()[1], Kind.UPDATE)
    files = r.render(env)
    (r.root / "feed.xml").write_bytes(old)
    with pytest.raises(ReadBackError, match="-v2"):
        r.read_back(env, files)


# -- videotron -----------------------------------------------------------------------------------

def test_videotron_read_back_lists_this_version_then_drops_the_revoked_key(tmp_path):
    r = VideotronRenderer(tmp_path)
    for snap, kind in zip(chain(), KINDS, strict=False):
        env, files, rb = send(r, snap, kind)
        entry = rb.summary["playlist"]["entry"]
        if kind == Kind.REVOKE:
            assert entry is None and "dicabut" in rb.summary["note"]
        else:
            assert (entry["key"], entry["version"], entry["number"]) == (
                snap.key, snap.version, snap.number)
            read = {f["file"]: f["sha256"] for f in rb.summary["files"]}
            assert {f"slides/{p.name}" for p in files if p.suffix == ".png"} <= set(read)
            assert all(read[f"slides/{p.name}"] == sha(p) for p in files if p.suffix == ".png")
        assert_digests(r.root, rb.summary)
        assert_canonical(rb)


def test_videotron_read_back_covers_the_mp4(tmp_path, monkeypatch):
    pytest.importorskip("av")
    monkeypatch.setenv("WARTA_VIDEOTRON_VIDEO", "true")
    monkeypatch.setenv("WARTA_VIDEOTRON_WIDTH", "320")
    monkeypatch.setenv("WARTA_VIDEOTRON_HEIGHT", "192")
    r = VideotronRenderer(tmp_path, Settings().videotron)
    _, files, rb = send(r, snapshot("renstra"))
    mp4 = next(f for f in files if f.suffix == ".mp4")
    assert rb.summary["playlist"]["entry"]["video"] == f"slides/{mp4.name}"
    assert {f["file"]: f["sha256"] for f in rb.summary["files"]}[f"slides/{mp4.name}"] == sha(mp4)


def test_videotron_missing_slide_or_stale_playlist_fails_the_read_back(tmp_path):
    r = VideotronRenderer(tmp_path)
    send(r, chain()[0])
    old = (r.root / "playlist.json").read_bytes()
    env = envelope("videotron", chain()[1], Kind.UPDATE)
    files = r.render(env)
    night = files[0].with_name(files[0].stem + "-malam.png")
    night.unlink()
    with pytest.raises(ReadBackError, match="hilang"):
        r.read_back(env, files)
    (r.root / "playlist.json").write_bytes(old)
    with pytest.raises(ReadBackError, match="versi 1"):
        r.read_back(env, files)


# -- print ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("extraction", ["pdftotext", "python"])
def test_print_read_back_names_heading_and_numbers(tmp_path, monkeypatch, extraction):
    if extraction == "python":  # the print PC without poppler-utils
        monkeypatch.setattr(pdftext.shutil, "which", lambda name: None)
    elif not pdftext.shutil.which("pdftotext"):
        pytest.skip("pdftotext is not installed")
    r = NoticeboardRenderer(tmp_path)
    expected = [("PENGUMUMAN", N1, None), ("RALAT PENGUMUMAN", N2, N1),
                ("RALAT PENGUMUMAN", N3, N2), ("PENCABUTAN PENGUMUMAN", N3, None)]
    for snap, kind, (heading, number, corrects) in zip(chain(), KINDS, expected, strict=False):
        env, files, rb = send(r, snap, kind)
        assert len(rb.summary["files"]) == 2  # the board copy and the file copy
        for read, path in zip(rb.summary["files"], files, strict=False):
            assert read["sha256"] == sha(path)
            assert read["shows"]["heading"] == heading and read["shows"]["number"] == number
            assert read["shows"].get("corrects") == corrects
        assert rb.summary["pdf_reader"] == ("warta-pdfteks" if extraction == "python" else "pdftotext")
        assert_canonical(rb)


def test_print_pdf_of_the_previous_version_fails_the_read_back(tmp_path, monkeypatch):
    r = NoticeboardRenderer(tmp_path)
    _, first, _ = send(r, chain()[0])
    env = envelope("print", chain()[1], Kind.UPDATE)
    files = r.render(env)
    files[0].write_bytes(first[0].read_bytes())
    with pytest.raises(ReadBackError, match="RALAT PENGUMUMAN"):
        r.read_back(env, files)
    monkeypatch.setattr(pdftext.shutil, "which", lambda name: None)
    with pytest.raises(ReadBackError, match="RALAT PENGUMUMAN"):
        r.read_back(env, files)


def test_print_never_sends_a_pdf_that_fails_its_read_back_to_paper(tmp_path, monkeypatch):
    """With a printer set, the board copy is read back before ``lp``: a wrong PDF is not printed
    and the failure is an ordinary transient one (nothing is on paper yet)."""
    printed = []
    r = NoticeboardRenderer(tmp_path, PrintSettings(printer="papan"))
    monkeypatch.setattr(r, "print_file", lambda path, snap: printed.append(path))
    monkeypatch.setattr(noticeboard.render, "notice_for", _wrong_number(noticeboard.render.notice_for))
    with pytest.raises(TransientRenderError, match="tidak dicetak") as caught:
        r.render(envelope("print", chain()[0]))
    assert not isinstance(caught.value, ReadBackError) and printed == []


def _wrong_number(real):  # noqa: ANN001, ANN202
    from dataclasses import replace

    return lambda env: replace(real(env), number_line="NOMOR 999/LAIN/2026")


# -- the default, and what it costs ----------------------------------------------------------------

def test_default_read_back_hashes_the_files_it_made(tmp_path):
    r = NoopRenderer(tmp_path)
    env = envelope("web", snapshot())  # the no-op renderer stands in for any channel
    files = r.render(env)
    rb = r.read_back(env, files)
    assert rb.summary["channel"] == "noop"
    assert rb.summary["files"] == [{"file": files[0].name, "size": files[0].stat().st_size,
                                    "sha256": sha(files[0])}]
    files[0].unlink()
    with pytest.raises(ReadBackError, match="hilang"):
        r.read_back(env, files)


def test_added_cost_per_render(tmp_path, monkeypatch, capsys):
    """Render and read-back time per message and channel, with full feeds (50 entries: the
    default ``feed_items``, where reading them costs most), printed (``-s`` shows it). The bound
    is loose on purpose (shared CI machines): the figures go to the docs and the report."""
    monkeypatch.setenv("WARTA_RADIO_TTS", "none")  # audio synthesis would dwarf everything
    renderers = {"web": WebRenderer(tmp_path), "radio": RadioRenderer(tmp_path, Settings().radio),
                 "videotron": VideotronRenderer(tmp_path), "print": NoticeboardRenderer(tmp_path)}
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    rows = []
    for name, r in renderers.items():
        seed = 50 if name in ("web", "radio") else 0
        timed = 6
        render_s = read_s = 0.0
        for i in range(seed + timed):
            snap = snapshot("renstra", number=f"{100 + i}/PENG/2026", ident=i,
                            approved_at=start + timedelta(hours=i))
            env = envelope(name, snap)
            began = time.perf_counter()
            files = r.render(env)
            mid = time.perf_counter()
            r.read_back(env, files)
            if i >= seed:
                render_s, read_s = render_s + mid - began, read_s + time.perf_counter() - mid
        rows.append((name, render_s / timed * 1000, read_s / timed * 1000))
        assert read_s / timed < 0.5, name
    with capsys.disabled():
        print("\nread-back cost (ms per message): channel, render, read-back, added %")
        for name, render_ms, read_ms in rows:
            print(f"  {name:9s} {render_ms:8.1f} {read_ms:8.2f} {100 * read_ms / render_ms:6.1f}%")
