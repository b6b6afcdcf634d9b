"""What an early warning (CAP 1.2) tells people, chosen by the drafter for a serta-merta
announcement: how urgent, severe and certain it is, what to do (``responseType`` and the
instruction), what kind of event it is, and where (areas from the office's profile, with their
region codes as CAP ``<geocode>``).

Pure rules, no database: :func:`validate` is called by the service layer on save, so the kiosk and
the CLI refuse the same things with the same words.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from shared.errors import InvalidInput

_STRICT = ConfigDict(extra="forbid", frozen=True)


class Urgency(StrEnum):
    """CAP ``urgency``."""

    IMMEDIATE = "Immediate"
    EXPECTED = "Expected"
    FUTURE = "Future"
    PAST = "Past"
    UNKNOWN = "Unknown"


class Severity(StrEnum):
    """CAP ``severity``."""

    EXTREME = "Extreme"
    SEVERE = "Severe"
    MODERATE = "Moderate"
    MINOR = "Minor"
    UNKNOWN = "Unknown"


class Certainty(StrEnum):
    """CAP ``certainty``."""

    OBSERVED = "Observed"
    LIKELY = "Likely"
    POSSIBLE = "Possible"
    UNLIKELY = "Unlikely"
    UNKNOWN = "Unknown"


class ResponseType(StrEnum):
    """CAP ``responseType``: what people should do."""

    SHELTER = "Shelter"
    EVACUATE = "Evacuate"
    PREPARE = "Prepare"
    EXECUTE = "Execute"
    AVOID = "Avoid"
    MONITOR = "Monitor"
    ASSESS = "Assess"
    NONE = "None"


class Category(StrEnum):
    """CAP ``category``."""

    GEO = "Geo"
    MET = "Met"
    SAFETY = "Safety"
    SECURITY = "Security"
    RESCUE = "Rescue"
    FIRE = "Fire"
    HEALTH = "Health"
    ENV = "Env"
    TRANSPORT = "Transport"
    INFRA = "Infra"
    CBRNE = "CBRNE"
    OTHER = "Other"


LABELS: dict[str, str] = {
    "Immediate": "Segera", "Expected": "Dalam waktu dekat", "Future": "Akan datang",
    "Past": "Sudah berlalu", "Unknown": "Tidak diketahui",
    "Extreme": "Ekstrem", "Severe": "Berat", "Moderate": "Sedang", "Minor": "Ringan",
    "Observed": "Sudah terjadi", "Likely": "Kemungkinan besar", "Possible": "Mungkin",
    "Unlikely": "Kecil kemungkinan",
    "Shelter": "Berlindung", "Evacuate": "Mengungsi", "Prepare": "Bersiap",
    "Execute": "Laksanakan instruksi", "Avoid": "Hindari", "Monitor": "Pantau informasi",
    "Assess": "Nilai keadaan", "None": "Tidak perlu tindakan",
    "Geo": "Geofisika (gempa, longsor)", "Met": "Cuaca dan banjir", "Safety": "Keselamatan umum",
    "Security": "Keamanan", "Rescue": "Pencarian dan pertolongan", "Fire": "Kebakaran",
    "Health": "Kesehatan", "Env": "Lingkungan", "Transport": "Transportasi dan jalan",
    "Infra": "Prasarana (listrik, air, telekomunikasi)", "CBRNE": "Bahan berbahaya",
    "Other": "Lainnya",
}
"""How each CAP value is written for people (kiosk choices, ``warta item show``)."""

INSTRUCTION_MAX = 1000


class Area(BaseModel):
    """An area the office announces for (a kabupaten/kota, kecamatan or desa/kelurahan), from the
    profile's ``[[areas]]``."""

    model_config = _STRICT
    code: str = Field(pattern=r"^[0-9.]{2,16}$")
    """The region code (BPS ``kode wilayah``), CAP ``<geocode>`` value."""
    name: str = Field(min_length=1, max_length=200)
    """Its name as people write it (``Kecamatan Pontianak Selatan``)."""
    polygon: str = ""
    """Optional CAP polygon: ``lat,lon`` pairs separated by spaces, first equal to last."""
    circle: str = ""
    """Optional CAP circle: ``lat,lon radius_km``."""


class AlertFields(BaseModel):
    """The drafter's choices for the early warning of one revision."""

    model_config = _STRICT
    urgency: Urgency = Urgency.IMMEDIATE
    severity: Severity = Severity.SEVERE
    certainty: Certainty = Certainty.LIKELY
    response_type: ResponseType = ResponseType.PREPARE
    category: Category = Category.OTHER
    instruction: str = ""
    """What people should do, in full sentences (CAP ``<instruction>``)."""
    areas: list[str] = Field(default_factory=list)
    """Codes of the profile's areas concerned; empty means the office's whole area."""


_CHOICES = {"urgency": [m.value for m in Urgency], "severity": [m.value for m in Severity],
            "certainty": [m.value for m in Certainty],
            "response_type": [m.value for m in ResponseType],
            "category": [m.value for m in Category]}


def defaults() -> AlertFields:
    """The choices a serta-merta draft starts with: urgent, severe, likely; people get ready."""
    return AlertFields()


def validate(raw: dict | AlertFields | None, known: list[Area]) -> dict | None:
    """The checked choices as stored (a dict), or None for none; refuse with the reason."""
    if raw is None:
        return None
    try:
        fields = raw if isinstance(raw, AlertFields) else AlertFields.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        name = ".".join(str(p) for p in err["loc"]) or "-"
        choices, value = _CHOICES.get(name), repr(err.get("input"))
        if choices:
            raise InvalidInput("Isian peringatan dini (CAP) tidak sah: '{name}' bernilai {value}; "
                               "pilihan: {choices}", name=name, value=value,
                               choices=", ".join(choices)) from None
        raise InvalidInput("Isian peringatan dini (CAP) tidak sah: '{name}' bernilai {value}",
                           name=name, value=value) from None
    instruction = " ".join(fields.instruction.split())
    if len(instruction) > INSTRUCTION_MAX:
        raise InvalidInput("Instruksi terlalu panjang ({n} karakter; paling banyak {max})",
                           n=len(instruction), max=INSTRUCTION_MAX)
    if (fields.urgency == Urgency.IMMEDIATE and fields.severity == Severity.EXTREME
            and not instruction):
        raise InvalidInput("Peringatan berstatus Segera dan Ekstrem wajib disertai instruksi: "
                           "tuliskan apa yang harus dilakukan warga")
    codes = {a.code for a in known}
    unknown = [c for c in fields.areas if c not in codes]
    if unknown:
        raise InvalidInput("Wilayah tidak dikenal dalam profil instansi: {codes}",
                           codes=", ".join(unknown))
    areas = list(dict.fromkeys(fields.areas))  # keep the drafter's order, without repeats
    return fields.model_copy(update={"instruction": instruction, "areas": areas}).model_dump(mode="json")
