"""Orders and the money on them: opening an order (one open per reference), recording what a channel reports
(once per channel transaction, whatever the path: notification, query or reconciliation), settling the reference
with the first good payment and refunding every other one. Callers hold the order's row lock and the reference's
advisory lock (lock_order); channel calls happen outside these functions."""
import logging
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from ausm_common.db import advisory_xact_lock
from ausm_common.errors import DomainError
from ausm_common.outbox import record_event

from . import domain, money, order_numbers
from .models import Order, Outbox, Payment, Refund, Settlement

log = logging.getLogger(__name__)
FIRST_CHECK = timedelta(seconds=10)
CHECK_EVERY = timedelta(seconds=20)


class AmountMismatch(DomainError):
    def __init__(self, expected: int, received):
        super().__init__("AMOUNT_MISMATCH", f"支付金额 {received} 分与订单金额 {expected} 分不符")
        self.expected, self.received = expected, received


def lock_ref(session, ref: str):
    advisory_xact_lock(session, "payment-ref", ref)


def lock_order(session, order_no: str) -> Order | None:
    """The order, its reference locked first (so settling never races another order of the same reference)."""
    order = session.get(Order, order_no)
    if order is None:
        return None
    lock_ref(session, order.ref)
    return session.get(Order, order_no, with_for_update=True, populate_existing=True)


def open_order(session, ref: str) -> Order | None:
    return session.scalars(select(Order).where(Order.ref == ref, Order.status == "pending")).first()


def settlement(session, ref: str) -> Settlement | None:
    return session.get(Settlement, ref)


def new_order(session, payable: domain.Payable, channel: str, phone: str, email: str, now: datetime) -> Order:
    """A pending order for the payable reference (the caller has closed any open one)."""
    expires = domain.order_expiry(now, payable.deadline)
    service, ref_id = domain.parse_ref(payable.ref)
    for _ in range(5):
        order_no = order_numbers.new_order_no(now)
        if session.get(Order, order_no) is None:
            break
    order = Order(order_no=order_no, ref=payable.ref, ref_service=service, ref_id=ref_id,
                  payer_id=payable.payer_id, amount_fen=payable.amount_fen, description=payable.description,
                  province_code=payable.province_code, summary=payable.summary, channel=channel, status="pending",
                  phone=phone, email=email, refunded_fen=0, paid_fen=0, created_at=now, expires_at=expires,
                  deadline=payable.deadline, next_check_at=now + FIRST_CHECK)
    session.add(order)
    session.flush()
    return order


def close(order: Order, reason: str, now: datetime) -> bool:
    """pending → closed; anything else stays as it is (a late `closed` never undoes `paid`)."""
    if not domain.can_move(order.status, "closed"):
        return False
    order.status, order.close_reason, order.closed_at, order.next_check_at = "closed", reason, now, None
    return True


# --- money the channel took ----------------------------------------------------------------------------

def record_payment(session, order: Order, txn_id: str, amount_fen, paid_at: datetime | None, source: str,
                   now: datetime, accept_other_amount: bool = False) -> tuple[Payment, bool]:
    """Record one channel transaction for the order (locked). Returns (payment, new). The same transaction
    reported again changes nothing. A payment of another amount is refused unless reconciliation accepts it
    (then it is recorded and refunded whole)."""
    existing = session.scalars(select(Payment).where(Payment.channel == order.channel,
                                                     Payment.channel_txn_id == txn_id)).first()
    if existing is not None:
        return existing, False
    wrong_amount = not money.same_amount(order.amount_fen, amount_fen)
    if wrong_amount and not (accept_other_amount and type(amount_fen) is int and amount_fen > 0):
        raise AmountMismatch(order.amount_fen, amount_fen)
    paid_at = paid_at or now
    other_txn = session.scalar(select(func.count()).select_from(Payment).where(Payment.order_no == order.order_no)) > 0
    settled = settlement(session, order.ref)
    disposition = domain.Disposition(False, "wrong_amount") if wrong_amount else domain.dispose(
        order.status, order.expires_at, paid_at, other_txn, settled is not None)
    payment = Payment(channel=order.channel, channel_txn_id=txn_id, order_no=order.order_no, amount_fen=amount_fen,
                      paid_at=paid_at, recorded_at=now, source=source, settles=disposition.settle,
                      refund_reason=disposition.reason)
    session.add(payment)
    session.flush()
    if order.status in ("pending", "closed"):
        order.status, order.paid_at, order.channel_txn_id, order.next_check_at = "paid", paid_at, txn_id, None
    order.paid_fen = (order.paid_fen or 0) + amount_fen
    if disposition.settle:
        session.add(Settlement(ref=order.ref, order_no=order.order_no, payment_id=payment.id, settled_at=now))
        order.settled = True
        record_event(session, Outbox, "payment_succeeded", succeeded_event(order, payment), now)
    else:
        schedule_refund(session, order, payment, amount_fen, disposition.reason, domain.REFUND_REASONS[disposition.reason],
                        "system", now)
    log.info("order %s: %s %s fen via %s (%s)%s", order.order_no, txn_id, amount_fen, source,
             "settles" if disposition.settle else "refund", f" {disposition.reason}" if disposition.reason else "")
    return payment, True


def succeeded_event(order: Order, payment: Payment) -> dict:
    return {"order_no": order.order_no, "ref": order.ref, "ref_service": order.ref_service, "ref_id": order.ref_id,
            "payer_id": order.payer_id, "province_code": order.province_code,
            "amount_fen": payment.amount_fen, "channel": order.channel,
            "channel_txn_id": payment.channel_txn_id, "paid_at": payment.paid_at.isoformat()}


# --- refunds ---------------------------------------------------------------------------------------------

def schedule_refund(session, order: Order, payment: Payment, amount_fen: int, reason_code: str, reason: str,
                    requested_by: str, now: datetime) -> Refund:
    """Decide a refund in this transaction; the refund job carries it out through the channel."""
    taken = session.scalar(select(func.coalesce(func.sum(Refund.amount_fen), 0)).where(
        Refund.payment_id == payment.id, Refund.status != "failed"))
    domain.refund_allowed(payment.amount_fen, int(taken), amount_fen)
    sequence = session.scalar(select(func.count()).select_from(Refund).where(Refund.order_no == order.order_no)) + 1
    refund = Refund(refund_no=order_numbers.refund_no(order.order_no, sequence), order_no=order.order_no,
                    payment_id=payment.id, channel=order.channel, channel_txn_id=payment.channel_txn_id,
                    amount_fen=amount_fen, payment_fen=payment.amount_fen, reason_code=reason_code,
                    reason=reason[:200], status="pending", attempts=0, last_error="", requested_by=requested_by,
                    created_at=now, next_attempt_at=now)
    session.add(refund)
    session.flush()
    return refund


def refund_succeeded(session, refund: Refund, order: Order, channel_refund_id: str | None, now: datetime):
    refund.status, refund.succeeded_at, refund.channel_refund_id = "succeeded", now, channel_refund_id
    refund.next_attempt_at = None
    order.refunded_fen = (order.refunded_fen or 0) + refund.amount_fen
    if domain.can_move(order.status, "refunded"):
        order.status = "refunded"
    payment = session.get(Payment, refund.payment_id)
    record_event(session, Outbox, "payment_refunded", {
        "order_no": order.order_no, "refund_no": refund.refund_no, "ref": order.ref, "ref_service": order.ref_service,
        "ref_id": order.ref_id, "payer_id": order.payer_id, "amount_fen": refund.payment_fen,
        "refunded_fen": refund.amount_fen, "full": refund.amount_fen == refund.payment_fen,
        "settling": bool(payment and payment.settles), "reason": refund.reason, "refunded_at": now.isoformat()}, now)


def refund_failed(refund: Refund, error: str, now: datetime, max_attempts: int = 10):
    refund.attempts += 1
    refund.last_error = error[:2000]
    if refund.attempts >= max_attempts:
        refund.status, refund.next_attempt_at = "failed", None
        log.error("refund %s failed for good after %d attempts: %s", refund.refund_no, refund.attempts, error)
    else:
        refund.next_attempt_at = now + timedelta(seconds=min(300, 2 ** refund.attempts))


def due_refunds(session, now: datetime, limit: int = 10) -> list[str]:
    return list(session.scalars(select(Refund.refund_no).where(Refund.status == "pending",
                                                               Refund.next_attempt_at <= now)
                                .order_by(Refund.next_attempt_at).limit(limit)))


def claim_orders_to_check(session, now: datetime, limit: int = 20) -> list[str]:
    """Open orders due a look at the channel; claimed for CHECK_EVERY so instances share the work."""
    due = select(Order.order_no).where(Order.status == "pending", Order.next_check_at <= now) \
        .order_by(Order.next_check_at).limit(limit).with_for_update(skip_locked=True)
    return list(session.scalars(update(Order).where(Order.order_no.in_(due.scalar_subquery()))
                                .values(next_check_at=now + CHECK_EVERY).returning(Order.order_no)))


def reject_payment(session, order: Order, reason: str, now: datetime) -> Refund | None:
    """The reference's owner refuses a payment it was told of (enrollment_payment_rejected): refund the settling
    payment of that order unless it is already being refunded."""
    payment = session.scalars(select(Payment).where(Payment.order_no == order.order_no)
                              .order_by(Payment.settles.desc(), Payment.recorded_at)).first()
    if payment is None:
        log.warning("rejection for order %s, which has no payment: nothing to refund", order.order_no)
        return None
    taken = session.scalar(select(func.coalesce(func.sum(Refund.amount_fen), 0)).where(
        Refund.payment_id == payment.id, Refund.status != "failed"))
    if taken >= payment.amount_fen:
        log.info("rejection for order %s: its payment is already refunded", order.order_no)
        return None
    return schedule_refund(session, order, payment, payment.amount_fen - int(taken), "rejected",
                           f"{domain.REFUND_REASONS['rejected']}（{reason}）" if reason else domain.REFUND_REASONS["rejected"],
                           "system", now)
