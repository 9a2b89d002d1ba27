"""Webhook targets: public addresses only, checked when subscribed and again before each delivery (DNS
rebinding), the delivery connecting to the address just checked while TLS still verifies the name."""
import datetime
import ipaddress
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from identity import url_guard as guard
from identity.url_guard import Policy, TargetRefused, Unresolvable

PUBLIC = Policy()
SANDBOX = Policy(allow_http=True, allow_private=True)


def resolver(table):
    """A fake DNS: name -> addresses (a list, or a list of lists answered one after the other)."""
    calls = []

    def resolve(host, port):
        calls.append(host)
        answer = table.get(host, [])
        if answer and isinstance(answer[0], list):
            answer = answer[min(len([c for c in calls if c == host]), len(answer)) - 1]
        return [ipaddress.ip_address(a) for a in answer]
    resolve.calls = calls
    return resolve


PUBLIC_DNS = resolver({"hooks.zj.example": ["114.114.114.114"]})


def refused_code(url, policy=PUBLIC, resolve=PUBLIC_DNS):
    with pytest.raises(TargetRefused) as caught:
        guard.check(url, policy, resolve)
    assert caught.value.field == "url"
    return caught.value.code


def test_a_public_https_name_is_accepted_with_the_addresses_it_resolves_to():
    target = guard.check("https://hooks.zj.example/ausm?x=1", PUBLIC, PUBLIC_DNS)
    assert (target.host, target.port, target.path) == ("hooks.zj.example", 443, "/ausm?x=1")
    assert target.addresses == (ipaddress.ip_address("114.114.114.114"),) and target.host_header == "hooks.zj.example"
    assert guard.check("https://8.8.8.8:8443/h", PUBLIC, PUBLIC_DNS).host_header == "8.8.8.8:8443"
    assert guard.check("https://[2606:4700::1111]/h", PUBLIC, PUBLIC_DNS).host_header == "[2606:4700::1111]"


@pytest.mark.parametrize("address, label", [
    ("127.0.0.1", "本机回环地址"), ("127.8.9.10", "本机回环地址"), ("10.1.2.3", "内网地址"),
    ("172.16.0.1", "内网地址"), ("172.31.255.254", "内网地址"), ("192.168.1.1", "内网地址"),
    ("169.254.169.254", "链路本地地址"), ("100.64.0.1", "运营商级 NAT"), ("100.127.255.254", "运营商级 NAT"),
    ("224.0.0.1", "组播地址"), ("239.255.255.250", "组播地址"), ("240.0.0.1", "保留地址"),
    ("255.255.255.255", "保留地址"), ("0.0.0.0", "未指定地址"), ("0.1.2.3", "非公网地址"), ("192.0.2.1", "非公网地址"),
    ("198.18.0.1", "非公网地址"),
    ("::1", "本机回环地址"), ("::", "未指定地址"), ("fe80::1", "链路本地地址"), ("fc00::1", "内网地址"),
    ("fd12:3456::1", "内网地址"), ("fec0::1", "内网地址"), ("ff02::1", "组播地址"),
    ("::ffff:127.0.0.1", "本机回环地址"), ("::ffff:10.0.0.1", "内网地址"), ("::ffff:169.254.169.254", "链路本地地址"),
    ("2002:a00:1::1", "内网地址"), ("64:ff9b::a9fe:a9fe", "链路本地地址"), ("2001:0:4136:e378:8000:63bf:f5ff:fffe",
                                                                        "内网地址")])
def test_every_internal_address_class_is_refused_as_a_literal_and_by_resolution(address, label):
    literal = f"[{address}]" if ":" in address else address
    with pytest.raises(TargetRefused) as caught:
        guard.check(f"https://{literal}/hook", PUBLIC, PUBLIC_DNS)
    assert caught.value.code == "WEBHOOK_URL_PRIVATE" and label in caught.value.message
    assert address in caught.value.message or str(ipaddress.ip_address(address)) in caught.value.message
    with pytest.raises(TargetRefused) as caught:
        guard.check("https://evil.example/hook", PUBLIC, resolver({"evil.example": ["223.5.5.5", address]}))
    assert caught.value.code == "WEBHOOK_URL_PRIVATE" and "evil.example 解析到" in caught.value.message


def test_ipv6_forms_of_public_ipv4_addresses_are_public():
    for address in ("::ffff:114.114.114.114", "64:ff9b::808:808", "2002:808:808::1"):
        assert guard.address_class(ipaddress.ip_address(address)) is None
    assert guard.check("https://dns64.example/h", PUBLIC, resolver({"dns64.example": ["64:ff9b::808:808"]}))


@pytest.mark.parametrize("host", ["2130706433", "0x7f000001", "0177.0.0.1", "0x7f.0.0.1", "127.1", "127.0.1",
                                  "017700000001", "0x7f.1", "127.0.0.01", "1.2.3.4.5", "8.8.8.010"])
def test_odd_ipv4_forms_are_refused_whatever_they_decode_to(host):
    with pytest.raises(TargetRefused) as caught:
        guard.check(f"https://{host}/hook", PUBLIC, resolver({}))
    assert caught.value.code == "WEBHOOK_URL_INVALID" and "十进制" in caught.value.message


@pytest.mark.parametrize("url", [
    "https://hooks.zj.example@127.0.0.1/hook", "https://user:pw@hooks.zj.example/hook", "https://@hooks.zj.example/",
    "https://hooks.zj.example\\@127.0.0.1/", "https://hooks.zj.example/a b", " https://hooks.zj.example/",
    "https://hooks.zj.example/\n", "https://[fe80::1%25eth0]/hook", "https://[::1/hook", "https://under_score.example/",
    "https:///hook", "https://:443/hook", "http://hooks.zj.example/hook", "ftp://hooks.zj.example/",
    "hooks.zj.example/hook", "https://localhost/hook", "https://metadata/computeMetadata/v1/",
    "https://hooks.zj.example:99999/", "https://hooks.zj.example:abc/", "", None])
def test_tricky_urls_are_refused_before_any_lookup(url):
    dns = resolver({"hooks.zj.example": ["114.114.114.114"], "localhost": ["127.0.0.1"], "metadata": ["8.8.8.8"]})
    assert refused_code(url, resolve=dns) in ("WEBHOOK_URL_INVALID", "WEBHOOK_URL_PORT")
    assert dns.calls == []


def test_only_the_configured_ports_are_allowed_for_public_targets():
    assert guard.check("https://hooks.zj.example:8443/h", PUBLIC, PUBLIC_DNS).port == 8443
    assert refused_code("https://hooks.zj.example:22/h") == "WEBHOOK_URL_PORT"
    assert refused_code("https://hooks.zj.example:80/h") == "WEBHOOK_URL_PORT"
    assert guard.check("https://hooks.zj.example:9443/h", Policy(ports=(9443,)), PUBLIC_DNS).port == 9443
    assert guard.check("http://hooks.zj.example/h", Policy(allow_http=True), PUBLIC_DNS).port == 80


def test_an_unresolvable_name_is_refused_at_subscribe_time():
    with pytest.raises(Unresolvable) as caught:
        guard.check("https://nowhere.example/h", PUBLIC, resolver({}))
    assert caught.value.code == "WEBHOOK_URL_UNRESOLVED" and caught.value.field == "url"


def test_international_domain_names_are_checked_in_their_ascii_form():
    dns = resolver({"xn--fiqs8s.xn--fiqs8s": ["1.1.1.1"]})
    assert guard.check("https://中国.中国/h", PUBLIC, dns).host == "xn--fiqs8s.xn--fiqs8s"


def test_sandbox_allows_loopback_and_private_but_never_metadata_or_multicast():
    assert guard.check("http://127.0.0.1:8123/h", SANDBOX, resolver({})).port == 8123
    assert guard.check("http://localhost:8123/h", SANDBOX, resolver({"localhost": ["::1", "127.0.0.1"]}))
    assert guard.check("https://10.0.0.8:9000/h", SANDBOX, resolver({}))
    for url in ("http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://224.0.0.1/",
                "http://0.0.0.0:8000/", "http://[::ffff:169.254.169.254]/"):
        assert refused_code(url, SANDBOX, resolver({})) == "WEBHOOK_URL_PRIVATE"


def test_the_allow_list_opens_named_hosts_and_networks_only():
    policy = guard.policy_from_config({"SANDBOX": False, "WEBHOOK_ALLOWED_HOSTS": "hooks.zj.internal., 10.20.0.0/16"})
    assert not policy.allow_http and not policy.allow_private
    dns = resolver({"hooks.zj.internal": ["192.168.7.7"], "other.zj.internal": ["192.168.7.8"],
                    "meta.zj.internal": ["169.254.169.254"], "net.zj.example": ["10.20.3.4"]})
    assert guard.check("https://hooks.zj.internal:9443/h", policy, dns).addresses[0].exploded == "192.168.7.7"
    assert refused_code("https://other.zj.internal/h", policy, dns) == "WEBHOOK_URL_PRIVATE"
    assert refused_code("https://meta.zj.internal/h", policy, dns) == "WEBHOOK_URL_PRIVATE"
    assert guard.check("https://net.zj.example/h", policy, dns)
    assert guard.check("https://10.20.9.9/h", policy, dns)
    assert refused_code("https://10.21.0.1/h", policy, dns) == "WEBHOOK_URL_PRIVATE"


def test_private_targets_cannot_be_allowed_outside_sandbox_mode():
    with pytest.raises(RuntimeError, match="WEBHOOK_ALLOW_PRIVATE"):
        guard.policy_from_config({"SANDBOX": False, "WEBHOOK_ALLOW_PRIVATE": "true"})
    sandbox = guard.policy_from_config({"SANDBOX": True, "WEBHOOK_ALLOW_PRIVATE": True, "WEBHOOK_PORTS": "443"})
    assert sandbox.allow_private and sandbox.allow_http and sandbox.ports == (443,)
    assert not guard.policy_from_config({"SANDBOX": True}).allow_private        # never without being asked for
    assert guard.policy_from_config({"SANDBOX": "false", "WEBHOOK_ALLOW_PRIVATE": False}).ports == (443, 8443)


# --- the delivery ----------------------------------------------------------------------------------

class Receiver:
    def __init__(self, tls_context=None):
        self.requests = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                receiver.requests.append((self.path, dict(self.headers),
                                          self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(302 if self.path == "/redirect" else 204)
                self.send_header("Location", "http://169.254.169.254/")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        if tls_context:
            self.server.socket = tls_context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_a_delivery_connects_to_the_checked_address_with_the_name_as_host():
    receiver = Receiver()
    try:
        dns = resolver({"hooks.zj.example": ["127.0.0.1"]})
        status = guard.post(f"http://hooks.zj.example:{receiver.port}/in?a=1", b'{"x":1}',
                            {"X-Ausm-Event": "e"}, 5, SANDBOX, dns)
        assert status == 204 and dns.calls == ["hooks.zj.example"]
        path, headers, body = receiver.requests[0]
        assert (path, body) == ("/in?a=1", b'{"x":1}')
        assert headers["Host"] == f"hooks.zj.example:{receiver.port}" and headers["X-Ausm-Event"] == "e"
    finally:
        receiver.close()


def test_redirects_are_not_followed():
    receiver = Receiver()
    try:
        assert guard.post(f"http://127.0.0.1:{receiver.port}/redirect", b"{}", {}, 5, SANDBOX, resolver({})) == 302
        assert len(receiver.requests) == 1
    finally:
        receiver.close()


def test_a_name_that_rebinds_to_an_internal_address_is_refused_before_connecting():
    dns = resolver({"hooks.zj.example": [["114.114.114.114"], ["127.0.0.1"]]})
    assert guard.check("https://hooks.zj.example/h", PUBLIC, dns)                     # subscribe: public
    with pytest.raises(TargetRefused) as caught:                                      # delivery: rebound
        guard.post("https://hooks.zj.example/h", b"{}", {}, 5, PUBLIC, dns)
    assert caught.value.code == "WEBHOOK_URL_PRIVATE" and "127.0.0.1" in caught.value.message


def _certificate(tmp_path, name):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "key.pem").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                         serialization.PrivateFormat.PKCS8,
                                                         serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    return str(tmp_path / "cert.pem"), context


def test_https_to_the_pinned_address_still_verifies_the_certificate_for_the_name(tmp_path):
    ca, context = _certificate(tmp_path, "hooks.zj.example")
    receiver = Receiver(context)
    try:
        policy = Policy(allow_private=True, ports=(receiver.port,))
        good = resolver({"hooks.zj.example": ["127.0.0.1"], "wrong.zj.example": ["127.0.0.1"]})
        assert guard.post(f"https://hooks.zj.example:{receiver.port}/h", b"{}", {}, 5, policy, good, ca) == 204
        assert receiver.requests[0][1]["Host"] == f"hooks.zj.example:{receiver.port}"
        with pytest.raises(Exception, match="(?i)hostname|certificate|match"):
            guard.post(f"https://wrong.zj.example:{receiver.port}/h", b"{}", {}, 5, policy, good, ca)
        assert len(receiver.requests) == 1
    finally:
        receiver.close()
