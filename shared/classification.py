"""Classification and audience rules of UU 14/2008 and the Sorong Selatan SOP.

- ``dikecualikan`` (exempt, art. 17) is never queued to any channel;
- ``pimpinan`` (leadership only) goes to no channel;
- ``pegawai`` (employees) goes only to the internal notice board (``print``);
- ``masyarakat`` (the public) may go to any channel.
"""

from __future__ import annotations

from enum import StrEnum

from shared.errors import Refused


class Klasifikasi(StrEnum):
    """Classes of public information (UU 14/2008)."""

    BERKALA = "berkala"
    SERTA_MERTA = "serta-merta"
    SETIAP_SAAT = "setiap-saat"
    DIKECUALIKAN = "dikecualikan"


class Sasaran(StrEnum):
    """Audiences."""

    PIMPINAN = "pimpinan"
    PEGAWAI = "pegawai"
    MASYARAKAT = "masyarakat"


class Channel(StrEnum):
    """Dissemination channels, one worker each."""

    VIDEOTRON = "videotron"
    RADIO = "radio"
    WEB = "web"
    PRINT = "print"


ALL_CHANNELS = tuple(Channel)

LEGAL_BASIS = {
    Klasifikasi.BERKALA: "UU 14/2008 Pasal 9 (informasi berkala)",
    Klasifikasi.SERTA_MERTA: "UU 14/2008 Pasal 10 (informasi serta merta)",
    Klasifikasi.SETIAP_SAAT: "UU 14/2008 Pasal 11 (informasi setiap saat)",
    Klasifikasi.DIKECUALIKAN: "UU 14/2008 Pasal 17 (informasi dikecualikan)",
}
"""The article each class rests on, shown on web pages and printouts."""

KLASIFIKASI_LABEL = {
    Klasifikasi.BERKALA: "Berkala", Klasifikasi.SERTA_MERTA: "Serta Merta",
    Klasifikasi.SETIAP_SAAT: "Setiap Saat", Klasifikasi.DIKECUALIKAN: "Dikecualikan",
}
"""How a class is written for people."""

TOP_PRIORITY = 9
NORMAL_PRIORITY = 1


def priority_for(klasifikasi: str) -> int:
    """Serta-merta carries top priority end to end."""
    return TOP_PRIORITY if klasifikasi == Klasifikasi.SERTA_MERTA else NORMAL_PRIORITY


def parse_klasifikasi(value: str) -> Klasifikasi:
    """Accept ``serta-merta``, ``serta merta`` or ``serta_merta``; refuse anything else with the choices."""
    norm = value.strip().lower().replace("_", "-").replace(" ", "-")
    try:
        return Klasifikasi(norm)
    except ValueError:
        raise Refused("Klasifikasi '{value}' tidak dikenal; pilih salah satu: {choices}",
                      value=value, choices=", ".join(k.value for k in Klasifikasi)) from None


def parse_sasaran(value: str) -> Sasaran:
    """Parse an audience or refuse with the choices."""
    try:
        return Sasaran(value.strip().lower())
    except ValueError:
        raise Refused("Sasaran '{value}' tidak dikenal; pilih salah satu: {choices}",
                      value=value, choices=", ".join(s.value for s in Sasaran)) from None


def parse_channels(value: str | list[str]) -> list[Channel]:
    """Parse ``videotron,radio`` (or a list) into channels, refusing unknown names."""
    names = value.split(",") if isinstance(value, str) else value
    result: list[Channel] = []
    for name in (n.strip().lower() for n in names):
        if not name:
            continue
        try:
            channel = Channel(name)
        except ValueError:
            raise Refused("Kanal '{value}' tidak dikenal; pilih dari: {choices}", value=name,
                          choices=", ".join(c.value for c in Channel)) from None
        if channel not in result:
            result.append(channel)
    return result


def channel_refusal(klasifikasi: str, sasaran: str, channel: str) -> Refused | None:
    """Why ``channel`` is forbidden for this class and audience, or None when it is allowed."""
    if klasifikasi == Klasifikasi.DIKECUALIKAN:
        return Refused("Informasi dikecualikan (UU 14/2008 Pasal 17) tidak boleh disebarkan "
                       "melalui kanal apa pun, termasuk '{channel}'", channel=channel)
    if sasaran == Sasaran.PIMPINAN:
        return Refused("Informasi untuk pimpinan tidak disebarkan melalui kanal apa pun, "
                       "termasuk '{channel}'", channel=channel)
    if sasaran == Sasaran.PEGAWAI and channel != Channel.PRINT:
        return Refused("Informasi untuk pegawai hanya boleh ke papan informasi internal (print); "
                       "kanal '{channel}' tidak diizinkan", channel=channel)
    return None


def allowed_channels(klasifikasi: str, sasaran: str) -> list[Channel]:
    """Every channel this class and audience may reach."""
    return [c for c in Channel if channel_refusal(klasifikasi, sasaran, c) is None]


def check_channels(klasifikasi: str, sasaran: str, channels: list[Channel]) -> None:
    """Refuse the first forbidden channel with the reason."""
    for channel in channels:
        refusal = channel_refusal(klasifikasi, sasaran, channel)
        if refusal:
            raise refusal
