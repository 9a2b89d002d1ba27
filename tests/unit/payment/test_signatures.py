"""Signatures and encryption against known vectors: the channels' published sample messages signed by the OpenSSL
command line (vectors.json), and the GCM specification's AES-256 test cases. Each side is checked on its own:
the sandbox's signing (cryptography, written for it) and our adapters (the channels' SDKs, UnionPay's own code)."""
import ast
import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from payment.adapters import KEYS as MERCHANT_KEYS, sandbox_channels
from payment.adapters.base import NotificationRefused
from payment.sandbox import signing
from payment.sandbox.channels import KEYS as CHANNEL_KEYS

V = json.loads((Path(__file__).parent / "vectors.json").read_text(encoding="utf-8"))
SANDBOX = Path(__file__).resolve().parents[3] / "services/payment/payment/sandbox"


def private(name):
    return serialization.load_pem_private_key((CHANNEL_KEYS / name).read_bytes(), password=None)


@pytest.fixture(scope="module")
def channels():
    return sandbox_channels("http://127.0.0.1:9")      # nothing is called: verification is offline


# --- Alipay RSA2 ---------------------------------------------------------------------------------------

def alipay_params():
    return dict(item.split("=", 1) for item in V["alipay"]["message"].split("&"))


def test_the_sandbox_builds_alipays_sign_string_and_signs_it_as_openssl_does():
    params = {**alipay_params(), "sign_type": "RSA2", "sign": "ignored", "empty": ""}
    assert signing.alipay_content(params).decode() == V["alipay"]["message"]
    assert signing.rsa_sha256_sign(private("alipay_platform_private.pem"), signing.alipay_content(params)) == \
        V["alipay"]["signature"]          # PKCS#1 v1.5 is deterministic: byte for byte the same


def test_the_alipay_sdk_verifies_the_published_sample_and_refuses_any_change(channels):
    client = channels["alipay"].client
    assert client.verify({**alipay_params(), "sign_type": "RSA2"}, V["alipay"]["signature"])
    assert not client.verify({**alipay_params(), "total_amount": "2.01"}, V["alipay"]["signature"])
    assert not client.verify({**alipay_params(), "sign_type": "RSA2"}, V["alipay"]["signature"][:-8] + "AAAAAAA=")


def test_an_alipay_notification_for_another_app_is_refused_although_its_signature_holds(channels):
    from urllib.parse import urlencode
    body = urlencode({**alipay_params(), "sign_type": "RSA2", "sign": V["alipay"]["signature"]})
    with pytest.raises(NotificationRefused) as refused:
        channels["alipay"].verify_notification({}, body)
    assert refused.value.verdict == "wrong_app"          # app_id 2015102700040153 is the sample's, not ours
    with pytest.raises(NotificationRefused) as forged:
        channels["alipay"].verify_notification({}, body.replace("total_amount=2.00", "total_amount=0.01"))
    assert forged.value.verdict == "bad_signature"


# --- WeChat Pay APIv3 ------------------------------------------------------------------------------------

def test_wechat_response_signatures_match_openssl_and_the_sdk_verifies_them():
    from wechatpayv3.utils import rsa_verify
    timestamp, nonce, body = V["wechat"]["message"].split("\n")[:3]
    message = signing.wechat_response_message(timestamp, nonce, body)
    assert message.decode() == V["wechat"]["message"]
    assert signing.rsa_sha256_sign(private("wechat_platform_private.pem"), message) == V["wechat"]["signature"]
    platform = serialization.load_pem_public_key((MERCHANT_KEYS / "wechat_platform_public.pem").read_bytes())
    assert rsa_verify(timestamp, nonce, body, V["wechat"]["signature"], platform)
    assert not rsa_verify(timestamp, nonce, body.replace("支付成功", "支付失败"), V["wechat"]["signature"], platform)


@pytest.mark.parametrize("case", V["aes_gcm"], ids=["case15", "case16"])
def test_the_sandbox_seals_the_gcm_specification_vectors(case):
    sealed = signing.aes_gcm_seal(bytes.fromhex(case["key"]), bytes.fromhex(case["iv"]),
                                  bytes.fromhex(case["plaintext"]), bytes.fromhex(case["aad"]))
    assert sealed.hex() == case["ciphertext"] + case["tag"]


def test_the_wechat_sdk_opens_a_resource_the_sandbox_sealed_and_refuses_a_wrong_key():
    from wechatpayv3.utils import aes_decrypt
    key, nonce, plain = b"sandboxApiV3Key0123456789abcdefX", "Xa1b2c3d4e5f", '{"out_trade_no":"2611270482951736"}'
    sealed = base64.b64encode(signing.aes_gcm_seal(key, nonce.encode(), plain.encode(), b"transaction")).decode()
    assert aes_decrypt(nonce, sealed, "transaction", key.decode()) == plain
    assert aes_decrypt(nonce, sealed, "transaction", "X" * 32) is None
    assert aes_decrypt(nonce, sealed, "refund", key.decode()) is None


def test_a_stale_or_unsigned_wechat_notification_is_refused(channels):
    with pytest.raises(NotificationRefused) as stale:
        channels["wechat"].verify_notification({"Wechatpay-Timestamp": "1554208460"}, "{}")
    assert stale.value.verdict == "stale"
    with pytest.raises(NotificationRefused):
        channels["wechat"].verify_notification({}, "{}")


# --- UnionPay --------------------------------------------------------------------------------------------

def unionpay_fields():
    fields = dict(item.split("=", 1) for item in V["unionpay"]["string"].split("&"))
    return {**fields, "signPubKeyCert": (CHANNEL_KEYS / "unionpay_sign_cert.pem").read_text()}


def test_unionpay_digest_and_signature_match_openssl_on_both_sides(channels):
    fields = unionpay_fields()
    without_cert = {k: v for k, v in fields.items() if k != "signPubKeyCert"}
    assert signing.unionpay_digest(without_cert).decode() == V["unionpay"]["sha256_hex"]
    assert signing.rsa_sha256_sign(private("unionpay_sign_private.pem"), signing.unionpay_digest(without_cert)) == \
        V["unionpay"]["signature"]
    # In 5.1.0 signPubKeyCert is itself a signed field: the channel signs the string that includes it.
    signed = {**fields, "signature": signing.rsa_sha256_sign(private("unionpay_sign_private.pem"),
                                                             signing.unionpay_digest(fields))}
    assert channels["unionpay"].verify(signed)
    assert not channels["unionpay"].verify({**signed, "txnAmt": "1"})


def test_a_unionpay_signer_not_issued_by_the_unionpay_root_is_refused(channels):
    from payment.sandbox.make_keys import _cert, _key
    key = _key()
    impostor = _cert(key, "中国银联股份有限公司").public_bytes(serialization.Encoding.PEM).decode()
    fields = {**unionpay_fields(), "signPubKeyCert": impostor}
    fields["signature"] = signing.rsa_sha256_sign(key, signing.unionpay_digest(fields))
    with pytest.raises(NotificationRefused) as refused:
        channels["unionpay"].verify(fields)
    assert refused.value.verdict == "bad_signature"


def test_the_sandbox_signs_without_our_adapters_code():
    """Independent implementations: a signing mistake on one side cannot hide behind shared code."""
    for path in SANDBOX.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                assert not any(n.startswith(("payment.adapters", "alipay", "wechatpayv3")) or
                               (getattr(node, "level", 0) >= 2 and "adapters" in n) for n in names), (path, names)
