"""Finance staff: who may see which orders (their province, or all for national staff), the lists with filters,
and the audit trail of what they did."""
from datetime import datetime, time, timedelta

from sqlalchemy import or_, select

from ausm_common.clock import BEIJING
from ausm_common.errors import Forbidden

from .models import AuditEntry, Order, Refund

ROLES = {"finance", "admin"}


def finance_scope(staff: dict) -> str:
    """The province-code prefix an officer sees ("" for national staff); refuses staff without the finance role."""
    if not ROLES & set(staff.get("roles") or []):
        raise Forbidden("FINANCE_ONLY", "仅限财务人员查看缴费与对账信息")
    code = staff.get("department_code") or ""
    return "" if code == "000000" else code.rstrip("0")


def _window(query: dict):
    start = datetime.combine(query["date_from"], time(0), tzinfo=BEIJING) if query.get("date_from") else None
    end = datetime.combine(query["date_to"], time(0), tzinfo=BEIJING) + timedelta(days=1) if query.get("date_to") else None
    return start, end


def orders_query(query: dict, prefix: str):
    stmt = select(Order).order_by(Order.created_at.desc()).limit(query["limit"])
    if prefix:
        stmt = stmt.where(Order.province_code.startswith(prefix))
    if query.get("province_code"):
        stmt = stmt.where(Order.province_code == query["province_code"])
    if query.get("status") in ("pending", "paid", "closed", "refunded"):
        stmt = stmt.where(Order.status == query["status"])
    if query.get("channel"):
        stmt = stmt.where(Order.channel == query["channel"])
    start, end = _window(query)
    if start:
        stmt = stmt.where(Order.created_at >= start)
    if end:
        stmt = stmt.where(Order.created_at < end)
    if query.get("q"):
        text = query["q"].replace(" ", "")
        stmt = stmt.where(or_(Order.order_no == text, Order.ref == text, Order.channel_txn_id == text))
    return stmt


def refunds_query(query: dict, prefix: str):
    stmt = select(Refund, Order).join(Order, Order.order_no == Refund.order_no) \
        .order_by(Refund.created_at.desc()).limit(query["limit"])
    if prefix:
        stmt = stmt.where(Order.province_code.startswith(prefix))
    if query.get("province_code"):
        stmt = stmt.where(Order.province_code == query["province_code"])
    if query.get("status") in ("pending", "succeeded", "failed"):
        stmt = stmt.where(Refund.status == query["status"])
    if query.get("channel"):
        stmt = stmt.where(Refund.channel == query["channel"])
    start, end = _window(query)
    if start:
        stmt = stmt.where(Refund.created_at >= start)
    if end:
        stmt = stmt.where(Refund.created_at < end)
    if query.get("q"):
        text = query["q"].replace(" ", "")
        stmt = stmt.where(or_(Refund.order_no == text, Refund.refund_no == text))
    return stmt


def audit(session, staff: dict, action: str, subject: str, detail: dict, now) -> AuditEntry:
    entry = AuditEntry(at=now, actor_id=staff["id"], actor_name=staff.get("name") or staff.get("username") or "",
                       department_code=staff.get("department_code") or "", action=action, subject=subject,
                       detail=detail)
    session.add(entry)
    return entry


def audit_view(entry: AuditEntry) -> dict:
    return {"id": entry.id, "at": entry.at.isoformat(), "actor_id": entry.actor_id, "actor_name": entry.actor_name,
            "department_code": entry.department_code, "action": entry.action, "subject": entry.subject,
            "detail": entry.detail}
