"""WeChat Open Platform website login (snsapi_login) adapter.

Protocol: show qrconnect for (appid, redirect_uri, state); after the phone scans and
confirms, WeChat redirects the browser to redirect_uri?code=..&state=..; the backend
exchanges the code for an openid at sns/oauth2/access_token. The sandbox serves the QR
page and a "scan" page locally and issues codes that only it can redeem (HMAC-signed, short-lived).
"""
import base64
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import requests


class WechatError(Exception):
    pass


class Wechat:
    def __init__(self, app_id: str, secret: str, timeout: float = 5):
        self.app_id, self.secret, self.timeout = app_id, secret, timeout

    def qrconnect_url(self, state: str, redirect_uri: str) -> str:
        query = urlencode({"appid": self.app_id, "redirect_uri": redirect_uri, "response_type": "code",
                           "scope": "snsapi_login", "state": state})
        return f"https://open.weixin.qq.com/connect/qrconnect?{query}#wechat_redirect"

    def exchange_code(self, code: str) -> dict:
        response = requests.get("https://api.weixin.qq.com/sns/oauth2/access_token", timeout=self.timeout, params={
            "appid": self.app_id, "secret": self.secret, "code": code, "grant_type": "authorization_code"})
        data = response.json()
        if "openid" not in data:
            raise WechatError(data.get("errmsg", "code exchange failed"))
        return {"openid": data["openid"], "nickname": None}


class SandboxWechat(Wechat):
    CODE_TTL = 300

    def __init__(self, secret: str):
        super().__init__("wxsandbox000000", secret)

    def qrconnect_url(self, state: str, redirect_uri: str) -> str:
        return "/sandbox/wechat/qrconnect?" + urlencode({"appid": self.app_id, "redirect_uri": redirect_uri,
                                                         "state": state})

    def issue_code(self, openid: str, nickname: str, now: float | None = None) -> str:
        """What WeChat does when the phone confirms: a one-use code for the redirect."""
        body = base64.urlsafe_b64encode(json.dumps(
            {"openid": openid, "nickname": nickname, "exp": int((now or time.time()) + self.CODE_TTL)},
            ensure_ascii=False).encode()).decode()
        return body + "." + self._sig(body)

    def exchange_code(self, code: str) -> dict:
        body, _, sig = (code or "").partition(".")
        if not hmac.compare_digest(self._sig(body), sig):
            raise WechatError("invalid code")
        data = json.loads(base64.urlsafe_b64decode(body.encode()))
        if data["exp"] < time.time():
            raise WechatError("code expired")
        return {"openid": data["openid"], "nickname": data.get("nickname")}

    def _sig(self, body: str) -> str:
        return hmac.new(self.secret.encode(), body.encode(), hashlib.sha256).hexdigest()[:32]


def build_wechat(config: dict):
    if config.get("SANDBOX"):
        return SandboxWechat(config.get("SECRET_KEY", "sandbox"))
    return Wechat(config["WECHAT_APP_ID"], config["WECHAT_SECRET"])
