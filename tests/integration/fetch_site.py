"""A local multi-host news site for the fetch tests: one HTTP server per simulated host on 127.0.0.1.

Each host answers from a route table and logs every request (path, time, status, peer
port, conditional headers) so tests can check politeness and 304s from the server's side.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

from confluent_kafka import KafkaError, TopicPartition

from pipeline.codec import decode, encode
from pipeline.config import Settings
from pipeline.fetch.pages import host_key
from pipeline.kafka import clients
from pipeline.models import Contract, FetchRequest
from pipeline.topology import Topology

M = TypeVar("M", bound=Contract)


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


Route = Callable[[BaseHTTPRequestHandler], Reply]


@dataclass
class Hit:
    path: str
    at: float
    status: int
    peer_port: int
    if_none_match: str | None
    if_modified_since: str | None
    user_agent: str | None


class QuietServer(ThreadingHTTPServer):
    """A client that hangs up (a killed worker, a refused bomb) is expected here, not an error."""

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class Host:
    def __init__(self, routes: dict[str, Route | Reply]) -> None:
        self.routes = routes
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        host = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                missing = Reply(404, b"not here", {"Content-Type": "text/plain"})
                route = host.routes.get(self.path.split("?")[0], missing)
                hit = Hit(
                    self.path,
                    time.monotonic(),
                    0,
                    self.client_address[1],
                    self.headers.get("If-None-Match"),
                    self.headers.get("If-Modified-Since"),
                    self.headers.get("User-Agent"),
                )
                with host.lock:
                    host.hits.append(hit)
                reply = route(self) if callable(route) else route
                hit.status = reply.status
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = QuietServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def paths(self, path: str) -> list[Hit]:
        with self.lock:
            return [h for h in self.hits if h.path == path]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Holding:
    """Page requests that wait until released; the peer ports of those waiting now."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.waiting: dict[int, str] = {}

    def page(self, reply: Reply) -> Route:
        def route(request: BaseHTTPRequestHandler) -> Reply:
            port = request.client_address[1]
            with self.lock:
                self.waiting[port] = request.path
            self.release.wait(60)
            with self.lock:
                self.waiting.pop(port, None)
            return reply

        return route

    def held_ports(self) -> set[int]:
        with self.lock:
            return set(self.waiting)


def html(title: str, paragraphs: list[str]) -> Reply:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page = f"""<!doctype html><html><head><title>{title}</title></head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<div class="paywall">Subscribe now to keep reading. Already a member? Log in.</div>
<article><h1>{title}</h1>{body}</article>
<footer>Copyright 2025 Local Gazette. All rights reserved. Privacy. Terms.</footer></body></html>"""
    return Reply(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"})


def conditional(reply: Reply, etag: str | None = None, modified: str | None = None) -> Route:
    def route(request: BaseHTTPRequestHandler) -> Reply:
        if etag and request.headers.get("If-None-Match") == etag:
            return Reply(304)
        if modified and request.headers.get("If-Modified-Since") == modified:
            return Reply(304)
        headers = dict(reply.headers)
        headers.update({"ETag": etag} if etag else {"Last-Modified": modified or ""})
        return Reply(reply.status, reply.body, headers)

    return route


def gzip_bomb(size: int) -> bytes:
    """A gzip body that inflates to size bytes of zeros (a multiple of 16 MiB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(1 << 24)
    return b"".join(packer.compress(block) for _ in range(size // len(block))) + packer.flush()


class StubResolver:
    """A resolver answering from a table (no answer: unresolved), remembering every host asked."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return self.table.get(host, [])


def request_fetches(settings: Settings, urls: list[str]) -> None:
    """Put a fetch request for each URL on news.fetch, keyed by host as the scheduler does."""
    topic = Topology.from_settings(settings).name("fetch")
    producer = clients.producer(settings)
    for url in urls:
        request = FetchRequest.for_url(url, datetime.now(UTC))
        producer.produce(topic, key=host_key(url).encode(), value=encode(request))
    assert producer.flush(30) == 0


def read_all(settings: Settings, topic: str, model: type[M], timeout_s: float = 30.0) -> list[M]:
    """Every committed message of topic, read to the end of each partition."""
    consumer = clients.consumer(settings, f"reader-all-{time.monotonic_ns()}", **{"enable.partition.eof": True})
    partitions = consumer.list_topics(topic, timeout=10).topics[topic].partitions
    consumer.assign([TopicPartition(topic, p, 0) for p in partitions])
    ended: set[int] = set()
    found: list[M] = []
    deadline = time.monotonic() + timeout_s
    try:
        while len(ended) < len(partitions):
            if time.monotonic() > deadline:
                raise AssertionError(f"could not read {topic} to its end within {timeout_s}s")
            message = consumer.poll(0.5)
            if message is None:
                continue
            error = message.error()
            if error is not None and error.code() == KafkaError._PARTITION_EOF:
                ended.add(int(message.partition() or 0))
            elif error is None:
                found.append(decode(model, message.value()))
    finally:
        consumer.close()
    return found
