"""Make the sandbox's key material (run once; the result is committed). Sandbox only: nothing signed with these
keys is trusted outside SANDBOX=true.

    python -m payment.sandbox.make_keys

Writes the channels' own keys to payment/sandbox/keys/ (what Alipay, WeChat Pay and UnionPay hold) and our side's
keys to payment/adapters/sandbox_keys/ (what a merchant holds: its private keys and the channels' public keys or
root certificate), each side getting only the other's public half.
"""
import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

HERE = Path(__file__).parent
CHANNEL = HERE / "keys"
MERCHANT = HERE.parent / "adapters" / "sandbox_keys"


def _key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _private_pem(key) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _public_pem(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _cert(subject_key, common_name: str, issuer_key=None, issuer_name=None, ca=False, serial=None):
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Sandbox"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    start = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(issuer_name or name)
               .public_key(subject_key.public_key()).serial_number(serial or x509.random_serial_number())
               .not_valid_before(start).not_valid_after(start + datetime.timedelta(days=365 * 20))
               .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    return builder.sign(issuer_key or subject_key, hashes.SHA256())


def _write(directory: Path, name: str, data: bytes):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)


def main():
    # Alipay: the open platform's key pair and the app's key pair (RSA2).
    alipay, app = _key(), _key()
    _write(CHANNEL, "alipay_platform_private.pem", _private_pem(alipay))
    _write(CHANNEL, "alipay_app_public.pem", _public_pem(app))
    _write(MERCHANT, "alipay_app_private.pem", _private_pem(app))
    _write(MERCHANT, "alipay_platform_public.pem", _public_pem(alipay))
    # WeChat Pay APIv3: the platform's key pair (public-key mode, PUB_KEY_ID_…) and the merchant's API certificate.
    platform, merchant = _key(), _key()
    merchant_cert = _cert(merchant, "1900000109", serial=0x5157F09EFDC096DE15EBE81A47057A7232F1B8E1)
    _write(CHANNEL, "wechat_platform_private.pem", _private_pem(platform))
    _write(CHANNEL, "wechat_merchant_cert.pem", merchant_cert.public_bytes(serialization.Encoding.PEM))
    _write(MERCHANT, "wechat_merchant_private.pem", _private_pem(merchant))
    _write(MERCHANT, "wechat_platform_public.pem", _public_pem(platform))
    # UnionPay: a root CA, UnionPay's signing certificate issued by it, and the merchant's signing certificate.
    root, signer, mer = _key(), _key(), _key()
    root_cert = _cert(root, "Sandbox UnionPay Root CA", ca=True)
    sign_cert = _cert(signer, "中国银联股份有限公司", root, root_cert.subject, serial=69042905377)
    mer_cert = _cert(mer, "777290058110048", root, root_cert.subject, serial=68759585097)
    _write(CHANNEL, "unionpay_sign_private.pem", _private_pem(signer))
    _write(CHANNEL, "unionpay_sign_cert.pem", sign_cert.public_bytes(serialization.Encoding.PEM))
    _write(CHANNEL, "unionpay_root_cert.pem", root_cert.public_bytes(serialization.Encoding.PEM))
    _write(CHANNEL, "unionpay_merchant_cert.pem", mer_cert.public_bytes(serialization.Encoding.PEM))
    _write(MERCHANT, "unionpay_root_cert.pem", root_cert.public_bytes(serialization.Encoding.PEM))
    _write(MERCHANT, "unionpay_merchant_private.pem", _private_pem(mer))
    _write(MERCHANT, "unionpay_merchant_cert.pem", mer_cert.public_bytes(serialization.Encoding.PEM))


if __name__ == "__main__":
    main()
