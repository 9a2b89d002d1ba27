"""The channel sandbox's own books: trades (one per channel and merchant order number), the payments taken for
them and the refunds paid out. In memory, guarded by one lock: a sandbox restart forgets everything, like a
fresh sandbox account."""
import itertools
import random
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ausm_common.clock import BEIJING, build_clock, utcnow


@dataclass
class Paid:
    txn_id: str
    amount_fen: int
    paid_at: datetime


@dataclass
class Refunded:
    refund_no: str
    refund_id: str
    txn_id: str
    amount_fen: int
    at: datetime


@dataclass
class Trade:
    channel: str
    order_no: str
    amount_fen: int
    subject: str
    notify_url: str
    created_at: datetime
    expires_at: datetime
    txn_time: str = ""                       # UnionPay: the merchant's txnTime, which queries must repeat
    status: str = "WAIT"                     # WAIT | SUCCESS | CLOSED
    closed_at: datetime | None = None
    payments: list[Paid] = field(default_factory=list)
    refunds: list[Refunded] = field(default_factory=list)

    @property
    def refunded_fen(self) -> int:
        return sum(r.amount_fen for r in self.refunds)

    def payment(self, txn_id: str) -> Paid | None:
        return next((p for p in self.payments if p.txn_id == txn_id), None)


class Refusal(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


class Store:
    def __init__(self, clock=None):
        self.lock = threading.RLock()
        self.trades: dict[tuple[str, str], Trade] = {}
        self.clock = clock or _clock()
        self._seq = itertools.count(random.randrange(10 ** 5))

    def now(self) -> datetime:
        return self.clock.now()

    def new_txn_id(self, channel: str) -> str:
        stamp = self.now().astimezone(BEIJING).strftime("%Y%m%d")
        n = next(self._seq)
        if channel == "alipay":
            return f"{stamp}22001{n % 10 ** 15:015d}"
        if channel == "wechat":
            return f"4200{stamp}{n % 10 ** 16:016d}"
        return f"{stamp[2:]}{n % 10 ** 15:015d}"

    # --- trades -------------------------------------------------------------------------------
    def create(self, channel, order_no, amount_fen, subject, notify_url, expires_at, txn_time="") -> Trade:
        with self.lock:
            trade = self.trades.get((channel, order_no))
            if trade is not None:
                if trade.amount_fen != amount_fen or trade.status != "WAIT":
                    raise Refusal("DUPLICATE_ORDER", "商户订单号重复")
                return trade
            trade = Trade(channel, order_no, amount_fen, subject, notify_url, self.now(), expires_at, txn_time)
            self.trades[(channel, order_no)] = trade
            return trade

    def get(self, channel: str, order_no: str) -> Trade | None:
        with self.lock:
            trade = self.trades.get((channel, order_no))
            if trade is not None and trade.status == "WAIT" and self.now() > trade.expires_at:
                trade.status, trade.closed_at = "CLOSED", trade.expires_at
            return trade

    def close(self, channel: str, order_no: str) -> Trade:
        with self.lock:
            trade = self.get(channel, order_no)
            if trade is None:
                raise Refusal("ORDER_NOT_EXIST", "交易不存在")
            if trade.status == "SUCCESS":
                raise Refusal("ORDERPAID", "订单已支付")
            if trade.status == "WAIT":
                trade.status, trade.closed_at = "CLOSED", self.now()
            return trade

    def pay(self, channel: str, order_no: str, amount_fen: int | None = None, ignore_expiry: bool = False,
            again: bool = False) -> tuple[Trade, Paid]:
        """The payer confirms in their app. `again`: the channel takes the money a second time (a glitch the
        tester can cause); `ignore_expiry`: the payment goes through although the QR expired or was closed."""
        with self.lock:
            trade = self.get(channel, order_no)
            if trade is None:
                raise Refusal("ORDER_NOT_EXIST", "交易不存在")
            if trade.payments and not again:
                raise Refusal("ORDERPAID", "该订单已支付")
            if trade.status == "CLOSED" and not ignore_expiry:
                raise Refusal("ORDER_CLOSED", "二维码已过期或订单已关闭")
            paid = Paid(self.new_txn_id(channel), amount_fen if amount_fen is not None else trade.amount_fen,
                        self.now())
            trade.payments.append(paid)
            trade.status = "SUCCESS"
            return trade, paid

    def refund(self, channel: str, order_no: str, txn_id: str, refund_no: str, amount_fen: int) -> Refunded:
        with self.lock:
            trade = self.get(channel, order_no) if order_no else self.by_txn(channel, txn_id)
            paid = trade.payment(txn_id) if trade else None
            if paid is None:
                raise Refusal("TRADE_NOT_EXIST", "原交易不存在")
            done = next((r for r in trade.refunds if r.refund_no == refund_no), None)
            if done is not None:             # the same refund number asked again: the same refund
                return done
            taken = sum(r.amount_fen for r in trade.refunds if r.txn_id == txn_id)
            if amount_fen <= 0 or taken + amount_fen > paid.amount_fen:
                raise Refusal("REFUND_AMT_EXCEED", "退款金额超过可退金额")
            refunded = Refunded(refund_no, self.new_txn_id(channel), txn_id, amount_fen, self.now())
            trade.refunds.append(refunded)
            return refunded

    def by_txn(self, channel: str, txn_id: str) -> Trade | None:
        with self.lock:
            return next((t for (c, _), t in self.trades.items() if c == channel and t.payment(txn_id)), None)

    def day_lines(self, channel: str, day: date) -> list[tuple[str, Trade, object]]:
        """("payment", trade, Paid) and ("refund", trade, Refunded) of one Beijing day, in time order."""
        with self.lock:
            lines = []
            for (c, _), trade in self.trades.items():
                if c != channel:
                    continue
                lines += [("payment", trade, p) for p in trade.payments if _day(p.paid_at) == day]
                lines += [("refund", trade, r) for r in trade.refunds if _day(r.at) == day]
            return sorted(lines, key=lambda line: line[2].paid_at if line[0] == "payment" else line[2].at)


def _day(value: datetime) -> date:
    return value.astimezone(BEIJING).date()


def _clock():
    """The platform's shared sandbox clock when Redis is there (so moving the platform's time moves the channels'
    too), else the system clock."""
    try:
        clock = build_clock(True)
        clock.offset_seconds()
        return clock
    except Exception:
        from ausm_common.clock import SystemClock
        return SystemClock()


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


__all__ = ["Store", "Trade", "Paid", "Refunded", "Refusal", "utcnow"]
