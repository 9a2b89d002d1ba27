"""The steps that talk to a channel between database transactions: opening an order (closing the open one of the
reference first), bringing an open order up to date with the channel (the page's poll and the periodic job),
carrying out refunds, and the fixes of reconciliation. Channel calls never run inside a transaction."""
import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from ausm_common.errors import Conflict, ProviderUnavailable

from . import domain, orders
from .adapters.base import ChannelError, OrderFacts, RefundFacts
from .models import NotificationLog, Order, Payment, Refund

log = logging.getLogger(__name__)
REUSE_IF_LEFT = timedelta(minutes=1)
POLL_EVERY = timedelta(seconds=3)


@dataclass
class Ctx:
    db: object
    channels: dict
    now: object                  # () -> datetime
    notify_base: str

    def channel(self, name: str):
        adapter = self.channels.get(name)
        if adapter is None:
            raise ProviderUnavailable(f"{domain.CHANNEL_LABELS.get(name, name)}暂未开通，请选择其他支付方式")
        return adapter

    def notify_url(self, channel: str) -> str:
        return f"{self.notify_base.rstrip('/')}/notify/{channel}"


def _already_paid():
    return Conflict("ALREADY_PAID", "该报名已缴费成功，无需重复缴费")


def open_order(ctx: Ctx, payable: domain.Payable, channel: str, phone: str, email: str) -> str:
    """The order number of the open order of `channel` for the reference: the current one when it is that
    channel's and still valid, else a new one, after the current one is closed at its channel."""
    adapter = ctx.channel(channel)
    with ctx.db.get_session() as session:
        orders.lock_ref(session, payable.ref)
        if orders.settlement(session, payable.ref):
            raise _already_paid()
        current = orders.open_order(session, payable.ref)
        if current and current.channel == channel and current.code_url and \
                current.expires_at - ctx.now() > REUSE_IF_LEFT:
            return current.order_no
        current = (current.order_no, current.channel, current.created_at) if current else None
    if current:
        replace(ctx, *current)
    with ctx.db.get_session() as session:
        orders.lock_ref(session, payable.ref)
        if orders.settlement(session, payable.ref):
            raise _already_paid()
        if orders.open_order(session, payable.ref):
            raise Conflict("ORDER_BUSY", "订单正在生成，请稍后刷新页面")
        order = orders.new_order(session, payable, channel, phone, email, ctx.now())
        facts = OrderFacts(order.order_no, order.amount_fen, order.description, order.created_at, order.expires_at,
                           ctx.notify_url(channel))
    try:
        code_url = adapter.create(facts)
    except Exception as exc:
        log.warning("%s could not create order %s: %r", channel, facts.order_no, exc)
        with ctx.db.get_session() as session:
            orders.close(orders.lock_order(session, facts.order_no), "channel_failed", ctx.now())
        raise ProviderUnavailable(f"{domain.CHANNEL_LABELS[channel]}暂时无法下单，请稍后再试或选择其他支付方式")
    with ctx.db.get_session() as session:
        session.get(Order, facts.order_no, with_for_update=True).code_url = code_url
    return facts.order_no


def replace(ctx: Ctx, order_no: str, channel: str, created_at):
    """Close the open order at its channel before another is opened; if the channel already took the money,
    record it and refuse the new order."""
    try:
        outcome = ctx.channel(channel).close(order_no, created_at)
    except (ChannelError, OSError, ProviderUnavailable) as exc:
        log.warning("could not close %s at %s: %r", order_no, channel, exc)
        raise ProviderUnavailable("原订单暂时无法关闭，请稍后再试")
    if outcome == "paid":
        sync(ctx, order_no, force=True)
        raise _already_paid()
    with ctx.db.get_session() as session:
        orders.close(orders.lock_order(session, order_no), "replaced", ctx.now())


def sync(ctx: Ctx, order_no: str, force: bool = False) -> None:
    """Ask the channel about an open order and apply the answer: paid (recorded once), closed, or expired (closed
    at the channel first). Used by the order page's poll (at most every POLL_EVERY) and the periodic job."""
    with ctx.db.get_session() as session:
        order = session.get(Order, order_no)
        if order is None or order.status != "pending":
            return
        if not force and order.last_checked_at and ctx.now() - order.last_checked_at < POLL_EVERY:
            return
        channel, created_at, expires_at = order.channel, order.created_at, order.expires_at
    adapter = ctx.channel(channel)
    try:
        trade = adapter.query(order_no, created_at)
        if trade.state != "paid" and ctx.now() >= expires_at and adapter.close(order_no, created_at) == "paid":
            trade = adapter.query(order_no, created_at)
    except (ChannelError, OSError) as exc:
        log.warning("could not query %s at %s: %r", order_no, channel, exc)
        return
    now = ctx.now()
    with ctx.db.get_session() as session:
        order = orders.lock_order(session, order_no)
        order.last_checked_at = now
        if trade.state == "paid":
            try:
                _, new = orders.record_payment(session, order, trade.txn_id, trade.amount_fen, trade.paid_at,
                                               "query", now)
                if new:
                    log.info("order %s found paid by query", order_no)
                return
            except orders.AmountMismatch as exc:
                session.add(NotificationLog(channel=channel, verdict="wrong_amount", order_no=order_no,
                                            channel_txn_id=trade.txn_id, amount_fen=trade.amount_fen,
                                            detail=f"查询: {exc.message}"))
        if now >= order.expires_at:
            orders.close(order, "expired", now)
        elif trade.state == "closed":
            orders.close(order, "channel", now)


def carry_out_refund(ctx: Ctx, refund_no: str) -> str | None:
    """One due refund through the channel's refund call; the same refund number makes a retry safe."""
    with ctx.db.get_session() as session:
        refund = session.get(Refund, refund_no)
        if refund is None or refund.status != "pending":
            return None
        order = session.get(Order, refund.order_no)
        facts = RefundFacts(refund.refund_no, refund.order_no, refund.channel_txn_id, refund.amount_fen,
                            refund.payment_fen, refund.reason, ctx.notify_url(refund.channel))
        channel = refund.channel
    try:
        outcome, channel_refund_id = ctx.channel(channel).refund(facts)
        error = "" if outcome != "failed" else "支付平台拒绝退款"
    except Exception as exc:
        outcome, channel_refund_id, error = "failed", None, repr(exc)
    with ctx.db.get_session() as session:
        order = orders.lock_order(session, facts.order_no)
        refund = session.get(Refund, refund_no, with_for_update=True)
        if refund.status != "pending":
            return refund.status
        if outcome == "succeeded":
            orders.refund_succeeded(session, refund, order, channel_refund_id, ctx.now())
        elif outcome == "processing":
            refund.next_attempt_at = ctx.now() + timedelta(seconds=5)
        else:
            orders.refund_failed(refund, error, ctx.now())
        return refund.status


def fix_missing_payment(ctx: Ctx, channel: str, txn_id: str, order_no: str) -> dict:
    """A payment the channel's statement shows and we never recorded: asked again, then recorded (it settles the
    reference or is refunded like any other; another amount than the order's is refunded whole)."""
    with ctx.db.get_session() as session:
        order = session.get(Order, order_no)
        if order is None or order.channel != channel:
            raise Conflict("ORDER_UNKNOWN", "账单中的订单不是本平台该支付平台的订单，无法自动处理")
        created_at = order.created_at
    trade = ctx.channel(channel).query(order_no, created_at)
    if trade.state != "paid" or trade.txn_id != txn_id:
        raise Conflict("CHANNEL_DISAGREES", "支付平台查询结果与账单不一致，请人工核查")
    with ctx.db.get_session() as session:
        order = orders.lock_order(session, order_no)
        payment, new = orders.record_payment(session, order, trade.txn_id, trade.amount_fen, trade.paid_at,
                                             "reconcile", ctx.now(), accept_other_amount=True)
        return {"order_no": order_no, "txn_id": txn_id, "recorded": new, "settles": payment.settles,
                "refund_reason": payment.refund_reason}


def fix_missing_refund(ctx: Ctx, refund_no: str) -> dict:
    """A refund the channel paid out that we still show as pending or failed: marked succeeded."""
    with ctx.db.get_session() as session:
        refund = session.get(Refund, refund_no)
        if refund is None:
            raise Conflict("REFUND_UNKNOWN", "本平台没有这笔退款，无法自动处理")
        order = orders.lock_order(session, refund.order_no)
        refund = session.get(Refund, refund_no, with_for_update=True)
        if refund.status != "succeeded":
            orders.refund_succeeded(session, refund, order, refund.channel_refund_id, ctx.now())
        return {"refund_no": refund_no, "order_no": order.order_no, "status": refund.status}


def payments_of(session, order_no: str) -> list[Payment]:
    return list(session.scalars(select(Payment).where(Payment.order_no == order_no).order_by(Payment.recorded_at)))
