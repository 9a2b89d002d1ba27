"""A channel's notification, from the raw HTTP request to the answer the channel expects. Verified (signature,
app or merchant id) before anything is read; then our order number and the exact amount; only then recorded,
once per channel transaction. Every notification is logged with its verdict; a refused one changes nothing
else and is answered so that the channel sends it again (and the periodic query will find the payment anyway)."""
import logging

from . import order_numbers, orders
from .adapters.base import NotificationRefused
from .models import NotificationLog

log = logging.getLogger(__name__)


def _log(session, channel, verdict, notice=None, order_no=None, detail=""):
    session.add(NotificationLog(channel=channel, verdict=verdict, order_no=(order_no or getattr(notice, "order_no", None)),
                                channel_txn_id=getattr(notice, "txn_id", None),
                                amount_fen=getattr(notice, "amount_fen", None), detail=detail[:2000]))
    level = logging.INFO if verdict in ("accepted", "duplicate", "closed", "ignored") else logging.WARNING
    log.log(level, "%s notification %s: %s %s", channel, verdict, order_no or getattr(notice, "order_no", ""), detail)


def accept(db, adapter, headers: dict, body: str, now) -> bool:
    """True when the notification was applied or had already been (the channel may stop sending it)."""
    try:
        notice = adapter.verify_notification(headers, body)
    except NotificationRefused as refused:
        with db.get_session() as session:
            _log(session, adapter.name, refused.verdict, order_no=refused.order_no, detail=refused.detail)
        return False
    with db.get_session() as session:
        order = orders.lock_order(session, notice.order_no) if order_numbers.is_valid(notice.order_no) else None
        if order is None or order.channel != adapter.name:
            _log(session, adapter.name, "unknown_order", notice, detail="不是本平台该支付平台的订单")
            return False
        if notice.state == "paid":
            try:
                _, new = orders.record_payment(session, order, notice.txn_id, notice.amount_fen, notice.paid_at,
                                               "notify", now)
            except orders.AmountMismatch as exc:
                _log(session, adapter.name, "wrong_amount", notice, detail=exc.message)
                return False
            _log(session, adapter.name, "accepted" if new else "duplicate", notice)
            return True
        if notice.state == "closed":
            changed = orders.close(order, "channel", now)
            _log(session, adapter.name, "closed" if changed else "ignored", notice,
                 detail="" if changed else f"订单已是{order.status}，关闭通知不改变它")
            return True
        _log(session, adapter.name, "ignored", notice, detail=f"状态 {notice.raw_state}")
        return True
