"""Reconciliation of a Beijing day: every line of a channel's statement matched to our payments and refunds,
and what differs listed in words a finance officer can act on. Two kinds can be fixed on request (the fix asks
the channel again first): a payment the channel took that we never recorded, and a refund the channel paid out
that we still show as pending."""
from datetime import date

from sqlalchemy import select

from ausm_common.clock import iso

from . import money
from .adapters.base import StatementLine, statement_day_window
from .models import Order, Payment, Refund

KINDS = {
    "missing_payment": "支付平台已收款，本平台未记录",
    "amount_differs": "收款金额不一致",
    "payment_not_at_channel": "本平台记为已收款，支付平台账单中没有",
    "missing_refund": "支付平台已退款，本平台未记为退款成功",
    "refund_amount_differs": "退款金额不一致",
    "refund_not_at_channel": "本平台记为已退款，支付平台账单中没有",
}
FIXABLE = {"missing_payment", "missing_refund"}


def _ours(session, channel: str, day: date):
    start, end = statement_day_window(day)
    payments = session.scalars(select(Payment).where(Payment.channel == channel, Payment.paid_at >= start,
                                                     Payment.paid_at < end)).all()
    refunds = session.scalars(select(Refund).where(Refund.channel == channel, Refund.status == "succeeded",
                                                   Refund.succeeded_at >= start, Refund.succeeded_at < end)).all()
    return {p.channel_txn_id: p for p in payments}, {r.refund_no: r for r in refunds}


def _difference(kind, line: StatementLine | None, order_no, key, channel_fen, our_fen) -> dict:
    return {"kind": kind, "label": KINDS[kind], "fixable": kind in FIXABLE, "order_no": order_no, "key": key,
            "channel_fen": channel_fen, "our_fen": our_fen,
            "channel_yuan": money.fen_to_yuan(channel_fen) if channel_fen else None,
            "our_yuan": money.fen_to_yuan(our_fen) if our_fen else None, "at": iso(line.at) if line else None}


def compare(session, channel: str, day: date, lines: list[StatementLine]) -> dict:
    payments, refunds = _ours(session, channel, day)
    matched, differences = 0, []
    for line in lines:
        if line.kind == "payment":
            ours = payments.pop(line.txn_id, None)
            if ours is None:
                differences.append(_difference("missing_payment", line, line.order_no, line.txn_id, line.amount_fen, None))
            elif ours.amount_fen != line.amount_fen:
                differences.append(_difference("amount_differs", line, line.order_no, line.txn_id, line.amount_fen,
                                               ours.amount_fen))
            else:
                matched += 1
        else:
            ours = refunds.pop(line.refund_no or "", None)
            if ours is None:
                differences.append(_difference("missing_refund", line, line.order_no, line.refund_no, line.amount_fen,
                                               None))
            elif ours.amount_fen != line.amount_fen:
                differences.append(_difference("refund_amount_differs", line, line.order_no, line.refund_no,
                                               line.amount_fen, ours.amount_fen))
            else:
                matched += 1
    for payment in payments.values():
        differences.append(_difference("payment_not_at_channel", None, payment.order_no, payment.channel_txn_id, None,
                                       payment.amount_fen))
    for refund in refunds.values():
        differences.append(_difference("refund_not_at_channel", None, refund.order_no, refund.refund_no, None,
                                       refund.amount_fen))
    return {"channel": channel, "day": day.isoformat(), "lines": len(lines), "matched": matched,
            "differences": differences}


def within(session, result: dict, prefix: str) -> dict:
    """Only what belongs to the officer's province: lines of orders we do not know are for national staff."""
    if not prefix:
        return result
    numbers = {d["order_no"] for d in result["differences"]}
    provinces = dict(session.execute(select(Order.order_no, Order.province_code)
                                     .where(Order.order_no.in_(numbers))).all()) if numbers else {}
    kept = [d for d in result["differences"] if (provinces.get(d["order_no"]) or "").startswith(prefix)]
    return {**result, "differences": kept}
