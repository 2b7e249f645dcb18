"""``news-ingest dashboard``: a page on 127.0.0.1 that polls ``/api/snapshot``, the report and its
history as JSON, refreshed by a thread from the same collector ``top`` uses."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any

import structlog

from pipeline.views.collect import Collector
from pipeline.views.history import History
from pipeline.views.report import Report, as_json, report
from pipeline.views.snapshot import Snapshot

log = structlog.get_logger(__name__)

STATIC = resources.files("pipeline.views") / "static"
FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/dashboard.js": ("dashboard.js", "text/javascript; charset=utf-8"),
    "/dashboard.css": ("dashboard.css", "text/css; charset=utf-8"),
}


class Board:
    """The latest report and the history of reports; ``refresh`` takes the next snapshot."""

    def __init__(self, collector: Collector, interval_s: float, history: History | None = None) -> None:
        self.collector = collector
        self.interval_s = interval_s
        self.history = history or History()
        self._previous: Snapshot | None = None
        self._lock = threading.Lock()
        self._payload = self._encode(None)

    def refresh(self) -> Report:
        current = self.collector.snapshot()
        shown = report(current, self._previous)
        self._previous = current if current.kafka_error is None else self._previous
        self.history.add(shown)
        payload = self._encode(shown)
        with self._lock:
            self._payload = payload
        return shown

    def _encode(self, shown: Report | None) -> bytes:
        settings = self.collector.settings
        body: dict[str, Any] = {
            "bootstrap": settings.bootstrap,
            "prefix": settings.topic_prefix,
            "interval_s": self.interval_s,
            "report": as_json(shown) if shown else None,
            "history": self.history.as_json(),
        }
        return json.dumps(body).encode()

    def payload(self) -> bytes:
        with self._lock:
            return self._payload

    def run(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                self.refresh()
            except Exception:  # a view keeps going; the next refresh tries again
                log.exception("dashboard refresh failed")
            stop.wait(self.interval_s)


def handler_for(board: Board) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            path = self.path.split("?", 1)[0]
            if path == "/api/snapshot":
                self._send(board.payload(), "application/json")
            elif path in FILES:
                name, kind = FILES[path]
                self._send((STATIC / name).read_bytes(), kind)
            else:
                self.send_error(HTTPStatus.NOT_FOUND)

        def _send(self, body: bytes, kind: str) -> None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
            log.debug("dashboard request", line=format % args)

    return Handler


def serve(
    board: Board, host: str, port: int, stop: threading.Event, on_ready: Callable[[str], None] | None = None
) -> None:
    """Serve the page until stop is set, refreshing the board meanwhile; on_ready gets its URL."""
    server = ThreadingHTTPServer((host, port), handler_for(board))
    server.daemon_threads = True
    threads = [
        threading.Thread(target=server.serve_forever, daemon=True),
        threading.Thread(target=board.run, args=(stop,)),
    ]
    for thread in threads:
        thread.start()
    if on_ready is not None:
        on_ready(f"http://{host}:{server.server_address[1]}/")
    stop.wait()
    server.shutdown()
    server.server_close()
    for thread in threads:
        thread.join()
