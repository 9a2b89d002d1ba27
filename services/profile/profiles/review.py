"""What every review decision shares: the two outcomes, reasons on return, and the log line."""
from ausm_common.errors import Conflict, ValidationFailed

from sqlalchemy import select

from .models import ReviewLog

ACTION_LABELS = {"submit": "提交", "resubmit": "再次提交", "view": "查看", "approve": "审核通过", "return": "退回",
                 "withdraw": "撤回"}


def check_decision(status: str, decision: str, reasons: dict | None) -> dict:
    """The cleaned reasons (empty on approval); refuses a decided item or a return without a reason."""
    if status != "submitted":
        raise Conflict("ALREADY_DECIDED", "该申请已处理，请刷新列表")
    if decision == "approve":
        return {}
    if decision != "return":
        raise ValidationFailed("DECISION_INVALID", "审核结论不正确", {"decision": "审核结论不正确"})
    cleaned = {k: (v or "").strip() for k, v in (reasons or {}).items() if (v or "").strip()}
    if not cleaned:
        raise ValidationFailed("REASON_REQUIRED", "退回时请至少填写一项退回原因", {"reasons": "请填写退回原因"})
    return cleaned


def log(session, caller: dict, kind: str, subject_id: str, account_id: str, department_code: str, action: str,
        now, reasons: dict | None = None, note: str | None = None):
    session.add(ReviewLog(subject_kind=kind, subject_id=subject_id, account_id=account_id,
                          department_code=department_code or "", staff_id=caller.get("id", ""),
                          staff_name=caller.get("name") or caller.get("display_name") or "", action=action,
                          reasons=reasons or {}, note=note, at=now))


def history(session, subject_id: str) -> list[dict]:
    """What happened to a record, oldest first: submissions, views and decisions in the order they happened
    (a resubmitted record shows its first submission, the return, then the new submission)."""
    rows = session.scalars(select(ReviewLog).where(ReviewLog.subject_id == subject_id)
                           .order_by(ReviewLog.at, ReviewLog.id))
    return [{"action": r.action, "action_label": ACTION_LABELS.get(r.action, r.action), "staff_name": r.staff_name,
             "at": r.at.isoformat(), "reasons": r.reasons, "note": r.note} for r in rows]


def submission_action(decided_before) -> str:
    """A submission after a decision (a return) is a resubmission."""
    return "resubmit" if decided_before else "submit"
