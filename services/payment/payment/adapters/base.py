"""What every channel adapter offers, in the platform's terms (integer fen, UTC datetimes, our order numbers).

    create(order)            -> QR content (the URL the payer's app opens)
    query(order)             -> Trade: the channel's view of the order (paid / pending / closed / missing)
    close(order)             -> "closed" | "paid" (too late: the channel took the money first)
    refund(refund)           -> "succeeded" | "processing" | "failed"
    statement(day)           -> [StatementLine]: the channel's account of a Beijing day
    verify_notification(...) -> Notice, or NotificationRefused naming why
    acknowledgement(ok)      -> the HTTP answer this channel expects (status, body, content type)
"""
from dataclasses import dataclass, field
from datetime import date, datetime


class NotificationRefused(Exception):
    """A notification that is not the channel's, not for us, or not readable. `verdict` is logged."""

    def __init__(self, verdict: str, detail: str = "", order_no: str | None = None):
        super().__init__(f"{verdict}: {detail}")
        self.verdict, self.detail, self.order_no = verdict, detail, order_no


class ChannelError(Exception):
    """The channel answered, but not with what we asked for (business failure or unexpected answer)."""


@dataclass(frozen=True)
class OrderFacts:
    order_no: str
    amount_fen: int
    description: str
    created_at: datetime
    expires_at: datetime
    notify_url: str


@dataclass(frozen=True)
class Trade:
    state: str                                 # paid | pending | closed | missing
    order_no: str
    txn_id: str | None = None
    amount_fen: int | None = None
    paid_at: datetime | None = None


@dataclass(frozen=True)
class Notice:
    """A verified notification: signature and app/merchant id checked; amount and order still to be checked."""
    channel: str
    order_no: str
    state: str                                 # paid | closed | other
    txn_id: str | None
    amount_fen: int | None
    paid_at: datetime | None
    raw_state: str = ""


@dataclass(frozen=True)
class RefundFacts:
    refund_no: str
    order_no: str
    txn_id: str
    amount_fen: int
    payment_fen: int
    reason: str
    notify_url: str = ""


@dataclass(frozen=True)
class StatementLine:
    kind: str                                  # payment | refund
    order_no: str
    txn_id: str
    amount_fen: int
    at: datetime
    refund_no: str | None = None


@dataclass
class Ack:
    status: int
    body: str = ""
    content_type: str = "text/plain; charset=utf-8"
    extra: dict = field(default_factory=dict)


def statement_day_window(day: date):
    from datetime import time as dtime
    from ausm_common.clock import BEIJING
    from datetime import timedelta
    start = datetime.combine(day, dtime(0, 0), tzinfo=BEIJING)
    return start, start + timedelta(days=1)
