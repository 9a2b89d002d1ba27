"""Alipay 当面付 (precreate QR), RSA2, through the kept SDK (python-alipay-sdk): it signs our requests with the app
key, checks the signature of every synchronous answer with Alipay's public key, and verifies notifications
(every parameter except sign and sign_type, sorted, SHA256withRSA). We add the business checks: our app id (and
seller id when configured), the trade status and the amount, which Alipay writes in yuan ("30.00").

The SDK posts to Alipay's fixed gateway; `gateway` points it elsewhere (Alipay's own sandbox, or ours)."""
import csv
import io
import logging
import zipfile
from datetime import datetime
from urllib.parse import parse_qsl
from urllib.request import urlopen

from alipay import AliPay
from alipay.exceptions import AliPayException, AliPayValidationError
from alipay.utils import AliPayConfig

from ausm_common.clock import BEIJING

from .. import money
from .base import Ack, ChannelError, Notice, NotificationRefused, OrderFacts, RefundFacts, StatementLine, Trade

log = logging.getLogger(__name__)
PAID = {"TRADE_SUCCESS", "TRADE_FINISHED"}
TIME = "%Y-%m-%d %H:%M:%S"


def beijing_time(text: str | None) -> datetime | None:
    try:
        return datetime.strptime(text, TIME).replace(tzinfo=BEIJING) if text else None
    except ValueError:
        return None


class _Client(AliPay):
    def __init__(self, gateway: str, timeout: float, **kwargs):
        super().__init__(config=AliPayConfig(timeout=timeout), **kwargs)
        self._gateway = gateway


class AlipayChannel:
    name = "alipay"

    def __init__(self, app_id: str, app_private_key: str, alipay_public_key: str, gateway: str,
                 seller_id: str = "", timeout: float = 8):
        self.app_id, self.seller_id = app_id, seller_id
        self.client = _Client(gateway, timeout, appid=app_id, app_private_key_string=app_private_key,
                              alipay_public_key_string=alipay_public_key, sign_type="RSA2")

    # --- calls -----------------------------------------------------------------------------
    def _call(self, fn, **kwargs) -> dict:
        try:
            return fn(**kwargs)
        except AliPayValidationError:
            raise ChannelError("支付宝应答签名验证失败")
        except AliPayException as exc:
            raise ChannelError(f"支付宝应答错误: {exc}")

    def create(self, order: OrderFacts) -> str:
        answer = self._call(self.client.api_alipay_trade_precreate, subject=order.description,
                            out_trade_no=order.order_no, total_amount=money.fen_to_yuan(order.amount_fen),
                            notify_url=order.notify_url,
                            time_expire=order.expires_at.astimezone(BEIJING).strftime(TIME))
        if answer.get("code") != "10000" or not answer.get("qr_code"):
            raise ChannelError(f"支付宝下单失败: {answer.get('sub_code')} {answer.get('sub_msg')}")
        return answer["qr_code"]

    def query(self, order_no: str, created_at=None) -> Trade:
        answer = self._call(self.client.api_alipay_trade_query, out_trade_no=order_no)
        if answer.get("code") != "10000":
            if answer.get("sub_code") == "ACQ.TRADE_NOT_EXIST":
                return Trade("missing", order_no)
            raise ChannelError(f"支付宝查询失败: {answer.get('sub_code')}")
        status = answer.get("trade_status")
        if status in PAID:
            return Trade("paid", order_no, answer.get("trade_no"), money.yuan_to_fen(answer.get("total_amount")),
                         beijing_time(answer.get("send_pay_date")))
        return Trade("closed" if status == "TRADE_CLOSED" else "pending", order_no, answer.get("trade_no"))

    def close(self, order_no: str, created_at=None) -> str:
        answer = self._call(self.client.api_alipay_trade_close, out_trade_no=order_no)
        if answer.get("code") == "10000" or answer.get("sub_code") == "ACQ.TRADE_NOT_EXIST":
            return "closed"
        if answer.get("sub_code") == "ACQ.TRADE_STATUS_ERROR" and self.query(order_no).state == "paid":
            return "paid"
        raise ChannelError(f"支付宝关单失败: {answer.get('sub_code')}")

    def refund(self, refund: RefundFacts) -> tuple[str, str | None]:
        answer = self._call(self.client.api_alipay_trade_refund, refund_amount=money.fen_to_yuan(refund.amount_fen),
                            trade_no=refund.txn_id, out_request_no=refund.refund_no, refund_reason=refund.reason)
        if answer.get("code") == "10000" and answer.get("fund_change") in ("Y", "N"):
            return "succeeded", answer.get("trade_no")
        return "failed", None

    def statement(self, day) -> list[StatementLine]:
        answer = self._call(self.client.server_api, api_name="alipay.data.dataservice.bill.downloadurl.query",
                            biz_content={"bill_type": "trade", "bill_date": day.isoformat()})
        if answer.get("code") != "10000":
            raise ChannelError(f"支付宝账单下载失败: {answer.get('sub_code')}")
        with urlopen(answer["bill_download_url"], timeout=15) as response:
            archive = zipfile.ZipFile(io.BytesIO(response.read()))
        # 业务明细: 支付宝交易号, 商户订单号, 业务类型, 商品名称, 创建时间, 完成时间, … 订单金额（元）at 11, …
        # 退款批次号/请求号 at 21 (Alipay's layout, GBK).
        lines = []
        for name in archive.namelist():
            if not name.endswith("_业务明细.csv"):
                continue
            rows = csv.reader(io.StringIO(archive.read(name).decode("gbk")))
            for row in (r for r in rows if len(r) >= 22 and r[0].strip().isdigit()):   # skip #, header, totals
                cells = [c.strip() for c in row]
                lines.append(StatementLine("refund" if cells[2] == "退款" else "payment", cells[1], cells[0],
                                           money.yuan_to_fen(cells[11].lstrip("-")) or 0, beijing_time(cells[5]),
                                           cells[21] or None))
        return lines

    # --- notifications -----------------------------------------------------------------------
    def verify_notification(self, headers: dict, body: str) -> Notice:
        params = dict(parse_qsl(body, keep_blank_values=True))
        sign = params.pop("sign", None)
        if not sign or params.get("sign_type") not in ("RSA2", None):
            raise NotificationRefused("bad_signature", "缺少签名或签名类型不是RSA2", params.get("out_trade_no"))
        try:
            valid = self.client.verify(dict(params), sign)
        except Exception as exc:    # the SDK raises on malformed base64 and unknown sign types
            raise NotificationRefused("bad_signature", repr(exc), params.get("out_trade_no"))
        if not valid:
            raise NotificationRefused("bad_signature", "支付宝签名验证失败", params.get("out_trade_no"))
        if params.get("app_id") != self.app_id or (self.seller_id and params.get("seller_id") != self.seller_id):
            raise NotificationRefused("wrong_app", f"app_id={params.get('app_id')}", params.get("out_trade_no"))
        status = params.get("trade_status", "")
        state = "paid" if status in PAID else "closed" if status == "TRADE_CLOSED" else "other"
        return Notice(self.name, params.get("out_trade_no", ""), state, params.get("trade_no"),
                      money.yuan_to_fen(params.get("total_amount")), beijing_time(params.get("gmt_payment")), status)

    @staticmethod
    def acknowledgement(ok: bool) -> Ack:
        return Ack(200, "success" if ok else "fail")
