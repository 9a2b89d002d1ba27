"""The payment rules as plain functions: order states, expiry, what a payable reference must say, and what becomes
of a payment the channel reports (settle the reference, or refund it and say why). No nameko, no SQLAlchemy."""
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from ausm_common.errors import DomainError

from . import money

CHANNELS = ("alipay", "wechat", "unionpay")
CHANNEL_LABELS = {"alipay": "支付宝", "wechat": "微信", "unionpay": "云闪付"}
STATUS_LABELS = {"pending": "待支付", "paid": "已支付", "closed": "已关闭", "refunded": "已退款"}
CLOSE_REASONS = {"expired": "超过支付时限", "replaced": "已更换支付方式", "settled": "报名已缴费",
                 "channel_failed": "支付平台下单失败", "channel": "支付平台已关闭交易"}
# The states an order moves through, forward only. A late payment of a closed order is still a fact (closed → paid);
# nothing ever goes back to pending, and a `closed` that arrives after `paid` changes nothing.
TRANSITIONS = {("pending", "paid"), ("pending", "closed"), ("closed", "paid"), ("paid", "refunded")}
QR_TTL = timedelta(minutes=15)
MIN_WINDOW = timedelta(minutes=1)


class Refused(DomainError):
    """A payable reference that cannot be paid now (409)."""
    status = 409


class NotYours(DomainError):
    status = 403


def can_move(current: str, new: str) -> bool:
    return (current, new) in TRANSITIONS


def status_label(status: str, amount_fen: int = 0, refunded_fen: int = 0) -> str:
    if status == "refunded" and 0 < refunded_fen < amount_fen:
        return "部分退款"
    return STATUS_LABELS[status]


def check_channel(channel: str) -> str:
    if channel not in CHANNELS:
        raise DomainError("CHANNEL_INVALID", "请选择支付平台（支付宝、微信或云闪付）", "channel")
    return channel


# --- references and what their owner says is payable ----------------------------------------------

REF = re.compile(r"^([a-z][a-z_]{1,30}):([A-Za-z0-9-]{1,64})$")


def parse_ref(ref: str) -> tuple[str, str]:
    """"exam:4f3a…" → ("exam", "4f3a…"): the service that answers payable(id), and the id."""
    match = REF.match(ref or "")
    if not match:
        raise DomainError("REF_INVALID", "缴费对象不正确", "ref")
    return match.group(1), match.group(2)


@dataclass(frozen=True)
class Payable:
    ref: str
    payer_id: str
    amount_fen: int
    description: str
    deadline: datetime
    province_code: str
    summary: dict
    warnings: tuple = ()       # what the owner tells the payer before paying (考后 review: work years short …)


def read_payable(answer: dict, ref: str, person_id: str | None) -> Payable:
    """Check what `<service>.payable(id)` answered: the amount comes from here and nowhere else."""
    if not isinstance(answer, dict) or answer.get("ref") != ref:
        raise DomainError("PAYABLE_INVALID", "缴费信息不一致，请刷新后重试", "ref")
    if person_id is not None and answer.get("payer_id") != person_id:
        raise NotYours("NOT_YOUR_PAYABLE", "只能为本人的报名缴费", "ref")
    amount = money.check_fen(answer.get("amount_fen"))
    try:
        deadline = datetime.fromisoformat(str(answer.get("deadline")))
    except ValueError:
        raise DomainError("PAYABLE_INVALID", "缴费截止时间不正确", "deadline")
    if deadline.tzinfo is None:
        raise DomainError("PAYABLE_INVALID", "缴费截止时间缺少时区", "deadline")
    province = str(answer.get("province_code") or "")
    if not re.fullmatch(r"\d{6}", province):
        raise DomainError("PAYABLE_INVALID", "缴费省份不正确", "province_code")
    description = str(answer.get("description") or "")[:128] or "报名费"
    warnings = answer.get("warnings") if isinstance(answer.get("warnings"), list) else []
    return Payable(ref, str(answer["payer_id"]), amount, description, deadline, province,
                   answer.get("summary") if isinstance(answer.get("summary"), dict) else {},
                   tuple(str(w)[:300] for w in warnings[:10]))


def order_expiry(now: datetime, deadline: datetime, ttl: timedelta = QR_TTL) -> datetime:
    """The QR is valid for `ttl`, never past the payment window's close; too close to the close, no new order."""
    if deadline - now < MIN_WINDOW:
        raise Refused("PAYMENT_WINDOW_CLOSED", "缴费时间已结束", "ref")
    return min(now + ttl, deadline)


# --- what becomes of a payment the channel reports --------------------------------------------------

REFUND_REASONS = {
    "paid_twice": "同一报名已缴费成功，本次重复支付的款项将原路退回",
    "paid_twice_same_order": "同一订单被重复扣款，多扣的款项将原路退回",
    "paid_after_close": "订单已关闭（超过支付时限或已更换支付方式）后才完成支付，款项将原路退回",
    "wrong_amount": "支付金额与订单金额不符，款项将原路退回",
    "rejected": "报名已无法缴费，款项将原路退回",
}


@dataclass(frozen=True)
class Disposition:
    settle: bool                  # True: this payment pays for the reference
    reason: str | None = None     # else the refund reason code (REFUND_REASONS)


def dispose(order_status: str, order_expires_at: datetime, paid_at: datetime, other_txn_on_order: bool,
            ref_settled_by_other: bool) -> Disposition:
    """A payment is recorded whatever happens; only the first payment of a reference, on an order still open when
    it was paid, settles it. Every other one is refunded automatically with its reason."""
    if other_txn_on_order:
        return Disposition(False, "paid_twice_same_order")
    if order_status == "closed" or paid_at > order_expires_at:
        return Disposition(False, "paid_after_close")
    if ref_settled_by_other:
        return Disposition(False, "paid_twice")
    return Disposition(True)


def refund_allowed(amount_fen: int, refunded_fen: int, requested_fen: int) -> int:
    """A refund never exceeds what was paid and not yet refunded."""
    money.check_fen(requested_fen, "refund_fen")
    if refunded_fen + requested_fen > amount_fen:
        raise DomainError("REFUND_TOO_LARGE", "退款金额超过可退金额", "refund_fen")
    return requested_fen
