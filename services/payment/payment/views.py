"""What the service answers: orders, refunds and statement differences as plain JSON (fen and yuan, labels)."""
from ausm_common.clock import iso
from ausm_common.masking import mask_phone

from . import domain, money, order_numbers
from .models import Order, Refund

REFUND_STATUS = {"pending": "退款中", "succeeded": "已退款", "failed": "退款失败"}


def refund_view(refund: Refund) -> dict:
    return {"refund_no": refund.refund_no, "order_no": refund.order_no, "channel": refund.channel,
            "channel_label": domain.CHANNEL_LABELS[refund.channel], "amount_fen": refund.amount_fen,
            "amount_yuan": money.fen_to_yuan(refund.amount_fen), "reason_code": refund.reason_code,
            "reason": refund.reason, "status": refund.status, "status_label": REFUND_STATUS[refund.status],
            "channel_txn_id": refund.channel_txn_id, "channel_refund_id": refund.channel_refund_id,
            "requested_by": refund.requested_by, "created_at": iso(refund.created_at),
            "succeeded_at": iso(refund.succeeded_at), "last_error": refund.last_error if refund.status == "failed" else ""}


def order_view(order: Order, refunds: list[Refund] = (), now=None, with_qr: bool = False, staff: bool = False) -> dict:
    view = {"order_no": order.order_no, "order_no_display": order_numbers.grouped(order.order_no), "ref": order.ref,
            "ref_service": order.ref_service, "ref_id": order.ref_id, "description": order.description,
            "amount_fen": order.amount_fen, "amount_yuan": money.fen_to_yuan(order.amount_fen),
            "channel": order.channel, "channel_label": domain.CHANNEL_LABELS[order.channel], "status": order.status,
            "status_label": domain.status_label(order.status, order.paid_fen or order.amount_fen, order.refunded_fen),
            "close_reason": order.close_reason, "close_reason_label": domain.CLOSE_REASONS.get(order.close_reason or ""),
            "settled": bool(order.settled), "paid_fen": order.paid_fen or 0, "refunded_fen": order.refunded_fen or 0,
            "refunded_yuan": money.fen_to_yuan(order.refunded_fen or 0), "channel_txn_id": order.channel_txn_id,
            "province_code": order.province_code, "created_at": iso(order.created_at), "expires_at": iso(order.expires_at),
            "paid_at": iso(order.paid_at), "closed_at": iso(order.closed_at), "summary": order.summary or {},
            "phone": mask_phone(order.phone), "refunds": [refund_view(r) for r in refunds]}
    if staff:
        view["payer_id"] = order.payer_id
    if with_qr and order.status == "pending" and now is not None:
        view["code_url"] = order.code_url
        view["seconds_left"] = max(0, int((order.expires_at - now).total_seconds()))
    return view
