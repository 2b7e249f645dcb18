"""Ending a worker whose loop has stopped turning, so its supervisor starts a new one.

Two things stop a loop while the process looks alive: a step that never ends, and a call into
librdkafka that never returns although it was given a timeout (a transactional call after a broker
restart can hang: librdkafka issues #5456 and #5511). A thread watches both: the loop not beaten
for ``limit_s``, or one bounded call still running after ``hang_s``; then the process exits with
``STALL_EXIT_CODE`` (a graceful stop would wait on the very call that hangs).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import structlog

from pipeline.stall import STALL_EXIT_CODE

log = structlog.get_logger(__name__)
HANG_S = 30.0  # a call bounded at 10 s still running after this has hung


class Deadman:
    def __init__(self, limit_s: float, hang_s: float = HANG_S) -> None:
        self.limit_s, self.hang_s = limit_s, hang_s
        self.last = time.monotonic()
        self.calling: tuple[str, float] | None = None
        self._stopped = threading.Event()
        if limit_s > 0:
            threading.Thread(target=self._watch, name="deadman", daemon=True).start()

    def stop(self) -> None:
        """The loop has ended: nothing more to watch (a process may run several loops in turn)."""
        self._stopped.set()

    def beat(self) -> None:
        self.last = time.monotonic()

    @contextmanager
    def call(self, name: str) -> Iterator[None]:
        """Around one bounded call: it may take up to hang_s."""
        self.calling = (name, time.monotonic())
        try:
            yield
        finally:
            self.calling = None
            self.beat()

    def _watch(self) -> None:
        while not self._stopped.wait(min(5.0, self.hang_s / 4, self.limit_s / 4)):
            now, calling = time.monotonic(), self.calling
            if calling is not None and now - calling[1] > self.hang_s:
                self._exit("a Kafka call never returned", call=calling[0], running_s=round(now - calling[1]))
            elif calling is None and now - self.last > self.limit_s:
                self._exit("the worker loop stopped turning", silent_s=round(now - self.last))

    def _exit(self, why: str, **facts: object) -> None:
        log.error(f"worker hung: {why}; exiting so the supervisor restarts it", **facts)
        os._exit(STALL_EXIT_CODE)


__all__ = ["HANG_S", "Deadman"]
