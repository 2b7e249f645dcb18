"""The local Apache Kafka broker: assembled from Maven Central, run with the machine's Java.

``deploy/kafka/pom.xml`` pins the release; Maven copies its jars once into the cache
(a second start downloads nothing), storage is formatted on first start, and the broker
runs detached, bound to 127.0.0.1 only, with its data in the directory the settings name.
"""

from __future__ import annotations

import base64
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from confluent_kafka.admin import AdminClient

from pipeline.config import DEFAULT_MAX_DOCUMENT_BYTES, Settings, message_limit
from pipeline.kafka.clients import log_config

DEPLOY_DIR = Path(__file__).resolve().parents[1] / "deploy" / "kafka"
SCRAM_MECHANISM = "SCRAM-SHA-512"
SASL_LISTENER = "SASL_PLAINTEXT"
# Brokers this process started, kept so they can be reaped when stopped here.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


class BrokerError(RuntimeError):
    """The local broker could not be assembled, started or stopped."""


@dataclass(frozen=True)
class LocalBroker:
    data_dir: Path
    port: int
    controller_port: int
    libs_cache: Path
    start_timeout_s: float = 90.0
    deploy_dir: Path = DEPLOY_DIR
    max_message_bytes: int = message_limit(DEFAULT_MAX_DOCUMENT_BYTES)
    # an optional SASL_PLAINTEXT (SCRAM-SHA-512) listener beside the plaintext one, and its users
    # (name, password), created when the storage is formatted
    sasl_port: int | None = None
    scram_users: tuple[tuple[str, str], ...] = ()

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalBroker:
        return cls(
            data_dir=settings.broker_dir,
            port=settings.broker_port,
            controller_port=settings.controller_port,
            libs_cache=settings.cache_dir,
            start_timeout_s=settings.broker_start_timeout_s,
            max_message_bytes=settings.max_message_bytes,
        )

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def sasl_bootstrap(self) -> str:
        if self.sasl_port is None:
            raise BrokerError("this broker has no SASL listener")
        return f"127.0.0.1:{self.sasl_port}"

    @cached_property
    def version(self) -> str:
        pom = (self.deploy_dir / "pom.xml").read_text()
        found = re.search(r"<kafka.version>([^<]+)</kafka.version>", pom)
        if not found:
            raise BrokerError("deploy/kafka/pom.xml names no kafka.version")
        return found.group(1)

    @property
    def libs_dir(self) -> Path:
        return self.libs_cache / f"kafka-{self.version}-libs"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "broker.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "broker.log"

    def ensure_libs(self) -> Path:
        """The broker's jars, fetched by Maven on first use and cached after."""
        done = self.libs_dir / ".complete"
        if done.exists():
            return self.libs_dir
        mvn = shutil.which("mvn")
        if mvn is None:
            raise BrokerError("Maven (mvn) is needed once to assemble the broker from Maven Central")
        staging = self.libs_dir.with_name(self.libs_dir.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        cmd = [mvn, "-q", "-B", "-f", str(self.deploy_dir / "pom.xml"), "dependency:copy-dependencies"]
        result = subprocess.run(  # noqa: S603
            [*cmd, f"-Dkafka.libs.dir={staging}"], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise BrokerError(f"mvn failed ({result.returncode}): {result.stdout[-2000:]}{result.stderr[-2000:]}")
        shutil.rmtree(self.libs_dir, ignore_errors=True)
        staging.rename(self.libs_dir)
        done.touch()
        return self.libs_dir

    def _java(self, main: str, *args: str) -> list[str]:
        java = shutil.which("java")
        if java is None:
            raise BrokerError("java (17 or later) is needed to run the broker")
        log_config = f"-Dlog4j2.configurationFile={self.deploy_dir / 'log4j2.yaml'}"
        return [java, "-Xms256m", "-Xmx1g", log_config, "-cp", f"{self.ensure_libs()}/*", main, *args]

    def server_config(self) -> str:
        """deploy/kafka/server.properties with this broker's ports, data directory and message limit."""
        template = (self.deploy_dir / "server.properties").read_text()
        config = template.format(
            port=self.port,
            controller_port=self.controller_port,
            log_dirs=self.data_dir / "kraft-logs",
            max_message_bytes=self.max_message_bytes,
        )
        return config if self.sasl_port is None else with_sasl_listener(config, self.sasl_port)

    def _write_config(self) -> Path:
        path = self.data_dir / "server.properties"
        path.write_text(self.server_config())
        return path

    def _format_storage(self, config: Path) -> None:
        if (self.data_dir / "kraft-logs" / "meta.properties").exists():
            return
        users = [f"{SCRAM_MECHANISM}=[name={name},password={password}]" for name, password in self.scram_users]
        scram = [arg for user in users for arg in ("--add-scram", user)]
        cmd = self._java("kafka.tools.StorageTool", "format", "-t", cluster_id(), "-c", str(config), *scram)
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
        if result.returncode != 0:
            raise BrokerError(f"formatting storage failed: {result.stdout}{result.stderr}")

    def pid(self) -> int | None:
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        return pid

    def answers(self, timeout_s: float = 2.0) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=timeout_s).close()
        except OSError:
            return False
        config: dict[str, Any] = {"bootstrap.servers": self.bootstrap, "socket.timeout.ms": int(timeout_s * 1000)}
        admin = AdminClient(config | log_config(self.bootstrap))
        try:
            admin.list_topics(timeout=timeout_s)
        except Exception:  # noqa: BLE001 - any failure means "not answering yet"
            return False
        return True

    def start(self) -> bool:
        """Start the broker unless it runs; wait until it answers. True if this call started it."""
        if self.pid() is not None:
            self._wait_until_answering()
            return False
        if self.answers():
            return False
        self.data_dir.mkdir(parents=True, exist_ok=True)
        config = self._write_config()
        self._format_storage(config)
        with self.log_file.open("ab") as log:
            process = subprocess.Popen(  # noqa: S603
                self._java("kafka.Kafka", str(config)),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.pid_file.write_text(str(process.pid))
        _CHILDREN[process.pid] = process
        try:
            self._wait_until_answering(process)
        except BrokerError:
            self.stop()
            raise
        return True

    def _wait_until_answering(self, process: subprocess.Popen[bytes] | None = None) -> None:
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            if process is not None and process.poll() is not None:
                tail = self.log_file.read_text(errors="replace")[-3000:]
                raise BrokerError(f"broker exited with {process.returncode}; log tail:\n{tail}")
            if self.answers():
                return
            time.sleep(0.25)
        raise BrokerError(f"broker did not answer on {self.bootstrap} within {self.start_timeout_s:.0f}s")

    def stop(self, timeout_s: float = 30.0) -> bool:
        """Stop the broker if it runs. True if it was running."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.1)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        child = _CHILDREN.pop(pid, None)
        if child is not None:
            child.wait(timeout_s)
        self.pid_file.unlink(missing_ok=True)
        return True


def read_properties(text: str) -> dict[str, str]:
    lines = (line.strip() for line in text.splitlines())
    return dict(line.split("=", 1) for line in lines if "=" in line and not line.startswith("#"))


def with_properties(text: str, changes: dict[str, str]) -> str:
    """A properties file with these keys set: in place where it has them, appended where not."""
    left = dict(changes)
    lines = []
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip()
        lines.append(f"{key}={left.pop(key)}" if "=" in line and key in left else line)
    lines += [f"{key}={value}" for key, value in left.items()]
    return "\n".join(lines) + "\n"


def with_sasl_listener(config: str, sasl_port: int) -> str:
    """The broker's configuration with a SCRAM listener added; the others stay as they are (the
    brokers and the controller still talk plaintext among themselves, on 127.0.0.1)."""
    current = read_properties(config)
    listener = f"{SASL_LISTENER}://127.0.0.1:{sasl_port}"
    protocols = current["listener.security.protocol.map"]
    jaas = f"listener.name.{SASL_LISTENER.lower()}.{SCRAM_MECHANISM.lower()}.sasl.jaas.config"
    return with_properties(
        config,
        {
            "listeners": f"{current['listeners']},{listener}",
            "advertised.listeners": f"{current['advertised.listeners']},{listener}",
            "listener.security.protocol.map": f"{protocols},{SASL_LISTENER}:{SASL_LISTENER}",
            "sasl.enabled.mechanisms": SCRAM_MECHANISM,
            jaas: "org.apache.kafka.common.security.scram.ScramLoginModule required;",
        },
    )


def _uuid4_bytes() -> bytes:
    return uuid.uuid4().bytes


def cluster_id(draw: Callable[[], bytes] = _uuid4_bytes) -> str:
    """A cluster id as Kafka's ``Uuid.randomUuid`` makes one: 16 random bytes in URL-safe base64
    without padding, drawn again while the id starts with '-', which ``kafka-storage format`` would
    read as an option (about 1 id in 64)."""
    while True:
        candidate = base64.urlsafe_b64encode(draw()).decode().rstrip("=")
        if not candidate.startswith("-"):
            return candidate


def _alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        if waited == pid:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
