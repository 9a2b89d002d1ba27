"""The three channels, built from the service config. In sandbox mode (SANDBOX=true) they talk to the channel
sandbox (`python -m payment.sandbox`, PAYMENT_SANDBOX_URL) with the sandbox keys in sandbox_keys/; otherwise each
channel needs its merchant settings and key files, and a channel left unconfigured is simply not offered."""
import logging
from pathlib import Path

from .alipay import AlipayChannel
from .unionpay import UnionpayChannel
from .wechat import WechatChannel

log = logging.getLogger(__name__)
KEYS = Path(__file__).parent / "sandbox_keys"

# The sandbox's merchant identities (what the channel sandbox knows us as).
SANDBOX = {"alipay_app_id": "2021000000000001", "wechat_mchid": "1900000109", "wechat_appid": "wx8888888888888888",
           "wechat_serial": "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", "wechat_key_id": "PUB_KEY_ID_0119000001092025",
           "wechat_apiv3_key": "sandboxApiV3Key0123456789abcdefX", "unionpay_mer_id": "777290058110048"}


def _read(path: str | Path) -> str:
    return Path(path).read_text()


def sandbox_channels(base_url: str) -> dict:
    base = base_url.rstrip("/")
    return {
        "alipay": AlipayChannel(SANDBOX["alipay_app_id"], _read(KEYS / "alipay_app_private.pem"),
                                _read(KEYS / "alipay_platform_public.pem"), f"{base}/alipay/gateway.do"),
        "wechat": WechatChannel(SANDBOX["wechat_mchid"], SANDBOX["wechat_appid"],
                                _read(KEYS / "wechat_merchant_private.pem"), SANDBOX["wechat_serial"],
                                SANDBOX["wechat_apiv3_key"], _read(KEYS / "wechat_platform_public.pem"),
                                SANDBOX["wechat_key_id"], f"{base}/wechat"),
        "unionpay": UnionpayChannel(SANDBOX["unionpay_mer_id"], (KEYS / "unionpay_merchant_private.pem").read_bytes(),
                                    (KEYS / "unionpay_merchant_cert.pem").read_bytes(),
                                    (KEYS / "unionpay_root_cert.pem").read_bytes(), f"{base}/unionpay"),
    }


def configured_channels(config: dict) -> dict:
    """Production: each channel whose settings are all present."""
    channels = {}
    c = {k: (str(v).strip() if v is not None else "") for k, v in config.items() if isinstance(k, str)}
    if all(c.get(k) for k in ("ALIPAY_PAY_APP_ID", "ALIPAY_PAY_APP_PRIVATE_KEY_FILE", "ALIPAY_PAY_PUBLIC_KEY_FILE")):
        channels["alipay"] = AlipayChannel(c["ALIPAY_PAY_APP_ID"], _read(c["ALIPAY_PAY_APP_PRIVATE_KEY_FILE"]),
                                           _read(c["ALIPAY_PAY_PUBLIC_KEY_FILE"]), c.get("ALIPAY_PAY_GATEWAY")
                                           or "https://openapi.alipay.com/gateway.do", c.get("ALIPAY_SELLER_ID", ""))
    if all(c.get(k) for k in ("WECHATPAY_MCHID", "WECHATPAY_APPID", "WECHATPAY_PRIVATE_KEY_FILE",
                              "WECHATPAY_CERT_SERIAL_NO", "WECHATPAY_APIV3_KEY", "WECHATPAY_PUBLIC_KEY_FILE",
                              "WECHATPAY_PUBLIC_KEY_ID")):
        channels["wechat"] = WechatChannel(c["WECHATPAY_MCHID"], c["WECHATPAY_APPID"],
                                           _read(c["WECHATPAY_PRIVATE_KEY_FILE"]), c["WECHATPAY_CERT_SERIAL_NO"],
                                           c["WECHATPAY_APIV3_KEY"], _read(c["WECHATPAY_PUBLIC_KEY_FILE"]),
                                           c["WECHATPAY_PUBLIC_KEY_ID"], "https://api.mch.weixin.qq.com")
    if all(c.get(k) for k in ("UNIONPAY_MER_ID", "UNIONPAY_PRIVATE_KEY_FILE", "UNIONPAY_CERT_FILE",
                              "UNIONPAY_ROOT_CERT_FILE")):
        channels["unionpay"] = UnionpayChannel(c["UNIONPAY_MER_ID"], Path(c["UNIONPAY_PRIVATE_KEY_FILE"]).read_bytes(),
                                               Path(c["UNIONPAY_CERT_FILE"]).read_bytes(),
                                               Path(c["UNIONPAY_ROOT_CERT_FILE"]).read_bytes(),
                                               c.get("UNIONPAY_GATEWAY") or "https://gateway.95516.com")
    return channels


def build_channels(config: dict) -> dict:
    if config.get("SANDBOX"):
        return sandbox_channels(str(config.get("PAYMENT_SANDBOX_URL") or "http://127.0.0.1:8790"))
    channels = configured_channels(config)
    if not channels:
        log.warning("no payment channel is configured: orders cannot be paid")
    return channels
