"""private_key_jwt through the real gateway (Flask test client, Authlib's server, Redis for used jtis) and the real
identity service (the client's public keys in PostgreSQL, migration 0007): a province registers a public key,
gets a token with a signed assertion, calls an endpoint; a replayed assertion is refused, 20 concurrent copies of
one assertion get one token, a rotated key keeps working for the overlap only, and revocation is immediate."""
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from tests.integration.test_province_api import ZHEJIANG_ADMIN

TOKEN_PATH = "/api/province/v1/oauth/token"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


@pytest.fixture(scope="module")
def gateway(config, store, identity, profile, exam):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "gateway"))
    sys.modules.pop("gateway", None)
    from gateway import create_app
    app = create_app({"SANDBOX": True, "TESTING": True, "AMQP_URI": config["AMQP_URI"], "RPC_TIMEOUT": 15,
                      "SECRET_KEY": "integration", "THROTTLES_ENABLED": False})   # 20 requests at once below
    app.extensions["object_store"] = store
    return app


def register(rpc, key, scopes=("candidates:read",)):
    return rpc.as_caller(ZHEJIANG_ADMIN).identity.create_api_client({
        "name": "浙江省会计人员管理系统", "province_code": "330000", "scopes": list(scopes),
        "token_endpoint_auth_method": "private_key_jwt", "public_key": key.as_pem(private=False).decode()})


def assertion(client_id, key, aud="http://localhost" + TOKEN_PATH, **claims):
    now = int(time.time())
    body = {"iss": client_id, "sub": client_id, "aud": aud, "iat": now, "exp": now + 120, "jti": uuid.uuid4().hex,
            **claims}
    return jwt.encode({"alg": "RS256" if key.key_type == "RSA" else "ES256"}, body, key)


def token(client, signed, scope=None):
    return client.post(TOKEN_PATH, data={"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                                         "client_assertion": signed, **({"scope": scope} if scope else {})})


def test_a_key_client_gets_a_token_with_an_assertion_and_a_replay_is_refused(rpc, gateway):
    client = gateway.test_client()
    key = RSAKey.generate_key(2048, private=True)
    registered = register(rpc, key)
    assert registered["token_endpoint_auth_method"] == "private_key_jwt" and "client_secret" not in registered
    assert registered["public_key"]["kid"] == key.thumbprint() and "d" not in registered["public_key"]

    signed = assertion(registered["client_id"], key)
    answer = token(client, signed)
    assert answer.status_code == 200, answer.get_json()
    headers = {"Authorization": f"Bearer {answer.get_json()['access_token']}"}
    assert answer.get_json()["scope"] == "candidates:read"
    assert client.get("/api/province/v1/candidates", headers=headers).status_code == 200

    replay = token(client, signed)
    assert replay.status_code == 400 and replay.get_json()["error"] == "invalid_client"
    stranger = token(client, assertion(registered["client_id"], RSAKey.generate_key(2048, private=True)))
    assert stranger.get_json()["error"] == "invalid_client"
    basic = client.post(TOKEN_PATH, data={"grant_type": "client_credentials"},
                        auth=(registered["client_id"], "no-secret-for-a-key-client"))
    assert basic.status_code == 401

    rpc.as_caller(ZHEJIANG_ADMIN).identity.revoke_api_client(registered["client_id"])
    assert token(client, assertion(registered["client_id"], key)).get_json()["error"] == "invalid_client"


def test_twenty_concurrent_identical_assertions_get_one_token(rpc, gateway):
    client_id_key = RSAKey.generate_key(2048, private=True)
    registered = register(rpc, client_id_key)
    signed = assertion(registered["client_id"], client_id_key)
    barrier = threading.Barrier(20)

    def attempt(_):
        barrier.wait()
        return token(gateway.test_client(), signed).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(attempt, range(20)))
    assert codes.count(200) == 1 and codes.count(400) == 19, codes


def test_a_rotated_key_overlaps_then_only_the_new_one_verifies(rpc, gateway):
    client = gateway.test_client()
    old = RSAKey.generate_key(2048, private=True)
    registered = register(rpc, old)
    new = ECKey.generate_key("P-256", private=True)
    admin = rpc.as_caller(ZHEJIANG_ADMIN).identity
    rotated = admin.rotate_api_client_secret(registered["client_id"], 3600, new.as_pem(private=False).decode())
    assert rotated["previous_key_valid_until"] and rotated["public_key"]["alg"] == "ES256"
    assert "client_secret" not in rotated
    assert token(client, assertion(registered["client_id"], old)).status_code == 200     # in the overlap
    assert token(client, assertion(registered["client_id"], new)).status_code == 200
    admin.rotate_api_client_secret(registered["client_id"], 0, RSAKey.generate_key(2048, private=True)
                                   .as_pem(private=False).decode())
    assert token(client, assertion(registered["client_id"], new)).status_code == 400    # no overlap: gone

    with pytest.raises(Exception) as exc:             # a key client rotating without a key: told to paste one
        admin.rotate_api_client_secret(registered["client_id"], 0)
    assert "PUBLIC_KEY_REQUIRED" in str(exc.value)
    with pytest.raises(Exception) as exc:
        register(rpc, RSAKey.generate_key(1024, private=True))
    assert "PUBLIC_KEY_TOO_WEAK" in str(exc.value)
