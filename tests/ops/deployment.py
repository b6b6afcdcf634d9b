"""A deployment booted from what the repository ships: the systemd units under ``deploy/systemd``
(their ``Environment=``, ``EnvironmentFile=``, ``LoadCredential=`` and ``ExecStart=``),
``deploy/make-secrets.sh``, ``warta topology export`` and ``deploy/rabbitmq/rabbitmq.conf``.

What differs from a real machine, and why:

- every absolute path (``/etc/warta``, ``/var/lib/warta``, ``/srv/warta``, ``/etc/rabbitmq``) lives
  under one private root folder, so the test never touches the machine's own;
- ``/opt/warta/bin/warta`` is this interpreter's ``-m warta.cli``;
- the fixed ports of the units and the broker config (5672, 15672, 8000, 9101…) are replaced by free
  ones, because other suites use the machine's own services on the same ports;
- systemd's credential store (``%d``) is a folder per unit holding 0400 copies, as systemd makes it;
- the services run as the test's user, not ``warta`` (the units' ``User=``).

Everything else — the variables, the secrets' names and modes, the order migrate → services — is
read from the shipped files, so a unit or a secret the docs name wrongly fails here.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
BINARY = "/opt/warta/bin/warta"
SYSTEM_PATHS = ("/etc/warta", "/var/lib/warta", "/srv/warta", "/etc/rabbitmq", "/run/warta")


def service_port() -> int:
    """A free port below the kernel's ephemeral range (32768 up), so that no client connection
    made later in the run is given it before the service that is to listen on it starts."""
    import random
    import socket

    while True:
        port = random.randrange(20000, 32000)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port


@dataclass
class Unit:
    """The parts of one systemd service unit that decide how Warta runs."""

    name: str
    environment: dict[str, str]
    environment_files: list[tuple[str, bool]]
    """(path, optional): ``EnvironmentFile=-/path`` is optional."""
    credentials: dict[str, str]
    exec_start: list[str]

    @classmethod
    def load(cls, path: Path, instance: str = "") -> "Unit":
        """Read ``path`` (a template is read for ``instance``: ``%i`` replaced)."""
        env: dict[str, str] = {}
        files: list[tuple[str, bool]] = []
        creds: dict[str, str] = {}
        command: list[str] = []
        section = ""
        for raw in path.read_text(encoding="utf-8").splitlines():
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("["):
                section = line
                continue
            if section != "[Service]" or "=" not in line:
                continue
            key, value = line.split("=", 1)
            value = value.replace("%i", instance)
            if key == "Environment":
                for pair in shlex.split(value):
                    name, _, val = pair.partition("=")
                    env[name] = val
            elif key == "EnvironmentFile":
                files.append((value.lstrip("-"), value.startswith("-")))
            elif key == "LoadCredential":
                name, _, source = value.partition(":")
                creds[name] = source
            elif key == "ExecStart":
                command = shlex.split(value)
        unit = path.name.replace("@.", f"@{instance}.") if instance else path.name
        return cls(unit, env, files, creds, command)


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines as systemd reads an ``EnvironmentFile=`` (comments and blanks skipped)."""
    env = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            env[key.strip()] = value.strip().strip('"')
    return env


@dataclass
class Machine:
    """One host's file system under ``root``: what ``/etc/warta``… are on it."""

    root: Path
    ports: dict[int, int] = field(default_factory=dict)
    """The units' fixed ports → the free ports used instead."""

    def tmpfiles(self) -> None:
        """What ``systemd-tmpfiles --create`` makes from ``warta.tmpfiles.conf`` (the ``d`` lines),
        and ``StateDirectory=warta`` (``/var/lib/warta``, 0750)."""
        for line in (UNITS / "warta.tmpfiles.conf").read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 3 and parts[0] == "d":
                folder = self.path(parts[1])
                folder.mkdir(parents=True, exist_ok=True)
                folder.chmod(int(parts[2], 8))
        self.path("/var/lib/warta").mkdir(parents=True, exist_ok=True)
        self.path("/var/lib/warta").chmod(0o750)
        self.path("/etc/warta").mkdir(parents=True, exist_ok=True)

    def path(self, system_path: str) -> Path:
        """Where ``system_path`` (e.g. ``/etc/warta/secrets``) is on this machine."""
        return self.root / system_path.lstrip("/")

    def remap(self, value: str) -> str:
        """A unit's value with the system paths moved under the root and fixed ports replaced."""
        for prefix in SYSTEM_PATHS:
            value = value.replace(prefix, str(self.path(prefix)))
        if value.isdigit() and int(value) in self.ports:
            value = str(self.ports[int(value)])
        return value

    def env_for(self, unit: Unit, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The environment systemd would give ``unit``: its ``Environment=``, overridden by its
        ``EnvironmentFile=`` (as systemd does), ``%d`` the unit's private credentials folder."""
        creds = self.path(f"/run/warta/credentials/{unit.name}")
        creds.mkdir(parents=True, exist_ok=True)
        creds.chmod(0o700)
        for name, source in unit.credentials.items():
            target = creds / name
            if target.exists():
                target.chmod(0o600)
            shutil.copyfile(self.path(source), target)
            target.chmod(0o400)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
               "HOME": str(self.path("/var/lib/warta")), "CREDENTIALS_DIRECTORY": str(creds)}
        for key, value in unit.environment.items():
            env[key] = self.remap(value).replace("%d", str(creds))
        for path, optional in unit.environment_files:
            file = self.path(path)
            if file.exists():
                env.update({k: self.remap(v) for k, v in read_env_file(file).items()})
            elif not optional:
                raise FileNotFoundError(f"{unit.name}: EnvironmentFile {path} is missing")
        env.update(extra or {})
        return env

    def command_for(self, unit: Unit) -> list[str]:
        """``ExecStart=`` with Warta's binary as this interpreter's module."""
        command = [self.remap(part) for part in unit.exec_start]
        if command and command[0] == BINARY:
            command = [sys.executable, "-m", "warta.cli", *command[1:]]
        return command


@dataclass
class Service:
    """A running unit: its process and its log file."""

    unit: Unit
    proc: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        """Whether the process still runs."""
        return self.proc.poll() is None

    def tail(self, lines: int = 25) -> str:
        """The end of its log (for failure messages)."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- {self.unit.name} (rc={self.proc.poll()})\n" + "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM as systemd does, SIGKILL after a while."""
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


def start(machine: Machine, unit: Unit, extra: dict[str, str] | None = None) -> Service:
    """Start ``unit`` on ``machine`` in its own process group, logging to a file."""
    log = machine.path(f"/run/warta/log/{unit.name}.log")
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        proc = subprocess.Popen(machine.command_for(unit), env=machine.env_for(unit, extra),
                                cwd=ROOT, stdout=out, stderr=out, stdin=subprocess.DEVNULL,
                                start_new_session=True)
    return Service(unit, proc, log)


def run_once(machine: Machine, unit: Unit, extra: dict[str, str] | None = None,
             timeout: float = 120) -> subprocess.CompletedProcess:
    """Run a one-shot unit (``Type=oneshot``) to its end."""
    return subprocess.run(machine.command_for(unit), env=machine.env_for(unit, extra), cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def wait_for(condition, timeout: float, what: str, services: list[Service] = (),  # noqa: ANN001, ANN201
             interval: float = 0.3):
    """Poll ``condition()`` until it returns something true; fail with the services' logs."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        dead = [s for s in services if not s.alive()]
        if dead or time.monotonic() > deadline:
            logs = "\n".join(s.tail() for s in services)
            raise AssertionError(f"{what}: {'a service died' if dead else 'timed out'}\n{logs}")
        time.sleep(interval)


def rewrite_secret(path: Path, pattern: str, replacement: str) -> None:
    """Point a secret URL written for compose host names at this machine's services."""
    text = path.read_text(encoding="utf-8")
    path.chmod(0o600)
    path.write_text(re.sub(pattern, replacement, text), encoding="utf-8")
