"""``warta doctor``, check ``kebijakan``: the live queues' effective limits and TTLs are the ones
the configuration asks for.

RabbitMQ fixes a queue's arguments when it is created; Warta's limits and TTLs are policies
(``workers.transport.topology``), which apply to queues that already exist. What a queue really
uses comes from both, resolved as RabbitMQ resolves them: ``delivery-limit`` and ``message-ttl``
take the smaller of argument and policy (so an old argument is a ceiling no policy can lift), and a
``dead-letter-exchange`` argument wins over the policy's. The live side is read from RabbitMQ's
management API (``GET /api/queues/<vhost>``: ``arguments`` and ``effective_policy_definition``),
which AMQP cannot tell; without that API the check warns and says how to enable it.
"""

from __future__ import annotations

import base64
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable

from shared.config import Settings
from shared.doctor.checks import Check, ok
from shared.i18n import _

NAME = "kebijakan"
KEYS = ("delivery-limit", "message-ttl", "dead-letter-exchange")
"""The settings compared: the ones Warta puts into policies."""

QueueFetch = Callable[[str, str, list[str]], list[dict]]
"""``fetch(management_url, vhost, names)`` → the management API's objects of those queues that
exist (``name``, ``arguments``, ``effective_policy_definition``); raises ``OSError``/``ValueError``
on failure."""


def effective(arguments: dict, policy: dict) -> dict:
    """The settings a queue uses, from its arguments and its policy's definition (RabbitMQ's rules:
    the smaller limit and TTL; the argument's dead-letter exchange)."""
    out: dict = {}
    for key in ("delivery-limit", "message-ttl"):
        values = [v for v in (arguments.get(f"x-{key}"), policy.get(key)) if v is not None]
        if values:
            out[key] = min(int(v) for v in values)
    dlx = arguments.get("x-dead-letter-exchange", policy.get("dead-letter-exchange"))
    if dlx is not None:
        out["dead-letter-exchange"] = dlx
    return out


def matching_policy(name: str, policies: list[dict]) -> dict:
    """The definition of the policy RabbitMQ applies to queue ``name``: the highest priority among
    the queue policies whose pattern matches ({} when none)."""
    best: dict | None = None
    for p in policies:
        if p.get("apply-to", "all") not in ("queues", "all", "quorum_queues", "classic_queues"):
            continue
        if re.search(p["pattern"], name) and (best is None or p.get("priority", 0) > best.get("priority", 0)):
            best = p
    return dict(best["definition"]) if best else {}


def expected_settings(topology: dict) -> dict[str, dict]:
    """Queue name → the settings the configuration's topology gives it."""
    policies = topology.get("policies", [])
    out = {}
    for q in topology["queues"]:
        want = effective(q.get("arguments", {}), matching_policy(q["name"], policies))
        if want:
            out[q["name"]] = {k: v for k, v in want.items() if k in KEYS}
    return out


def management_url(cfg: Settings) -> str:
    """``WARTA_AMQP_MANAGEMENT_URL``, else ``http://<first broker host>:15672`` with the broker
    URL's account."""
    if cfg.broker.management_url:
        return cfg.broker.management_url
    first = urllib.parse.urlsplit(re.split(r",(?=\s*amqps?://)", cfg.broker.url)[0].strip())
    auth = f"{first.username}:{first.password}@" if first.username else ""
    return f"http://{auth}{first.hostname or '127.0.0.1'}:15672"


def _without_password(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return parts._replace(netloc=f"{parts.hostname}:{parts.port or 15672}").geturl()


def vhost_of(cfg: Settings) -> str:
    """The virtual host of the (first) broker URL (``/`` when the URL names none)."""
    path = urllib.parse.urlsplit(re.split(r",(?=\s*amqps?://)", cfg.broker.url)[0].strip()).path
    return urllib.parse.unquote(path[1:]) if len(path) > 1 else "/"


def fetch_queues(url: str, vhost: str, names: list[str], timeout: float = 5.0) -> list[dict]:
    """Queues ``names`` of ``vhost`` from the management API at ``url`` (credentials in the URL),
    one request each: only a single queue's object carries ``effective_policy_definition``."""
    parts = urllib.parse.urlsplit(url)
    root = f"{parts.scheme}://{parts.hostname}:{parts.port or 15672}{parts.path.rstrip('/')}"
    headers = {}
    if parts.username:
        token = f"{urllib.parse.unquote(parts.username)}:{urllib.parse.unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(token.encode()).decode()
    out = []
    for name in names:
        path = "/api/queues/{}/{}".format(urllib.parse.quote(vhost, safe=""),
                                          urllib.parse.quote(name, safe=""))
        try:
            with urllib.request.urlopen(urllib.request.Request(root + path, headers=headers),  # noqa: S310
                                        timeout=timeout) as response:
                out.append(json.loads(response.read().decode()))
        except urllib.error.HTTPError as exc:
            if exc.code != 404:  # a missing queue is the check "topologi"'s finding
                raise
    return out


def check_policies(cfg: Settings, topology: dict, fetch: QueueFetch | None = None) -> Check:
    """Compare every Warta queue's effective limit, TTL and dead-letter exchange on the broker
    with what the configuration (``WARTA_DELIVERY_LIMIT``, ``WARTA_RETRY_TIERS``) asks for."""
    if cfg.embedded:
        return ok(NAME, _("Broker embedded: tidak ada kebijakan RabbitMQ."))
    url, vhost = management_url(cfg), vhost_of(cfg)
    expected = expected_settings(topology)
    try:
        live = {q["name"]: q for q in (fetch or fetch_queues)(url, vhost, list(expected))}
    except (OSError, ValueError) as exc:
        return Check(NAME, "warn",
                     _("Kebijakan antrean tidak diperiksa: API manajemen RabbitMQ di {url} tidak "
                       "menjawab ({err}).", url=_without_password(url), err=str(exc)[:160]),
                     _("Aktifkan plugin rabbitmq_management pada broker dan setel "
                       "WARTA_AMQP_MANAGEMENT_URL (akun bertanda monitoring atau administrator)."))
    wrong, pinned, unknown = [], [], []
    for name, want in expected.items():
        q = live.get(name)
        if q is None:
            continue  # a missing queue is the check "topologi"'s finding
        if "effective_policy_definition" not in q:
            unknown.append(name)  # statistics not collected yet (a node that just started)
            continue
        args = q.get("arguments") or {}
        got = effective(args, q.get("effective_policy_definition") or {})
        for key, value in want.items():
            if got.get(key) != value:
                wrong.append(_("{queue} {key} {got} (seharusnya {want})", queue=name, key=key,
                               got=got.get(key, "-"), want=value))
                if args.get(f"x-{key}") is not None and args.get(f"x-{key}") != value:
                    pinned.append(name)
    if unknown and not wrong:
        return Check(NAME, "warn", _("Statistik antrean {queues} belum tersedia di API manajemen.",
                                     queues=", ".join(unknown[:6])),
                     _("Ulangi 'warta doctor' sebentar lagi."))
    if not wrong:
        return ok(NAME, _("Batas kiriman dan TTL {n} antrean sesuai konfigurasi.", n=len(expected)))
    shown = "; ".join(wrong[:6]) + (" …" if len(wrong) > 6 else "")
    if pinned:
        fix = _("Antrean {queues} menyimpan argumen lama yang tidak dapat diubah: hentikan layanan, "
                "tunggu antrean kosong, hapus antrean itu (rabbitmqctl -p {vhost} delete_queue NAMA), "
                "lalu muat ulang definisi atau nyalakan layanan yang mendeklarasikan topologi "
                "(docs/BACKBONE.md, \"Policies\").", queues=", ".join(sorted(set(pinned))[:6]),
                vhost=vhost)
    else:
        fix = _("Tulis ulang definisi ('warta topology export') dan muat ke broker "
                "(rabbitmqctl import_definitions BERKAS, atau nyalakan ulang RabbitMQ); kebijakan "
                "berlaku untuk antrean yang sudah ada.")
    return Check(NAME, "fail", _("Pengaturan antrean di broker berbeda dari konfigurasi: {items}",
                                 items=shown), fix)
