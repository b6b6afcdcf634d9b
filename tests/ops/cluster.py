"""A throwaway three-node RabbitMQ cluster on this machine, for tests that kill brokers.

The machine's own RabbitMQ (``rabbit@localhost`` on 5672) is shared by other suites and is never
touched: every node here has its own name (``warta-<tag>-cN@localhost``), AMQP and distribution
ports, data and log folders and Erlang cookie (``$HOME/.erlang.cookie`` of a private folder), and
only registers its name with the machine's epmd like any Erlang node. Run as root, the nodes and
``rabbitmqctl`` run as the ``rabbitmq`` user (who owns the folders); run as anyone else, as that
user. :meth:`Cluster.close` stops the nodes (SIGKILL to their process groups if a stop hangs) and
deletes the folder.

Cluster formation is the operator's recipe (docs/DEPLOYMENT.md): start every node, then on the
second and third ``rabbitmqctl stop_app``, ``join_cluster <first>``, ``start_app``.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import string
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

SBIN = Path("/usr/lib/rabbitmq/bin")  # the Debian package's real scripts (not the su wrappers)


def find_tool(name: str) -> str | None:
    """The unwrapped RabbitMQ script ``name`` (Debian's /usr/sbin wrappers would su to the system
    node's environment), else whatever is on PATH."""
    path = SBIN / name
    return str(path) if path.exists() else shutil.which(name)


def free_port() -> int:
    """A TCP port nobody listens on right now (127.0.0.1)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _free_dist_port() -> int:
    """A free port below 55000: the CLI tools take distribution ports from port + 10000 upwards."""
    while True:
        port = free_port()
        if port < 55000:
            return port


@dataclass
class Node:
    """One node: its name, ports and folder; ``proc`` while it runs."""

    name: str
    amqp_port: int
    dist_port: int
    folder: Path
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        """The guest URL of this node (guest may log in from the loopback address)."""
        return f"amqp://guest:guest@127.0.0.1:{self.amqp_port}/%2F"


@dataclass
class Cluster:
    """``size`` nodes under ``base`` (a private folder made by :meth:`create`)."""

    base: Path
    nodes: list[Node] = field(default_factory=list)
    user: str | None = None
    """The account the nodes run as (``rabbitmq`` when we are root), None for ourselves."""

    @classmethod
    def create(cls, size: int = 3) -> "Cluster":
        """Folders, cookie and configuration of ``size`` nodes (nothing started yet)."""
        user = "rabbitmq" if os.geteuid() == 0 else None
        base = Path(tempfile.mkdtemp(prefix="warta-cluster-", dir="/tmp"))
        base.chmod(0o755)  # the rabbitmq user must reach it; the cookie inside is 0400
        tag = secrets.token_hex(3)
        cluster = cls(base=base, user=user)
        cookie = base / ".erlang.cookie"
        cookie.write_text("".join(secrets.choice(string.ascii_uppercase) for _ in range(32)))
        cookie.chmod(0o400)
        (base / "enabled_plugins").write_text("[].\n")  # no plugins: quicker boots
        (base / "rabbitmq-env.conf").write_text("")  # not /etc/rabbitmq/rabbitmq-env.conf
        for i in range(1, size + 1):
            node = Node(f"warta-{tag}-c{i}@localhost", free_port(), _free_dist_port(), base / f"c{i}")
            (node.folder / "data").mkdir(parents=True)
            (node.folder / "log").mkdir()
            (node.folder / "rabbitmq.conf").write_text(
                f"listeners.tcp.1 = 127.0.0.1:{node.amqp_port}\n"
                "cluster_partition_handling = pause_minority\n"
                "log.console = false\nlog.file.level = info\n"
                "disk_free_limit.absolute = 50MB\n")
            cluster.nodes.append(node)
        if user:
            pw = pwd.getpwnam(user)
            for path in [base, *base.rglob("*")]:
                os.chown(path, pw.pw_uid, pw.pw_gid)
        return cluster

    # -- processes ---------------------------------------------------------------------------------

    def _env(self, node: Node | None = None) -> dict:
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(self.base),
               "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "ERL_EPMD_ADDRESS": "127.0.0.1",
               "RABBITMQ_CONF_ENV_FILE": str(self.base / "rabbitmq-env.conf")}
        if node is not None:
            env.update({
                "RABBITMQ_NODENAME": node.name, "RABBITMQ_NODE_IP_ADDRESS": "127.0.0.1",
                "RABBITMQ_NODE_PORT": str(node.amqp_port), "RABBITMQ_DIST_PORT": str(node.dist_port),
                "RABBITMQ_CONFIG_FILE": str(node.folder / "rabbitmq.conf"),
                "RABBITMQ_ENABLED_PLUGINS_FILE": str(self.base / "enabled_plugins"),
                "RABBITMQ_MNESIA_BASE": str(node.folder / "data"),
                "RABBITMQ_LOG_BASE": str(node.folder / "log"),
                "RABBITMQ_PID_FILE": str(node.folder / "pid"),
                # one scheduler each: three nodes share a small test machine
                "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS":
                    "+S 1:1 -kernel inet_dist_use_interface {127,0,0,1}"})
        return env

    def _popen_user(self) -> dict:
        if not self.user:
            return {}
        pw = pwd.getpwnam(self.user)
        return {"user": pw.pw_uid, "group": pw.pw_gid, "extra_groups": []}

    def start_node(self, node: Node) -> None:
        """Start one node in its own process group (so a kill takes beam and its helpers)."""
        out = open(node.folder / "log" / "console.out", "ab")
        node.proc = subprocess.Popen([find_tool("rabbitmq-server")], env=self._env(node), cwd=self.base,
                                     stdout=out, stderr=out, stdin=subprocess.DEVNULL,
                                     start_new_session=True, **self._popen_user())
        out.close()

    def ctl(self, node: Node, *args: str, timeout: float = 90, tool: str = "rabbitmqctl",
            check: bool = True) -> subprocess.CompletedProcess:
        """``rabbitmqctl -n <node> args`` with our cookie."""
        done = subprocess.run([find_tool(tool), "-n", node.name, *args], env=self._env(),
                              cwd=self.base, capture_output=True, text=True, timeout=timeout,
                              **self._popen_user())
        if check and done.returncode != 0:
            raise RuntimeError(f"{tool} {' '.join(args)} on {node.name} failed: "
                               f"{(done.stderr or done.stdout).strip()[-800:]}\n{self.log_tail(node)}")
        return done

    def await_node(self, node: Node, timeout: int = 90) -> None:
        """Wait until the node has booted (or fail with the tail of its log)."""
        deadline = time.monotonic() + timeout
        while True:
            if node.proc is not None and node.proc.poll() is not None:
                raise RuntimeError(f"{node.name} exited with {node.proc.returncode}\n{self.log_tail(node)}")
            done = self.ctl(node, "await_startup", "--timeout", "10", timeout=30, check=False)
            if done.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{node.name} did not boot in {timeout}s: {done.stderr.strip()[-400:]}"
                                   f"\n{self.log_tail(node)}")
            time.sleep(0.5)

    def start(self) -> None:
        """Start every node, then join the second and later ones to the first."""
        for node in self.nodes:
            self.start_node(node)
        with ThreadPoolExecutor(len(self.nodes)) as pool:
            list(pool.map(self.await_node, self.nodes))
        first = self.nodes[0]
        for node in self.nodes[1:]:
            self.ctl(node, "stop_app")
            self.ctl(node, "join_cluster", first.name)
            self.ctl(node, "start_app")
        running = self.running_nodes(first)
        if sorted(running) != sorted(n.name for n in self.nodes):
            raise RuntimeError(f"cluster did not form: running {running}")

    def running_nodes(self, via: Node) -> list[str]:
        """The names of the running members, as ``via`` sees them."""
        status = json.loads(self.ctl(via, "cluster_status", "--formatter", "json").stdout)
        return list(status.get("running_nodes", []))

    def kill(self, node: Node) -> None:
        """SIGKILL the node (beam and its helpers): a machine that dies, no goodbye to anyone."""
        if node.proc is not None and node.proc.poll() is None:
            os.killpg(node.proc.pid, signal.SIGKILL)
            node.proc.wait(30)

    def stop_node(self, node: Node) -> None:
        """Stop a node politely, or kill it when that hangs."""
        if node.proc is None or node.proc.poll() is not None:
            return
        try:
            self.ctl(node, "stop", timeout=60, check=False)
            node.proc.wait(30)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(node.proc.pid, signal.SIGKILL)  # leftovers of the group (erl_child_setup)
        except ProcessLookupError:
            pass
        try:
            node.proc.wait(10)
        except subprocess.TimeoutExpired:
            pass

    def close(self) -> None:
        """Stop every node we started and delete the folder (a finalizer)."""
        with ThreadPoolExecutor(max(1, len(self.nodes))) as pool:
            list(pool.map(self.stop_node, self.nodes))
        shutil.rmtree(self.base, ignore_errors=True)

    # -- looking -----------------------------------------------------------------------------------

    def log_tail(self, node: Node, lines: int = 15) -> str:
        """The last lines of a node's log (for failure messages)."""
        text = ""
        for path in sorted((node.folder / "log").glob("*")):
            if path.is_file():
                text += f"--- {path.name}\n" + "\n".join(
                    path.read_text(errors="replace").splitlines()[-lines:]) + "\n"
        return text

    def connections(self, node: Node, prefix: str) -> list[str]:
        """Names of the client connections on ``node`` whose connection name starts ``prefix:``
        (Warta names each ``<prefix>:<role>:<host>:<pid>``)."""
        done = self.ctl(node, "list_connections", "client_properties", "--formatter", "json",
                        timeout=60, check=False)
        if done.returncode != 0:
            return []
        names = []
        for row in json.loads(done.stdout or "[]"):
            for prop in row.get("client_properties", []):
                if isinstance(prop, list) and prop and prop[0] == "connection_name":
                    if str(prop[-1]).startswith(prefix + ":"):
                        names.append(str(prop[-1]))
        return names

    def queues(self, node: Node) -> dict[str, dict]:
        """Queue name → {type, leader, members, online} as ``node`` sees them."""
        done = self.ctl(node, "list_queues", "name", "type", "leader", "members", "online",
                        "--formatter", "json", timeout=60)
        return {row["name"]: row for row in json.loads(done.stdout or "[]")}
