"""资格审核: province staff (and city staff for their cities' sites) approve, return with per-field reasons the
candidate sees in place, or reject; after the exam, 考后 provinces review the materials of those who passed."""
from sqlalchemy import select

from ausm_common.outbox import record_event
from ausm_common.upload_policies import policy_for
from ausm_common.uploads import check_upload

from . import enrollments, staff as staff_rules
from .domain import states
from .domain.problems import Refused
from .models import Enrollment, Outbox, Score

QUEUE_STATUSES = ("submitted", "returned", "approved", "paid", "rejected")


def queue(session, staff: dict, status: str, exam_id: str | None = None, limit: int = 500) -> list[Enrollment]:
    staff_rules.require_reviewer(staff)
    query = select(Enrollment).where(Enrollment.status == status, staff_rules.queue_filter(Enrollment, staff))
    if exam_id:
        query = query.where(Enrollment.exam_id == exam_id)
    order = Enrollment.submitted_at if status == "submitted" else Enrollment.updated_at.desc()
    return list(session.scalars(query.order_by(order).limit(limit)))


def for_review(session, staff: dict, enrollment_id: str, now, lock=False) -> Enrollment:
    found = session.get(Enrollment, enrollment_id, with_for_update=lock)
    if found is None or found.status == "draft":
        raise Refused("ENROLLMENT_NOT_FOUND", "报名记录不存在", status=404)
    staff_rules.require_reviews(staff, found.region_code, found.city_code)
    return found


def clean_reasons(decision: str, reasons: dict) -> dict:
    cleaned = {k.strip(): v.strip() for k, v in (reasons or {}).items() if k.strip() and (v or "").strip()}
    if decision in ("return", "reject") and not cleaned:
        raise Refused("REASON_REQUIRED", "退回或不通过时请至少填写一项原因", "reasons", status=422)
    return cleaned if decision != "approve" else {}


def decide(session, staff: dict, enrollment: Enrollment, data: dict, now):
    if enrollment.status != "submitted":
        raise Refused("ALREADY_DECIDED", "该报名不在待审核状态，请刷新列表", "decision")
    reasons = clean_reasons(data["decision"], data.get("reasons"))
    note = (data.get("note") or "").strip()
    if data["decision"] == "reject":
        enrollments.end(session, enrollment, "rejected", "；".join(reasons.values()), now)
    else:
        target = "approved" if data["decision"] == "approve" else "returned"
        states.move(enrollment.status, target)
        enrollment.status = target
        enrollment.updated_at, enrollment.version = now, (enrollment.version or 0) + 1
        record_event(session, Outbox, f"enrollment_{target}", {**enrollments.facts(enrollment), "reasons": reasons})
    enrollment.return_reasons, enrollment.decided_at = reasons, now
    staff_rules.audit(session, staff, data["decision"], "enrollment", enrollment.id, now, reasons=reasons, note=note,
                      enrollment_no=enrollment.enrollment_no)


# --- 考后资格审核 ---------------------------------------------------------------------------------

def passed_level(session, enrollment: Enrollment) -> bool:
    """Everything taken this year was passed (初级: both; 中级: this year's share of the rolling pass)."""
    scores = {s.subject: s for s in session.scalars(select(Score).where(Score.enrollment_id == enrollment.id))}
    return bool(enrollment.subjects) and all(scores.get(s) is not None and scores[s].passed
                                             for s in enrollment.subjects)


def submit_post_review(session, enrollment: Enrollment, store, key: str, now):
    """Those who passed in a 考后 province send their materials (报名表, 证件, 学历证书, 工作年限证明) as one file."""
    prefix = f"incoming/{enrollment.account_id}/"
    try:
        if enrollment.review_mode != "post_exam" or enrollment.status != "paid":
            raise Refused("POST_REVIEW_NOT_REQUIRED", "该报名无需考后资格审核")
        if enrollment.post_review_status != "awaiting":
            raise Refused("POST_REVIEW_STATE", "考后资格审核材料已提交，请等待审核")
        if not passed_level(session, enrollment):
            raise Refused("POST_REVIEW_NOT_PASSED", "成绩合格的考生才需要提交考后资格审核材料")
        if not key or not key.startswith(prefix):
            raise Refused("UPLOAD_EMPTY", "请上传考后资格审核材料", "materials", status=422)
        info = check_upload(store.get(key), policy_for("proof", enrollment.region_code), field="materials",
                            label="考后资格审核材料")
    except Exception:
        if key and key.startswith(prefix):
            store.delete(key)
        raise
    enrollment.post_review_status = "submitted"
    enrollment.post_review = {"submitted_at": now.isoformat(), "materials": {
        "key": key, "label": "考后资格审核材料", "content_type": info.content_type, "size": info.size,
        "width": info.width, "height": info.height, "uploaded_at": now.isoformat()}}
    enrollment.updated_at = now


def decide_post_review(session, staff: dict, enrollment: Enrollment, data: dict, now):
    if enrollment.post_review_status != "submitted":
        raise Refused("POST_REVIEW_STATE", "该考生的考后资格审核不在待审核状态", "decision")
    if data["decision"] == "void" and not data.get("reason", "").strip():
        raise Refused("REASON_REQUIRED", "审核不通过时请填写原因", "reason", status=422)
    enrollment.post_review_status = "approved" if data["decision"] == "approve" else "voided"
    enrollment.post_review = {**(enrollment.post_review or {}), "decided_at": now.isoformat(),
                              "reason": data.get("reason", "").strip(), "staff": staff.get("name")}
    if enrollment.post_review_status == "voided":
        for score in session.scalars(select(Score).where(Score.enrollment_id == enrollment.id)):
            score.voided = True
    enrollment.updated_at = now
    record_event(session, Outbox, "enrollment_post_review_decided",
                 {**enrollments.facts(enrollment), "post_review_status": enrollment.post_review_status})
    staff_rules.audit(session, staff, f"post_review_{data['decision']}", "enrollment", enrollment.id, now,
                      reason=data.get("reason", ""))
