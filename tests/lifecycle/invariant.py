"""The lifecycle invariant, checked on every channel's public output and on the deliveries:
each channel shows exactly the latest approved version of an announcement (or its withdrawal),
and a delivery is ``confirmed`` only where its version really reached the channel.

:func:`check_story` returns the failures as lines ``<story>/<channel>: what`` (never raises), so a
run reports every cell and channel that breaks the invariant at once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tests.lifecycle import readers
from tests.lifecycle.chain import CHANNELS, Story


@dataclass
class Public:
    """Every public output of one home, read once per check."""

    out: Path
    feeds: dict[str, list[readers.FeedEntry]]
    alerts: list[readers.CapAlert]
    cap_index: list[readers.CapIndexEntry]
    radio: list[readers.Episode]
    scripts: list
    playlist: dict[str, dict]
    pdfs: list[tuple[Path, str]] | None
    """None when ``pdftotext`` is missing."""
    imported: dict[str, list[readers.Episode]] = field(default_factory=dict)
    """What the station imported at the poll before this check, by announcement key."""

    @classmethod
    def read(cls, out: Path, station: readers.Station | None = None) -> Public:
        imported: dict[str, list[readers.Episode]] = {}
        if station is not None:
            for ep in station.poll():
                imported.setdefault(ep.guid.split("-v")[0], []).append(ep)
        return cls(out=out, feeds=readers.web_feeds(out), alerts=readers.cap_alerts(out),
                   cap_index=readers.cap_index(out), radio=readers.radio_feed(out),
                   scripts=readers.radio_scripts(out), playlist=readers.playlist(out),
                   pdfs=readers.printed(out) if readers.pdftotext_path() else None,
                   imported=imported)


def check_all(stories: list[Story], pub: Public, w) -> list[str]:  # noqa: ANN001
    """Every story, plus what holds across all of them (CAP schema, unique identifiers)."""
    failures = []
    for alert in pub.alerts:
        if not alert.valid:
            failures.append(f"*/web: {alert.path.name} is not valid CAP 1.2: {alert.errors[:300]}")
    idents = [a.identifier for a in pub.alerts]
    dup = sorted({i for i in idents if idents.count(i) > 1})
    if dup:
        failures.append(f"*/web: CAP identifiers used twice: {dup}")
    for story in stories:
        failures += check_story(story, pub, w)
    return failures


def check_story(story: Story, pub: Public, w) -> list[str]:  # noqa: ANN001
    fails: list[str] = []
    if not story.public:
        return _check_absent(story, pub)
    ledger = Ledger.of(story, w)
    for channel, problems in (("deliveries", ledger.problems(story)),
                              ("web", _web(story, pub, ledger)),
                              ("radio", _radio(story, pub, ledger)),
                              ("videotron", _videotron(story, pub)),
                              ("print", _print(story, pub, ledger))):
        fails += [f"{story.name}/{channel}: {p}" for p in problems]
    story.advanced = False
    return fails


# -- deliveries ----------------------------------------------------------------------------------

@dataclass
class Ledger:
    """The deliveries of every version of a story, per channel."""

    by_version: dict[int, dict[str, dict]]
    """version → channel → delivery (of the publication or ralat)."""
    revokes: dict[str, dict]
    """channel → the revocation's delivery."""
    items: dict[int, dict]
    """version → ``w.queries.get_item``."""

    @classmethod
    def of(cls, story: Story, w) -> Ledger:  # noqa: ANN001
        by_version, revokes, items = {}, {}, {}
        for v in story.versions:
            shown = w.queries.get_item(v.item_id)
            items[v.version] = shown
            by_version[v.version] = {d["channel"]: d for d in shown["deliveries"] if d["kind"] != "revoke"}
            for d in shown["deliveries"]:
                if d["kind"] == "revoke":
                    revokes[d["channel"]] = {**d, "item": v.version}
        return cls(by_version, revokes, items)

    def applied(self, channel: str) -> list[int]:
        """The versions that reached ``channel`` (confirmed), in version order, and the
        revocation's version when it was confirmed there."""
        got = [n for n, ds in sorted(self.by_version.items())
               if ds.get(channel, {}).get("state") == "confirmed"]
        if self.revokes.get(channel, {}).get("state") == "revoked":
            got.append(max(self.by_version) + 1)
        return got

    def problems(self, story: Story) -> list[str]:
        out = []
        newest = len(story.versions)
        for n, ds in sorted(self.by_version.items()):
            kind = "publish" if n == 1 else "update"
            if sorted(ds) != sorted(CHANNELS):
                out.append(f"v{n} has deliveries for {sorted(ds)}, expected {sorted(CHANNELS)}")
            for channel, d in sorted(ds.items()):
                where = f"v{n} on {channel}"
                if d["kind"] != kind:
                    out.append(f"{where}: delivery kind {d['kind']!r}, expected {kind!r}")
                if d["state"] not in ("confirmed", "superseded"):
                    out.append(f"{where}: delivery {d['state']!r} (error: {d['last_error']})")
                    continue
                if story.deterministic and d["state"] != "confirmed":
                    out.append(f"{where}: {d['state']!r} although the version was alone on the "
                               f"channel (reason: {d['last_error']})")
                if d["state"] == "confirmed" and not (d["artifacts"] and d["sha256"]):
                    out.append(f"{where}: confirmed without proof (artifacts {d['artifacts']})")
                if d["state"] == "superseded":
                    newer = [m for m in self.applied(channel) if m > n]
                    if not newer:
                        out.append(f"{where}: 'superseded' but no newer version reached {channel} "
                                   f"(applied: {self.applied(channel)}; reason: {d['last_error']})")
                    if d["artifacts"]:
                        out.append(f"{where}: 'superseded' with artifacts {d['artifacts']}")
                if n == newest and not story.revoked and d["state"] != "confirmed":
                    out.append(f"{where}: the newest version is {d['state']!r}, not confirmed "
                               f"(reason: {d['last_error']})")
        for channel in CHANNELS:  # the channel never went back: confirmed in version order
            times = [(m, self.by_version[m][channel]["confirmed_at"])
                     for m in self.applied_versions(channel)]
            if [t for _, t in times] != sorted(t for _, t in times):
                out.append(f"{channel}: versions confirmed out of order: {times}")
        if story.revoked:
            if sorted(self.revokes) != sorted(CHANNELS):
                out.append(f"revocation deliveries for {sorted(self.revokes)}, expected all four")
            for channel, d in sorted(self.revokes.items()):
                if d["state"] != "revoked":
                    out.append(f"revocation on {channel}: {d['state']!r} (error: {d['last_error']})")
                if d["item"] != newest:
                    out.append(f"revocation on {channel} filed under v{d['item']}, not the newest v{newest}")
            for n, shown in sorted(self.items.items()):
                if shown["state"] != "revoked":
                    out.append(f"v{n} (#{shown['id']}) is {shown['state']!r} after the revocation")
                states = {r["version"]: r["public_state"] for r in shown["versions"]
                          if r["version"] is not None}
                if set(states.values()) != {"revoked"}:
                    out.append(f"v{n}: versions' public states after the revocation: {states}")
                if shown.get("revoked_version") != story.revoke_version:
                    out.append(f"v{n}: revoked_version {shown.get('revoked_version')}, expected "
                               f"{story.revoke_version}")
        else:
            if self.revokes:
                out.append(f"revocation deliveries without a revocation: {sorted(self.revokes)}")
            for n, shown in sorted(self.items.items()):
                expect = "current" if n == newest else "superseded"
                if shown["public_state"] != expect:
                    out.append(f"v{n}: public_state {shown['public_state']!r}, expected {expect!r}")
            if self.items[newest]["state"] != "disseminated":
                out.append(f"v{newest}: state {self.items[newest]['state']!r}, expected 'disseminated'")
        return out

    def applied_versions(self, channel: str) -> list[int]:
        return [n for n, ds in sorted(self.by_version.items())
                if ds.get(channel, {}).get("state") == "confirmed"]


# -- web -----------------------------------------------------------------------------------------

def _stale_in(story: Story, text: str) -> list[str]:
    return [t for t in story.stale if t in text]


def _web(story: Story, pub: Public, ledger: Ledger) -> list[str]:
    out = []
    v = story.latest
    prev = story.versions[-2] if len(story.versions) > 1 else None
    links = set()
    for name, entries in sorted(pub.feeds.items()):
        mine = [e for e in entries if e.key == story.key]
        if len(mine) != 1:
            out.append(f"{name}: {len(mine)} entries for the key, expected exactly one")
            continue
        e = mine[0]
        links.add(e.link)
        if story.revoked:
            if not e.title.startswith("DICABUT: "):
                out.append(f"{name}: title {e.title!r} is not a withdrawal entry")
            for want in ("telah dicabut", f"Alasan: {story.reason}"):
                if want not in e.text:
                    out.append(f"{name}: withdrawal entry lacks {want!r}: {e.text[:300]!r}")
        else:
            if v.version > 1 and not e.title.startswith("RALAT: "):
                out.append(f"{name}: title {e.title!r} lacks 'RALAT: ' for v{v.version}")
            if v.version == 1 and (e.title.startswith("RALAT") or e.title.startswith("DICABUT")):
                out.append(f"{name}: title {e.title!r} marks v1 as a ralat/withdrawal")
            if readers.norm(v.body) not in e.text:
                out.append(f"{name}: text is not v{v.version}'s ({v.tag} missing): {e.text[:300]!r}")
            if prev and f"atas pengumuman nomor {prev.number}" not in e.text:
                out.append(f"{name}: no ralat notice naming {prev.number}: {e.text[:300]!r}")
        if v.number not in e.title:
            out.append(f"{name}: title {e.title!r} lacks the number {v.number}")
        stale = _stale_in(story, e.title + " " + e.text)
        if stale:
            out.append(f"{name}: shows stale or unapproved text {stale}")
    if len(links) > 1:
        out.append(f"feeds link to different pages: {sorted(links)}")
    if not links:
        return out
    link = links.pop()
    if story.page_url and link != story.page_url:
        out.append(f"page link moved from {story.page_url} to {link}")
    story.page_url = story.page_url or link
    path = readers.url_path(pub.out, link)
    if not path.is_file():
        return out + [f"page {path.name} linked from the feeds does not exist"]
    page = readers.read_page(path)
    if story.revoked:
        if not page.revoked or "telah dicabut" not in page.revoked[0] \
                or f"Alasan: {story.reason}" not in page.revoked[0]:
            out.append(f"page lacks the withdrawal notice with the reason: {page.revoked}")
    else:
        if page.revoked:
            out.append(f"page shows a withdrawal notice: {page.revoked}")
        if readers.norm(v.body) not in page.text:
            out.append(f"page does not show v{v.version}'s text ({v.tag})")
    if prev and not (page.ralat and f"atas pengumuman nomor {prev.number}" in page.ralat[0]):
        out.append(f"page lacks the RALAT notice naming {prev.number}: {page.ralat}")
    if not prev and page.ralat:
        out.append(f"page of v1 shows a RALAT notice: {page.ralat}")
    stale = _stale_in(story, page.text)
    if stale:
        out.append(f"page shows stale or unapproved text {stale}")
    return out + _cap(story, pub, ledger, link)


def _cap(story: Story, pub: Public, ledger: Ledger, link: str) -> list[str]:
    """CAP: one message per version the web channel applied since the first serta-merta one
    (Alert, then Update, then Cancel), each referencing every earlier one; the index lists the
    newest."""
    out = []
    expected = []
    started = False
    for n in ledger.applied("web"):
        if n > len(story.versions):
            if started:
                expected.append((n, "Cancel"))
            continue
        if not started and story.versions[n - 1].klasifikasi != "serta-merta":
            continue
        expected.append((n, "Update" if started else "Alert"))
        started = True
    mine = sorted((a for a in pub.alerts if a.web == link), key=lambda a: len(a.references))
    got = [a.msg_type for a in mine]
    if got != [t for _, t in expected]:
        out.append(f"CAP messages {got}, expected {[t for _, t in expected]} "
                   f"(web applied versions {ledger.applied('web')})")
    for i, alert in enumerate(mine):
        earlier = {a.triple for a in mine[:i]}
        if set(alert.references) != earlier:
            out.append(f"CAP {alert.identifier} ({alert.msg_type}) references {alert.references}, "
                       f"expected every earlier message {sorted(earlier)}")
    if mine:
        last = mine[-1]
        if story.revoked:
            if last.msg_type != "Cancel" or story.reason not in last.description:
                out.append(f"CAP: newest message {last.msg_type} lacks the Cancel with the reason")
        elif story.latest.tag not in last.description:
            out.append(f"CAP: newest message {last.identifier} does not carry v{story.latest.version}'s text")
        stale = [t for t in story.stale if t in last.description]
        if stale:
            out.append(f"CAP: newest message shows stale text {stale}")
        ids = {a.identifier for a in mine}
        listed = [e for e in pub.cap_index if e.guid in ids]
        if [e.guid for e in listed] != [last.identifier]:
            out.append(f"cap/index.xml lists {[e.guid for e in listed]}, expected [{last.identifier}]")
        elif listed[0].msg_type != last.msg_type \
                or readers.url_path(pub.out, listed[0].link) != last.path:
            out.append(f"cap/index.xml entry {listed[0]} does not point at {last.path.name}")
    return out


# -- radio ---------------------------------------------------------------------------------------

def radio_guid(story: Story) -> str:
    n = story.revoke_version if story.revoked else story.latest.version
    return story.key if n == 1 else f"{story.key}-v{n}"


def _radio(story: Story, pub: Public, ledger: Ledger) -> list[str]:
    out = []
    v = story.latest
    want = radio_guid(story)
    mine = [e for e in pub.radio if e.guid == story.key or e.guid.startswith(story.key + "-v")]
    if [e.guid for e in mine] != [want]:
        out.append(f"feed.xml items {[e.guid for e in mine]}, expected exactly [{want}]")
    for e in mine[:1]:
        if story.revoked:
            if not e.title.startswith("DICABUT: ") or "telah dicabut" not in e.text \
                    or story.reason_tag not in e.text:
                out.append(f"feed.xml: {e.guid} is not the revocation notice: {e.title!r} {e.text[:200]!r}")
        else:
            if (v.version > 1) != e.title.startswith("RALAT: "):
                out.append(f"feed.xml: title {e.title!r} for v{v.version}")
            if v.tag not in e.text:
                out.append(f"feed.xml: {e.guid} does not carry v{v.version}'s text ({v.tag}): "
                           f"{e.text[:200]!r}")
        stale = _stale_in(story, e.title + " " + e.text)
        if stale:
            out.append(f"feed.xml: {e.guid} shows stale or unapproved text {stale}")
        if story.audio and not (e.audio and e.audio_length_ok and e.audio.suffix == ".mp3"):
            out.append(f"feed.xml: {e.guid} has no downloadable audio enclosure ({e.audio})")
        if not story.audio and e.audio:
            out.append(f"feed.xml: {e.guid} has audio although its cell runs without speech")
    # LibreTime: the new version is a new GUID the station imports (after a ralat or revocation)
    if story.advanced:
        got = [e.guid for e in pub.imported.get(story.key, [])]
        if got != [want]:
            out.append(f"station imported {got} at this poll, expected the new episode [{want}]")
        for e in pub.imported.get(story.key, []):
            if story.audio and e.audio is None:
                out.append(f"station: {e.guid} is not an episode LibreTime imports (no audio enclosure)")
    # a script per version that reached the radio, none for a superseded one
    for ver in story.versions:
        state = ledger.by_version[ver.version].get("radio", {}).get("state")
        count = sum(1 for _, _, head in pub.scripts if head.get("Nomor") == ver.number
                    and head.get("Versi", "1") == str(ver.version))
        if count != (1 if state == "confirmed" else 0):
            out.append(f"{count} scripts of v{ver.version} ({ver.number}), delivery {state!r}")
    # the announcer's script of what is on air now
    number = v.number
    n = story.revoke_version if story.revoked else v.version
    scripts = [(p, text, head) for p, text, head in pub.scripts
               if head.get("Nomor") == number and head.get("Versi", "1") == str(n)]
    if len(scripts) != 1:
        out.append(f"{len(scripts)} scripts for {number} version {n}, expected one")
    for path, text, head in scripts[:1]:
        if story.revoked:
            if head.get("Jenis") != "Pencabutan" or story.reason_tag not in text:
                out.append(f"script {path.name} is not the revocation ({head.get('Jenis')})")
        elif v.tag not in text:
            out.append(f"script {path.name} does not carry v{v.version}'s text ({v.tag})")
    return out


# -- videotron -----------------------------------------------------------------------------------

def _videotron(story: Story, pub: Public) -> list[str]:
    out = []
    entry = pub.playlist.get(story.key)
    slides_dir = pub.out / "videotron" / "slides"
    on_disk = sorted(p.name for p in slides_dir.glob(f"*{story.key}*")) if slides_dir.exists() else []
    if story.revoked:
        if entry is not None:
            out.append(f"playlist.json still lists the revoked key (number {entry['number']})")
        if on_disk:
            out.append(f"slides of the revoked key remain: {on_disk}")
        return out
    v = story.latest
    if entry is None:
        return [f"playlist.json does not list the key (v{v.version} {v.number})"]
    if entry["number"] != v.number:
        out.append(f"playlist.json shows number {entry['number']}, expected v{v.version}'s {v.number}")
    if "version" in entry and entry["version"] != v.version:
        out.append(f"playlist.json shows version {entry['version']}, expected {v.version}")
    if entry["title"] != v.title:
        out.append(f"playlist.json shows title {entry['title']!r}, expected {v.title!r}")
    if not entry["slides"]:
        out.append("playlist.json entry has no slides")
    # every picture the player may load for a slide ("src", and e.g. a night variant "night_src")
    images = [value for slide in entry["slides"] for name, value in sorted(slide.items())
              if name.endswith("src") and value]
    for src in images:
        path = pub.out / "videotron" / src
        if not re.search(rf"-v{v.version}-\d+(-[a-z]+)?\.png$", src):
            out.append(f"slide {src} is not of v{v.version}")
        if not path.is_file() or path.read_bytes()[:8] != b"\x89PNG\r\n\x1a\n":
            out.append(f"slide {src} is missing or not a PNG")
    listed = {Path(src).name for src in images}
    extra = [n for n in on_disk if n not in listed]
    if extra:
        out.append(f"slides the playlist no longer names remain: {extra}")
    return out


# -- print ---------------------------------------------------------------------------------------

def _print(story: Story, pub: Public, ledger: Ledger) -> list[str]:
    if pub.pdfs is None:
        return []
    out = []
    tags = set(story.stale) - {v.tag for v in story.versions}  # drafts: never printed
    for path, text in pub.pdfs:
        leaked = [t for t in tags if t in text]
        if leaked:
            out.append(f"{path.name} prints unapproved text {leaked}")
    # (path, text, heading, number, posted): archive copies are checked for leaks and for
    # versions that never reached the channel, the posted notices for everything
    notices = [(p, t, *readers.notice_heading(t), not readers.is_archive_copy(t))
               for p, t in pub.pdfs]
    for v in story.versions:
        state = ledger.by_version[v.version].get("print", {}).get("state")
        heading = "RALAT PENGUMUMAN" if v.version > 1 else "PENGUMUMAN"
        every = [(p, t, h, posted) for p, t, h, number, posted in notices
                 if number == v.number and h != "PENCABUTAN PENGUMUMAN"]
        if state != "confirmed":
            if every:
                out.append(f"v{v.version} ({state}) was printed anyway: {[p.name for p, *_ in every]}")
            continue
        mine = [(p, t, h) for p, t, h, posted in every if posted]
        if len(mine) != 1:
            out.append(f"{len(mine)} posted notices numbered {v.number} (v{v.version}), expected one")
            continue
        path, text, got = mine[0]
        if got != heading:
            out.append(f"{path.name}: heading {got!r}, expected {heading!r}")
        if readers.norm(v.body) not in text:
            out.append(f"{path.name}: does not print v{v.version}'s text ({v.tag})")
        if v.version > 1:
            prev = story.versions[v.version - 2]
            if f"Ralat atas Pengumuman Nomor {prev.number}" not in text:
                out.append(f"{path.name}: RALAT notice does not name {prev.number}")
    if story.revoked:
        state = ledger.revokes.get("print", {}).get("state")
        mine = [(p, t) for p, t, h, number, posted in notices
                if posted and h == "PENCABUTAN PENGUMUMAN" and number == story.latest.number]
        if len(mine) != 1:
            out.append(f"{len(mine)} posted PENCABUTAN notices for {story.latest.number} "
                       f"(revocation delivery {state!r}), expected one")
        for path, text in mine[:1]:
            if f"Alasan pencabutan: {story.reason}" not in text:
                out.append(f"{path.name}: PENCABUTAN notice lacks the reason")
    return out


# -- nothing public ------------------------------------------------------------------------------

def _check_absent(story: Story, pub: Public) -> list[str]:
    """A story that never got a first approval: nothing of it anywhere."""
    out = []
    tags = story.never_public
    if any(e.key == story.key for entries in pub.feeds.values() for e in entries):
        out.append("web: an unapproved announcement is in the feeds")
    if story.key in pub.playlist:
        out.append("videotron: an unapproved announcement is in the playlist")
    if any(e.guid.startswith(story.key) for e in pub.radio):
        out.append("radio: an unapproved announcement is in the feed")
    for path, text in pub.pdfs or []:
        if any(t in text for t in tags):
            out.append(f"print: {path.name} prints an unapproved text")
    return [f"{story.name}/{line}" for line in out]
