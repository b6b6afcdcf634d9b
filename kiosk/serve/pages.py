"""The gate's HTML pages (sign-in, too many attempts, full, signed out), in the user's language.

Plain HTML with inline style and no script: nothing to load from elsewhere, and a strict Content
Security Policy. Demo passwords never appear here, whatever the home holds."""

from __future__ import annotations

from html import escape

from shared.i18n import _, current_lang

CSP = ("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")
"""Content-Security-Policy of every gate page."""

_STYLE = """
body { background: #0c181f; color: #e8eef2; font-family: system-ui, sans-serif; margin: 0;
       display: flex; min-height: 100vh; align-items: center; justify-content: center; }
main { background: #12232d; padding: 2rem 2.5rem; border-radius: 8px; width: 24rem; }
h1 { font-size: 1.2rem; margin: 0 0 .3rem; } p.unit { margin: 0 0 1.5rem; color: #9fb3c0; }
label { display: block; margin: .8rem 0 .3rem; }
input { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; }
button { margin-top: 1.2rem; padding: .6rem 1.6rem; font-size: 1rem; background: #1f6f9f;
         color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
.msg { margin-top: 1rem; padding: .6rem; background: #4a1f1f; border-radius: 4px; }
.note { margin-top: 1rem; color: #9fb3c0; font-size: .9rem; }
"""


def _page(title: str, unit: str, body: str) -> str:
    heading = _("WARTA — Penyebarluasan Informasi Publik")
    return (f"<!DOCTYPE html><html lang=\"{current_lang()}\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<meta name=\"robots\" content=\"noindex\"><title>{escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body><main><h1>{escape(heading)}</h1>"
            f"<p class=\"unit\">{escape(unit)}</p>{body}</main></body></html>")


def _button(action: str, label: str, method: str = "get") -> str:
    return (f"<form method=\"{method}\" action=\"{action}\"><button type=\"submit\">"
            f"{escape(label)}</button></form>")


def login_page(unit: str, message: str = "", username: str = "") -> str:
    """The sign-in form; ``message`` explains a refusal, ``username`` is kept after one."""
    # Each _() stands alone (not inside an f-string) so the catalog extractor finds it.
    user_label, password_label, submit = _("Nama pengguna"), _("Kata sandi"), _("Masuk")
    hint = _("Masuk dengan akun kiosk Anda. Setelah masuk, kiosk terbuka di tab ini.")
    note = f"<p class=\"msg\" role=\"alert\">{escape(message)}</p>" if message else ""
    body = (f"<form method=\"post\" action=\"/masuk\" autocomplete=\"on\">"
            f"<label for=\"username\">{escape(user_label)}</label>"
            f"<input id=\"username\" name=\"username\" autocomplete=\"username\" required "
            f"autofocus value=\"{escape(username)}\">"
            f"<label for=\"password\">{escape(password_label)}</label>"
            f"<input id=\"password\" name=\"password\" type=\"password\" "
            f"autocomplete=\"current-password\" required>"
            f"<button type=\"submit\">{escape(submit)}</button></form>{note}"
            f"<p class=\"note\">{escape(hint)}</p>")
    return _page(_("Masuk — Kiosk Warta"), unit, body)


def full_page(unit: str, limit: int) -> str:
    """Every allowed kiosk session is in use."""
    full = _("Kiosk penuh: {n} sesi sedang dipakai, batasnya {n}.", n=limit)
    advice = _("Tutup tab kiosk lain yang tidak dipakai, atau coba lagi beberapa menit lagi.")
    body = (f"<p class=\"msg\" role=\"alert\">{escape(full)}</p><p>{escape(advice)}</p>"
            + _button("/", _("Coba lagi")))
    return _page(_("Kiosk penuh — Kiosk Warta"), unit, body)


def too_many_message(seconds: int) -> str:
    """The refusal after too many failed attempts, with the wait."""
    return _("Terlalu banyak percobaan masuk yang gagal. Tunggu {s} detik, lalu coba lagi.",
             s=seconds)


def signed_out_page(unit: str) -> str:
    """After Keluar."""
    done = _("Anda sudah keluar.")
    body = f"<p>{escape(done)}</p>" + _button("/masuk", _("Masuk lagi"))
    return _page(_("Keluar — Kiosk Warta"), unit, body)
