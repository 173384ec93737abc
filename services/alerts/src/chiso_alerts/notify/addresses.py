"""Where a webhook may point: public addresses only, unless an operator allowed a private
network. Checked when a subscription is made and again before every delivery, on the addresses
the name resolves to then (a name may be re-pointed at an internal host after it was checked)."""

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network
from urllib.parse import urlsplit

Network = IPv4Network | IPv6Network


class UnsafeAddress(ValueError):
    """The URL is malformed or reaches an address webhooks must not reach."""


def parse(url: str) -> tuple[str, int]:
    """The host and port of an http(s) URL without credentials."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        raise UnsafeAddress(f"not a valid URL: {e}") from None
    if parts.scheme not in ("http", "https"):
        raise UnsafeAddress("expected an http:// or https:// URL")
    if not parts.hostname:
        raise UnsafeAddress("expected a host name in the URL")
    if parts.username or parts.password:
        raise UnsafeAddress("credentials in the URL are not accepted; the body is signed instead")
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


def check_ip(ip: IPv4Address | IPv6Address, allowed: Sequence[Network]) -> None:
    if isinstance(ip, IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in net for net in allowed):
        return
    if not ip.is_global or ip.is_multicast:
        raise UnsafeAddress(
            f"{ip} is a loopback, private or reserved address; webhooks reach public addresses"
            " only (an operator may allow a network with CHISO_WEBHOOK_ALLOW_NETS)"
        )


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
        raise UnsafeAddress(f"{host} cannot be resolved: {e.strerror or e}") from None
    addresses = [ipaddress.ip_address(sockaddr[0]) for *_, sockaddr in infos]
    if not addresses:
        raise UnsafeAddress(f"{host} resolves to no address")
    for ip in addresses:
        check_ip(ip, allowed)
    return addresses
