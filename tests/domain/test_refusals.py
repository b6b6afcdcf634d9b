"""Every forbidden transition and channel is refused with a clear Indonesian message and changes
nothing (on SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from shared.errors import WartaError
from tests.domain.helpers import draft, fingerprint, to_state
from tests.factories import demo_items

# (state the item is in, who tries, what, expected words of the refusal)
FORBIDDEN = [
    ("draft", "kabid1", "submit", "tidak berwenang mengajukan"),
    ("draft", "kabid1", "approve", "tidak sedang diperiksa"),
    ("review_kabid", "pelaksana1", "approve", "Pelaksana tidak berwenang menyetujui pengumuman"),
    ("review_kabid", "sekretaris1", "approve", "tahap ini milik Kabid/Kasubag"),
    ("review_kabid", "kadis1", "approve", "tahap ini milik Kabid/Kasubag"),
    ("review_kabid", "ppid1", "approve", "PPID tidak berwenang menyetujui"),
    ("review_kabid", "pelaksana1", "submit", "tidak dapat diajukan"),
    ("review_sekretaris", "kabid1", "approve", "tahap ini milik Sekretaris"),
    ("review_sekretaris", "kadis1", "approve", "tahap ini milik Sekretaris"),
    ("review_sekretaris", "pelaksana1", "return", "tidak berwenang mengembalikan"),
    ("review_kadis", "sekretaris1", "approve", "tahap ini milik Kepala Dinas"),
    ("review_kadis", "kabid1", "return", "tahap ini milik Kepala Dinas"),
    ("review_kadis", "admin", "approve", "Administrator tidak berwenang menyetujui"),
    ("review_kabid", "kabid1", "return-empty", "wajib disertai catatan"),
    ("review_kadis", "kadis1", "return-empty", "wajib disertai catatan"),
    ("approved", "kadis1", "approve", "tidak sedang diperiksa"),
    ("approved", "pelaksana1", "revise-direct", "tidak dapat diubah; buat ralat"),
    ("approved", "ppid1", "revoke", "hanya Kepala Dinas yang dapat mencabut"),
    ("approved", "sekretaris1", "revoke", "hanya Kepala Dinas yang dapat mencabut"),
    ("approved", "kadis1", "revoke-empty", "wajib disertai alasan"),
    ("review_kabid", "kadis1", "revoke", "Hanya pengumuman yang sudah disetujui"),
    ("draft", "kadis1", "revise-direct", "draf disusun oleh Pelaksana"),
    ("review_sekretaris", "pelaksana1", "revise-direct", "sedang diperiksa pihak lain"),
    ("approved", "kabid1", "correct", "ralat disusun oleh Pelaksana atau Kepala Dinas"),
]


def _attempt(w, action: str, user: str, item: int) -> None:
    uid = w.ids[user]
    calls = {
        "submit": lambda: w.review.submit(uid, item),
        "approve": lambda: w.review.approve(uid, item),
        "return": lambda: w.review.return_item(uid, item, "catatan"),
        "return-empty": lambda: w.review.return_item(uid, item, "   "),
        "revoke": lambda: w.review.revoke(uid, item, "alasan"),
        "revoke-empty": lambda: w.review.revoke(uid, item, ""),
        # the workflow check itself (revise() on an approved item starts a correction instead)
        "revise-direct": lambda: _revise_direct(w, uid, item),
        "correct": lambda: w.drafting.correct(uid, item, title="Ralat"),
    }
    calls[action]()


def _revise_direct(w, uid: int, item: int) -> None:
    from shared.workflow import Action, check

    with w.ctx.read() as s:
        state, role = w.ctx.item(s, item).state, w.ctx.actor(s, uid).role
    check(Action.REVISE, state, role)
    w.drafting.revise(uid, item, title="Perubahan")


@pytest.mark.parametrize("state,user,action,words", FORBIDDEN,
                         ids=[f"{s}-{u}-{a}" for s, u, a, _ in FORBIDDEN])
def test_forbidden_transition_is_refused_and_changes_nothing(warta, state, user, action, words):
    item = draft(warta)
    to_state(warta, item, state)
    before = fingerprint(warta)
    with pytest.raises(WartaError) as err:
        _attempt(warta, action, user, item)
    assert words in str(err.value)
    assert fingerprint(warta) == before


REFUSED_SAMPLES = [a for a in demo_items() if a["expect"].startswith("refuse")]


@pytest.mark.parametrize("sample", REFUSED_SAMPLES, ids=[a["key"] for a in REFUSED_SAMPLES])
def test_forbidden_channel_is_refused_and_changes_nothing(warta, sample):
    before = fingerprint(warta)
    with pytest.raises(WartaError) as err:
        draft(warta, sample["key"])
    message = str(err.value)
    assert any(word in message for word in ("pegawai", "dikecualikan", "pimpinan"))
    assert fingerprint(warta) == before


@pytest.mark.parametrize("klas,aud,channel,words", [
    ("berkala", "pegawai", "videotron", "hanya boleh ke papan informasi internal"),
    ("berkala", "pegawai", "radio", "hanya boleh ke papan informasi internal"),
    ("setiap-saat", "pimpinan", "print", "untuk pimpinan tidak disebarkan"),
    ("dikecualikan", "masyarakat", "print", "Pasal 17"),
    ("berkala", "masyarakat", "televisi", "tidak dikenal"),
    ("rahasia", "masyarakat", "web", "Klasifikasi 'rahasia' tidak dikenal"),
    ("berkala", "warga", "web", "Sasaran 'warga' tidak dikenal"),
])
def test_channel_rules_on_create(warta, klas, aud, channel, words):
    before = fingerprint(warta)
    with pytest.raises(WartaError, match=words):
        warta.drafting.create_item(warta.ids["pelaksana1"], title="Uji", body="Isi", klasifikasi=klas,
                                   sasaran=aud, channels=[channel])
    assert fingerprint(warta) == before


def test_revision_cannot_sneak_in_a_forbidden_channel(warta):
    item = draft(warta, "cuti-bersama")
    before = fingerprint(warta)
    with pytest.raises(WartaError, match="kanal 'web' tidak diizinkan"):
        warta.drafting.revise(warta.ids["pelaksana1"], item, channels="print,web")
    assert fingerprint(warta) == before


def test_only_pelaksana_drafts(warta):
    with pytest.raises(WartaError, match="Kabid/Kasubag tidak berwenang menyusun draf"):
        warta.drafting.create_item(warta.ids["kabid1"], title="Uji", body="Isi", klasifikasi="berkala",
                                   sasaran="masyarakat", channels="web")


@pytest.mark.parametrize("fields,words", [
    (dict(title="  "), "Judul wajib diisi"),
    (dict(body=""), "Isi pengumuman wajib diisi"),
    (dict(title="x" * 301), "Judul terlalu panjang"),
])
def test_bad_content_is_refused(warta, fields, words):
    data = dict(title="Judul", body="Isi", klasifikasi="berkala", sasaran="masyarakat", channels="web")
    data.update(fields)
    with pytest.raises(WartaError, match=words):
        warta.drafting.create_item(warta.ids["pelaksana1"], **data)
