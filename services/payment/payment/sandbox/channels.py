"""The three channels' sides of the protocol: check the merchant's signed request, act on the books, answer signed
as the channel answers, and build the signed notifications. Keys are the channel's own (keys/)."""
import base64
import csv
import gzip
import hashlib
import io
import json
import time
import uuid
import zipfile
import zlib
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from ausm_common.clock import BEIJING

from . import signing
from .store import Refusal

KEYS = Path(__file__).parent / "keys"
# Who the sandbox knows as its merchant (the platform): app id, merchant numbers and the shared APIv3 key.
MERCHANT = {"alipay_app_id": "2021000000000001", "alipay_seller_id": "2088000000000001",
            "wechat_mchid": "1900000109", "wechat_appid": "wx8888888888888888",
            "wechat_key_id": "PUB_KEY_ID_0119000001092025", "wechat_apiv3_key": b"sandboxApiV3Key0123456789abcdefX",
            "unionpay_mer_id": "777290058110048"}


def _private(name):
    return serialization.load_pem_private_key((KEYS / name).read_bytes(), password=None)


def _cert(name):
    return x509.load_pem_x509_certificate((KEYS / name).read_bytes())


def yuan(fen: int) -> str:
    return f"{'-' if fen < 0 else ''}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def fen_of_yuan(text: str) -> int | None:
    try:
        whole, _, cents = str(text).partition(".")
        return int(whole) * 100 + int((cents + "00")[:2]) if len(cents) <= 2 else None
    except ValueError:
        return None


def bj(value: datetime, fmt: str) -> str:
    return value.astimezone(BEIJING).strftime(fmt)


class Answer:
    """What a route returns: status, body, headers."""

    def __init__(self, status: int, body: str | bytes = "", headers: dict | None = None):
        self.status, self.body, self.headers = status, body, headers or {}


# --- Alipay ---------------------------------------------------------------------------------------------

class Alipay:
    name = "alipay"
    TIME = "%Y-%m-%d %H:%M:%S"

    def __init__(self, store, notifier, base_url):
        self.store, self.notifier, self.base = store, notifier, base_url
        self.key = _private("alipay_platform_private.pem")
        self.app_key = serialization.load_pem_public_key((KEYS / "alipay_app_public.pem").read_bytes())

    def respond(self, method: str, body: dict) -> Answer:
        """{"<method>_response": {...}, "sign": "..."}: the signature covers the inner object's exact text."""
        inner = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
        sign = signing.rsa_sha256_sign(self.key, inner.encode("utf-8"))
        key = method.replace(".", "_") + "_response"
        return Answer(200, '{"%s":%s,"sign":"%s"}' % (key, inner, sign), {"Content-Type": "application/json"})

    def fail(self, method, code, sub_code, sub_msg, msg="Business Failed") -> Answer:
        return self.respond(method, {"code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg})

    def gateway(self, params: dict) -> Answer:
        method = params.get("method", "")
        if params.get("app_id") != MERCHANT["alipay_app_id"]:
            return self.fail(method, "40002", "isv.invalid-app-id", "无效的AppID参数", "Invalid Arguments")
        if params.get("sign_type") != "RSA2" or not signing.rsa_sha256_verify(
                self.app_key, signing.alipay_content(params, exclude=("sign",)), params.get("sign", "")):
            return self.fail(method, "40002", "isv.invalid-signature", "验签出错", "Invalid Arguments")
        try:
            biz = json.loads(params.get("biz_content") or "{}")
        except ValueError:
            return self.fail(method, "40002", "isv.invalid-parameter", "biz_content 不是合法的JSON")
        handler = {"alipay.trade.precreate": self.precreate, "alipay.trade.query": self.query,
                   "alipay.trade.close": self.close, "alipay.trade.refund": self.refund,
                   "alipay.data.dataservice.bill.downloadurl.query": self.bill_url}.get(method)
        if handler is None:
            return self.fail(method, "40004", "isv.invalid-method", "不支持的接口")
        try:
            return handler(method, biz, params)
        except Refusal as exc:
            return self.fail(method, "40004", f"ACQ.{exc.code}", exc.message)

    def precreate(self, method, biz, params):
        fen = fen_of_yuan(biz.get("total_amount", ""))
        if not fen or fen <= 0:
            return self.fail(method, "40002", "isv.invalid-parameter", "total_amount 不正确")
        expires = datetime.strptime(biz["time_expire"], self.TIME).replace(tzinfo=BEIJING) \
            if biz.get("time_expire") else self.store.now() + timedelta(hours=2)
        trade = self.store.create(self.name, biz["out_trade_no"], fen, biz.get("subject", ""),
                                  params.get("notify_url", ""), expires)
        return self.respond(method, {"code": "10000", "msg": "Success", "out_trade_no": trade.order_no,
                                     "qr_code": f"{self.base}/pay/alipay/{trade.order_no}"})

    def query(self, method, biz, params):
        trade = self.store.get(self.name, biz.get("out_trade_no", ""))
        if trade is None:
            return self.fail(method, "40004", "ACQ.TRADE_NOT_EXIST", "交易不存在")
        paid = trade.payments[0] if trade.payments else None
        status = {"WAIT": "WAIT_BUYER_PAY", "SUCCESS": "TRADE_SUCCESS", "CLOSED": "TRADE_CLOSED"}[trade.status]
        if paid and trade.refunded_fen >= sum(p.amount_fen for p in trade.payments):
            status = "TRADE_CLOSED"
        body = {"code": "10000", "msg": "Success", "out_trade_no": trade.order_no, "trade_status": status,
                "total_amount": yuan(paid.amount_fen if paid else trade.amount_fen)}
        if paid:
            body.update(trade_no=paid.txn_id, send_pay_date=bj(paid.paid_at, self.TIME),
                        buyer_pay_amount=yuan(paid.amount_fen))
        return self.respond(method, body)

    def close(self, method, biz, params):
        try:
            trade = self.store.close(self.name, biz.get("out_trade_no", ""))
        except Refusal as exc:
            code = "ACQ.TRADE_STATUS_ERROR" if exc.code == "ORDERPAID" else "ACQ.TRADE_NOT_EXIST"
            return self.fail(method, "40004", code, exc.message)
        self.notify(trade, None, "closed", delay=0.5)
        return self.respond(method, {"code": "10000", "msg": "Success", "out_trade_no": trade.order_no})

    def refund(self, method, biz, params):
        fen = fen_of_yuan(biz.get("refund_amount", ""))
        trade = self.store.get(self.name, biz["out_trade_no"]) if biz.get("out_trade_no") else \
            self.store.by_txn(self.name, biz.get("trade_no", ""))
        if trade is None:
            return self.fail(method, "40004", "ACQ.TRADE_NOT_EXIST", "交易不存在")
        txn = biz.get("trade_no") or (trade.payments[0].txn_id if trade.payments else "")
        refunded = self.store.refund(self.name, trade.order_no, txn, biz.get("out_request_no") or
                                     "R" + trade.order_no, fen or 0)
        if trade.refunded_fen >= sum(p.amount_fen for p in trade.payments):
            self.notify(trade, trade.payment(txn), "closed", delay=0.5)   # fully refunded: TRADE_CLOSED
        return self.respond(method, {"code": "10000", "msg": "Success", "trade_no": txn, "out_trade_no":
                                     trade.order_no, "refund_fee": yuan(refunded.amount_fen), "fund_change": "Y"})

    def bill_url(self, method, biz, params):
        return self.respond(method, {"code": "10000", "msg": "Success",
                                     "bill_download_url": f"{self.base}/alipay/bill/{biz.get('bill_date')}.zip"})

    def bill(self, day) -> bytes:
        """The day's 业务明细 CSV (GBK) in a zip, in Alipay's column layout."""
        out = io.StringIO()
        writer = csv.writer(out)
        out.write(f"#支付宝业务明细查询\n#账号：[{MERCHANT['alipay_seller_id']}]\n#起始日期：[{day} 00:00:00]\n")
        writer.writerow(["支付宝交易号", "商户订单号", "业务类型", "商品名称", "创建时间", "完成时间", "门店编号",
                         "门店名称", "操作员", "终端号", "对方账户", "订单金额（元）", "商家实收（元）",
                         "支付宝红包（元）", "集分宝（元）", "支付宝优惠（元）", "商家优惠（元）", "券核销金额（元）",
                         "券名称", "商家红包消费金额（元）", "卡消费金额（元）", "退款批次号/请求号", "服务费（元）",
                         "分润（元）", "备注"])
        for kind, trade, item in self.store.day_lines(self.name, day):
            refund = kind == "refund"
            at = bj(item.at if refund else item.paid_at, self.TIME)
            amount = -item.amount_fen if refund else item.amount_fen
            writer.writerow([item.txn_id, trade.order_no, "退款" if refund else "交易", trade.subject,
                             bj(trade.created_at, self.TIME), at, "", "", "", "", "沙箱买家", yuan(amount), yuan(amount),
                             "0.00", "0.00", "0.00", "0.00", "0.00", "", "0.00", "0.00",
                             item.refund_no if refund else "", "0.00", "0.00", ""])
        out.write("#业务明细列表结束\n")
        data = io.BytesIO()
        with zipfile.ZipFile(data, "w") as archive:
            archive.writestr(f"{MERCHANT['alipay_seller_id']}_{day:%Y%m%d}_业务明细.csv", out.getvalue().encode("gbk"))
        return data.getvalue()

    # --- notifications ------------------------------------------------------------------------
    def notify(self, trade, paid, kind: str, delay: float = 0.0, retry: bool = True, stale: bool = False):
        if not trade.notify_url:
            return
        status = "TRADE_SUCCESS" if kind == "paid" else "TRADE_CLOSED"
        notify_id = uuid.uuid4().hex

        def build():
            params = {"notify_time": bj(self.store.now() - timedelta(minutes=5 if stale else 0), self.TIME),
                      "notify_type": "trade_status_sync", "notify_id": notify_id,
                      "app_id": MERCHANT["alipay_app_id"], "charset": "utf-8", "version": "1.0",
                      "sign_type": "RSA2", "out_trade_no": trade.order_no, "trade_status": status,
                      "seller_id": MERCHANT["alipay_seller_id"], "subject": trade.subject,
                      "gmt_create": bj(trade.created_at, self.TIME)}
            if paid is not None:
                params.update(trade_no=paid.txn_id, total_amount=yuan(paid.amount_fen),
                              receipt_amount=yuan(paid.amount_fen), buyer_pay_amount=yuan(paid.amount_fen),
                              gmt_payment=bj(paid.paid_at, self.TIME))
            else:
                params.update(total_amount=yuan(trade.amount_fen))
            params["sign"] = signing.rsa_sha256_sign(self.key, signing.alipay_content(params))
            return trade.notify_url, {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}, \
                urlencode(params)

        self.notifier.send(self.name, trade.order_no, f"{status} {paid.txn_id if paid else ''}".strip(), build,
                           lambda r: r.text.strip() == "success", delay, retry)


# --- WeChat Pay APIv3 -----------------------------------------------------------------------------------

class Wechat:
    name = "wechat"

    def __init__(self, store, notifier, base_url):
        self.store, self.notifier, self.base = store, notifier, base_url
        self.key = _private("wechat_platform_private.pem")
        self.merchant_cert = _cert("wechat_merchant_cert.pem")

    def signed(self, status: int, body: dict | str | None) -> Answer:
        text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False) if body is not None else ""
        timestamp, nonce = str(int(time.time())), signing.new_nonce()
        headers = {"Wechatpay-Timestamp": timestamp, "Wechatpay-Nonce": nonce,
                   "Wechatpay-Serial": MERCHANT["wechat_key_id"], "Wechatpay-Signature-Type":
                   "WECHATPAY2-SHA256-RSA2048", "Wechatpay-Signature": signing.rsa_sha256_sign(
                       self.key, signing.wechat_response_message(timestamp, nonce, text)),
                   "Request-ID": uuid.uuid4().hex}
        if text:
            headers["Content-Type"] = "application/json; charset=utf-8"
        return Answer(status, text, headers)

    def error(self, status, code, message) -> Answer:
        return self.signed(status, {"code": code, "message": message})

    def authenticate(self, method: str, path: str, body: str, authorization: str) -> Answer | None:
        """The merchant's Authorization header, checked with its API certificate; None when it holds."""
        fields = signing.parse_wechat_authorization(authorization)
        if fields is None:
            return self.error(401, "SIGN_ERROR", "缺少或无法解析 Authorization")
        if fields["mchid"] != MERCHANT["wechat_mchid"] or \
                int(fields["serial_no"], 16) != self.merchant_cert.serial_number:
            return self.error(401, "SIGN_ERROR", "商户号或证书序列号不正确")
        if abs(time.time() - int(fields["timestamp"])) > 300:
            return self.error(401, "SIGN_ERROR", "请求时间戳过期")
        message = signing.wechat_request_message(method, path, fields["timestamp"], fields["nonce_str"], body)
        if not signing.rsa_sha256_verify(self.merchant_cert.public_key(), message, fields["signature"]):
            return self.error(401, "SIGN_ERROR", "签名错误")
        return None

    def native(self, body: dict) -> Answer:
        amount = (body.get("amount") or {}).get("total")
        if body.get("mchid") != MERCHANT["wechat_mchid"] or body.get("appid") != MERCHANT["wechat_appid"]:
            return self.error(400, "PARAM_ERROR", "mchid 或 appid 不正确")
        if type(amount) is not int or amount <= 0:
            return self.error(400, "PARAM_ERROR", "amount.total 应为正整数（分）")
        expires = datetime.fromisoformat(body["time_expire"]) if body.get("time_expire") else \
            self.store.now() + timedelta(hours=2)
        try:
            trade = self.store.create(self.name, body["out_trade_no"], amount, body.get("description", ""),
                                      body.get("notify_url", ""), expires)
        except Refusal as exc:
            return self.error(400, "OUT_TRADE_NO_USED", exc.message)
        return self.signed(200, {"code_url": f"{self.base}/pay/wechat/{trade.order_no}"})

    def transaction(self, trade) -> dict:
        paid = trade.payments[0] if trade.payments else None
        state = {"WAIT": "NOTPAY", "SUCCESS": "SUCCESS", "CLOSED": "CLOSED"}[trade.status]
        if paid and trade.refunds:
            state = "REFUND"
        body = {"appid": MERCHANT["wechat_appid"], "mchid": MERCHANT["wechat_mchid"], "out_trade_no": trade.order_no,
                "trade_type": "NATIVE", "trade_state": state, "trade_state_desc": state,
                "amount": {"total": trade.amount_fen, "currency": "CNY"}}
        if paid:
            body.update(transaction_id=paid.txn_id, success_time=paid.paid_at.astimezone(BEIJING).isoformat(
                timespec="seconds"), bank_type="OTHERS", payer={"openid": "o_sandbox_payer"},
                amount={"total": paid.amount_fen, "payer_total": paid.amount_fen, "currency": "CNY",
                        "payer_currency": "CNY"})
        return body

    def query(self, order_no: str) -> Answer:
        trade = self.store.get(self.name, order_no)
        if trade is None:
            return self.error(404, "ORDER_NOT_EXIST", "订单不存在")
        return self.signed(200, self.transaction(trade))

    def close(self, order_no: str) -> Answer:
        try:
            self.store.close(self.name, order_no)
        except Refusal as exc:
            return self.error(400 if exc.code == "ORDERPAID" else 404, exc.code, exc.message)
        return self.signed(204, None)

    def refund(self, body: dict) -> Answer:
        amount = body.get("amount") or {}
        trade = self.store.by_txn(self.name, body.get("transaction_id", "")) if body.get("transaction_id") else \
            self.store.get(self.name, body.get("out_trade_no", ""))
        if trade is None:
            return self.error(404, "RESOURCE_NOT_EXISTS", "订单不存在")
        txn = body.get("transaction_id") or trade.payments[0].txn_id
        paid = trade.payment(txn)
        if type(amount.get("refund")) is not int or amount.get("total") != (paid.amount_fen if paid else None):
            return self.error(400, "PARAM_ERROR", "退款金额或原订单金额不正确")
        try:
            refunded = self.store.refund(self.name, trade.order_no, txn, body.get("out_refund_no", ""),
                                         amount["refund"])
        except Refusal as exc:
            return self.error(400, exc.code, exc.message)
        return self.signed(200, {"refund_id": refunded.refund_id, "out_refund_no": refunded.refund_no,
                                 "transaction_id": txn, "out_trade_no": trade.order_no, "status": "SUCCESS",
                                 "success_time": refunded.at.astimezone(BEIJING).isoformat(timespec="seconds"),
                                 "amount": {"refund": refunded.amount_fen, "total": paid.amount_fen,
                                            "currency": "CNY"}})

    def bill_url(self, day: str) -> Answer:
        data = self.bill(datetime.strptime(day, "%Y-%m-%d").date())
        return self.signed(200, {"hash_type": "SHA1", "hash_value": hashlib.sha1(data).hexdigest(),
                                 "download_url": f"{self.base}/wechat/v3/billdownload/file?token={day}"})

    def bill(self, day) -> bytes:
        """交易账单 (bill_type ALL), gzip: every cell starts with a back-quote, as WeChat writes it."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["交易时间", "公众账号ID", "商户号", "特约商户号", "设备号", "微信订单号", "商户订单号", "用户标识",
                         "交易类型", "交易状态", "付款银行", "货币种类", "应结订单金额", "代金券金额", "微信退款单号",
                         "商户退款单号", "退款金额", "充值券退款金额", "退款类型", "退款状态", "商品名称", "商户数据包",
                         "手续费", "费率", "订单金额", "申请退款金额", "费率备注"])
        for kind, trade, item in self.store.day_lines(self.name, day):
            refund = kind == "refund"
            at = bj(item.at if refund else item.paid_at, "%Y-%m-%d %H:%M:%S")
            cells = [at, MERCHANT["wechat_appid"], MERCHANT["wechat_mchid"], "", "", item.txn_id, trade.order_no,
                     "o_sandbox_payer", "NATIVE", "REFUND" if refund else "SUCCESS", "OTHERS", "CNY",
                     yuan(0 if refund else item.amount_fen), "0.00", item.refund_id if refund else "",
                     item.refund_no if refund else "", yuan(item.amount_fen if refund else 0), "0.00",
                     "ORIGINAL" if refund else "", "SUCCESS" if refund else "", trade.subject, "", "0.00000",
                     "0.60%", yuan(item.amount_fen), yuan(item.amount_fen if refund else 0), ""]
            writer.writerow(["`" + c for c in cells])
        return gzip.compress(out.getvalue().encode("utf-8"), mtime=0)

    def notify(self, trade, paid, kind="paid", delay: float = 0.0, retry: bool = True, stale: bool = False):
        if not trade.notify_url or paid is None:
            return
        resource_plain = json.dumps({**self.transaction(trade), "transaction_id": paid.txn_id,
                                     "trade_state": "SUCCESS", "trade_state_desc": "支付成功",
                                     "success_time": paid.paid_at.astimezone(BEIJING).isoformat(timespec="seconds"),
                                     "amount": {"total": paid.amount_fen, "payer_total": paid.amount_fen,
                                                "currency": "CNY", "payer_currency": "CNY"}}, ensure_ascii=False)

        def build():
            nonce = signing.new_nonce(12)
            sealed = signing.aes_gcm_seal(MERCHANT["wechat_apiv3_key"], nonce.encode(), resource_plain.encode(),
                                          b"transaction")
            body = json.dumps({"id": str(uuid.uuid4()), "create_time": datetime.now(BEIJING).isoformat(
                timespec="seconds"), "resource_type": "encrypt-resource", "event_type": "TRANSACTION.SUCCESS",
                "summary": "支付成功", "resource": {"original_type": "transaction", "algorithm": "AEAD_AES_256_GCM",
                                                "ciphertext": base64.b64encode(sealed).decode(),
                                                "associated_data": "transaction", "nonce": nonce}},
                ensure_ascii=False)
            answer = self.signed(200, body)
            headers = {k: v for k, v in answer.headers.items() if k.startswith("Wechatpay-")}
            return trade.notify_url, {**headers, "Content-Type": "application/json"}, body

        self.notifier.send(self.name, trade.order_no, f"TRANSACTION.SUCCESS {paid.txn_id}", build,
                           lambda r: r.status_code in (200, 204), delay, retry)


# --- UnionPay 5.1.0 -------------------------------------------------------------------------------------

class Unionpay:
    name = "unionpay"
    TIME = "%Y%m%d%H%M%S"

    def __init__(self, store, notifier, base_url):
        self.store, self.notifier, self.base = store, notifier, base_url
        self.key = _private("unionpay_sign_private.pem")
        self.cert = _cert("unionpay_sign_cert.pem")
        self.cert_pem = (KEYS / "unionpay_sign_cert.pem").read_text()
        self.merchant_cert = _cert("unionpay_merchant_cert.pem")

    def sign(self, fields: dict) -> dict:
        fields = {**fields, "signMethod": "01", "certId": str(self.cert.serial_number),
                  "signPubKeyCert": self.cert_pem}
        return {**fields, "signature": signing.rsa_sha256_sign(self.key, signing.unionpay_digest(fields))}

    def answer(self, request: dict, **fields) -> Answer:
        base = {k: request.get(k, "") for k in ("version", "encoding", "bizType", "txnType", "txnSubType",
                                                "accessType", "merId", "orderId", "txnTime")}
        return Answer(200, urlencode(self.sign({**base, **fields})),
                      {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"})

    def authenticate(self, fields: dict) -> Answer | None:
        if fields.get("merId") != MERCHANT["unionpay_mer_id"]:
            return self.answer(fields, respCode="10", respMsg="商户号不正确")
        if fields.get("certId") != str(self.merchant_cert.serial_number) or not signing.rsa_sha256_verify(
                self.merchant_cert.public_key(), signing.unionpay_digest(fields), fields.get("signature", "")):
            return self.answer(fields, respCode="11", respMsg="验证签名失败")
        return None

    def back_trans(self, fields: dict) -> Answer:
        if fields.get("txnType") == "01" and fields.get("txnSubType") == "07":
            amount = fields.get("txnAmt", "")
            if not amount.isdigit() or int(amount) <= 0:
                return self.answer(fields, respCode="30", respMsg="交易金额不正确")
            expires = datetime.strptime(fields["payTimeout"], self.TIME).replace(tzinfo=BEIJING) \
                if fields.get("payTimeout") else self.store.now() + timedelta(hours=2)
            try:
                trade = self.store.create(self.name, fields["orderId"], int(amount), fields.get("orderDesc", ""),
                                          fields.get("backUrl", ""), expires, fields.get("txnTime", ""))
            except Refusal as exc:
                return self.answer(fields, respCode="12", respMsg=exc.message)
            return self.answer(fields, respCode="00", respMsg="成功", qrCode=f"{self.base}/pay/unionpay/{trade.order_no}")
        if fields.get("txnType") == "04":
            trade = self.store.by_txn(self.name, fields.get("origQryId", ""))
            if trade is None:
                return self.answer(fields, respCode="35", respMsg="原交易不存在")
            try:
                refunded = self.store.refund(self.name, trade.order_no, fields["origQryId"], fields["orderId"],
                                             int(fields.get("txnAmt") or 0))
            except Refusal as exc:
                return self.answer(fields, respCode="30", respMsg=exc.message)
            return self.answer(fields, respCode="00", respMsg="成功", queryId=refunded.refund_id,
                               origQryId=fields["origQryId"], txnAmt=str(refunded.amount_fen))
        return self.answer(fields, respCode="40", respMsg="不支持的交易类型")

    def query(self, fields: dict) -> Answer:
        trade = self.store.get(self.name, fields.get("orderId", ""))
        if trade is None or (fields.get("txnTime") and trade.txn_time and fields["txnTime"] != trade.txn_time):
            return self.answer(fields, respCode="34", respMsg="查无此交易")
        paid = trade.payments[0] if trade.payments else None
        orig = "00" if paid else "05" if trade.status == "WAIT" else "01"
        extra = {"queryId": paid.txn_id, "txnAmt": str(paid.amount_fen), "traceTime":
                 bj(paid.paid_at, "%m%d%H%M%S"), "settleAmt": str(paid.amount_fen)} if paid else \
            {"txnAmt": str(trade.amount_fen)}
        return self.answer(fields, respCode="00", respMsg="成功", origRespCode=orig,
                           origRespMsg="成功" if paid else "交易未完成", **extra)

    def file_transfer(self, fields: dict) -> Answer:
        settle = fields.get("settleDate", "")
        today = self.store.now().astimezone(BEIJING).date()
        try:
            day = datetime.strptime(f"{today.year}{settle}", "%Y%m%d").date()
        except ValueError:
            return self.answer(fields, respCode="30", respMsg="settleDate 不正确")
        if day > today:
            day = day.replace(year=day.year - 1)
        return self.answer(fields, respCode="00", respMsg="成功", settleDate=settle, fileType="00",
                           fileName=f"INN{day:%y%m%d}88ZM_{MERCHANT['unionpay_mer_id']}",
                           fileContent=base64.b64encode(zlib.compress(self.statement(day).encode())).decode())

    def statement(self, day) -> str:
        lines = ["交易类型|查询流水号|商户订单号|原查询流水号|交易金额(分)|交易时间"]
        for kind, trade, item in self.store.day_lines(self.name, day):
            if kind == "refund":
                lines.append(f"04|{item.refund_id}|{item.refund_no}|{item.txn_id}|{item.amount_fen}|"
                             f"{bj(item.at, self.TIME)}")
            else:
                lines.append(f"01|{item.txn_id}|{trade.order_no}||{item.amount_fen}|{bj(item.paid_at, self.TIME)}")
        return "\n".join(lines) + "\n"

    def notify(self, trade, paid, kind="paid", delay: float = 0.0, retry: bool = True, stale: bool = False):
        if not trade.notify_url or paid is None:
            return

        def build():
            fields = self.sign({"version": "5.1.0", "encoding": "UTF-8", "bizType": "000000", "txnType": "01",
                                "txnSubType": "07", "accessType": "0", "merId": MERCHANT["unionpay_mer_id"],
                                "orderId": trade.order_no, "txnTime": trade.txn_time, "currencyCode": "156",
                                "txnAmt": str(paid.amount_fen), "queryId": paid.txn_id, "traceNo": paid.txn_id[-6:],
                                "traceTime": bj(paid.paid_at, "%m%d%H%M%S"), "settleAmt": str(paid.amount_fen),
                                "settleCurrencyCode": "156", "settleDate": bj(paid.paid_at, "%m%d"),
                                "respCode": "00", "respMsg": "成功"})
            return trade.notify_url, {"Content-Type": "application/x-www-form-urlencoded; charset=UTF-8"}, \
                urlencode(fields)

        self.notifier.send(self.name, trade.order_no, f"01/00 {paid.txn_id}", build,
                           lambda r: r.status_code == 200, delay, retry)


def utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)
