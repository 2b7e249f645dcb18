"""The SSRF guard, redirects and body caps of the fetcher, with a resolver stub and a recording transport."""

from __future__ import annotations

import asyncio
import gzip
import tracemalloc

import httpx
import pytest

from pipeline.config import Settings
from pipeline.fetch.body import BoundedBody, TooLarge, gunzip_capped
from pipeline.fetch.errors import Blocked, FetchError
from pipeline.fetch.http import Fetcher
from pipeline.fetch.ssrf import AddressPolicy
from tests.integration.fetch_site import StubResolver, gzip_bomb

SETTINGS = Settings(fetch_allow_addresses="127.0.0.1", fetch_timeout_s=5)
PAGE = b"<html><body><p>hello</p></body></html>"


class Recorder:
    """A transport that answers from a table and remembers every request it was asked to send."""

    def __init__(self, routes: dict[str, httpx.Response]) -> None:
        self.routes, self.sent = routes, []  # type: ignore[var-annotated]

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return self.routes.get(request.url.path, httpx.Response(404))


def fetch(url: str, routes: dict[str, httpx.Response], table: dict[str, list[str]]) -> tuple[object, Recorder]:
    recorder = Recorder(routes)

    async def go() -> object:
        async with httpx.AsyncClient(transport=httpx.MockTransport(recorder)) as client:
            fetcher = Fetcher(client, SETTINGS, StubResolver(table))
            try:
                return await fetcher.get(url, accept=("text/html",), max_bytes=1 << 20)
            except FetchError as exc:
                return exc

    return asyncio.run(go()), recorder


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.1/latest", "blocked private address: 10.0.0.1"),
        ("http://169.254.169.254/latest/meta-data/", "blocked link-local address: 169.254.169.254"),
        ("http://[::1]:8080/", "blocked loopback address: ::1"),
        ("file:///etc/passwd", "scheme not allowed: file"),
        ("gopher://example.test/", "scheme not allowed: gopher"),
        ("http://inside.test/", "blocked private address: 192.168.1.5"),
        ("http://mixed.test/", "blocked private address: 10.1.1.1"),
        ("http://ghost.test/", "host not resolved: ghost.test"),
    ],
)
def test_refused_targets_are_never_contacted(url: str, reason: str) -> None:
    table = {"inside.test": ["192.168.1.5"], "mixed.test": ["93.184.215.14", "10.1.1.1"]}
    result, recorder = fetch(url, {"/": httpx.Response(200, content=PAGE)}, table)
    assert isinstance(result, Blocked)
    assert result.reason == reason
    assert recorder.sent == []


def test_the_connection_is_pinned_to_the_checked_address() -> None:
    routes = {"/a": httpx.Response(200, stream=httpx.ByteStream(PAGE), headers={"content-type": "text/html"})}
    result, recorder = fetch("http://news.test:8080/a", routes, {"news.test": ["127.0.0.1"]})
    assert not isinstance(result, Exception)
    [sent] = recorder.sent
    assert sent.url.host == "127.0.0.1"
    assert sent.headers["host"] == "news.test:8080"
    assert sent.headers["user-agent"] == SETTINGS.user_agent


def test_a_redirect_to_a_private_address_is_refused_before_it_is_followed() -> None:
    routes = {"/go": httpx.Response(302, headers={"location": "http://10.0.0.1/admin"})}
    result, recorder = fetch("http://127.0.0.1:9/go", routes, {})
    assert isinstance(result, Blocked) and result.reason == "blocked private address: 10.0.0.1"
    assert [r.url.host for r in recorder.sent] == ["127.0.0.1"]


def test_redirect_loops_end() -> None:
    routes = {"/loop": httpx.Response(302, headers={"location": "/loop"})}
    result, recorder = fetch("http://127.0.0.1:9/loop", routes, {})
    assert isinstance(result, FetchError) and result.reason == "too many redirects"
    assert len(recorder.sent) == SETTINGS.fetch_max_redirects + 1


def test_status_and_type_checks() -> None:
    routes = {
        "/busy": httpx.Response(503, headers={"retry-after": "7"}),
        "/pdf": httpx.Response(200, content=b"%PDF", headers={"content-type": "application/pdf"}),
        "/gone": httpx.Response(404),
    }
    busy, _ = fetch("http://127.0.0.1:9/busy", routes, {})
    assert isinstance(busy, FetchError) and (busy.status, busy.retryable, busy.retry_after_s) == (503, True, 7.0)
    pdf, _ = fetch("http://127.0.0.1:9/pdf", routes, {})
    assert isinstance(pdf, FetchError) and pdf.reason == "content type not accepted: application/pdf"
    gone, _ = fetch("http://127.0.0.1:9/gone", routes, {})
    assert isinstance(gone, FetchError) and (gone.status, gone.retryable) == (404, False)


def test_the_allow_list_admits_networks() -> None:
    policy = AddressPolicy.from_setting("10.0.0.0/8, ::1")
    assert policy.refusal("10.9.9.9") is None and policy.refusal("::1") is None
    assert policy.refusal("192.168.0.1") == "private address"
    assert policy.refusal("::ffff:192.168.0.1") == "private address"
    assert AddressPolicy().refusal("100.64.0.1") == "reserved address"  # shared address space
    assert AddressPolicy().refusal("93.184.215.14") is None


def test_a_gigabyte_gzip_bomb_is_refused_within_bounded_memory() -> None:
    bomb = gzip_bomb(1 << 30)
    assert len(bomb) < 2 << 20
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge):
            body = BoundedBody(10 << 20, "gzip", 200)
            for start in range(0, len(bomb), 65536):
                body.feed(bomb[start : start + 65536])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 << 20


def test_gzip_members_and_caps() -> None:
    assert gunzip_capped(gzip.compress(b"abc") + gzip.compress(b"def"), 10) == b"abcdef"
    with pytest.raises(TooLarge):
        gunzip_capped(gzip.compress(bytes(1000)), 999)
    with pytest.raises(FetchError, match="corrupt"):
        gunzip_capped(b"\x1f\x8b" + bytes(40), 100)
    with pytest.raises(FetchError, match="content encoding not accepted: br"):
        BoundedBody(10, "br")
