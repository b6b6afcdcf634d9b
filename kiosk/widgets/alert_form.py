"""The editor's early-warning (CAP 1.2) section of a serta-merta announcement: how urgent, severe
and certain it is, what people should do, what kind of event, the instruction, and the areas from
the office's profile. It only holds the choices; :func:`shared.alerting.validate` (run by the
service layer on save, and by the editor as the user types) decides whether they are acceptable."""

from __future__ import annotations

from enum import StrEnum

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, Select, SelectionList, Static, TextArea

from shared import alerting
from shared.alerting import Area, Category, Certainty, ResponseType, Severity, Urgency
from shared.i18n import N_, _

CHOICES: list[tuple[str, str, type[StrEnum]]] = [
    ("urgency", N_("Tingkat kesegeraan"), Urgency),
    ("severity", N_("Tingkat keparahan"), Severity),
    ("certainty", N_("Kepastian"), Certainty),
    ("response_type", N_("Tindakan warga"), ResponseType),
    ("category", N_("Kategori"), Category),
]
"""The single choices: the field of :class:`shared.alerting.AlertFields`, its label, its values.
The labels are msgids, translated where they are shown (like the labels of :mod:`shared.vocab`)."""


def option_label(value: str) -> str:
    """How a CAP value is offered: its Indonesian label from :data:`shared.alerting.LABELS`
    (translated when the kiosk runs in another language)."""
    return _(alerting.LABELS.get(value, value))


class AlertForm(Vertical):
    """The "Peringatan dini (CAP)" section; :meth:`load` fills it, :meth:`values` reads it in the
    shape ``create_item(alert=...)`` / ``revise(alert=...)`` take."""

    DEFAULT_CSS = """
    AlertForm {
        height: auto;
    }
    AlertForm .alert-row {
        height: auto;
    }
    AlertForm .alert-row Label {
        width: 22;
        padding: 1 0 0 1;
    }
    AlertForm .alert-row Select {
        width: 1fr;
    }
    AlertForm #alert-instruction {
        height: 5;
    }
    AlertForm #alert-areas {
        height: auto;
        max-height: 9;
    }
    """

    def __init__(self, areas: list[Area], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.areas = list(areas)
        """The office's areas (profile ``[[areas]]``), in the profile's order."""
        self.unknown_areas: list[str] = []
        """Saved area codes the profile no longer has: shown, not sent (the service refuses them)."""

    def compose(self) -> ComposeResult:
        start = alerting.defaults()
        yield Label(_("Peringatan dini (CAP)"), classes="section")
        for field, label, enum in CHOICES:
            with Horizontal(classes="alert-row"):
                yield Label(_(label))
                yield Select([(option_label(m.value), m.value) for m in enum],
                             value=getattr(start, field).value, allow_blank=False,
                             id=f"alert-{field.replace('_', '-')}")
        yield Label(_("Instruksi: apa yang harus dilakukan warga"), classes="section")
        yield TextArea(id="alert-instruction", soft_wrap=True,
                       placeholder=_("mis. Warga di bantaran sungai segera mengungsi ke posko "
                                     "terdekat."))
        yield Label(_("Wilayah (tidak dipilih = seluruh wilayah)"), classes="section")
        yield SelectionList[str](*[(a.name, a.code) for a in self.areas], id="alert-areas")
        yield Static("", id="alert-areas-note", classes="hint")

    def on_mount(self) -> None:
        """Without areas in the profile there is nothing to choose: say what the alert covers."""
        self.query_one("#alert-instruction", TextArea).show_line_numbers = False
        self.query_one("#alert-areas").display = bool(self.areas)
        self._note()

    def load(self, alert: dict | None) -> None:
        """Show the saved choices of a revision (``get_item()["alert"]``), or the defaults."""
        chosen = alerting.AlertFields.model_validate(alert) if alert else alerting.defaults()
        for field, _label, _enum in CHOICES:
            self.query_one(f"#alert-{field.replace('_', '-')}", Select).value = \
                getattr(chosen, field).value
        self.query_one("#alert-instruction", TextArea).text = chosen.instruction
        known = {a.code for a in self.areas}
        self.unknown_areas = [c for c in chosen.areas if c not in known]
        listing = self.query_one("#alert-areas", SelectionList)
        listing.deselect_all()
        for code in chosen.areas:
            if code in known:
                listing.select(code)
        self._note()

    def values(self) -> dict:
        """The choices as :class:`shared.alerting.AlertFields` takes them (areas in the order they
        were ticked, as the service keeps them; none means the office's whole area)."""
        out: dict = {field: str(self.query_one(f"#alert-{field.replace('_', '-')}", Select).value)
                     for field, _label, _enum in CHOICES}
        out["instruction"] = self.query_one("#alert-instruction", TextArea).text
        # SelectionList keeps the ticking order; load() ticks in the saved order, so an unchanged
        # form is an unchanged revision
        out["areas"] = list(self.query_one("#alert-areas", SelectionList).selected)
        return out

    def _note(self) -> None:
        # the section label already says that no ticked area means the whole area
        lines = []
        if not self.areas:
            lines.append(_("Profil instansi belum mencantumkan wilayah; peringatan berlaku untuk "
                           "seluruh wilayah instansi."))
        if self.unknown_areas:
            lines.append(_("Wilayah tersimpan yang tidak ada lagi di profil (tidak dikirim): "
                           "{codes}", codes=", ".join(self.unknown_areas)))
        self.query_one("#alert-areas-note", Static).update("\n".join(lines))
