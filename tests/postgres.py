"""A real PostgreSQL server for tests: Debian's binaries, a data directory of its own, a free port on
127.0.0.1. The server refuses to run as root, so under root it runs as the ``postgres`` user the
package creates."""

from __future__ import annotations

import getpass
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.kafka_helpers import free_port

MISSING = "needs a PostgreSQL server: Debian's postgresql package (apt-get install postgresql)"


def server_bin() -> Path | None:
    """The newest installed server's bin directory, if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def _server_user() -> str | None:
    """Who runs the server: ourselves, or under root the postgres user (None if there is none)."""
    if os.geteuid() != 0:
        return getpass.getuser()
    try:
        return pwd.getpwnam("postgres").pw_name
    except KeyError:
        return None


@dataclass
class PostgresServer:
    bin: Path
    root: Path
    port: int
    user: str

    @property
    def data(self) -> Path:
        return self.root / "data"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", self.user, "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)
        if result.returncode != 0:
            log = (self.root / "server.log").read_text() if (self.root / "server.log").exists() else ""
            raise RuntimeError(f"{args[0]} failed: {result.stdout}{result.stderr}{log[-2000:]}")

    def start(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh database; its DSN."""
        name = f"t{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"'.encode())
        return self.dsn(name)


@contextmanager
def running_server() -> Iterator[PostgresServer | str]:
    """A started server for the block, or the reason there can be none."""
    bin_dir, user = server_bin(), _server_user()
    if bin_dir is None or user is None:
        yield MISSING
        return
    root = Path(tempfile.mkdtemp(prefix="news-ingest-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(root, user)
        server = PostgresServer(bin_dir, root, free_port(), user)
        server.start()
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)
