"""Rotating SECRET_KEY on a real identity database (its own, built by migrations): rows sealed under the old key,
some in the format from before key ids, are re-sealed by `python -m identity.reseal` one table per transaction,
then open with the new key alone; a second run changes nothing; a value no key opens leaves its table as it was."""
import base64
import hashlib
import hmac
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from joserfc.jwk import RSAKey
from sqlalchemy import select

from ausm_common.clock import utcnow
from ausm_common.db import SessionFactory, make_engine
from identity import sealing
from identity.models import SigningKey, WebhookSubscription
from tests.support import infra

OLD = "it-old-platform-secret-0123456789abcdef"
NEW = "it-new-platform-secret-fedcba9876543210"
STRAY = "it-unknown-secret-nobody-configured-000"


@pytest.fixture
def identity_db():
    with infra.fresh_database("ausm_identity_reseal") as url:
        factory = SessionFactory(make_engine(url, pool_size=1))
        yield url, factory
        factory.engine.dispose()


def legacy_seal(secret: str, data: bytes) -> str:
    """The format api_clients.seal wrote before key ids."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    key = hmac.new(secret.encode(), b"ausm token signing keys v1", hashlib.sha256).digest()
    nonce = os.urandom(12)
    return base64.b64encode(nonce + AESGCM(key).encrypt(nonce, data, b"signing-key")).decode()


def reseal(url, *args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SECRET_KEY_PREVIOUS")}
    environment.update({"IDENTITY_DATABASE_URL": url, "SANDBOX": "false", **env})
    done = subprocess.run([sys.executable, "-m", "identity.reseal", *args], env=environment, capture_output=True,
                          text=True, timeout=120)
    return done.returncode, done.stdout + done.stderr


def values(factory) -> dict:
    with factory.get_session() as session:
        return {**{k.kid: k.private_key for k in session.scalars(select(SigningKey))},
                **{s.id: s.secret for s in session.scalars(select(WebhookSubscription))}}


def add_subscription(session, sid, secret, now):
    session.add(WebhookSubscription(id=sid, client_id="pc_33_it", province_code="330000", events=["credits_changed"],
                                    url="https://hooks.zj.example/h", secret=secret, active=True, created_at=now))


def test_a_rotation_re_seals_every_sealed_column_once_and_the_new_key_alone_reads_them(identity_db):
    url, factory = identity_db
    now, old_keys = utcnow(), sealing.keys_for(OLD.encode())
    pems = {f"k{i}": RSAKey.generate_key(2048, private=True).as_pem(private=True) for i in (1, 2)}
    plain = {**pems, "s1": b"whsec_legacy", "s2": b"whsec_current"}
    with factory.get_session() as session:
        for kid, sealed in (("k1", legacy_seal(OLD, pems["k1"])), ("k2", sealing.seal(pems["k2"], old_keys))):
            session.add(SigningKey(kid=kid, algorithm="RS256", private_key=sealed, public_jwk={}, created_at=now,
                                   signs_until=now + timedelta(days=1), published_until=now + timedelta(days=2)))
        add_subscription(session, "s1", legacy_seal(OLD, plain["s1"]), now)
        add_subscription(session, "s2", sealing.seal(plain["s2"], old_keys), now)
        add_subscription(session, "stray", sealing.seal(b"whsec_stray", sealing.keys_for(STRAY.encode())), now)
    before = values(factory)

    code, out = reseal(url)                                                  # production mode, no SECRET_KEY
    assert code == 2 and "SECRET_KEY is not set" in out and values(factory) == before
    code, out = reseal(url, SECRET_KEY=NEW)                                  # the old key forgotten
    assert code == 1 and values(factory) == before
    assert "signing_keys.private_key: unchanged" in out and "SECRET_KEY_PREVIOUS" in out
    code, out = reseal(url, "--dry-run", SECRET_KEY=NEW, SECRET_KEY_PREVIOUS=f"{STRAY},{OLD}")
    assert code == 0 and "signing_keys.private_key: would re-seal 2, 0 already" in out
    assert "webhook_subscriptions.secret: would re-seal 3, 0 already" in out and values(factory) == before

    code, out = reseal(url, SECRET_KEY=NEW, SECRET_KEY_PREVIOUS=OLD)        # one value opens with neither
    assert code == 1 and "signing_keys.private_key: re-sealed 2, 0 already" in out
    assert f"webhook_subscriptions.secret: unchanged, a value is sealed under key id {sealing.derive(STRAY.encode()).kid}" in out
    after = values(factory)
    assert {k: after[k] for k in ("s1", "s2", "stray")} == {k: before[k] for k in ("s1", "s2", "stray")}
    with factory.get_session() as session:
        session.delete(session.get(WebhookSubscription, "stray"))

    code, out = reseal(url, SECRET_KEY=NEW, SECRET_KEY_PREVIOUS=OLD)
    assert code == 0 and "signing_keys.private_key: re-sealed 0, 2 already" in out
    assert "webhook_subscriptions.secret: re-sealed 2, 0 already" in out
    resealed, new_only = values(factory), sealing.keys_for(NEW.encode())
    assert {k: sealing.unseal(v, new_only) for k, v in resealed.items()} == plain
    assert all(sealing.key_id(v) == new_only[0].kid for v in resealed.values())
    assert RSAKey.import_key(sealing.unseal(resealed["k1"], new_only)).as_dict(private=False)["n"]

    code, out = reseal(url, SECRET_KEY=NEW)                                  # PREVIOUS dropped: nothing to do
    assert code == 0 and "re-sealed 0, 2 already" in out and "re-sealed 0, 2 already" in out.split("\n")[1]
    assert values(factory) == resealed
