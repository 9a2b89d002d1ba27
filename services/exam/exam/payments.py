"""The seam with the payment service (briefs/exam-payment-seam.md).

Payment asks `exam.payable(id)` before it creates an order and tells us what happened with `payment_succeeded`
and `payment_refunded`. Events come at least once and in any order: each order's fate is kept in
payment_records, so a duplicate changes nothing, a refund that overtook its payment stops that payment from
settling, a refund of a payment that did not settle its order (`settling: false`: paid twice on one QR, the
second payment given back) changes nothing, and a payment that can no longer be taken (deleted, abandoned,
already paid by another order, wrong amount, after the payment window) is answered with
`enrollment_payment_rejected` so payment refunds it.
"""
import logging
from datetime import datetime

from ausm_common.clock import as_utc, iso
from ausm_common.masking import mask_name
from ausm_common.outbox import record_event

from . import catalog, enrollments
from .domain import states, subjects
from .domain.codes import LEVELS, STATUSES
from .domain.problems import Refused
from .models import Enrollment, Outbox, PaymentRecord, RegionWindow, Site

log = logging.getLogger(__name__)


def not_payable_reason(enrollment: Enrollment, w: RegionWindow, now) -> str | None:
    if enrollment.status == "paid":
        return "该报名已缴费，无需重复缴费"
    if enrollment.status in ("deleted", "abandoned", "rejected"):
        return f"该报名{STATUSES[enrollment.status]}，不能缴费"
    if enrollment.status in ("submitted", "returned") and enrollment.review_mode == "pre_exam":
        return "报考省份实行考前资格审核，资格审核通过后才能缴费（当前：" + STATUSES[enrollment.status] + "）"
    if enrollment.status != "approved":
        return "报名尚未提交，不能缴费"
    state = catalog.payment(w).state(now)
    if state == "not_started":
        return f"缴费尚未开始（缴费时间：{catalog.payment(w).text()}）"
    if state == "ended":
        return f"缴费时间已结束（缴费时间：{catalog.payment(w).text()}）"
    return None


def description(enrollment: Enrollment) -> str:
    names = "、".join(line["name"] for line in enrollment.fee_lines or [])
    return f"{enrollment.year}年度{LEVELS[enrollment.level]}会计专业技术资格考试报名费（{names}）"


def payable(session, enrollment: Enrollment, w: RegionWindow, now) -> dict:
    reason = not_payable_reason(enrollment, w, now)
    if reason:
        raise Refused("NOT_PAYABLE", reason, "status", extra={"status": enrollment.status})
    site = session.get(Site, enrollment.site_id) if enrollment.site_id else None
    return {"ref": f"exam:{enrollment.id}", "payer_id": enrollment.account_id, "amount_fen": enrollment.amount_fen,
            "description": description(enrollment), "deadline": iso(w.payment_closes_at),
            "province_code": enrollment.region_code, "enrollment_no": enrollment.enrollment_no,
            "warnings": list(enrollment.warnings or []),
            "summary": {"name": mask_name((enrollment.person or {}).get("name")), "level": enrollment.level,
                        "level_label": LEVELS[enrollment.level], "enrollment_no": enrollment.enrollment_no,
                        "subjects": [dict(line) for line in enrollment.fee_lines or []],
                        "site": site.name if site else None}}


def _paid_at(event: dict) -> datetime | None:
    try:
        return as_utc(datetime.fromisoformat(str(event.get("paid_at")).replace("Z", "+00:00")))
    except ValueError:
        return None


def _reject(session, enrollment_id: str, event: dict, reason: str, record: PaymentRecord | None = None):
    log.warning("payment %s for exam:%s rejected: %s", event.get("order_no"), enrollment_id, reason)
    if record is not None:
        record.state, record.note = "rejected", reason
    record_event(session, Outbox, "enrollment_payment_rejected",
                 {"ref": f"exam:{enrollment_id}", "ref_id": enrollment_id, "order_no": event.get("order_no"),
                  "amount_fen": event.get("amount_fen"), "reason": reason})


def _record(session, event: dict, enrollment_id: str, now) -> tuple[PaymentRecord, bool]:
    record = session.get(PaymentRecord, event["order_no"], with_for_update=True)
    created = record is None
    if created:
        record = PaymentRecord(order_no=event["order_no"], enrollment_id=enrollment_id, state="unknown",
                               amount_fen=int(event.get("amount_fen") or 0), channel=str(event.get("channel") or ""),
                               paid_at=_paid_at(event), updated_at=now)
        session.add(record)
    return record, created


def handle_succeeded(session, event: dict, now):
    if event.get("ref_service") not in (None, "exam") or not event.get("order_no") or not event.get("ref_id"):
        log.info("payment_succeeded not for exam or malformed: %s", event.get("ref"))
        return
    enrollment = session.get(Enrollment, str(event["ref_id"]), with_for_update=True)
    if enrollment is None:
        log.warning("payment_succeeded for unknown enrollment %s (order %s): nothing changed", event["ref_id"],
                    event.get("order_no"))
        return
    record, _ = _record(session, event, enrollment.id, now)
    record.amount_fen, record.paid_at = int(event.get("amount_fen") or 0), _paid_at(event)
    if record.state in ("settled", "rejected"):
        return                                               # a duplicate of what we already decided
    if record.state == "refunded":
        log.info("order %s was refunded before its payment arrived: it does not settle", record.order_no)
        return
    w = session.get(RegionWindow, enrollment.region_window_id)
    reason = _cannot_take(enrollment, w, record)
    if reason:
        _reject(session, enrollment.id, event, reason, record)
        return
    states.move(enrollment.status, "paid")
    enrollment.status, enrollment.paid_at, enrollment.order_no = "paid", record.paid_at or now, record.order_no
    enrollment.updated_at, enrollment.version = now, (enrollment.version or 0) + 1
    record.state = "settled"
    record_event(session, Outbox, "enrollment_registered",
                 {**enrollments.facts(enrollment), "order_no": record.order_no, "paid_at": iso(enrollment.paid_at)})


def _cannot_take(enrollment: Enrollment, w: RegionWindow, record: PaymentRecord) -> str | None:
    if enrollment.status == "paid":
        return f"该报名已由订单{enrollment.order_no}缴费，本订单为重复缴费"
    if enrollment.status in ("deleted", "abandoned", "rejected"):
        return f"该报名{STATUSES[enrollment.status]}，不能再缴费"
    if enrollment.status != "approved":
        return f"该报名当前为“{STATUSES[enrollment.status]}”，尚不能缴费"
    if record.amount_fen != enrollment.amount_fen:
        return f"缴费金额{subjects.yuan(record.amount_fen)}元与应缴金额{subjects.yuan(enrollment.amount_fen)}元不一致"
    if record.paid_at and record.paid_at > as_utc(w.payment_closes_at):
        return "缴费时间已结束后才完成支付"
    return None


def handle_refunded(session, event: dict, now):
    if event.get("ref_service") not in (None, "exam") or not event.get("order_no") or not event.get("ref_id"):
        return
    if event.get("settling") is False:
        # a second payment of the same order (paid twice on one QR) given back: the order's settling payment stands
        log.info("refund %s of order %s is of a payment that did not settle it: nothing changed",
                 event.get("refund_no"), event["order_no"])
        return
    enrollment = session.get(Enrollment, str(event["ref_id"]), with_for_update=True)
    if enrollment is None:
        log.warning("payment_refunded for unknown enrollment %s: nothing changed", event["ref_id"])
        return
    record, _ = _record(session, event, enrollment.id, now)
    record.refunded_fen = max(record.refunded_fen or 0, int(event.get("refunded_fen") or 0))
    settled_here = enrollment.status == "paid" and enrollment.order_no == record.order_no
    full = bool(event.get("full")) or record.refunded_fen >= (record.amount_fen or 1)
    if record.state != "settled" or not full:
        record.state = "refunded" if full else record.state
        record.updated_at = now
        return                                                # a rejected duplicate's refund, or a partial one
    record.state, record.updated_at = "refunded", now
    if settled_here:
        enrollments.end(session, enrollment, "abandoned", "报名费已全额退还，报名作废", now)

