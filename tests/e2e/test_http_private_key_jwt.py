"""private_key_jwt over HTTP against the running platform (gunicorn gateway, identity over RabbitMQ, Redis): an
admin registers a client's public key, the province's system gets a token with an assertion signed by Authlib's
own helper and calls an endpoint; the same assertion again, or 20 copies at once across the gateway's threads,
get no second token."""
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests
from authlib.oauth2.rfc7523 import private_key_jwt_sign
from joserfc.jwk import RSAKey

from tests.e2e.helpers import staff_session

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def test_a_key_client_gets_one_token_per_assertion(stack):
    key = RSAKey.generate_key(2048, private=True)
    admin = staff_session(stack, "reviewer")
    weak = admin.post(stack.url("/api/v1/api-clients"), json={
        "name": "浙江省系统", "province_code": "330000", "scopes": ["candidates:read"],
        "token_endpoint_auth_method": "private_key_jwt",
        "public_key": RSAKey.generate_key(1024, private=True).as_pem(private=False).decode()}, timeout=20)
    assert weak.status_code == 422 and weak.json()["code"] == "PUBLIC_KEY_TOO_WEAK", weak.text
    assert "public_key" in weak.json().get("errors", {})
    created = admin.post(stack.url("/api/v1/api-clients"), json={
        "name": "浙江省系统", "province_code": "330000", "scopes": ["candidates:read"],
        "token_endpoint_auth_method": "private_key_jwt", "public_key": key.as_pem(private=False).decode()},
        timeout=20)
    assert created.status_code == 201, created.text
    client_id = created.json()["client_id"]
    assert created.json()["token_endpoint_auth_method"] == "private_key_jwt" and "client_secret" not in created.json()

    token_url = stack.url("/api/province/v1/oauth/token")
    address = {"X-Forwarded-For": f"10.77.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"}   # its own throttle

    def post(assertion):
        return requests.post(token_url, headers=address, timeout=20, data={
            "grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion})

    signed = private_key_jwt_sign(key, client_id, token_url, alg="RS256", expires_in=120)
    issued = post(signed)
    assert issued.status_code == 200, issued.text
    listed = requests.get(stack.url("/api/province/v1/candidates"), timeout=20,
                          headers={"Authorization": f"Bearer {issued.json()['access_token']}"})
    assert listed.status_code == 200, listed.text
    replay = post(signed)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_client", replay.text

    once = private_key_jwt_sign(key, client_id, token_url, alg="RS256", expires_in=120)
    barrier = threading.Barrier(20)

    def attempt(_):
        barrier.wait()
        return post(once).status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(attempt, range(20)))
    assert codes.count(200) == 1 and codes.count(400) == 19, codes
