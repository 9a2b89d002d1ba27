"""Where identity may POST a webhook: public addresses only (no SSRF into the platform's own network).

A URL is checked when a client subscribes it and again before every delivery, because DNS can answer
differently the second time (rebinding): the delivery resolves the name, refuses it if any address is not
public, and connects to an address it just checked — the TLS certificate is still verified for the name
(SNI and Host carry the name). Redirects are not followed. HTTP(S)_PROXY is not used for deliveries.

Refused outright: userinfo (`user@host`), backslashes, whitespace and control characters, IPv6 zone ids,
IPv4 written in decimal, octal, hexadecimal or short form (`2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`),
single-label names (`localhost`, `metadata`), ports other than WEBHOOK_PORTS. Refused by address: loopback,
private (RFC 1918, IPv6 ULA and site-local), CGNAT 100.64/10, link-local 169.254/16 and fe80::/10 (cloud
metadata), multicast, reserved, unspecified, and the IPv4 address inside IPv4-mapped, 6to4, Teredo and NAT64
IPv6 addresses. Sandbox mode may allow internal addresses (WEBHOOK_ALLOW_PRIVATE); any mode may name hosts or
networks that are allowed although internal (WEBHOOK_ALLOWED_HOSTS).
"""
import ipaddress
import re
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ausm_common.errors import DomainError

CGNAT = ipaddress.ip_network("100.64.0.0/10")
PRIVATE = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7",
                                                  "fec0::/10"))     # RFC 1918, IPv6 ULA and site-local
NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
DEFAULT_PORTS = (443, 8443)
# What an internal address is called in a refusal. Only the first three may be allowed as a class (sandbox, or a
# host named in WEBHOOK_ALLOWED_HOSTS); the others only by a network named in WEBHOOK_ALLOWED_HOSTS.
LABELS = {"loopback": "本机回环地址", "private": "内网地址（私有地址段）", "cgnat": "运营商级 NAT 共享地址（100.64.0.0/10）",
          "link_local": "链路本地地址（含云服务器元数据地址 169.254.169.254）", "multicast": "组播地址",
          "unspecified": "未指定地址", "reserved": "保留地址", "not_global": "非公网地址（专用或文档地址段）"}
INTERNAL = {"loopback", "private", "cgnat"}
LABEL_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
NUMERIC_LABEL_RE = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")


class TargetRefused(DomainError):
    """A URL identity will not POST to: at subscribe time a 422 on `url`, at delivery time the end of it."""

    def __init__(self, code: str, message: str):
        super().__init__(code, message, "url")


class Unresolvable(DomainError):
    """The name has no address now: refused at subscribe time, retried at delivery time (DNS may recover)."""

    def __init__(self, host: str):
        super().__init__("WEBHOOK_URL_UNRESOLVED", f"回调地址的域名 {host} 无法解析，请确认域名已生效", "url")


@dataclass(frozen=True)
class Policy:
    allow_http: bool = False
    allow_private: bool = False
    allowed_hosts: frozenset = frozenset()
    allowed_networks: tuple = ()
    ports: tuple = DEFAULT_PORTS


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str                       # lower-case ASCII (IDNA), no brackets
    port: int
    path: str                       # path and query, as sent
    literal: object = None          # the address when the URL names one
    addresses: tuple = field(default=())

    @property
    def host_header(self) -> str:
        name = f"[{self.host}]" if ":" in self.host else self.host
        return name if self.port == {"https": 443, "http": 80}[self.scheme] else f"{name}:{self.port}"


# --- configuration ----------------------------------------------------------------------------------

def truthy(value) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"} if value is not None else False


def policy_from_config(config: dict) -> Policy:
    """The service's policy. WEBHOOK_ALLOW_PRIVATE outside sandbox mode stops the service from starting."""
    sandbox = truthy(config.get("SANDBOX"))
    allow_private = truthy(config.get("WEBHOOK_ALLOW_PRIVATE"))
    if allow_private and not sandbox:
        raise RuntimeError("WEBHOOK_ALLOW_PRIVATE=true is for sandbox mode only (SANDBOX=true); in production name "
                           "the internal hosts webhooks may reach in WEBHOOK_ALLOWED_HOSTS")
    hosts, networks = parse_allow_list(config.get("WEBHOOK_ALLOWED_HOSTS"))
    ports = tuple(int(p) for p in str(config.get("WEBHOOK_PORTS") or "").replace(" ", "").split(",") if p) \
        or DEFAULT_PORTS
    return Policy(allow_http=sandbox, allow_private=allow_private, allowed_hosts=hosts, allowed_networks=networks,
                  ports=ports)


def parse_allow_list(text) -> tuple[frozenset, tuple]:
    """`hooks.zj.example, 10.20.0.0/16, 192.168.1.7`: host names, and addresses or networks."""
    hosts, networks = set(), []
    for entry in (e.strip().lower() for e in str(text or "").split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.add(entry.rstrip("."))
    return frozenset(hosts), tuple(networks)


# --- the URL ----------------------------------------------------------------------------------------

def parse(url: str, policy: Policy) -> Target:
    """The parts of a URL identity can deliver to, or TargetRefused saying what is wrong with it."""
    url = url if isinstance(url, str) else ""
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url) or "\\" in url:
        raise TargetRefused("WEBHOOK_URL_INVALID", "回调地址不能包含空格、控制字符或反斜杠")
    try:
        parts = urlsplit(url)
    except ValueError:                      # an unbalanced IPv6 bracket
        raise TargetRefused("WEBHOOK_URL_INVALID", "回调地址须为 https:// 开头的完整网址") from None
    scheme = parts.scheme.lower()
    if scheme not in (("https", "http") if policy.allow_http else ("https",)) or not parts.netloc:
        raise TargetRefused("WEBHOOK_URL_INVALID", "回调地址须为 https:// 开头的完整网址")
    if "@" in parts.netloc:
        raise TargetRefused("WEBHOOK_URL_INVALID", "回调地址不能包含用户名或密码（@）")
    try:
        port = parts.port or {"https": 443, "http": 80}[scheme]
    except ValueError:
        raise TargetRefused("WEBHOOK_URL_INVALID", "回调地址的端口不正确") from None
    host, literal = _host(parts.netloc, parts.hostname or "")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    target = Target(scheme, host, port, path, literal)
    if "." not in host and literal is None and not _trusted_name(target, policy):
        raise TargetRefused("WEBHOOK_URL_INVALID", "回调地址须使用完整的域名（如 hooks.example.gov.cn）")
    allowed_ports = policy.ports + ((80,) if scheme == "http" else ())
    if port not in allowed_ports and not _trusted_name(target, policy):
        raise TargetRefused("WEBHOOK_URL_PORT",
                            f"回调地址的端口须为 {'、'.join(str(p) for p in allowed_ports)} 之一")
    return target


def _host(netloc: str, hostname: str):
    if netloc.startswith("["):
        if "%" in hostname:
            raise TargetRefused("WEBHOOK_URL_INVALID", "回调地址不能包含 IPv6 区域标识（%）")
        try:
            return hostname, ipaddress.IPv6Address(hostname)
        except ValueError:
            raise TargetRefused("WEBHOOK_URL_INVALID", "回调地址中的 IPv6 地址不正确") from None
    try:
        host = hostname.encode("idna").decode("ascii").lower() if hostname else ""
    except UnicodeError:
        raise TargetRefused("WEBHOOK_URL_INVALID", "回调地址的主机名不正确") from None
    labels = host.rstrip(".").split(".")
    if NUMERIC_LABEL_RE.match(labels[-1]):     # a name ending in a number is read as an IPv4 address by resolvers
        try:
            return host, ipaddress.IPv4Address(host)
        except ValueError:
            raise TargetRefused("WEBHOOK_URL_INVALID", "回调地址的 IP 地址须写成 a.b.c.d 的十进制形式，"
                                                       "不能使用整数、八进制、十六进制或简写形式") from None
    if not host or len(host) > 253 or not all(LABEL_RE.match(label) for label in labels):
        raise TargetRefused("WEBHOOK_URL_INVALID", "回调地址的主机名不正确")
    return host, None


def _trusted_name(target: Target, policy: Policy) -> bool:
    """Internal by intent: sandbox mode with WEBHOOK_ALLOW_PRIVATE, or a host named in WEBHOOK_ALLOWED_HOSTS."""
    if policy.allow_private or target.host.rstrip(".") in policy.allowed_hosts:
        return True
    return target.literal is not None and any(target.literal in n for n in policy.allowed_networks
                                              if n.version == target.literal.version)


# --- the addresses ----------------------------------------------------------------------------------

def embedded_ipv4(address) -> list:
    """The IPv4 addresses an IPv6 one stands for (mapped, 6to4, Teredo server and client, NAT64)."""
    if address.version != 6:
        return []
    if address.ipv4_mapped:
        return [address.ipv4_mapped]
    if address.sixtofour:
        return [address.sixtofour]
    if address.teredo:
        return list(address.teredo)
    if any(address in n for n in NAT64):
        return [ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)]
    return []


def address_class(address) -> str | None:
    """None for a public address, else what it is (a key of LABELS). An IPv6 address standing for IPv4 ones is
    what they are (a DNS64 answer for a public host is public; ::ffff:127.0.0.1 is loopback)."""
    inner = embedded_ipv4(address)
    if inner:
        return next((kind for kind in map(address_class, inner) if kind), None)
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link_local"
    if address.is_multicast:
        return "multicast"
    if address.version == 4 and address in CGNAT:
        return "cgnat"
    if any(address.version == n.version and address in n for n in PRIVATE):
        return "private"
    if address.is_reserved:
        return "reserved"
    return None if address.is_global else "not_global"


def system_resolve(host: str, port: int) -> list:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    found = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if address not in found:
            found.append(address)
    return found


def check(url: str, policy: Policy, resolve=system_resolve) -> Target:
    """The URL's target with its addresses, every one of them allowed; else TargetRefused or Unresolvable."""
    target = parse(url, policy)
    addresses = [target.literal] if target.literal is not None else resolve(target.host, target.port)
    if not addresses:
        raise Unresolvable(target.host)
    for address in addresses:
        kind = address_class(address)
        if kind and not _allowed(target, address, kind, policy):
            where = "" if target.literal is not None else f"的域名 {target.host} 解析到"
            raise TargetRefused("WEBHOOK_URL_PRIVATE",
                                f"回调地址{where} {address}，属于{LABELS[kind]}，不能作为回调地址")
    return Target(target.scheme, target.host, target.port, target.path, target.literal, tuple(addresses))


def _allowed(target: Target, address, kind: str, policy: Policy) -> bool:
    if any(address.version == n.version and address in n for n in policy.allowed_networks):
        return True
    return kind in INTERNAL and (policy.allow_private or target.host.rstrip(".") in policy.allowed_hosts)


# --- the delivery -----------------------------------------------------------------------------------

def post(url: str, body: bytes, headers: dict, timeout: float, policy: Policy, resolve=system_resolve,
         ca_certs: str | None = None) -> int:
    """POST to an address checked just now (never one the name resolves to later), no redirects followed; the
    status code. TargetRefused when the URL is no longer allowed."""
    import urllib3
    from requests.certs import where

    target = check(url, policy, resolve)
    headers = {**headers, "Host": target.host_header}
    last_error = None
    for address in target.addresses:       # the next checked address only when this one does not connect
        if target.scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                str(address), target.port, timeout=urllib3.Timeout(connect=timeout, read=timeout), retries=False,
                cert_reqs="CERT_REQUIRED", ca_certs=ca_certs or where(), server_hostname=target.host,
                assert_hostname=target.host)
        else:
            pool = urllib3.HTTPConnectionPool(str(address), target.port, retries=False,
                                              timeout=urllib3.Timeout(connect=timeout, read=timeout))
        try:
            response = pool.urlopen("POST", target.path, body=body, headers=headers, redirect=False, retries=False,
                                    assert_same_host=False, preload_content=False)
            response.release_conn()
            return response.status
        except (urllib3.exceptions.NewConnectionError, urllib3.exceptions.ConnectTimeoutError) as exc:
            last_error = exc
        finally:
            pool.close()
    raise last_error
