"""Public keys of private_key_jwt clients: what staff may paste, the refusals (code and Chinese message at the
field), and which keys verify during a rotation overlap."""
import json
from datetime import datetime, timedelta, timezone

import pytest
from joserfc.jwk import ECKey, OKPKey, RSAKey

from ausm_common.errors import DomainError
from identity import client_keys as ck

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def rsa():
    return RSAKey.generate_key(2048, private=True)


def test_a_pem_rsa_key_becomes_a_public_jwk_with_its_thumbprint_as_kid(rsa):
    jwk = ck.parse_public_key(rsa.as_pem(private=False).decode())
    assert jwk["kty"] == "RSA" and jwk["alg"] == "RS256" and jwk["use"] == "sig" and "d" not in jwk
    assert jwk["kid"] == rsa.thumbprint()


def test_a_jwk_keeps_its_kid_and_may_be_pasted_as_text_an_object_or_a_one_key_set(rsa):
    pasted = {**rsa.as_dict(private=False), "kid": "zj-2026"}
    assert ck.parse_public_key(json.dumps(pasted))["kid"] == "zj-2026"
    assert ck.parse_public_key(pasted)["kid"] == "zj-2026"
    assert ck.parse_public_key(json.dumps({"keys": [pasted]}))["kid"] == "zj-2026"


def test_an_ec_p256_key_signs_es256():
    key = ECKey.generate_key("P-256", private=True)
    assert ck.parse_public_key(key.as_pem(private=False).decode())["alg"] == "ES256"
    assert ck.parse_public_key(json.dumps(key.as_dict(private=False)))["crv"] == "P-256"


def refused(text, code):
    with pytest.raises(DomainError) as exc:
        ck.parse_public_key(text)
    assert exc.value.code == code and exc.value.field == "public_key"
    assert exc.value.message and not exc.value.message.isascii()          # a Chinese message
    return exc.value


def test_weak_or_unsupported_keys_are_refused_with_a_clear_reason(rsa):
    assert "2048" in refused(RSAKey.generate_key(1024, private=True).as_pem(private=False).decode(),
                             "PUBLIC_KEY_TOO_WEAK").message
    refused(ECKey.generate_key("P-384").as_pem(private=False).decode(), "PUBLIC_KEY_TYPE")
    refused(OKPKey.generate_key("Ed25519").as_pem(private=False).decode(), "PUBLIC_KEY_TYPE")
    refused('{"kty": "oct", "k": "c2VjcmV0"}', "PUBLIC_KEY_TYPE")
    refused({**rsa.as_dict(private=False), "alg": "HS256"}, "PUBLIC_KEY_ALG")
    refused({**rsa.as_dict(private=False), "use": "enc"}, "PUBLIC_KEY_INVALID")


def test_a_private_key_is_refused_and_never_kept(rsa):
    assert "私钥" in refused(rsa.as_pem(private=True).decode(), "PUBLIC_KEY_IS_PRIVATE").message
    refused(json.dumps(rsa.as_dict(private=True)), "PUBLIC_KEY_IS_PRIVATE")


@pytest.mark.parametrize("text,code", [("", "PUBLIC_KEY_REQUIRED"), (None, "PUBLIC_KEY_REQUIRED"),
                                       ("ssh-rsa AAAA", "PUBLIC_KEY_INVALID"), ("{not json", "PUBLIC_KEY_INVALID"),
                                       ('{"kty": "RSA", "n": "abc"}', "PUBLIC_KEY_INVALID"),
                                       ("-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----",
                                        "PUBLIC_KEY_INVALID"), ('{"keys": []}', "PUBLIC_KEY_INVALID")])
def test_garbage_is_refused(text, code):
    refused(text, code)


def test_the_auth_method_follows_the_key():
    assert ck.check_auth_method(None, None) == "client_secret_basic"
    assert ck.check_auth_method(None, "-----BEGIN PUBLIC KEY-----") == "private_key_jwt"
    assert ck.check_auth_method("client_secret_post", None) == "client_secret_post"
    for method, key, code in (("private_key_jwt", None, "PUBLIC_KEY_REQUIRED"), ("client_secret_jwt", None,
                              "AUTH_METHOD_INVALID"), ("client_secret_basic", "k", "AUTH_METHOD_INVALID")):
        with pytest.raises(DomainError) as exc:
            ck.check_auth_method(method, key)
        assert exc.value.code == code


def test_the_previous_key_verifies_until_the_overlap_ends():
    new, old = {"kid": "new"}, {"kid": "old"}
    assert ck.keys_in_force(new, old, NOW + timedelta(hours=1), NOW) == [new, old]
    assert ck.keys_in_force(new, old, NOW, NOW) == [new]
    assert ck.keys_in_force(None, old, NOW + timedelta(hours=1), NOW) == [old]     # moved back to a secret
    assert ck.keys_in_force(None, None, None, NOW) == []
