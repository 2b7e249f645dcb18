"""The SSRF guard: only http(s) URLs whose every resolved address is public, or allow-listed.

URLs come from feeds we do not control. The check runs after DNS resolution and the
connection is then pinned to the checked address, so a second lookup cannot swap in a
private one; the worker runs it again on every redirect.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from pipeline.fetch.errors import Blocked

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[[str, int], Awaitable[list[str]]]
SCHEMES = ("http", "https")


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


@dataclass(frozen=True)
class AddressPolicy:
    """Which addresses a fetch may reach: public ones, plus the allow-list."""

    allow: tuple[Network, ...] = ()

    @classmethod
    def from_setting(cls, text: str) -> AddressPolicy:
        items = [item.strip() for item in text.split(",") if item.strip()]
        return cls(tuple(ipaddress.ip_network(item, strict=False) for item in items))

    def refusal(self, address: str) -> str | None:
        """Why address may not be reached, or None when it may."""
        ip: IPAddress = ipaddress.ip_address(address.split("%")[0])
        if any(ip in net for net in self.allow):
            return None
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            return self.refusal(str(ip.ipv4_mapped))
        for label, hit in (
            ("loopback", ip.is_loopback),
            ("link-local", ip.is_link_local),
            ("multicast", ip.is_multicast),
            ("unspecified", ip.is_unspecified),
            ("private", ip.is_private),
            ("reserved", ip.is_reserved or not ip.is_global),
        ):
            if hit:
                return f"{label} address"
        return None


def check_scheme(url: httpx.URL) -> None:
    if url.scheme not in SCHEMES:
        raise Blocked(f"scheme not allowed: {url.scheme or 'none'}")


def _literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


async def safe_address(url: httpx.URL, policy: AddressPolicy, resolver: Resolver) -> str:
    """The address to connect to for url; Blocked when the scheme or any resolved address is refused."""
    check_scheme(url)
    host = url.host
    if not host:
        raise Blocked("no host in URL")
    literal = _literal(host)
    try:
        addresses = [literal] if literal else await resolver(host, url.port or (443 if url.scheme == "https" else 80))
    except OSError as exc:
        raise Blocked(f"host not resolved: {host}", detail=str(exc)) from exc
    if not addresses:
        raise Blocked(f"host not resolved: {host}")
    for address in addresses:
        reason = policy.refusal(address)
        if reason:
            raise Blocked(f"blocked {reason}: {address}", detail=f"{host} resolves to {address}")
    return addresses[0]


def pinned(url: httpx.URL, address: str) -> tuple[httpx.URL, dict[str, str], dict[str, str]]:
    """The URL to connect to the checked address, with the Host header and TLS name of the original."""
    host_header = url.netloc.decode("ascii")
    extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
    return url.copy_with(host=address), {"Host": host_header}, extensions
