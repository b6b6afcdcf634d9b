"""What a CAP alert tells people is what the drafter chose: a serta-merta flood in one kecamatan
carries that kecamatan's region code as <geocode>, the instruction as written (not the summary),
and the chosen urgency, severity, certainty, response and category; it validates against the
OASIS schema. From the service layer (the choices as saved and approved) to the file the web
worker writes."""

from __future__ import annotations

from pathlib import Path

from lxml import etree
from sqlalchemy import select

from channels.web import WebRenderer
from shared.messages import Envelope
from shared.models import OutboxRow
from tests.domain.helpers import draft, to_state

XSD = Path(__file__).resolve().parents[1] / "data" / "CAP-v1.2.xsd"
NS = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
FLOOD = {"urgency": "Immediate", "severity": "Extreme", "certainty": "Observed",
         "response_type": "Evacuate", "category": "Met",
         "instruction": "Warga bantaran Sungai Kapuas segera menuju titik evakuasi di SDN 12.",
         "areas": ["6171020"]}


def _alert_file(w, item_id, tmp_path) -> etree._Element:  # noqa: ANN001
    with w.ctx.read() as s:
        payload = s.execute(select(OutboxRow.payload).where(OutboxRow.announcement_id == item_id,
                                                            OutboxRow.channel == "web")).scalar_one()
    renderer = WebRenderer(tmp_path)
    files = renderer.render(Envelope.model_validate_json(payload))
    alert = next(f for f in files if f.parent.name == "cap")
    doc = etree.parse(str(alert))
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    assert schema.validate(doc), schema.error_log
    return doc.getroot()


def test_flood_alert_in_one_kecamatan_says_what_to_do_and_where(warta, tmp_path):
    item = draft(warta, "banjir", alert=FLOOD)
    to_state(warta, item, "approved")
    root = _alert_file(warta, item, tmp_path)
    info = root.find("cap:info", NS)
    assert [info.findtext(f"cap:{t}", namespaces=NS) for t in
            ("category", "responseType", "urgency", "severity", "certainty")] == [
        "Met", "Evacuate", "Immediate", "Extreme", "Observed"]
    assert info.findtext("cap:instruction", namespaces=NS) == FLOOD["instruction"]
    areas = info.findall("cap:area", NS)
    assert len(areas) == 1
    assert areas[0].findtext("cap:areaDesc", namespaces=NS) == "Kecamatan Pontianak Timur"
    assert areas[0].findtext("cap:circle", namespaces=NS) == "-0.0389,109.3562 3"
    geocode = areas[0].find("cap:geocode", NS)
    assert (geocode.findtext("cap:valueName", namespaces=NS),
            geocode.findtext("cap:value", namespaces=NS)) == ("BPS", "6171020")


def test_default_choices_alert_the_whole_area_without_an_invented_instruction(warta, tmp_path):
    item = draft(warta, "banjir")  # the drafter kept the defaults
    to_state(warta, item, "approved")
    info = _alert_file(warta, item, tmp_path).find("cap:info", NS)
    assert info.findtext("cap:responseType", namespaces=NS) == "Prepare"
    assert info.find("cap:instruction", NS) is None  # the summary is not an instruction
    assert [a.findtext("cap:areaDesc", namespaces=NS)
            for a in info.findall("cap:area", NS)] == [warta.ctx.profile.area_desc]
