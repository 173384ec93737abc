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


@pytest.mark.parametrize(
    ("ip", "kind"),
    [
        ("64:ff9b::a9fe:a9fe", "NAT64"),  # 169.254.169.254 through a NAT64 translator
        ("64:ff9b::a00:1", "NAT64"),  # 10.0.0.1
        ("64:ff9b::7f00:1", "NAT64"),  # 127.0.0.1
        ("64:ff9b::808:808", "NAT64"),  # even a public IPv4: the translator decides
        ("64:ff9b:1::a00:1", "local-use NAT64"),
        ("2002:7f00:1::", "6to4"),  # 127.0.0.1
        ("2002:a9fe:a9fe::", "6to4"),  # 169.254.169.254
        ("2002:808:808::1", "6to4"),
        ("::127.0.0.1", "IPv4-compatible"),
        ("::7f00:1", "IPv4-compatible"),
        ("::a9fe:a9fe", "IPv4-compatible"),
        ("fec0::1", "site-local"),
        ("feff::1", "site-local"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
        ("::1", "loopback, private or reserved"),  # in ::/96, but the loopback
        ("::", "loopback, private or reserved"),  # and the unspecified address
    ],
)
def test_check_ip_refuses_every_ipv6_form_that_reaches_ipv4_or_is_unrouted(
    ip: str, kind: str
) -> None:
    """Python's is_global calls some of these public (which, differs between its releases);
    each reaches an IPv4 host (or a relay) chosen by the bits inside, or is not used on the
    internet, and its refusal names its range on any release."""
    with pytest.raises(UnsafeAddress, match=f"is a {re.escape(kind)} address"):
        check_ip(ip_address(ip), NONE)


@pytest.mark.parametrize(
    "url",
    [
        "http://[64:ff9b::a9fe:a9fe]/",
        "http://[64:ff9b::a00:1]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[2002:7f00:1::]/",
        "http://[2002:a9fe:a9fe::]/",
        "http://[::127.0.0.1]/",
        "http://[::7f00:1]/",
        "http://[fec0::1]/",
    ],
)
async def test_check_url_refuses_the_ssrf_spellings_found(url: str) -> None:
    with pytest.raises(UnsafeAddress, match="webhooks reach public addresses only"):
        await check_url(url, NONE)


@pytest.mark.parametrize(
    "host",
    [
        "hooks\u200b.example.org",  # zero-width space
        "hooks\u202e.example.org",  # right-to-left override
        "\u200b",
        "a" * 70 + ".example.org",  # a label over 63 characters
        "hooks..example.org",
    ],
)
def test_a_host_that_is_no_host_name_is_refused(host: str) -> None:
    with pytest.raises(UnsafeAddress, match="is not a valid host name"):
        parse(f"https://{host}/hook")


def test_an_international_name_is_read_as_its_ascii_form() -> None:
    assert parse("https://bộkhoahọc.vn/hook") == ("xn--bkhoahc-hx4cyd.vn", 443)
