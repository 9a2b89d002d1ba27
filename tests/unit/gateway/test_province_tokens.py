"""Access tokens of province clients: what the gateway accepts and why it refuses."""
import time

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from ausm_common.errors import NotAuthenticated
from gateway.province.tokens import JwksCache, key_id, verify_access_token

AUDIENCE = "ausm-province-api"
NOW = 1_800_000_000


def make_key(kid):
    key = RSAKey.generate_key(2048, private=True, parameters={"kid": kid})
    return key, {**key.as_dict(private=False), "kid": kid, "alg": "RS256", "use": "sig"}


@pytest.fixture(scope="module")
def keys():
    return {kid: make_key(kid) for kid in ("k1", "k2", "other")}


def token(key, kid, **claims):
    body = {"iss": "ausm-identity", "sub": "pc_33_x", "aud": AUDIENCE, "iat": NOW, "exp": NOW + 600,
            "scope": "candidates:read", "province": "330000", **claims}
    return jwt.encode({"alg": "RS256", "kid": kid, "typ": "at+jwt"}, body, key)


def refused(code, *args):
    with pytest.raises(NotAuthenticated) as exc:
        verify_access_token(*args)
    assert exc.value.code == code


def test_a_valid_token_gives_its_claims(keys):
    key, public = keys["k1"]
    claims = verify_access_token(token(key, "k1"), {"keys": [public]}, AUDIENCE, NOW + 5)
    assert claims["sub"] == "pc_33_x" and claims["province"] == "330000"


def test_an_expired_token_is_refused(keys):
    key, public = keys["k1"]
    refused("TOKEN_EXPIRED", token(key, "k1"), {"keys": [public]}, AUDIENCE, NOW + 600 + 31)


def test_a_token_for_another_audience_is_refused(keys):
    key, public = keys["k1"]
    refused("TOKEN_AUDIENCE", token(key, "k1", aud="someone-else"), {"keys": [public]}, AUDIENCE, NOW)


def test_a_token_without_audience_is_refused(keys):
    key, public = keys["k1"]
    body = token(key, "k1", aud=None)
    refused("TOKEN_AUDIENCE", body, {"keys": [public]}, AUDIENCE, NOW)


def test_a_token_signed_by_an_unpublished_key_is_refused(keys):
    other, _ = keys["other"]
    _, public = keys["k1"]
    refused("TOKEN_KEY_UNKNOWN", token(other, "other"), {"keys": [public]}, AUDIENCE, NOW)


def test_a_forged_signature_under_a_published_kid_is_refused(keys):
    other, _ = keys["other"]
    _, public = keys["k1"]
    refused("TOKEN_INVALID", token(other, "k1"), {"keys": [public]}, AUDIENCE, NOW)


def test_garbage_and_missing_tokens_are_refused(keys):
    _, public = keys["k1"]
    refused("TOKEN_INVALID", "not.a.jwt", {"keys": [public]}, AUDIENCE, NOW)
    refused("TOKEN_MISSING", None, {"keys": [public]}, AUDIENCE, NOW)


def test_an_unsigned_token_is_refused(keys):
    _, public = keys["k1"]
    import base64, json
    part = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()
    unsigned = f'{part({"alg": "none", "kid": "k1"})}.{part({"sub": "x", "aud": AUDIENCE, "exp": NOW + 60})}.'
    with pytest.raises(NotAuthenticated):
        verify_access_token(unsigned, {"keys": [public]}, AUDIENCE, NOW)


def test_after_a_rotation_tokens_of_the_old_and_the_new_key_both_verify(keys):
    (k1, p1), (k2, p2) = keys["k1"], keys["k2"]
    published = {"keys": [p2, p1]}
    assert verify_access_token(token(k1, "k1"), published, AUDIENCE, NOW)["sub"] == "pc_33_x"
    assert verify_access_token(token(k2, "k2"), published, AUDIENCE, NOW)["sub"] == "pc_33_x"
    # once the old key is no longer published, its tokens stop working
    refused("TOKEN_KEY_UNKNOWN", token(k1, "k1"), {"keys": [p2]}, AUDIENCE, NOW)


def test_the_key_set_cache_refetches_early_for_a_new_kid_but_not_in_a_loop(keys):
    clock = [0.0]
    fetched = []
    sets = [{"keys": [keys["k1"][1]]}, {"keys": [keys["k2"][1], keys["k1"][1]]}]

    def fetch():
        fetched.append(1)
        return sets[min(len(fetched) - 1, 1)]

    cache = JwksCache(fetch, ttl=300, min_refresh=5, clock=lambda: clock[0])
    assert cache.get("k1") == sets[0]
    clock[0] = 1
    assert cache.get("k2") == sets[0] and len(fetched) == 1      # too soon to refresh
    clock[0] = 6
    assert cache.get("k2") == sets[1] and len(fetched) == 2      # rotation seen
    assert cache.get("k2") == sets[1] and len(fetched) == 2


def test_key_id_reads_the_header(keys):
    key, _ = keys["k1"]
    assert key_id(token(key, "k1")) == "k1"
    assert key_id("garbage") is None
