"""Where a webhook may point: public addresses only, unless an operator allowed a private
network. Checked when a subscription is made and again before every delivery, on the addresses
the name resolves to then (a name may be re-pointed at an internal host after it was checked)."""

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from urllib.parse import urlsplit

import idna

from chiso_core.words import refusals

Network = IPv4Network | IPv6Network
# IPv6 ranges that reach IPv4 hosts, or are not used on the internet, which Python's `is_global`
# calls public (some of them, in some of its releases): each is refused whole (an IPv4 host
# inside could be private, and a translator or relay decides where it goes).
_UNROUTED = {
    IPv6Network("64:ff9b::/96"): "NAT64",
    IPv6Network("64:ff9b:1::/48"): "local-use NAT64",
    IPv6Network("2002::/16"): "6to4",
    IPv6Network("::/96"): "IPv4-compatible",
    IPv6Network("fec0::/10"): "site-local",
    IPv6Network("2001::/32"): "Teredo",
}


class UnsafeAddress(ValueError):
    """The URL is malformed or reaches an address webhooks must not reach."""


def parse(url: str) -> tuple[str, int]:
    """The host and port of an http(s) URL without credentials."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise UnsafeAddress(refusals.not_a_url(str(e))) from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeAddress(refusals.NOT_HTTP)
    if not parts.hostname:
        raise UnsafeAddress(refusals.NO_HOST)
    if parts.username or parts.password:
        raise UnsafeAddress(refusals.CREDENTIALS_IN_URL)
    return _host(parts.hostname), port or (443 if parts.scheme == "https" else 80)


def _host(host: str) -> str:
    """An IP literal as it is, a name as its ASCII form (IDNA 2008): a zero-width or
    right-to-left character, or a label over 63 characters, is no host name."""
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    try:
        return idna.encode(host).decode("ascii")
    except idna.IDNAError as e:
        raise UnsafeAddress(refusals.not_a_host_name(host, str(e))) from None


def check_ip(ip: IPv4Address | IPv6Address, allowed: Sequence[Network]) -> None:
    if isinstance(ip, IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in net for net in allowed):
        return
    kind = _refused_as(ip)
    if kind is not None:
        raise UnsafeAddress(refusals.not_public(str(ip), kind))


def _refused_as(ip: IPv4Address | IPv6Address) -> str | None:
    """What kind of address a webhook must not reach `ip` is, or None. The named ranges come
    before Python's own tables, which call some of them private in some of its releases and
    public in others: a refusal names the range whatever the interpreter. (::1 and :: lie in
    ::/96 too: they are the loopback and the unspecified address.)"""
    if not (ip.is_loopback or ip.is_unspecified):
        for net, kind in _UNROUTED.items():
            if ip in net:
                return kind
    if not ip.is_global or ip.is_multicast:
        return "loopback, private or reserved"
    return None


async def check_url(url: str, allowed: Sequence[Network]) -> list[IPv4Address | IPv6Address]:
    """Raise UnsafeAddress unless every address the URL's host resolves to may be reached;
    answer those addresses, so that a sender can connect to what was checked."""
    host, port = parse(url)
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        check_ip(literal, allowed)
        return [literal]
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as e:
        raise UnsafeAddress(refusals.unresolved(host, str(e.strerror or e))) from None
    addresses = [ipaddress.ip_address(sockaddr[0]) for *_, sockaddr in infos]
    if not addresses:
        raise UnsafeAddress(refusals.no_address(host))
    for ip in addresses:
        check_ip(ip, allowed)
    return addresses
