"""The fault suite's machinery: a run of real subprocess services (bench.harness.Run) with the REAL
renderers of all four channels and a fake ``lp`` (tests/faults/fake_lp.py), a workload of
publications, ralat and revocations, a chaos thread (random SIGKILLs, a supervisor that restarts
what died), and — after the run — a ledger read from the public artifacts themselves plus a
history check in Jepsen's sense.

Nothing is counted from files named after message ids (a repeated render would overwrite them and
hide the duplicate): slides listed in ``videotron/playlist.json``, entries of ``web/rss.xml``
(feedparser), CAP files under ``web/cap/``, episodes of ``radio/feed.xml``, PDFs under ``print/``,
paper jobs in the fake ``lp``'s log and ``manifest.json`` files in the archive."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.harness import CHANNELS, ROOT, Run, machine, rabbitmq_version, wait_for

RESULTS = ROOT / "bench" / "results" / "faults.json"
FAKE_LP = Path(__file__).with_name("fake_lp.py")
FINAL = {"confirmed", "superseded", "revoked"}
SERVICES = ["relay", "archiver", *(f"worker-{ch}" for ch in CHANNELS)]
FAST = {"WARTA_POLL_INTERVAL": "0.05", "WARTA_RETRY_TIERS": "1,2,3", "WARTA_QUICK_RETRY_WAIT": "0.01",
        "WARTA_VISIBILITY_TIMEOUT": "4", "WARTA_RELAY_LEASE": "2", "WARTA_PREFETCH": "4",
        "WARTA_HEARTBEAT": "5",
        # radio without speech synthesis (script, feed and episode only): espeak-ng + LUFS
        # mastering would take seconds per message on this machine; the feed logic is the same
        "WARTA_RADIO_TTS": "none",
        # every announcement stays in the aggregates, so the counts see all of them
        "WARTA_WEB_FEED_ITEMS": "1000", "WARTA_RADIO_FEED_ITEMS": "1000",
        "WARTA_VIDEOTRON_PLAY_PORT": "0", "WARTA_VIDEOTRON_PLAY_REPORT": "false",
        # the relay's and archiver's console-format lines go to stdout, block-buffered into the log
        # file: unbuffered, the suite's waits see an event when it happens (not at exit)
        "PYTHONUNBUFFERED": "1"}
CAP_ID = re.compile(r"\.([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.v(\d+)\.(\w+)")
PDF_NAME = re.compile(r"-(\d+)-(pengumuman|ralat-v\d+|perubahan-v\d+|pencabutan)\.pdf$")


def n_announcements(default: int) -> int:
    """Scenario size (``WARTA_FAULTS_N`` overrides every scenario, e.g. for a quicker run)."""
    return int(os.environ.get("WARTA_FAULTS_N", default))


def broker_up() -> bool:
    """True when the local RabbitMQ answers an AMQP handshake."""
    return rabbitmq_version() != "unknown"


def new_run(tmp: Path, transport: str, **env: str) -> Run:
    """A run with short retry tiers, the real renderers and a fake printer whose ``lp`` logs jobs
    to ``<tmp>/lp.log``. ``env`` overrides (e.g. ``WARTA_BROKER`` of a suite-owned node)."""
    tmp.mkdir(parents=True, exist_ok=True)
    lp = tmp / "lp"
    # lp_command is one program name: a wrapper runs the fake with this interpreter
    lp.write_text(f"#!/bin/sh\nexec {sys.executable} {FAKE_LP} \"$@\"\n")
    lp.chmod(0o755)
    run = Run(tmp, transport, extra_env={**FAST, "WARTA_PRINT_PRINTER": "papan-uji",
                                         "WARTA_PRINT_LP_COMMAND": str(lp),
                                         "WARTA_FAKE_LP_LOG": str(tmp / "lp.log"), **env})
    run.setup()
    return run


# -- the workload ------------------------------------------------------------------------------


@dataclass
class Workload:
    """Publications on all four channels (every fourth serta-merta: urgent queue and CAP), and
    during the run a ralat of some and a revocation of others (some revoked after their ralat)."""

    run: Run
    n: int
    seed: int
    items: list[int] = field(default_factory=list)
    ralats: list[int] = field(default_factory=list)
    revoked: list[int] = field(default_factory=list)
    refused: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        self.drafts = [self.run.draft(f"Uji galat {i}", CHANNELS,
                                      klasifikasi="serta-merta" if i % 4 == 3 else "berkala")
                       for i in range(self.n)]

    def _retrying(self, action, what: str, timeout: float = 120):  # noqa: ANN001, ANN202
        """A person's action that may be refused while a disk is full: try again until it goes
        through (the error is the database's own; nothing half-done stays, by the transaction)."""
        def attempt():  # noqa: ANN202
            try:
                return ("ok", action())
            except Exception as exc:  # noqa: BLE001 - sqlite 'database or disk is full' etc.
                self.refused += 1
                return None if "full" in str(exc).lower() or "disk" in str(exc).lower() else (
                    "error", exc)
        outcome = wait_for(attempt, timeout, what, interval=0.2)
        if outcome[0] == "error":
            raise outcome[1]
        return outcome[1]

    def approve(self, i: int) -> None:
        """The Kepala Dinas' final approval of draft ``i``."""
        item = self.drafts[i]
        self._retrying(lambda: self.run.final_approve(item), f"approval of #{item}")
        self.items.append(item)

    def ralat(self, item: int) -> int:
        """A correction of ``item`` through the whole chain (new title and body)."""
        w, ids = self.run.w, self.run.ids
        title = w.queries.get_item(item)["title"]
        corr = self._retrying(lambda: w.drafting.revise(ids["pelaksana1"], item, title=f"{title} (ralat)",
                                                        body="Isi pengumuman yang diperbaiki."), "ralat")
        self._retrying(lambda: w.review.submit(ids["pelaksana1"], corr), "ralat submit")
        for who in ("kabid1", "sekretaris1", "kadis1"):
            self._retrying(lambda who=who: w.review.approve(ids[who], corr), f"ralat approval {who}")
        self.ralats.append(corr)
        return corr

    def revoke(self, item: int) -> None:
        """The Kepala Dinas revokes ``item`` (every version of its key)."""
        self._retrying(lambda: self.run.w.review.revoke(self.run.ids["kadis1"], item, "Uji pencabutan"),
                       "revocation")
        self.revoked.append(item)

    def play(self, on_half=None) -> None:  # noqa: ANN001
        """Approve everything in order; after each approval maybe correct or revoke an earlier
        announcement; ``on_half(run)`` is called once half the drafts are approved."""
        fresh = []
        for i in range(self.n):
            self.approve(i)
            fresh.append(self.drafts[i])
            if on_half is not None and i == self.n // 2:
                on_half(self.run)
            if len(fresh) > 2 and self.rng.random() < 0.35:
                target = fresh.pop(self.rng.randrange(len(fresh) - 1))
                if self.rng.random() < 0.6:
                    corr = self.ralat(target)
                    if self.rng.random() < 0.3:
                        self.revoke(corr)  # a ralat, then its revocation
                else:
                    self.revoke(target)


# -- chaos -------------------------------------------------------------------------------------


class Chaos(threading.Thread):
    """A supervisor (as systemd's Restart=always) that restarts any service that exited, and —
    when ``kill_every`` is set — SIGKILLs a random service at random times (uniform in
    ``kill_every``), whatever it is doing: mid-render, mid-receipt, mid-transaction."""

    def __init__(self, run: Run, seed: int, kill_every: tuple[float, float] | None = None,
                 env: dict[str, dict] | None = None) -> None:
        super().__init__(daemon=True)
        self.r, self.kill_every, self.env = run, kill_every, env or {}
        self.killing = kill_every is not None
        self.rng = random.Random(seed)
        self.halt = threading.Event()
        self.kills: Counter = Counter()
        self.restarts: Counter = Counter()
        self.lock = threading.Lock()

    def respawn(self, name: str) -> None:
        """Start ``name`` again exactly as Run.start_services did."""
        args = [name] if name in ("relay", "archiver") else ["worker", name.removeprefix("worker-")]
        self.r.spawn(name, *args, env=self.env.get(name))

    def start_services(self) -> None:
        """Relay, archiver and one worker per channel, each with its own extra environment."""
        for name in SERVICES:
            self.respawn(name)

    def run(self) -> None:  # noqa: D102 - threading.Thread
        next_kill = time.monotonic() + (self.rng.uniform(*self.kill_every) if self.kill_every else 1e12)
        while not self.halt.wait(0.1):  # the supervisor's polling interval, not synchronisation
            with self.lock:
                for name in SERVICES:
                    proc = self.r.procs.get(name)
                    if proc is not None and proc.poll() is not None:
                        self.restarts[name] += 1
                        self.respawn(name)
                if self.killing and time.monotonic() >= next_kill:
                    victim = self.rng.choice(SERVICES)
                    proc = self.r.procs[victim]
                    if proc.poll() is None:
                        os.killpg(proc.pid, signal.SIGKILL)  # the whole group: lp children too
                        proc.wait(30)
                        self.kills[victim] += 1
                    self.respawn(victim)
                    next_kill = time.monotonic() + self.rng.uniform(*self.kill_every)

    def stop(self) -> None:
        """No more kills; the supervisor ends too (the services keep running)."""
        self.halt.set()
        self.join(30)


# -- reading the database ----------------------------------------------------------------------


def deliveries(run: Run) -> list[dict]:
    """Every delivery with its announcement's key, version, number, title and class."""
    from sqlalchemy import select

    from shared.models import Announcement, Delivery

    with run.w.ctx.read() as s:
        rows = s.execute(select(Delivery, Announcement).join(
            Announcement, Announcement.id == Delivery.announcement_id)).all()
        return [{"id": d.id, "announcement_id": a.id, "key": a.key, "channel": d.channel,
                 "kind": d.kind, "state": d.state, "message_id": d.message_id,
                 "version": a.version, "number": a.number, "title": a.title,
                 "klasifikasi": str(a.klasifikasi), "item_state": str(a.state)} for d, a in rows]


def versions(run: Run) -> dict[str, list[dict]]:
    """Per key, the approved versions (those with a number) in version order."""
    from sqlalchemy import select

    from shared.models import Announcement

    with run.w.ctx.read() as s:
        rows = s.execute(select(Announcement).where(Announcement.number.is_not(None))).scalars().all()
        out: dict[str, list[dict]] = defaultdict(list)
        for a in rows:
            out[a.key].append({"id": a.id, "version": a.version, "number": a.number,
                               "title": a.title, "state": str(a.state),
                               "klasifikasi": str(a.klasifikasi)})
    return {k: sorted(v, key=lambda r: r["version"]) for k, v in out.items()}


def audit_actions(run: Run, item_ids: set[int], actions: set[str]) -> list[tuple[int, str]]:
    """Audit events with one of ``actions`` on the given announcements."""
    from sqlalchemy import select

    from shared.models import AuditEvent

    with run.w.ctx.read() as s:
        return [(a, act) for a, act in s.execute(
            select(AuditEvent.announcement_id, AuditEvent.action)
            .where(AuditEvent.action.in_(actions))).all() if a in item_ids]


def settle(run: Run, timeout: float) -> bool:
    """Wait until every delivery is final (confirmed, superseded, revoked) or parked."""
    try:
        wait_for(lambda: all(d["state"] in FINAL | {"parked"} for d in deliveries(run)), timeout,
                 "every delivery final or parked", interval=0.5)
        return True
    except TimeoutError:
        return False


def lp_jobs(run: Run) -> list[dict]:
    """Paper jobs from the fake lp's log, in print order."""
    log = run.workdir / "lp.log"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def pdf_basename(d: dict) -> str:
    """The board PDF a print delivery makes (``channels.noticeboard.render.pdf_path``)."""
    from channels.base import safe_slug

    what = {"publish": "pengumuman", "revoke": "pencabutan"}.get(d["kind"], f"ralat-v{d['version']}")
    return f"{safe_slug(d['number'])}-{d['announcement_id']}-{what}.pdf"


def person_redrives(run: Run) -> tuple[dict, list[str]]:
    """What the PPID does with parked print jobs ("mungkin sudah tercetak"): looks at the printer
    (the fake lp's log) and, for a job that DID come out, declares it printed
    (``warta redrive ID --printed``: the worker makes the PDFs again as proof, prints nothing and
    confirms); only a job missing from the log is redriven to print (``warta redrive ID``).
    Returns ({"printed": n, "again": n}, notes on parked deliveries left alone)."""
    printed = {Path(j["file"]).name for j in lp_jobs(run)}
    done_by: Counter = Counter()
    left: list[str] = []
    for d in deliveries(run):
        if d["state"] != "parked":
            continue
        if d["channel"] != "print":
            left.append(f"{d['channel']} delivery #{d['id']} ({d['kind']} v{d['version']}) parked")
            continue
        decision = "printed" if pdf_basename(d) in printed else "again"
        args = ["redrive", str(d["id"]), *(["--printed"] if decision == "printed" else []), "--json"]
        done = subprocess.run([sys.executable, "-m", "warta.cli", *args], cwd=ROOT, env=run.env(),
                              capture_output=True, text=True, timeout=120)
        if done.returncode == 0:
            done_by[decision] += 1
        else:
            left.append(f"redrive{' --printed' if decision == 'printed' else ''} of print delivery "
                        f"#{d['id']} failed: {(done.stderr or done.stdout).strip()[-200:]}")
    return dict(done_by), left


def redrive_note(done_by: dict) -> str:
    """The row's note on what the PPID decided about parked paper jobs."""
    parts = []
    if done_by.get("printed"):
        parts.append(f"{done_by['printed']} parked paper job(s) found in the lp log declared printed "
                     "by the PPID (redrive --printed: no second print)")
    if done_by.get("again"):
        parts.append(f"{done_by['again']} parked paper job(s) missing from the lp log redriven to print")
    return "; ".join(parts)


# -- reading the public artifacts --------------------------------------------------------------


def public_state(out: Path) -> dict:
    """What the public sees, per channel and key, read from the artifacts; and every listing
    (with repeats) for the duplicate count."""
    import feedparser

    seen: dict = {"videotron": {}, "web": {}, "radio": {}, "cap": defaultdict(list)}
    listed: dict[str, Counter] = {"slides": Counter(), "playlist": Counter(), "rss": Counter(),
                                  "radio": Counter(), "cap": Counter()}
    playlist = out / "videotron" / "playlist.json"
    if playlist.exists():
        for entry in json.loads(playlist.read_text())["items"]:
            listed["playlist"][entry["key"]] += 1
            for slide in entry.get("slides", []):
                listed["slides"][slide["src"]] += 1
            seen["videotron"][entry["key"]] = {"version": entry["version"], "title": entry["title"],
                                               "number": entry["number"],
                                               "slides_present": all((out / "videotron" / sl["src"]).is_file()
                                                                     for sl in entry.get("slides", []))}
    for feed, name in ((out / "web" / "rss.xml", "web"), (out / "radio" / "feed.xml", "radio")):
        if not feed.exists():
            continue
        for e in feedparser.parse(str(feed)).entries:
            m = re.match(r"^(.*?)(?:-v(\d+))?$", e.id)
            key = m.group(1)
            listed["rss" if name == "web" else "radio"][key] += 1
            seen[name][key] = {"title": e.title, "version": int(m.group(2) or 1),
                               "withdrawn": e.title.startswith("DICABUT")}
    for path in sorted((out / "web" / "cap").glob("*.xml")) if (out / "web" / "cap").exists() else []:
        if path.name == "index.xml":
            continue
        root = ET.parse(path).getroot()
        ns = {"c": root.tag.split("}")[0].strip("{")}
        ident = root.findtext("c:identifier", namespaces=ns) or ""
        m = CAP_ID.search(ident)
        if not m:
            continue
        listed["cap"][(m.group(1), int(m.group(2)))] += 1
        seen["cap"][m.group(1)].append({"version": int(m.group(2)),
                                        "msg_type": root.findtext("c:msgType", namespaces=ns)})
    pdfs = [p for p in (out / "print").rglob("*.pdf") if not p.name.endswith("-arsip.pdf")] \
        if (out / "print").exists() else []
    return {"seen": seen, "listed": listed, "pdfs": {p.name for p in pdfs}}


def manifests(archive: Path) -> list[dict]:
    """Every archived manifest.json (the proofs filed)."""
    return [json.loads(p.read_text()) for p in archive.rglob("manifest.json")] if archive.exists() else []


# -- the ledger and the history check ----------------------------------------------------------


def ledger(run: Run, scenario: str, notes: list[str], out: Path | None = None,
           archive: Path | None = None) -> dict:
    """The scenario's row: counts from the database and from the artifacts, and the history check.

    For every announcement key and every channel it was sent to, the public output must equal the
    last approved version (or its withdrawal when revoked); and every delivery must agree with the
    output: confirmed ⇒ that version or a newer one shown (print: its PDF exists and exactly one
    paper job for it), superseded ⇒ a newer version (or the withdrawal) shown, revoked ⇒ the
    withdrawal shown. A delivery that breaks its rule is a false confirmation; one not final is lost."""
    out = out or run.settings.out
    archive = archive or run.settings.archive
    ds = deliveries(run)
    fam = versions(run)
    pub = public_state(out)
    seen, listed = pub["seen"], pub["listed"]
    jobs = lp_jobs(run)
    printed = Counter(Path(j["file"]).name for j in jobs)
    problems: list[str] = []

    # expected public state per (key, channel)
    sent: dict[str, set[str]] = defaultdict(set)
    withdrawn: set[str] = set()
    for d in ds:
        sent[d["key"]].add(d["channel"])
        if d["kind"] == "revoke":
            withdrawn.add(d["key"])
    pairs, correct = 0, 0

    def shown(channel: str, key: str) -> tuple[int | None, bool]:
        """(version shown, withdrawn?) on ``channel`` for ``key``; (None, False) when absent."""
        if channel == "videotron":
            e = seen["videotron"].get(key)
            return (None, True) if e is None else (e["version"], False)  # revoked: off the screen
        if channel == "web":  # the entry's id is the key: its title names the version's number
            e = seen["web"].get(key)
            if e is None:
                return None, False
            head = e["title"].split(" — ", 1)[0]
            version = next((v["version"] for v in fam.get(key, []) if head.endswith(v["number"])), None)
            return version, e["withdrawn"]
        if channel == "radio":  # the episode's id is the key, with -vN from the second version
            e = seen["radio"].get(key)
            return (None, False) if e is None else (e["version"], e["withdrawn"])
        # print: the last paper job of this key says what hangs on the board
        ids = {v["id"] for v in fam.get(key, [])}
        last = None
        for j in jobs:
            m = PDF_NAME.search(Path(j["file"]).name)
            if m and int(m.group(1)) in ids:
                last = m.group(2)
        if last is None:
            return None, False
        if last == "pencabutan":
            return None, True
        return (int(last.rsplit("-v", 1)[1]) if "-v" in last else 1), False

    for key, chans in sent.items():
        vs = fam[key]
        last = vs[-1]
        for ch in sorted(chans):
            pairs += 1
            version, gone = shown(ch, key)
            if key in withdrawn:
                ok = gone
            else:
                ok = version == last["version"] and not gone
                if ok and ch in ("web", "radio"):
                    ok = seen[ch][key]["title"].endswith(f"{last['number']} — {last['title']}")
                if ok and ch == "videotron":
                    e = seen["videotron"][key]
                    ok = e["title"] == last["title"] and e["slides_present"]
            if ok and ch == "web" and last["klasifikasi"] == "serta-merta":
                caps = sorted(seen["cap"].get(key, []), key=lambda c: c["version"])
                ok = bool(caps) and (caps[-1]["msg_type"] == "Cancel" if key in withdrawn
                                     else caps[-1]["version"] == last["version"])
            correct += ok
            if not ok:
                problems.append(f"{ch} shows {key[:8]} as v{version}{' (withdrawn)' if gone else ''}; "
                                f"expected {'withdrawal' if key in withdrawn else 'v%d' % last['version']}")

    # every delivery against the output
    false_conf, lost, final = 0, 0, 0
    for d in ds:
        if d["state"] not in FINAL:
            lost += 1
            problems.append(f"lost: {d['channel']} {d['kind']} v{d['version']} #{d['announcement_id']} "
                            f"is {d['state']}")
            continue
        final += 1
        version, gone = shown(d["channel"], d["key"])
        if d["state"] == "confirmed":
            ok = gone or (version is not None and version >= d["version"])
        elif d["state"] == "superseded":
            ok = gone or (version is not None and version > d["version"])
        else:  # revoked
            ok = gone
        if d["channel"] == "print" and d["state"] in ("confirmed", "revoked"):
            ok = ok and pdf_basename(d) in pub["pdfs"] and printed[pdf_basename(d)] >= 1
        if not ok:
            false_conf += 1
            problems.append(f"false {d['state']}: {d['channel']} {d['kind']} v{d['version']} "
                            f"#{d['announcement_id']} but output shows v{version} withdrawn={gone}")

    proofs = manifests(archive)
    proof_ids = Counter(m["message_id"] for m in proofs)
    needs_proof = [d for d in ds if d["state"] in ("confirmed", "revoked")]
    unproven = [d for d in needs_proof if proof_ids[d["message_id"]] == 0]
    if unproven:
        problems.append(f"{len(unproven)} confirmed deliveries without a filed manifest")
    dup = {name: sum(c - 1 for c in counter.values() if c > 1) for name, counter in listed.items()}
    dup["paper"] = sum(c - 1 for c in printed.values() if c > 1)
    dup["manifests"] = sum(c - 1 for c in proof_ids.values() if c > 1)
    print_deliveries = sum(1 for d in ds
                           if d["channel"] == "print" and d["state"] in ("confirmed", "revoked"))
    states = Counter(d["state"] for d in ds)
    return {
        "scenario": scenario, "attempted": len(ds),
        "confirmed": states["confirmed"] + states["revoked"], "superseded": states["superseded"],
        "public_state_correct": f"{correct}/{pairs}", "lost": lost,
        "duplicated": sum(dup.values()), "paper_jobs": len(jobs),
        "print_deliveries": print_deliveries, "false_confirmations": false_conf,
        "unproven": len(unproven),
        "artifacts": {"slides": len(listed["slides"]), "playlist": sum(listed["playlist"].values()),
                      "rss": sum(listed["rss"].values()), "cap": sum(listed["cap"].values()),
                      "episodes": sum(listed["radio"].values()), "pdfs": len(pub["pdfs"]),
                      "manifests": len(proofs)},
        "duplicates": dup, "states": dict(states), "problems": problems[:40],
        "notes": "; ".join(n for n in notes if n),
        "_ok_public": correct == pairs,
    }


def record(transport: str, row: dict) -> None:
    """Merge one scenario's row into bench/results/faults.json (written even when it fails)."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"rows": {}}
    if "suite" not in data:  # rows of the old recording-renderer suite mean nothing here
        data = {"suite": 2, "rows": {}}
    data["machine"] = machine()
    clean = {k: v for k, v in row.items() if not k.startswith("_")}
    data["rows"][f"{row['scenario']}/{transport}"] = {"transport": transport, **clean}
    RESULTS.write_text(json.dumps(data, indent=1, ensure_ascii=False))


def check(row: dict) -> None:
    """The suite's bar: nothing lost, nothing duplicated, one paper job per print delivery, no
    false confirmation, every public output right, every confirmation with its proof."""
    assert row["lost"] == 0, row
    assert row["duplicated"] == 0, row
    assert row["paper_jobs"] == row["print_deliveries"], row
    assert row["false_confirmations"] == 0, row
    assert row["_ok_public"], row
    assert row["unproven"] == 0, row
