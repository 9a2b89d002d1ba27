"""UnionPay 全渠道 QR payment (云闪付 scans the merchant's code), version 5.1.0, signMethod 01, written on
`cryptography` because UnionPay keeps no Python SDK (only Java, .NET, PHP and C SDKs).

Signing (both directions): every field except `signature`, sorted by name and joined as `k=v&…`; its SHA-256 in
lowercase hex is signed with SHA256withRSA and the signature sent in base64; `certId` names the signing
certificate by its serial number. UnionPay's answers and notifications carry their signing certificate in
`signPubKeyCert`: we accept it only when it was issued by the UnionPay root we hold, is within its validity and
names 中国银联股份有限公司, then verify the signature with it.

UnionPay has no call to close an unpaid QR order: the order stops accepting payment at the `payTimeout` we set
when creating it. `close()` therefore asks the channel first and reports "paid" if the money was taken; any
payment after our own close is refunded like every other late payment."""
import base64
import hashlib
import io
import zlib
from datetime import datetime, timezone
from urllib.parse import parse_qsl

import requests
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from ausm_common.clock import BEIJING

from .. import money
from .base import Ack, ChannelError, Notice, NotificationRefused, OrderFacts, RefundFacts, StatementLine, Trade

UNIONPAY_CN = "中国银联股份有限公司"
TIME = "%Y%m%d%H%M%S"


def sign_string(fields: dict) -> str:
    return "&".join(f"{k}={fields[k]}" for k in sorted(fields) if k != "signature")


def digest_hex(fields: dict) -> bytes:
    return hashlib.sha256(sign_string(fields).encode("utf-8")).hexdigest().encode("ascii")


def beijing(value: datetime) -> str:
    return value.astimezone(BEIJING).strftime(TIME)


def parse_time(text: str | None) -> datetime | None:
    try:
        return datetime.strptime(text, TIME).replace(tzinfo=BEIJING) if text else None
    except ValueError:
        return None


def paid_time(fields: dict) -> datetime | None:
    """traceTime is MMDDhhmmss; its year is the order's (txnTime), or this year's."""
    trace = fields.get("traceTime") or ""
    if len(trace) == 10 and trace.isdigit():
        year = (fields.get("txnTime") or "")[:4] or datetime.now(BEIJING).strftime("%Y")
        return parse_time(year + trace)
    return parse_time(fields.get("txnTime"))


class UnionpayChannel:
    name = "unionpay"

    def __init__(self, mer_id: str, merchant_private_key: bytes, merchant_cert: bytes, root_cert: bytes,
                 gateway: str, timeout: float = 8):
        self.mer_id, self.gateway, self.timeout = mer_id, gateway.rstrip("/"), timeout
        self.key = serialization.load_pem_private_key(merchant_private_key, password=None)
        self.cert_id = str(x509.load_pem_x509_certificate(merchant_cert).serial_number)
        self.root = x509.load_pem_x509_certificate(root_cert)

    # --- signatures ------------------------------------------------------------------------------
    def sign(self, fields: dict) -> dict:
        fields = {**fields, "certId": self.cert_id, "signMethod": "01"}
        signature = self.key.sign(digest_hex(fields), padding.PKCS1v15(), hashes.SHA256())
        return {**fields, "signature": base64.b64encode(signature).decode()}

    def check_signer(self, pem: str) -> x509.Certificate:
        try:
            cert = x509.load_pem_x509_certificate(pem.encode())
            cert.verify_directly_issued_by(self.root)
        except (ValueError, TypeError, InvalidSignature) as exc:
            raise NotificationRefused("bad_signature", f"签名证书不是银联根证书签发: {exc!r}")
        now = datetime.now(timezone.utc)
        if not cert.not_valid_before_utc <= now <= cert.not_valid_after_utc:
            raise NotificationRefused("bad_signature", "签名证书不在有效期内")
        names = [a.value for a in cert.subject.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)]
        if UNIONPAY_CN not in names:
            raise NotificationRefused("bad_signature", "签名证书不属于中国银联")
        return cert

    def verify(self, fields: dict) -> bool:
        cert = self.check_signer(fields.get("signPubKeyCert", ""))
        try:
            cert.public_key().verify(base64.b64decode(fields.get("signature", "")), digest_hex(fields),
                                     padding.PKCS1v15(), hashes.SHA256())
            return True
        except (InvalidSignature, ValueError):
            return False

    # --- calls -----------------------------------------------------------------------------------
    def _base(self, txn_type: str, txn_sub_type: str, when: datetime, order_id: str) -> dict:
        return {"version": "5.1.0", "encoding": "UTF-8", "txnType": txn_type, "txnSubType": txn_sub_type,
                "bizType": "000000", "accessType": "0", "merId": self.mer_id, "orderId": order_id,
                "txnTime": beijing(when)}

    def _post(self, endpoint: str, fields: dict) -> dict:
        response = requests.post(f"{self.gateway}/gateway/api/{endpoint}", data=self.sign(fields),
                                 timeout=(3, self.timeout))
        answer = dict(parse_qsl(response.text, keep_blank_values=True))
        if response.status_code != 200 or not answer:
            raise ChannelError(f"银联应答错误 ({response.status_code})")
        try:
            valid = self.verify(answer)
        except NotificationRefused as exc:
            raise ChannelError(f"银联应答签名证书无效: {exc.detail}")
        if not valid:
            raise ChannelError("银联应答签名验证失败")
        return answer

    def create(self, order: OrderFacts) -> str:
        fields = {**self._base("01", "07", order.created_at, order.order_no), "channelType": "08",
                  "currencyCode": "156", "txnAmt": str(order.amount_fen), "backUrl": order.notify_url,
                  "payTimeout": beijing(order.expires_at), "orderDesc": order.description}
        answer = self._post("backTransReq.do", fields)
        if answer.get("respCode") != "00" or not answer.get("qrCode"):
            raise ChannelError(f"银联下单失败: {answer.get('respCode')} {answer.get('respMsg')}")
        return answer["qrCode"]

    def query(self, order_no: str, created_at: datetime | None = None) -> Trade:
        answer = self._post("queryTrans.do", {**self._base("00", "00", created_at or datetime.now(timezone.utc),
                                                           order_no)})
        if answer.get("respCode") == "34":           # 查无此交易
            return Trade("missing", order_no)
        if answer.get("respCode") != "00":
            raise ChannelError(f"银联查询失败: {answer.get('respCode')}")
        orig = answer.get("origRespCode")
        if orig == "00":
            return Trade("paid", order_no, answer.get("queryId"), money.digits_to_fen(answer.get("txnAmt")),
                         paid_time(answer))
        return Trade("pending" if orig in ("03", "04", "05", None, "") else "closed", order_no)

    def close(self, order_no: str, created_at: datetime | None = None) -> str:
        return "paid" if self.query(order_no, created_at).state == "paid" else "closed"

    def refund(self, refund: RefundFacts) -> tuple[str, str | None]:
        fields = {**self._base("04", "00", datetime.now(timezone.utc), refund.refund_no), "channelType": "07",
                  "currencyCode": "156", "txnAmt": str(refund.amount_fen), "origQryId": refund.txn_id,
                  "backUrl": refund.notify_url or "http://127.0.0.1/"}
        answer = self._post("backTransReq.do", fields)
        return ("succeeded", answer.get("queryId")) if answer.get("respCode") == "00" else ("failed", None)

    def statement(self, day) -> list[StatementLine]:
        fields = {**self._base("76", "01", datetime.now(timezone.utc), f"F{day:%Y%m%d}"),
                  "settleDate": f"{day:%m%d}", "fileType": "00"}
        fields.pop("orderId")
        answer = self._post("fileTransfer.do", fields)
        if answer.get("respCode") != "00":
            raise ChannelError(f"银联对账文件下载失败: {answer.get('respCode')}")
        text = zlib.decompress(base64.b64decode(answer.get("fileContent", ""))).decode("utf-8")
        lines = []
        # One transaction a line, "|"-separated: 交易类型(01 消费 / 04 退货)|查询流水号|商户订单号|原查询流水号|
        # 交易金额(分)|交易时间(yyyyMMddHHmmss)
        for row in io.StringIO(text):
            cells = row.strip().split("|")
            if len(cells) < 6 or cells[0] not in ("01", "04"):
                continue
            amount = money.digits_to_fen(cells[4]) or 0
            if cells[0] == "04":
                lines.append(StatementLine("refund", cells[2].split("R")[0], cells[3], amount, parse_time(cells[5]),
                                           cells[2]))
            else:
                lines.append(StatementLine("payment", cells[2], cells[1], amount, parse_time(cells[5])))
        return lines

    # --- notifications -------------------------------------------------------------------------
    def verify_notification(self, headers: dict, body: str) -> Notice:
        fields = dict(parse_qsl(body, keep_blank_values=True))
        order_no = fields.get("orderId")
        if not fields.get("signature"):
            raise NotificationRefused("bad_signature", "缺少签名", order_no)
        err = None
        try:
            valid = self.verify(fields)
        except NotificationRefused as exc:
            exc.order_no, err = order_no, exc
            valid = False
        if err:
            raise err
        if not valid:
            raise NotificationRefused("bad_signature", "银联签名验证失败", order_no)
        if fields.get("merId") != self.mer_id:
            raise NotificationRefused("wrong_app", f"merId={fields.get('merId')}", order_no)
        paid = fields.get("respCode") == "00" and fields.get("txnType") == "01"
        return Notice(self.name, order_no or "", "paid" if paid else "other", fields.get("queryId"),
                      money.digits_to_fen(fields.get("txnAmt")), paid_time(fields), fields.get("respCode", ""))

    @staticmethod
    def acknowledgement(ok: bool) -> Ack:
        return Ack(200, "ok") if ok else Ack(400, "fail")
