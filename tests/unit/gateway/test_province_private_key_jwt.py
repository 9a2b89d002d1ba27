"""private_key_jwt at the token endpoint (RFC 7523): the real gateway app and Authlib server, with the identity
service stood in for (its keys in force, its token) and Redis faked. Every refusal is an RFC `invalid_client`."""
import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import fakeredis
import pytest
from joserfc import jws, jwt
from joserfc.jwk import ECKey, OctKey, RSAKey

from ausm_common.errors import NotAuthenticated
from gateway.province import assertions, oauth

CLIENT = "pc_33_0123456789abcdef"
TOKEN_URL = "http://localhost/api/province/v1/oauth/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def public(key, kid):
    return {**key.as_dict(private=False), "kid": kid, "alg": "RS256" if key.key_type == "RSA" else "ES256",
            "use": "sig"}


@pytest.fixture(scope="module")
def keys():
    return {"rsa": RSAKey.generate_key(2048, private=True), "old": RSAKey.generate_key(2048, private=True),
            "ec": ECKey.generate_key("P-256", private=True), "stranger": RSAKey.generate_key(2048, private=True)}


class Identity:
    """The identity service's side: the keys in force per client, the token it signs, revocation."""

    def __init__(self):
        self.keys, self.revoked, self.issued, self.lock = {}, set(), [], threading.Lock()

    def api_client_assertion_keys(self, client_id):
        if client_id not in self.keys or client_id in self.revoked:
            raise NotAuthenticated("INVALID_CLIENT", "客户端身份验证失败")
        return {"keys": self.keys[client_id], "client": {"kind": "client", "client_id": client_id,
                                                         "scopes": ["candidates:read"]}}

    def issue_client_token(self, client_id, scope=None):
        with self.lock:
            self.issued.append(client_id)
        return {"access_token": f"at-{len(self.issued)}", "token_type": "Bearer", "expires_in": 600,
                "scope": scope or "candidates:read"}

    def authenticate_api_client(self, data):
        raise NotAuthenticated("INVALID_CLIENT", "客户端身份验证失败")


class Services:
    def __init__(self, identity):
        self.identity = identity


@pytest.fixture
def identity(keys, monkeypatch):
    fake = Identity()
    fake.keys[CLIENT] = [public(keys["rsa"], "k-new")]
    monkeypatch.setattr(oauth, "gateway_services", Services(fake))
    return fake


@pytest.fixture
def client(make_app, identity):
    app = make_app(THROTTLES_ENABLED=False, IDEMPOTENCY_REDIS=fakeredis.FakeRedis(server=fakeredis.FakeServer()))
    return app.test_client()


def assertion(key, kid="k-new", alg=None, **claims):
    now = int(time.time())
    body = {"iss": CLIENT, "sub": CLIENT, "aud": TOKEN_URL, "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex,
            **claims}
    body = {k: v for k, v in body.items() if v is not None}
    header = {"alg": alg or ("RS256" if key.key_type == "RSA" else "ES256"), **({"kid": kid} if kid else {})}
    return jwt.encode(header, body, key)


def post(client, token, **extra):
    return client.post("/api/province/v1/oauth/token", data={
        "grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE, "client_assertion": token,
        **extra})


def refused(answer):
    assert answer.status_code in (400, 401), answer.get_json()
    assert answer.get_json()["error"] == "invalid_client", answer.get_json()
    return answer.get_json()


def test_a_signed_assertion_gets_a_token(client, keys, identity):
    answer = post(client, assertion(keys["rsa"]))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["access_token"] == "at-1" and identity.issued == [CLIENT]


def test_the_issuer_identifier_is_accepted_as_audience_and_the_kid_may_be_left_out(client, keys):
    assert post(client, assertion(keys["rsa"], aud="http://localhost/api/province/v1")).status_code == 200
    assert post(client, assertion(keys["rsa"], kid=None)).status_code == 200


def test_an_es256_key_works(client, keys, identity):
    identity.keys[CLIENT] = [public(keys["ec"], "k-ec")]
    assert post(client, assertion(keys["ec"], kid="k-ec")).status_code == 200


def test_an_expired_assertion_is_refused(client, keys, identity):
    refused(post(client, assertion(keys["rsa"], exp=int(time.time()) - 120, iat=int(time.time()) - 180)))
    assert identity.issued == []


def test_an_assertion_valid_for_too_long_or_without_exp_is_refused(client, keys):
    assert "300" in refused(post(client, assertion(keys["rsa"], exp=int(time.time()) + 3600)))["error_description"]
    refused(post(client, assertion(keys["rsa"], exp=None)))
    refused(post(client, assertion(keys["rsa"], exp="soon")))
    payload = b'{"iss": "%s", "sub": "%s", "aud": "%s", "exp": NaN, "jti": "j-nan"}' % (
        CLIENT.encode(), CLIENT.encode(), TOKEN_URL.encode())
    nan = jws.serialize_compact({"alg": "RS256", "kid": "k-new"}, payload, keys["rsa"])   # a signed NaN exp
    refused(post(client, nan))


@pytest.mark.parametrize("aud", ["https://elsewhere.example/oauth/token", "ausm-province-api",
                                 "http://localhost/api/v1/oauth/token"])
def test_another_audience_is_refused(client, keys, aud):
    refused(post(client, assertion(keys["rsa"], aud=aud)))


def test_iss_and_sub_must_both_be_the_client(client, keys, identity):
    refused(post(client, assertion(keys["rsa"], iss="pc_33_someoneelse")))
    refused(post(client, assertion(keys["rsa"], iss=None)))
    refused(post(client, assertion(keys["rsa"], sub="pc_11_unknown", iss="pc_11_unknown")))   # unknown client
    assert identity.issued == []


def test_a_jti_is_required_and_used_once(client, keys, identity):
    refused(post(client, assertion(keys["rsa"], jti=None)))
    token = assertion(keys["rsa"])
    assert post(client, token).status_code == 200
    assert "used" in refused(post(client, token))["error_description"]
    assert identity.issued == [CLIENT]


def test_a_key_that_is_not_the_clients_is_refused(client, keys, identity):
    refused(post(client, assertion(keys["stranger"])))                    # its kid, another key
    refused(post(client, assertion(keys["stranger"], kid=None)))
    refused(post(client, assertion(keys["stranger"], kid="k-unknown")))
    assert identity.issued == []


def _part(data):
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _unsigned(claims):
    return f"{_part({'alg': 'none', 'typ': 'JWT'})}.{_part(claims)}."


def test_alg_none_and_hs256_are_refused(client, keys, identity):
    now = int(time.time())
    claims = {"iss": CLIENT, "sub": CLIENT, "aud": TOKEN_URL, "exp": now + 60, "jti": uuid.uuid4().hex}
    refused(post(client, _unsigned(claims)))
    # HS256 keyed with the public key's own bytes (the classic key-confusion attempt) and with any secret
    pem = keys["rsa"].as_pem(private=False)
    signing_input = f"{_part({'alg': 'HS256', 'kid': 'k-new'})}.{_part({**claims, 'jti': uuid.uuid4().hex})}"
    mac = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    refused(post(client, f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"))
    refused(post(client, assertion(OctKey.import_key(b"s" * 32), alg="HS256", jti=uuid.uuid4().hex)))
    assert identity.issued == []


@pytest.mark.parametrize("alg", ["RS512", "PS256"])
def test_other_algorithms_with_the_clients_own_key_are_refused(client, keys, identity, alg):
    now = int(time.time())
    claims = {"iss": CLIENT, "sub": CLIENT, "aud": TOKEN_URL, "exp": now + 60, "jti": uuid.uuid4().hex}
    signed = jwt.encode({"alg": alg, "kid": "k-new"}, claims, keys["rsa"], algorithms=[alg])
    refused(post(client, signed))
    assert identity.issued == []


def test_the_previous_key_verifies_during_a_rotation_overlap_only(client, keys, identity):
    identity.keys[CLIENT] = [public(keys["rsa"], "k-new"), public(keys["old"], "k-old")]     # in the overlap
    assert post(client, assertion(keys["old"], kid="k-old")).status_code == 200
    assert post(client, assertion(keys["old"], kid=None)).status_code == 200
    assert post(client, assertion(keys["rsa"], kid="k-new")).status_code == 200
    identity.keys[CLIENT] = [public(keys["rsa"], "k-new")]                                   # overlap over
    refused(post(client, assertion(keys["old"], kid="k-old")))
    refused(post(client, assertion(keys["old"], kid=None)))


def test_a_revoked_client_is_refused_at_once(client, keys, identity):
    assert post(client, assertion(keys["rsa"])).status_code == 200
    identity.revoked.add(CLIENT)
    refused(post(client, assertion(keys["rsa"])))


def test_a_secret_is_not_taken_for_a_key_client_nor_a_key_for_a_secret_client(client, keys, identity):
    basic = base64.b64encode(f"{CLIENT}:anything".encode()).decode()
    answer = client.post("/api/province/v1/oauth/token", data={"grant_type": "client_credentials"},
                         headers={"Authorization": f"Basic {basic}"})
    assert answer.status_code == 401 and answer.get_json()["error"] == "invalid_client"
    del identity.keys[CLIENT]                                  # identity: no key in force for this client
    refused(post(client, assertion(keys["rsa"])))


def test_twenty_concurrent_identical_assertions_get_exactly_one_token(client, keys, identity):
    token = assertion(keys["rsa"])
    barrier = threading.Barrier(20)

    def attempt(_):
        barrier.wait()
        return post(client, token).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(attempt, range(20)))
    assert sorted(codes).count(200) == 1 and len(identity.issued) == 1, codes


def test_the_jti_store_takes_a_jti_once_per_client():
    store = assertions.JtiStore(fakeredis.FakeRedis(), "t")
    assert store.use("a", "j1", 60) and not store.use("a", "j1", 60)
    assert store.use("b", "j1", 60)                            # another client's jti is its own


class _Answer:
    def __init__(self, response):
        self.response = response

    def raise_for_status(self):
        assert self.response.status_code == 200, self.response.get_json()

    def json(self):
        return self.response.get_json()


def test_the_documented_python_example_gets_a_token(client, keys, identity, tmp_path, monkeypatch):
    import requests
    (tmp_path / "client_private_key.pem").write_bytes(keys["rsa"].as_pem(private=True))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(requests, "post", lambda url, data, timeout: _Answer(
        client.post(url.removeprefix("http://localhost"), data=data)))
    identity.keys[CLIENT] = [public(keys["rsa"], keys["rsa"].thumbprint())]
    namespace = {}
    exec(assertions.python_example("http://localhost"), namespace)       # noqa: S102 — our own example
    assert namespace["token"](CLIENT) == "at-1"
    assert namespace["token"](CLIENT) == "at-2"                           # a fresh jti each time


def test_authlibs_default_hour_long_assertion_is_refused(client, keys):
    from authlib.oauth2.rfc7523 import private_key_jwt_sign
    refused(post(client, private_key_jwt_sign(keys["rsa"], CLIENT, TOKEN_URL, alg="RS256")))


def test_without_redis_the_endpoint_refuses_rather_than_risk_a_replay(make_app, keys, identity):
    import redis
    down = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.2)
    client = make_app(THROTTLES_ENABLED=False, IDEMPOTENCY_REDIS=down).test_client()
    answer = post(client, assertion(keys["rsa"]))
    assert answer.status_code == 503 and identity.issued == []
