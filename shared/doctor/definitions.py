"""RabbitMQ definitions (the JSON a node imports at boot): the backbone's topology plus a virtual
host, one user per service and least-privilege permissions.

The topology (exchanges, queues, bindings, policies) arrives in the definitions' own shape; the
composition root converts the backbone's ``workers.transport.topology`` into it (``shared`` may not
import ``workers``). :func:`default_topology` is the naming both sides agreed on, used when the
backbone's module is absent.

Permissions follow RabbitMQ's access-control table: publishing needs *write* on the exchange,
consuming needs *read* on the queue, passive declares need nothing, and no service may *configure*
(create or delete) anything, because the topology is provisioned here, not by the services.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

CHANNELS = ("videotron", "radio", "web", "print")
"""The four dissemination channels, one worker each (``shared.classification.Channel``)."""

RETRY_TIERS = (10, 60, 300, 1800)
"""Default seconds of the TTL wait queues (``WARTA_RETRY_TIERS``)."""

NOTHING = "^$"
"""A permission pattern that matches no resource."""


@dataclass(frozen=True)
class Grant:
    """One user's permissions on the virtual host (regular expressions over resource names)."""

    user: str
    configure: str
    write: str
    read: str
    tags: tuple[str, ...] = ()


def _any_of(names: list[str]) -> str:
    if not names:
        return NOTHING
    return "^(" + "|".join(re.escape(n) for n in sorted(set(names))) + ")$"


def default_topology(prefix: str = "warta", channels: tuple[str, ...] = CHANNELS,
                     tiers: tuple[int, ...] = RETRY_TIERS, delivery_limit: int = 10) -> dict:
    """The agreed naming, mirroring ``workers.transport.topology`` (used only when that module is
    absent): ``<p>.dispatch`` routes ``<ch>`` and ``<ch>.urgent`` to quorum queues; fanout
    ``<p>.retry.<N>s`` feed TTL queues ``<p>.wait.<N>s`` that dead-letter back to dispatch;
    ``<p>.parking`` collects into ``<p>.parked``; ``<p>.receipts`` feeds the archiver."""
    p = prefix

    def exchange(name: str, kind: str = "direct") -> dict:
        return {"name": name, "type": kind, "durable": True, "auto_delete": False,
                "internal": False, "arguments": {}}

    def queue(name: str, **arguments: object) -> dict:
        return {"name": name, "durable": True, "auto_delete": False, "arguments": arguments}

    def binding(source: str, queue_name: str, key: str) -> dict:
        return {"source": source, "destination": queue_name, "destination_type": "queue",
                "routing_key": key, "arguments": {}}

    def limited(key: str) -> dict:
        return {"x-queue-type": "quorum", "x-delivery-limit": delivery_limit,
                "x-dead-letter-exchange": f"{p}.parking", "x-dead-letter-routing-key": key,
                "x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish"}

    exchanges = [exchange(f"{p}.dispatch"), exchange(f"{p}.parking"), exchange(f"{p}.receipts")]
    queues = [queue(f"{p}.parked", **{"x-queue-type": "classic"}),
              queue(f"{p}.receipts", **limited("receipt"))]
    bindings = [binding(f"{p}.receipts", f"{p}.receipts", "receipt"),
                binding(f"{p}.dispatch", f"{p}.receipts", "receipt"),  # a receipt's retry tier returns
                binding(f"{p}.parking", f"{p}.parked", "receipt")]
    for ch in channels:
        for key in (ch, f"{ch}.urgent"):
            queues.append(queue(f"{p}.{key}", **limited(ch)))
            bindings.append(binding(f"{p}.dispatch", f"{p}.{key}", key))
        bindings.append(binding(f"{p}.parking", f"{p}.parked", ch))
    for tier in tiers:
        exchanges.append(exchange(f"{p}.retry.{tier}s", "fanout"))
        queues.append(queue(f"{p}.wait.{tier}s", **{"x-queue-type": "classic", "x-message-ttl": tier * 1000,
                                                    "x-dead-letter-exchange": f"{p}.dispatch"}))
        bindings.append(binding(f"{p}.retry.{tier}s", f"{p}.wait.{tier}s", ""))
    return {"exchanges": exchanges, "queues": queues, "bindings": bindings, "policies": []}


def grants(topology: dict, prefix: str = "warta", channels: tuple[str, ...] = CHANNELS) -> list[Grant]:
    """Least privilege per service, derived from the topology's names and bindings:

    - relay: write the dispatch exchange only (the only writer of it);
    - worker <ch>: read only the queues the dispatch exchange routes ``<ch>`` / ``<ch>.*`` to;
      write only the retry, parking and receipts exchanges;
    - archiver: read the queue(s) bound to the receipts exchange; write the parking exchange and
      the retry exchanges (a receipt whose proof the archive cannot take yet waits in a tier);
    - operator (``<p>-ops``, ``warta redrive``): read the queue(s) bound to the parking exchange;
      write the retry and receipts exchanges (never dispatch);
    - admin: the management UI's ``administrator`` tag and no rights inside the virtual host.
    No one may configure (declare, bind or delete) anything: the topology is provisioned here.
    """
    p = prefix
    dispatch, parking, receipts = f"{p}.dispatch", f"{p}.parking", f"{p}.receipts"
    names = {e["name"] for e in topology["exchanges"]}
    bindings = topology["bindings"]

    def bound_from(exchange: str, keys: set[str] | None = None) -> list[str]:
        return [b["destination"] for b in bindings
                if b["source"] == exchange and (keys is None or b["routing_key"] in keys)]

    side = [n for n in names if n.startswith(f"{p}.retry.") or n in (parking, receipts)]
    out = [Grant(f"{p}-relay", NOTHING, _any_of([dispatch]), NOTHING),
           # archiver: parking, and the retry tiers for a receipt the archive cannot take yet
           Grant(f"{p}-archiver", NOTHING,
                 _any_of([n for n in names if n == parking or n.startswith(f"{p}.retry.")]),
                 _any_of(bound_from(receipts))),
           # redrive: read the parked messages, put them back through the shortest retry tier
           # (which dead-letters to dispatch) or, for receipts, into the receipts exchange
           Grant(f"{p}-ops", NOTHING, _any_of([n for n in side if n != parking]),
                 _any_of(bound_from(parking))),
           Grant(f"{p}-admin", NOTHING, NOTHING, NOTHING, ("administrator",))]
    for ch in channels:
        own = [b["destination"] for b in bindings if b["source"] == dispatch
               and (b["routing_key"] == ch or b["routing_key"].startswith(f"{ch}."))]
        out.append(Grant(f"{p}-{ch}", NOTHING, _any_of(side), _any_of(own)))
    return out


def password_hash(password: str, salt: bytes | None = None) -> str:
    """RabbitMQ's ``rabbit_password_hashing_sha256``: base64(salt + sha256(salt + password))."""
    salt = os.urandom(4) if salt is None else salt
    return base64.b64encode(salt + hashlib.sha256(salt + password.encode()).digest()).decode()


def credentials_from_secrets(folder: Path, prefix: str = "warta") -> dict[str, str]:
    """User → password read from the secret files: ``broker_<service>_url`` (an ``amqp://`` URL
    whose user part names the account) and ``rabbitmq_admin_password``. Each password therefore
    lives in exactly one file, shared by the service and by these definitions."""
    creds: dict[str, str] = {}
    for path in sorted(Path(folder).glob("broker_*_url")):
        url = urlsplit(path.read_text(encoding="utf-8").strip())
        if url.username and url.password:
            creds[unquote(url.username)] = unquote(url.password)
    admin = Path(folder) / "rabbitmq_admin_password"
    if admin.exists():
        creds[f"{prefix}-admin"] = admin.read_text(encoding="utf-8").strip()
    return creds


def build_definitions(topology: dict, vhost: str = "warta", prefix: str = "warta",
                      credentials: dict[str, str] | None = None,
                      channels: tuple[str, ...] = CHANNELS) -> dict:
    """The definitions document: the virtual host, its topology and policies, and — when
    ``credentials`` are given — the users (hashed passwords) with their permissions. A user
    without a password in ``credentials`` is left out rather than created without one."""
    def in_vhost(items: list[dict]) -> list[dict]:
        return [{**item, "vhost": vhost} for item in items]

    doc = {"vhosts": [{"name": vhost, "metadata": {"description": "Warta", "default_queue_type": "quorum"}}],
           "exchanges": in_vhost(topology["exchanges"]), "queues": in_vhost(topology["queues"]),
           "bindings": in_vhost(topology["bindings"]), "policies": in_vhost(topology.get("policies", [])),
           "users": [], "permissions": [], "topic_permissions": [], "parameters": [],
           "global_parameters": []}
    for grant in grants(topology, prefix, channels):
        if credentials is None or grant.user not in credentials:
            continue
        doc["users"].append({"name": grant.user, "password_hash": password_hash(credentials[grant.user]),
                             "hashing_algorithm": "rabbit_password_hashing_sha256",
                             "tags": list(grant.tags), "limits": {}})
        doc["permissions"].append({"user": grant.user, "vhost": vhost, "configure": grant.configure,
                                   "write": grant.write, "read": grant.read})
    return doc


def expected_names(topology: dict) -> tuple[list[str], list[str]]:
    """(exchange names, queue names) a healthy broker must have."""
    return [e["name"] for e in topology["exchanges"]], [q["name"] for q in topology["queues"]]
