"""Where a webhook may point: public addresses only, unless an operator allowed a network; the
check looks at what a name resolves to, so odd spellings of loopback are caught too."""

import re
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

import pytest

from chiso_alerts.notify.addresses import UnsafeAddress, check_ip, check_url, parse

NONE: list[IPv4Network | IPv6Network] = []
TEN = [ip_network("10.0.0.0/8")]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://hooks.example.org/chiso", ("hooks.example.org", 443)),
        ("http://hooks.example.org/chiso", ("hooks.example.org", 80)),
        ("https://hooks.example.org:8443/x?y=1", ("hooks.example.org", 8443)),
        ("http://[2001:db8::1]:9000/", ("2001:db8::1", 9000)),
    ],
)
def test_parse_gives_host_and_port(url: str, expected: tuple[str, int]) -> None:
    assert parse(url) == expected


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://hooks.example.org/", "http:// or https://"),
        ("javascript:alert(1)", "http:// or https://"),
        ("hooks.example.org/chiso", "http:// or https://"),
        ("https:///chiso", "host name"),
        ("https://user:pw@hooks.example.org/", "credentials"),
        ("https://token@hooks.example.org/", "credentials"),
        ("https://hooks.example.org:99999/", "not a valid URL"),
        ("https://[::1/", "not a valid URL"),
    ],
)
def test_parse_refuses_what_is_not_a_plain_web_address(url: str, why: str) -> None:
    with pytest.raises(UnsafeAddress, match=re.escape(why)):
        parse(url)


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",  # loopback
        "10.1.2.3",  # private
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # link-local: the cloud metadata service
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",  # noqa: S104 (the unspecified address, refused like the others)
        "224.0.0.1",  # multicast
        "::1",
        "fc00::1",  # unique local
        "fe80::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:192.168.1.1",
    ],
)
def test_check_ip_refuses_what_is_not_public(ip: str) -> None:
    with pytest.raises(UnsafeAddress, match="CHISO_WEBHOOK_ALLOW_NETS"):
        check_ip(ip_address(ip), NONE)


@pytest.mark.parametrize("ip", ["8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_check_ip_accepts_public_addresses(ip: str) -> None:
    check_ip(ip_address(ip), NONE)


def test_an_allowed_network_opens_that_network_only() -> None:
    check_ip(ip_address("10.1.2.3"), TEN)
    check_ip(ip_address("::ffff:10.1.2.3"), TEN)  # mapped addresses are judged as IPv4
    with pytest.raises(UnsafeAddress):
        check_ip(ip_address("192.168.1.1"), TEN)
    with pytest.raises(UnsafeAddress):
        check_ip(ip_address("127.0.0.1"), TEN)


async def test_check_url_accepts_a_public_literal_and_answers_it() -> None:
    assert await check_url("https://8.8.8.8/hook", NONE) == [ip_address("8.8.8.8")]
    v6 = "2606:4700:4700::1111"
    assert await check_url(f"http://[{v6}]/hook", NONE) == [ip_address(v6)]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://localhost/hook",  # a name, resolved
        "http://2130706433/hook",  # 127.0.0.1 as one decimal number
        "http://0x7f.1/hook",  # and in hexadecimal shorthand
    ],
)
async def test_check_url_refuses_loopback_however_spelled(url: str) -> None:
    with pytest.raises(UnsafeAddress, match="loopback, private or reserved"):
        await check_url(url, NONE)


async def test_check_url_allows_loopback_when_the_operator_does() -> None:
    allowed = [ip_network("127.0.0.0/8"), ip_network("::1")]
    checked = await check_url("http://localhost:8080/hook", allowed)
    assert checked  # what the name resolved to, every one of them checked
    assert all(any(ip in net for net in allowed) for ip in checked)


async def test_check_url_refuses_a_name_that_does_not_resolve() -> None:
    # .invalid never resolves (RFC 6761)
    with pytest.raises(UnsafeAddress, match="cannot be resolved"):
        await check_url("https://hooks.chiso.invalid/", NONE)
