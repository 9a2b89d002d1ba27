"""WeChat Pay APIv3 Native (QR), through the kept SDK (wechatpayv3): it signs every request with the merchant's
API key (`Authorization: WECHATPAY2-SHA256-RSA2048 …` over method, path, timestamp, nonce and body), checks the
platform's RSA-SHA256 signature on every answer and notification (timestamp, nonce and the raw body, one per
line) with the platform public key named by `Wechatpay-Serial`, and opens the AES-256-GCM `resource` with the
APIv3 key. We add what the SDK leaves out: notifications older than 5 minutes are refused, and the resource must
name our mchid and appid; amounts are integer fen on both sides.

The SDK talks to api.mch.weixin.qq.com; `gateway` points it elsewhere (ours in sandbox mode)."""
import csv
import gzip
import hashlib
import io
import json
import logging
import time
from datetime import datetime

from wechatpayv3 import WeChatPay, WeChatPayType

from ausm_common.clock import BEIJING

from .. import money
from .base import Ack, ChannelError, Notice, NotificationRefused, OrderFacts, RefundFacts, StatementLine, Trade

log = logging.getLogger(__name__)
MAX_SKEW = 300
HEADERS = ("Wechatpay-Signature", "Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Serial",
           "Wechatpay-Signature-Type")


def rfc3339(value: datetime) -> str:
    return value.astimezone(BEIJING).isoformat(timespec="seconds")


def parse_time(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


class WechatChannel:
    name = "wechat"

    def __init__(self, mchid: str, appid: str, merchant_private_key: str, merchant_serial_no: str, apiv3_key: str,
                 platform_public_key: str, platform_public_key_id: str, gateway: str, timeout: float = 8):
        self.mchid, self.appid = mchid, appid
        self.client = WeChatPay(wechatpay_type=WeChatPayType.NATIVE, mchid=mchid, private_key=merchant_private_key,
                                cert_serial_no=merchant_serial_no, appid=appid, apiv3_key=apiv3_key,
                                notify_url="", public_key=platform_public_key,
                                public_key_id=platform_public_key_id, timeout=(3, timeout))
        self.client._core._gate_way = gateway.rstrip("/")

    def _call(self, fn, *args, **kwargs) -> tuple[int, dict | bytes]:
        try:
            code, message = fn(*args, **kwargs)
        except Exception as exc:   # the SDK raises a bare Exception when an answer's signature does not verify
            if "signature" in str(exc):
                raise ChannelError("微信支付应答签名验证失败")
            raise
        if isinstance(message, (bytes, bytearray)):
            return code, bytes(message)
        try:
            return code, json.loads(message) if message else {}
        except ValueError:
            raise ChannelError(f"微信支付应答无法解析 ({code})")

    def create(self, order: OrderFacts) -> str:
        code, answer = self._call(self.client.pay, description=order.description, out_trade_no=order.order_no,
                                  amount={"total": order.amount_fen, "currency": "CNY"},
                                  time_expire=rfc3339(order.expires_at), notify_url=order.notify_url)
        if code != 200 or not answer.get("code_url"):
            raise ChannelError(f"微信支付下单失败: {code} {answer.get('code')}")
        return answer["code_url"]

    def query(self, order_no: str, created_at=None) -> Trade:
        code, answer = self._call(self.client.query, out_trade_no=order_no)
        if code == 404:
            return Trade("missing", order_no)
        if code != 200:
            raise ChannelError(f"微信支付查询失败: {code} {answer.get('code')}")
        state = answer.get("trade_state")
        if state in ("SUCCESS", "REFUND"):
            return Trade("paid", order_no, answer.get("transaction_id"),
                         money.int_fen((answer.get("amount") or {}).get("total")), parse_time(answer.get("success_time")))
        return Trade("closed" if state in ("CLOSED", "REVOKED", "PAYERROR") else "pending", order_no)

    def close(self, order_no: str, created_at=None) -> str:
        code, answer = self._call(self.client.close, out_trade_no=order_no)
        gone = ("ORDER_CLOSED", "ORDERNOTEXIST", "ORDER_NOT_EXIST")
        if code == 204 or (isinstance(answer, dict) and answer.get("code") in gone):
            return "closed"
        if isinstance(answer, dict) and answer.get("code") == "ORDERPAID":
            return "paid"
        raise ChannelError(f"微信支付关单失败: {code}")

    def refund(self, refund: RefundFacts) -> tuple[str, str | None]:
        code, answer = self._call(self.client.refund, out_refund_no=refund.refund_no, transaction_id=refund.txn_id,
                                  amount={"refund": refund.amount_fen, "total": refund.payment_fen,
                                          "currency": "CNY"}, reason=refund.reason[:80])
        if code == 200 and answer.get("status") == "SUCCESS":
            return "succeeded", answer.get("refund_id")
        if code == 200 and answer.get("status") == "PROCESSING":
            return "processing", answer.get("refund_id")
        return "failed", None

    def statement(self, day) -> list[StatementLine]:
        code, answer = self._call(self.client.trade_bill, bill_date=day.isoformat())
        if code != 200:
            raise ChannelError(f"微信支付账单申请失败: {code}")
        code, data = self._call(self.client.download_bill, answer["download_url"])
        if code != 200 or not isinstance(data, bytes):
            raise ChannelError(f"微信支付账单下载失败: {code}")
        if hashlib.sha1(data).hexdigest() != answer.get("hash_value"):
            raise ChannelError("微信支付账单摘要不符")
        text = gzip.decompress(data).decode("utf-8")
        lines = []
        # 交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,
        # 货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,…  every cell prefixed with "`".
        for row in csv.reader(io.StringIO(text)):
            cells = [c.lstrip("`").strip() for c in row]
            if len(cells) < 17 or not cells[0][:1].isdigit():
                continue
            at = datetime.strptime(cells[0], "%Y-%m-%d %H:%M:%S").replace(tzinfo=BEIJING)
            if cells[9] == "REFUND":
                lines.append(StatementLine("refund", cells[6], cells[5], money.yuan_to_fen(cells[16]) or 0, at,
                                           cells[15]))
            else:
                lines.append(StatementLine("payment", cells[6], cells[5], money.yuan_to_fen(cells[12]) or 0, at))
        return lines

    # --- notifications -----------------------------------------------------------------------
    def verify_notification(self, headers: dict, body: str) -> Notice:
        try:
            timestamp = int(headers.get("Wechatpay-Timestamp", ""))
        except ValueError:
            raise NotificationRefused("bad_signature", "缺少 Wechatpay-Timestamp")
        if abs(time.time() - timestamp) > MAX_SKEW:
            raise NotificationRefused("stale", f"通知时间戳相差超过{MAX_SKEW}秒")
        try:
            data = self.client.callback(headers, body)
        except Exception as exc:    # unsupported algorithm or signature type
            raise NotificationRefused("bad_signature", repr(exc))
        if not data:
            raise NotificationRefused("bad_signature", "微信支付签名验证或解密失败")
        resource = data.get("resource") or {}
        order_no = resource.get("out_trade_no", "")
        if resource.get("mchid") != self.mchid or resource.get("appid") != self.appid:
            raise NotificationRefused("wrong_app", f"mchid={resource.get('mchid')}", order_no)
        state = resource.get("trade_state", "")
        return Notice(self.name, order_no,
                      "paid" if data.get("event_type") == "TRANSACTION.SUCCESS" and state == "SUCCESS" else "other",
                      resource.get("transaction_id"), money.int_fen((resource.get("amount") or {}).get("total")),
                      parse_time(resource.get("success_time")), state)

    @staticmethod
    def acknowledgement(ok: bool) -> Ack:
        if ok:
            return Ack(204)
        return Ack(400, json.dumps({"code": "FAIL", "message": "失败"}, ensure_ascii=False),
                   "application/json; charset=utf-8")
