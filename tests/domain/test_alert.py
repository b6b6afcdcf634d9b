"""The early warning's choices (CAP) are chosen per serta-merta announcement, checked in the service
layer (refused with the reason, nothing stored), versioned with the texts and sent with their areas
resolved from the office's profile."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from shared.errors import InvalidInput
from shared.models import OutboxRow
from tests.domain.helpers import draft, fingerprint, to_state

FLOOD = {"urgency": "Immediate", "severity": "Extreme", "certainty": "Observed",
         "response_type": "Evacuate", "category": "Met",
         "instruction": "Warga bantaran Sungai Kapuas segera menuju titik evakuasi di SDN 12.",
         "areas": ["6171020"]}


def test_a_serta_merta_draft_starts_from_the_defaults_and_others_have_none(warta):
    urgent = warta.queries.get_item(draft(warta, "banjir"))
    assert urgent["klasifikasi"] == "serta-merta"
    assert urgent["alert"] == {"urgency": "Immediate", "severity": "Severe", "certainty": "Likely",
                               "response_type": "Prepare", "category": "Other", "instruction": "",
                               "areas": []}
    assert warta.queries.get_item(draft(warta, "renstra", alert=FLOOD))["alert"] is None


def test_chosen_alert_travels_with_its_areas_and_is_versioned(warta):
    item = draft(warta, "banjir", alert=FLOOD)
    to_state(warta, item, "approved")
    with warta.ctx.read() as s:
        payload = s.execute(select(OutboxRow.payload).where(OutboxRow.announcement_id == item)
                            ).scalars().first()
    alert = json.loads(payload)["announcement"]["alert"]
    assert alert["response_type"] == "Evacuate" and alert["instruction"].startswith("Warga bantaran")
    assert alert["areas"] == [{"code": "6171020", "name": "Kecamatan Pontianak Timur", "polygon": "",
                               "circle": "-0.0389,109.3562 3"}]
    fix = warta.drafting.correct(warta.ids["pelaksana1"], item, alert={**FLOOD, "severity": "Severe"})
    to_state(warta, fix, "approved")
    with warta.ctx.read() as s:
        snap = json.loads(s.execute(select(OutboxRow.payload).where(OutboxRow.announcement_id == fix)
                                    ).scalars().first())["announcement"]
    assert snap["alert"]["severity"] == "Severe"
    assert snap["history"][-1]["changes"] == ["Peringatan dini"]


@pytest.mark.parametrize(("alert", "words"), [
    ({**FLOOD, "instruction": ""}, "wajib disertai instruksi"),
    ({**FLOOD, "areas": ["9999"]}, "Wilayah tidak dikenal dalam profil instansi: 9999"),
    ({**FLOOD, "urgency": "Sekarang"}, r"'urgency' bernilai 'Sekarang'; pilihan: Immediate"),
    ({**FLOOD, "instruction": "x" * 1001}, "Instruksi terlalu panjang"),
])
def test_bad_alerts_are_refused_with_the_reason_and_nothing_is_stored(warta, alert, words):
    before = fingerprint(warta)
    with pytest.raises(InvalidInput, match=words):
        draft(warta, "banjir", alert=alert)
    assert fingerprint(warta) == before
