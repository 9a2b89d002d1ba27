"""Alipay identity verification (alipay.user.certify.open.*) adapter, RSA2-signed.

Protocol: initialize a certification with the name and ID number we hold, send the person
to Alipay's certify page, Alipay returns them to our return_url with signed parameters; we
verify the SHA256withRSA signature over the sorted ``k=v&...`` string (all params except
``sign`` and ``sign_type``) and read ``passed``. The sandbox plays Alipay's side: its page
lets the tester pick the Alipay account's identity, then signs the return with the sandbox key.
"""
import base64
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

KEYS = Path(__file__).parent / "sandbox_keys"


def sign_string(params: dict) -> str:
    items = sorted((k, str(v)) for k, v in params.items() if k not in ("sign", "sign_type") and v not in (None, ""))
    return "&".join(f"{k}={v}" for k, v in items)


def rsa2_sign(private_pem: bytes, params: dict) -> str:
    key = serialization.load_pem_private_key(private_pem, password=None)
    return base64.b64encode(key.sign(sign_string(params).encode(), padding.PKCS1v15(), hashes.SHA256())).decode()


def rsa2_verify(public_pem: bytes, params: dict) -> bool:
    key = serialization.load_pem_public_key(public_pem)
    try:
        key.verify(base64.b64decode(params.get("sign", "")), sign_string(params).encode(),
                   padding.PKCS1v15(), hashes.SHA256())
        return True
    except (InvalidSignature, ValueError):
        return False


@dataclass
class CertifyResult:
    state: str
    passed: bool
    fail_reason: str | None


class Alipay:
    def __init__(self, app_id: str, gateway_url: str, alipay_public_pem: bytes, app_private_pem: bytes | None):
        self.app_id, self.gateway_url = app_id, gateway_url
        self.alipay_public_pem, self.app_private_pem = alipay_public_pem, app_private_pem

    def certify_url(self, state: str, cert_name: str, cert_no: str, return_url: str) -> str:
        params = {"app_id": self.app_id, "method": "alipay.user.certify.open.certify", "charset": "utf-8",
                  "sign_type": "RSA2", "version": "1.0", "outer_order_no": state, "cert_name": cert_name,
                  "cert_no": cert_no, "return_url": return_url}
        if self.app_private_pem:
            params["sign"] = rsa2_sign(self.app_private_pem, params)
        return f"{self.gateway_url}?{urlencode(params)}"

    def verify_return(self, params: dict) -> CertifyResult:
        if params.get("app_id") != self.app_id or not rsa2_verify(self.alipay_public_pem, params):
            raise ValueError("bad signature")
        return CertifyResult(state=params.get("outer_order_no", ""), passed=params.get("passed") == "T",
                             fail_reason=params.get("fail_reason"))


class SandboxAlipay(Alipay):
    """Alipay's side, played locally: the certify page is the gateway's /sandbox/alipay/certify."""

    APP_ID = "2021000000000000"

    def __init__(self):
        super().__init__(self.APP_ID, "/sandbox/alipay/certify",
                         (KEYS / "alipay_sandbox_public.pem").read_bytes(), None)
        self._private = (KEYS / "alipay_sandbox_private.pem").read_bytes()

    def authorize(self, state: str, expected: tuple[str, str], account_identity: tuple[str, str]) -> dict:
        """Alipay compares the identity we asked about with the Alipay account's, then signs."""
        passed = expected[0] == account_identity[0] and expected[1].upper() == account_identity[1].upper()
        params = {"app_id": self.app_id, "outer_order_no": state, "passed": "T" if passed else "F",
                  "charset": "utf-8", "sign_type": "RSA2"}
        if not passed:
            params["fail_reason"] = "支付宝账户实名信息与注册信息不一致"
        params["sign"] = rsa2_sign(self._private, params)
        return params


def build_alipay(config: dict):
    if config.get("SANDBOX"):
        return SandboxAlipay()
    return Alipay(config["ALIPAY_APP_ID"], config.get("ALIPAY_GATEWAY", "https://openapi.alipay.com/gateway.do"),
                  Path(config["ALIPAY_PUBLIC_KEY_FILE"]).read_bytes(),
                  Path(config["ALIPAY_APP_PRIVATE_KEY_FILE"]).read_bytes())
