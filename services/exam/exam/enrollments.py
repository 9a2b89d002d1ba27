"""The candidate's enrollment, step by step (004 §6.1): 阅读须知 → 通知公告 → 报考条件 → 填写报名信息 →
证明材料上传 (attachments.py) → 信息确认 → submission, then 审核告知; and 重新报名 by deleting an unpaid enrollment.

Every step is saved whole or refused with the field named. Name and ID always come from identity; education and
work from the approved 信息采集 (snapshotted at submission), or, for a candidate without one, from what they type.
"""
import copy
import logging

from sqlalchemy import select, text

from ausm_common.errors import NotFound
from ausm_common.outbox import record_event

from . import attachments, catalog, seats
from .domain import eligibility, entered as entered_rules, locality, numbers, states, subjects, windows
from .domain.codes import ACTIVE, REGION_NAMES, UNPAID
from .domain.problems import Refused, raise_if
from .models import Enrollment, ExamPlan, Outbox, RegionWindow, Score

log = logging.getLogger(__name__)
EDITABLE = ("draft", "returned")


# --- loading ----------------------------------------------------------------------------------

def own(session, enrollment_id: str, account_id: str, lock=False) -> Enrollment:
    """The person's own enrollment; anyone else's answers exactly like one that does not exist."""
    found = session.get(Enrollment, enrollment_id, with_for_update=lock) if enrollment_id else None
    if found is None or found.account_id != account_id:
        raise NotFound("ENROLLMENT_NOT_FOUND", "报名记录不存在", {"enrollment_id": "报名记录不存在"})
    return found


def active_for(session, account_id: str, exam_id: str) -> Enrollment | None:
    return session.scalars(select(Enrollment).where(Enrollment.account_id == account_id,
                                                    Enrollment.exam_id == exam_id,
                                                    Enrollment.status.in_(ACTIVE))).first()


def mine(session, account_id: str) -> list[Enrollment]:
    return list(session.scalars(select(Enrollment).where(Enrollment.account_id == account_id)
                                .order_by(Enrollment.created_at.desc())))


def editable(enrollment: Enrollment) -> Enrollment:
    if enrollment.status == "paid":
        raise Refused("ENROLLMENT_PAID", "已缴费（报名成功）的报名信息、科目和报名点不能再修改")
    if enrollment.status not in EDITABLE:
        from .domain.codes import STATUSES
        raise Refused("ENROLLMENT_LOCKED", f"报名当前状态为“{STATUSES[enrollment.status]}”，不能修改")
    return enrollment


def require_open(w: RegionWindow, now):
    windows.require_registration_open(catalog.registration(w), now)


def touch(enrollment: Enrollment, now, step: int | None = None):
    if step is not None:
        enrollment.draft_step = max(enrollment.draft_step or 0, step)
    enrollment.updated_at = now
    enrollment.version = (enrollment.version or 0) + 1


# --- 阅读须知 and 通知公告 -------------------------------------------------------------------------

def person_snapshot(person: dict) -> dict:
    if person.get("realname_status") != "verified":
        raise Refused("REALNAME_REQUIRED", "请先完成实名认证，再报名考试", status=403)
    return {"name": person["full_name"], "id_type": person["id_type"], "id_type_label": person.get("id_type_label"),
            "id_number": person["full_id_number"], "gender": person.get("gender"),
            "birth_date": person.get("birth_date"), "phone": person.get("full_phone")}


def start(session, plan: ExamPlan, w: RegionWindow, account_id: str, person: dict, profile: dict, data: dict,
          notice_version: int | None, now) -> Enrollment:
    """完全同意 + 已阅读并知晓 on the current 阅读须知: the draft begins (one region per candidate and plan)."""
    snapshot = person_snapshot(person)
    require_open(w, now)
    problems = {}
    if not data["agree"]:
        problems["agree"] = "请选择“完全同意”"
    if not data["acknowledged"]:
        problems["acknowledged"] = "请确认“已阅读并知晓”"
    if notice_version is None or data["notice_version"] != notice_version:
        problems["notice_version"] = "阅读须知已更新，请刷新页面后重新阅读"
    raise_if(problems, "NOTICE_NOT_ACCEPTED")
    existing = active_for(session, account_id, plan.id)
    if existing is not None and existing.region_code != w.region_code:
        raise Refused("ONE_REGION_PER_EXAM", f"您已在{REGION_NAMES.get(existing.region_code)}报名本次考试，每名考生只能选择一个"
                      "省份；如需更换，请先删除原报名（重新报名）", "region_code",
                      extra={"enrollment_id": existing.id})
    if existing is not None:
        if existing.status == "draft":
            existing.notice_version, existing.notice_accepted_at = data["notice_version"], now
            touch(existing, now)
        return existing
    enrollment = Enrollment(exam_id=plan.id, region_window_id=w.id, account_id=account_id, region_code=w.region_code,
                            year=plan.year, level=plan.level, review_mode=w.review_mode, status="draft",
                            draft_step=1, notice_version=data["notice_version"], notice_accepted_at=now,
                            person=snapshot, created_at=now, updated_at=now)
    approved = bool(profile.get("approved"))
    enrollment.source = "collection" if approved else "entered"
    enrollment.profile = profile_snapshot(profile) if approved else {}
    enrollment.entered = {} if approved else previous_entry(session, account_id)
    session.add(enrollment)
    session.flush()
    return enrollment


def previous_entry(session, account_id: str) -> dict:
    """An old candidate (001 §6) sees what they typed last time."""
    for last in session.scalars(select(Enrollment).where(Enrollment.account_id == account_id,
                                                         Enrollment.source == "entered")
                                .order_by(Enrollment.created_at.desc()).limit(5)):
        if last.entered:
            return dict(last.entered)
    return {}


def read_announcement(enrollment: Enrollment, current_version: int | None, data: dict, now):
    editable(enrollment)
    problems = {}
    if not data["acknowledged"]:
        problems["acknowledged"] = "请确认“已阅读并知晓”"
    if current_version is None or data["announcement_version"] != current_version:
        problems["announcement_version"] = "通知公告已更新，请刷新页面后重新阅读"
    raise_if(problems, "ANNOUNCEMENT_NOT_READ")
    enrollment.announcement_version, enrollment.announcement_read_at = current_version, now
    touch(enrollment, now, 2)


# --- 报考条件 --------------------------------------------------------------------------------------

def profile_snapshot(profile: dict) -> dict:
    keep = ("education", "work", "qualifications", "department_code", "department_name", "photo", "basic",
            "collection_id")
    return {k: copy.deepcopy(profile.get(k)) for k in keep if k in profile}


def record_of(enrollment: Enrollment) -> eligibility.Record:
    if enrollment.source == "entered":
        education, work = entered_rules.as_record(entered_rules.clean(enrollment.entered))
        return eligibility.Record(education=education, work=work)
    return eligibility.record_from_profile(enrollment.profile or {})


def routes(enrollment: Enrollment) -> list[dict]:
    """Every route of the level with its outcome; a new candidate's are checked once they have typed their record."""
    if enrollment.source == "entered" and not enrollment.entered:
        from .domain.codes import ROUTES
        return [{"route": code, "label": spec["label"], "short_label": spec.get("short", spec["label"]),
                 "outcome": "pending", "eligible": False, "may_proceed": True, "reasons": [],
                 "fixes": ["填写学历和会计工作信息后核验"], "warnings": [], "work_months": 0, "work_text": "",
                 "required_months": spec["years"] * 12} for code, spec in ROUTES.get(enrollment.level, {}).items()]
    results = eligibility.evaluate_all(enrollment.level, record_of(enrollment), enrollment.year)
    return [{**r.as_dict(), "may_proceed": eligibility.may_proceed(r, enrollment.review_mode)} for r in results]


def _check_route(enrollment: Enrollment) -> eligibility.RouteResult:
    result = eligibility.evaluate(enrollment.level, enrollment.route or "", record_of(enrollment), enrollment.year)
    if not eligibility.may_proceed(result, enrollment.review_mode):
        message = "；".join(result.reasons + result.fixes) or "不符合所选报考条件"
        raise Refused("ROUTE_NOT_MET", message, "route", status=422, extra={"eligibility": result.as_dict()})
    return result


def choose_route(enrollment: Enrollment, data: dict, now):
    """The candidate's condition route, refused with what fails and how to fix it; 属地 checked here too."""
    editable(enrollment)
    if enrollment.draft_step < 2:
        raise Refused("STEP_ORDER", "请先阅读通知公告", "announcement_version")
    enrollment.route = data["route"]
    if enrollment.source == "collection" or enrollment.entered:
        result = _check_route(enrollment)
        enrollment.eligibility = result.as_dict()
    enrollment.locality = locality.check_reason((enrollment.profile or {}).get("department_code"),
                                                enrollment.region_code, data.get("locality_reason"))
    touch(enrollment, now, 3)


# --- 填写报名信息 ----------------------------------------------------------------------------------

def carried(session, enrollment: Enrollment) -> set[str]:
    passes = [(s.year, s.subject) for s in session.scalars(select(Score).where(
        Score.account_id == enrollment.account_id, Score.level == enrollment.level, Score.passed.is_(True),
        Score.voided.is_(False)))]
    return subjects.carried_passes(enrollment.level, enrollment.year, passes)


def save_info(session, enrollment: Enrollment, w: RegionWindow, data: dict, today, now):
    editable(enrollment)
    if enrollment.draft_step < 3 or not enrollment.route:
        raise Refused("STEP_ORDER", "请先选择报考条件", "route")
    from .models import Site
    site = session.get(Site, data["site_id"])
    if site is None or site.exam_id != enrollment.exam_id or site.region_code != enrollment.region_code \
            or not site.active:
        raise Refused("SITE_INVALID", "请选择本省的报名点", "site_id", status=422)
    if site.taken >= site.quota and not (enrollment.seat_held and enrollment.site_id == site.id):
        raise Refused("SITE_FULL", "该报名点名额已满，请选择其他报名点", "site_id")
    chosen = subjects.choose_subjects(enrollment.level, data["subjects"], carried(session, enrollment))
    lines = subjects.fee_lines(chosen, w.fees or {})
    if enrollment.source == "entered":
        typed = entered_rules.clean(data.get("entered"))
        entered_rules.check(typed, today)
        enrollment.entered = typed
        enrollment.eligibility = _check_route(enrollment).as_dict()
    if enrollment.seat_held and enrollment.site_id != site.id:
        seats.release(session, enrollment)        # a returned enrollment moving to another site
    enrollment.site_id, enrollment.city_code = site.id, site.city_code
    enrollment.subjects, enrollment.fee_lines = chosen, lines
    enrollment.amount_fen = subjects.total_fen(lines)
    touch(enrollment, now, 4)


# --- 信息确认 and submission ----------------------------------------------------------------------

def submit(session, enrollment: Enrollment, w: RegionWindow, person: dict, profile: dict, store, now) -> list[str]:
    """Hold a seat, give the 报名注册号, move to 待审核 (考前) or 待缴费 (考后); the events to record."""
    editable(enrollment)
    require_open(w, now)
    problems = {}
    if not enrollment.route:
        problems["route"] = "请选择报考条件"
    if not enrollment.site_id or not enrollment.subjects:
        problems["site_id"] = "请选择报考地市、报名点和报考科目"
    for slot, label in attachments.missing_slots(enrollment, w).items():
        problems[slot] = f"请上传{label}"
    raise_if(problems, "ENROLLMENT_INCOMPLETE")
    enrollment.person = person_snapshot(person)
    if enrollment.source == "collection":
        if not profile.get("approved"):
            raise Refused("COLLECTION_NOT_APPROVED", "您的信息采集当前未审核通过，请在信息采集审核通过后再提交", "source")
        enrollment.profile = profile_snapshot(profile)
        attachments.snapshot_photo(enrollment, store)
    result = _check_route(enrollment)
    seats.take(session, enrollment, enrollment.site_id)
    if not enrollment.enrollment_no:
        sequence = session.execute(text("SELECT nextval('enrollment_no_seq')")).scalar_one()
        enrollment.enrollment_no = numbers.enrollment_no(enrollment.year, enrollment.region_code, enrollment.level,
                                                         sequence)
    target = states.after_submission(enrollment.review_mode)
    states.move(enrollment.status, target)
    enrollment.status, enrollment.eligibility = target, result.as_dict()
    enrollment.warnings = eligibility.post_exam_warnings(result, enrollment.review_mode)
    enrollment.submitted_at, enrollment.return_reasons = now, {}
    enrollment.post_review_status = "awaiting" if enrollment.review_mode == "post_exam" else "not_required"
    touch(enrollment, now, 6)
    record_event(session, Outbox, "enrollment_submitted", {**facts(enrollment), "payable": target == "approved"})
    return [target]


def facts(enrollment: Enrollment) -> dict:
    """What every enrollment event carries for its consumers."""
    return {"enrollment_id": enrollment.id, "ref": f"exam:{enrollment.id}", "account_id": enrollment.account_id,
            "enrollment_no": enrollment.enrollment_no, "exam_id": enrollment.exam_id, "year": enrollment.year,
            "level": enrollment.level, "province_code": enrollment.region_code,
            "subjects": list(enrollment.subjects or []), "amount_fen": enrollment.amount_fen,
            "site_id": enrollment.site_id, "status": enrollment.status, "review_mode": enrollment.review_mode}


# --- 重新报名 and abandonment ---------------------------------------------------------------------

def delete(session, enrollment: Enrollment, reason: str, now):
    """Before payment the candidate may delete the enrollment and start again; the seat is released."""
    if enrollment.status == "paid":
        raise Refused("ENROLLMENT_PAID", "已缴费（报名成功）的报名不能删除，报名信息、科目和报名点不能再修改")
    end(session, enrollment, "deleted", reason.strip(), now)


def end(session, enrollment: Enrollment, target: str, reason: str, now) -> bool:
    """deleted / abandoned / rejected: the seat goes back; the event says so. False if already there."""
    if not states.move(enrollment.status, target):
        return False
    seats.release(session, enrollment)
    enrollment.status, enrollment.status_reason, enrollment.ended_at = target, reason, now
    touch(enrollment, now)
    event = {"deleted": "enrollment_deleted", "abandoned": "enrollment_abandoned",
             "rejected": "enrollment_rejected"}[target]
    record_event(session, Outbox, event, {**facts(enrollment), "reason": reason})
    return True


def abandon_unpaid(session, now, limit: int = 200) -> int:
    """The payment window has closed: unpaid enrollments become 已放弃 and release their seats (000 §2.2)."""
    due = session.scalars(select(Enrollment).join(RegionWindow, RegionWindow.id == Enrollment.region_window_id)
                          .where(Enrollment.status.in_(UNPAID), RegionWindow.payment_closes_at < now)
                          .limit(limit).with_for_update(of=Enrollment, skip_locked=True)).all()
    for enrollment in due:
        end(session, enrollment, "abandoned", "缴费时间已结束，未缴费视为放弃报名", now)
    return len(due)
