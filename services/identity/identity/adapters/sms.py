"""SMS provider adapter.

``SandboxSms`` behaves like a carrier gateway: it answers with a message id and a
delivery status. Numbers ending in 0000 simulate an undeliverable phone, so the page's
"发送失败" path can be exercised. ``HttpSms`` posts to a provider's HTTP API.
"""
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass

import requests


@dataclass
class SmsReceipt:
    provider_id: str
    status: str          # sent|delivered|failed
    keeps_code: bool     # the sandbox keeps the code so tests and the sandbox page can read it


class SandboxSms:
    name = "sandbox"

    def send(self, phone: str, text: str) -> SmsReceipt:
        status = "failed" if phone.endswith("0000") else "delivered"
        return SmsReceipt(provider_id=f"sbx-{uuid.uuid4().hex[:16]}", status=status, keeps_code=True)


class HttpSms:
    """A signed JSON POST, the shape most Chinese SMS gateways take (key id, timestamp, HMAC)."""
    name = "http"

    def __init__(self, url: str, key_id: str, secret: str, sign_name: str, timeout: float = 5):
        self.url, self.key_id, self.secret, self.sign_name, self.timeout = url, key_id, secret, sign_name, timeout

    def send(self, phone: str, text: str) -> SmsReceipt:
        body = json.dumps({"phone": phone, "sign_name": self.sign_name, "text": text}, ensure_ascii=False)
        ts = str(int(time.time()))
        signature = hmac.new(self.secret.encode(), f"{ts}\n{body}".encode(), hashlib.sha256).hexdigest()
        response = requests.post(self.url, data=body.encode(), timeout=self.timeout, headers={
            "Content-Type": "application/json", "X-Key-Id": self.key_id,
            "X-Timestamp": ts, "X-Signature": signature})
        if response.status_code != 200:
            return SmsReceipt(provider_id="", status="failed", keeps_code=False)
        data = response.json()
        return SmsReceipt(provider_id=str(data.get("message_id", "")),
                          status="sent" if data.get("ok") else "failed", keeps_code=False)


def build_sms(config: dict):
    if config.get("SANDBOX"):
        return SandboxSms()
    return HttpSms(config["SMS_API_URL"], config["SMS_KEY_ID"], config["SMS_SECRET"],
                   config.get("SMS_SIGN_NAME", "全国会计人员统一服务管理平台"))
