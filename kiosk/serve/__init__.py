"""The browser gate in front of the kiosk (``warta kiosk --serve``).

textual-serve starts one kiosk process for every browser tab that opens its WebSocket, for anyone
who reaches the port. The gate puts a sign-in of its own in front of that: the browser signs in on a
small page (the kiosk's own accounts, argon2, failed attempts limited per address and per username),
gets an HttpOnly SameSite=Strict session cookie, and only then may open the WebSocket; the kiosk
process starts already signed in, with a one-time ticket in its environment (never the password).
A cap on concurrent kiosk processes keeps the memory bounded. See docs/KIOSK.md, "Akses lewat
peramban".

- :mod:`kiosk.serve.guard`: sessions, the failed-attempt limiter, the address checks (no aiohttp);
- :mod:`kiosk.serve.tickets`: the one-time sign-in handed to a kiosk process;
- :mod:`kiosk.serve.pages`: the gate's HTML pages;
- :mod:`kiosk.serve.gate`: the aiohttp server (textual-serve's ``Server`` with the gate added).
"""
