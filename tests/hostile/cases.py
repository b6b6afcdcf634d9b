"""The hostile-input corpus: one table of (case id, path, input, expected outcome).

Paths: ``cli`` (``warta item create`` through typer's CliRunner), ``kiosk`` (the same service call
the editor makes: ``shared.services.content.validate_content``), ``envelope``
(``shared.messages.open_envelope``), ``render:<channel>`` (a renderer on a hostile snapshot) and
``worker`` (a message pushed through the embedded transport to an in-process worker).

Expected outcomes: ``refused:<text>`` (a clear Indonesian error containing <text>),
``ok`` (accepted), ``rejected:<code>`` (EnvelopeRejected code), ``safe`` (a render whose files stay in
the output folder and whose markup is well-formed and escaped, or a PermanentRenderError with a
reason), ``confirmed`` / ``parked:<code>`` (the worker's settlement)."""

from __future__ import annotations

NUL = "Rapat\x00Koordinasi Banjir"
RTL = "Jadwal \u202eSUSAHMUP\u202c Posyandu"
LONG_WORD = "Penanggulangan" + "a" * 10_000
WHITESPACE = " \x00\x01\t\n \x0b\u3000 "
EMOJI = "Waspada Banjir 🌊🚨👨‍👩‍👧 Kecamatan"
CDATA = "Pengumuman ]]><evil/> CDATA"
SCRIPT = "<script>alert('x')</script> Lelang"
TRAVERSAL = "../../../../etc/passwd"
NUMBER_TRAVERSAL = "../../../tmp/warta-escape/045"

# (id, path, input, expected)
TITLES = {"nul": NUL, "rtl": RTL, "longword": LONG_WORD, "whitespace": WHITESPACE, "emoji": EMOJI,
          "cdata": CDATA, "script": SCRIPT, "traversal-title": TRAVERSAL}

CASES: list[tuple[str, str, dict, str]] = []

# -- CLI: warta item create (typer CliRunner, WARTA_PASSWORD) -------------------------------------
CLI = [
    ("cli-empty-title", {"title": "   ", "body": "Isi"}, "refused:Judul wajib diisi"),
    ("cli-control-title", {"title": "\x00\x01\x02", "body": "Isi"}, "refused:Judul wajib diisi"),
    ("cli-long-title", {"title": "J" * 301, "body": "Isi"}, "refused:Judul terlalu panjang"),
    ("cli-long-body", {"title": "Judul", "body": "x" * 20_001}, "refused:Isi terlalu panjang"),
    ("cli-bad-class", {"title": "Judul", "body": "Isi", "class": "rahasia"}, "refused:"),
    ("cli-bad-channel", {"title": "Judul", "body": "Isi", "channels": "tiktok"}, "refused:"),
    ("cli-exempt-public", {"title": "Hasil Audit", "body": "Isi", "class": "dikecualikan"}, "refused:"),
    ("cli-bad-date", {"title": "Judul", "body": "Isi", "start": "kemarin sore"}, "refused:tidak sah"),
    ("cli-wrong-password", {"title": "Judul", "body": "Isi", "password": "salah"}, "refused:"),
    ("cli-script-title", {"title": SCRIPT, "body": "Isi"}, "ok"),
]
CASES += [(cid, "cli", inp, exp) for cid, inp, exp in CLI]

# -- kiosk: validate_content -----------------------------------------------------------------------
KIOSK = [
    ("kiosk-whitespace-title", {"title": WHITESPACE}, "refused:Judul wajib diisi"),
    ("kiosk-whitespace-body", {"body": WHITESPACE}, "refused:Isi pengumuman wajib diisi"),
    ("kiosk-nul-kept-out", {"title": NUL}, "ok"),
    ("kiosk-pimpinan-on-videotron", {"sasaran": "pimpinan", "channels": ["videotron"]}, "refused:"),
    ("kiosk-pegawai-on-web", {"sasaran": "pegawai", "channels": ["web"]}, "refused:"),
    ("kiosk-naive-start", {"start_at": "naive"}, "refused:zona waktu"),
    ("kiosk-end-before-start", {"start_at": "late", "end_at": "early"}, "refused:sesudah"),
    ("kiosk-bad-window", {"daily_windows": [{"start": "25:99", "end": "08:00"}]}, "refused:"),
]
CASES += [(cid, "kiosk", inp, exp) for cid, inp, exp in KIOSK]
KNOWN_BUGS: dict[str, str] = {}
CASES.append(("kiosk-del-only-title", "kiosk", {"title": "\x7f\x85\x9b "}, "refused:Judul wajib diisi"))

# -- envelopes: open_envelope ----------------------------------------------------------------------
ENVELOPE = [
    ("env-truncated", {"mutate": "truncate"}, "rejected:undecodable"),
    ("env-extra-field", {"mutate": "extra"}, "rejected:undecodable"),
    ("env-wrong-version", {"mutate": "version"}, "rejected:undecodable"),
    ("env-bad-base64", {"mutate": "b64"}, "rejected:bad_signature"),
    ("env-unsigned", {"mutate": "unsigned"}, "rejected:unsigned"),
    ("env-other-key", {"mutate": "otherkey"}, "rejected:bad_signature"),
    ("env-tampered-title", {"mutate": "tamper"}, "rejected:bad_signature"),
    ("env-expired", {"mutate": "expired"}, "rejected:expired"),
    ("env-wrong-channel", {"mutate": "channel"}, "rejected:wrong_channel"),
    ("env-dikecualikan", {"mutate": "dikecualikan"}, "rejected:forbidden"),
    ("env-pimpinan", {"mutate": "pimpinan"}, "rejected:forbidden"),
    ("env-10mb-body", {"mutate": "huge"}, "ok"),
    ("env-not-json", {"mutate": "garbage"}, "rejected:undecodable"),
    ("env-not-utf8", {"mutate": "latin1"}, "rejected:undecodable"),
]
CASES += [(cid, "envelope", inp, exp) for cid, inp, exp in ENVELOPE]

# -- every renderer with every hostile title, plus a hostile number --------------------------------
for channel in ("videotron", "radio", "web", "print"):
    for name, title in TITLES.items():
        CASES.append((f"render-{channel}-{name}", f"render:{channel}", {"title": title}, "safe"))
    CASES.append((f"render-{channel}-number-traversal", f"render:{channel}",
                  {"number": NUMBER_TRAVERSAL}, "safe"))
    CASES.append((f"render-{channel}-body-script", f"render:{channel}",
                  {"body": SCRIPT + "\n" + CDATA + "\n" + LONG_WORD[:3000]}, "safe"))

# -- the worker path: embedded transport, in-process workers ---------------------------------------
WORKER = [
    ("worker-garbage", {"channel": "web", "wire": "garbage"}, "parked:undecodable"),
    ("worker-truncated", {"channel": "web", "wire": "truncate"}, "parked:undecodable"),
    ("worker-forged", {"channel": "web", "wire": "otherkey"}, "parked:bad_signature"),
    ("worker-expired", {"channel": "web", "wire": "expired"}, "parked:expired"),
    ("worker-wrong-channel", {"channel": "web", "wire": "channel"}, "parked:wrong_channel"),
    ("worker-dikecualikan", {"channel": "web", "wire": "dikecualikan"}, "parked:forbidden"),
    ("worker-script-title", {"channel": "web", "title": SCRIPT}, "confirmed"),
    ("worker-nul-title", {"channel": "web", "title": NUL}, "confirmed"),
    ("worker-traversal-number", {"channel": "web", "number": NUMBER_TRAVERSAL}, "confirmed"),
    ("worker-longword", {"channel": "videotron", "title": LONG_WORD}, "confirmed_or_parked"),
    ("worker-emoji-videotron", {"channel": "videotron", "title": EMOJI}, "confirmed"),
    ("worker-rtl-videotron", {"channel": "videotron", "title": RTL}, "confirmed"),
]
CASES += [(cid, "worker", inp, exp) for cid, inp, exp in WORKER]
