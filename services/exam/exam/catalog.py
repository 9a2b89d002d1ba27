"""The reference data of the exam: plans (national), and per region its window, notices, fees and sites.

Everything here is what the exam list and the province table show, and what staff configure; every staff
change is audited, and region staff only change their own region.
"""
from sqlalchemy import func, select

from ausm_common.clock import iso
from ausm_common.errors import NotFound, ValidationFailed

from . import staff as staff_rules
from .domain import codes, subjects as subject_rules, windows
from .domain.problems import raise_if
from .models import ExamPlan, Notice, RegionWindow, Site

NOTICE_KINDS = {"notice": "阅读须知", "announcement": "通知公告"}


# --- reading ---------------------------------------------------------------------------------

def plan(session, exam_id: str) -> ExamPlan:
    found = session.get(ExamPlan, exam_id) if exam_id else None
    if found is None:
        raise NotFound("EXAM_NOT_FOUND", "考试不存在")
    return found


def window(session, exam_id: str, region_code: str, lock=False) -> RegionWindow:
    query = select(RegionWindow).where(RegionWindow.exam_id == exam_id, RegionWindow.region_code == region_code)
    found = session.scalars(query.with_for_update() if lock else query).first()
    if found is None:
        raise NotFound("REGION_NOT_OPEN", "该省份未开通本次考试的网上报名")
    return found


def registration(w: RegionWindow) -> windows.Window:
    return windows.Window(w.registration_opens_at, w.registration_closes_at)


def payment(w: RegionWindow) -> windows.Window:
    return windows.Window(w.payment_opens_at, w.payment_closes_at)


def current_notice(session, exam_id: str, region_code: str, kind: str) -> Notice | None:
    return session.scalars(select(Notice).where(Notice.exam_id == exam_id, Notice.region_code == region_code,
                                                Notice.kind == kind).order_by(Notice.version.desc())).first()


def plan_view(p: ExamPlan) -> dict:
    return {"id": p.id, "year": p.year, "level": p.level, "level_label": codes.LEVELS[p.level], "name": p.name,
            "subjects": p.subjects}


def list_exams(session) -> list[dict]:
    plans = session.scalars(select(ExamPlan).order_by(ExamPlan.year.desc(), ExamPlan.level)).all()
    return [plan_view(p) for p in plans]


def window_row(w: RegionWindow, now) -> dict:
    """One row of the province table (004 §6.1)."""
    reg, pay = registration(w), payment(w)
    state = reg.state(now)
    return {"region_code": w.region_code, "region_name": w.region_name,
            "registration": {"opens_at": iso(reg.opens_at), "closes_at": iso(reg.closes_at), "text": reg.text()},
            "payment": {"opens_at": iso(pay.opens_at), "closes_at": iso(pay.closes_at), "text": pay.text()},
            "phone": w.phone, "notice_url": w.notice_url, "review_mode": w.review_mode,
            "review_mode_label": codes.REVIEW_MODES[w.review_mode], "state": state,
            "state_label": windows.STATE_LABELS[state], "can_enter": state == "open"}


def province_table(session, exam_id: str, now) -> dict:
    p = plan(session, exam_id)
    order = {code: i for i, (code, _, _) in enumerate(codes.REGIONS)}
    rows = sorted(session.scalars(select(RegionWindow).where(RegionWindow.exam_id == exam_id)),
                  key=lambda w: order.get(w.region_code, 999))
    return {"exam": plan_view(p), "rows": [window_row(w, now) for w in rows],
            "columns": ["省份", "报名时间", "缴费时间", "咨询电话", "通知网址", "进入报名"]}


def notice_view(n: Notice | None) -> dict | None:
    if n is None:
        return None
    return {"kind": n.kind, "kind_label": NOTICE_KINDS[n.kind], "version": n.version, "title": n.title, "body": n.body,
            "published_at": iso(n.created_at)}


def site_view(s: Site) -> dict:
    return {"id": s.id, "city_code": s.city_code, "city_name": s.city_name, "name": s.name, "address": s.address,
            "quota": s.quota, "taken": s.taken, "seats_left": max(s.quota - s.taken, 0), "active": s.active}


def sites(session, exam_id: str, region_code: str, active_only=True) -> list[dict]:
    query = select(Site).where(Site.exam_id == exam_id, Site.region_code == region_code)
    if active_only:
        query = query.where(Site.active.is_(True))
    return [site_view(s) for s in session.scalars(query.order_by(Site.city_code, Site.name))]


def fee_view(p: ExamPlan, w: RegionWindow) -> list[dict]:
    return [{"code": s["code"], "name": s["name"], "fee_fen": (w.fees or {}).get(s["code"]),
             "fee_yuan": subject_rules.yuan(w.fees[s["code"]]) if isinstance((w.fees or {}).get(s["code"]), int)
             else None} for s in p.subjects]


def region_view(session, p: ExamPlan, w: RegionWindow, now, for_staff=False) -> dict:
    out = {"exam": plan_view(p), **window_row(w, now), "fees": fee_view(p, w),
           "notice": notice_view(current_notice(session, p.id, w.region_code, "notice")),
           "announcement": notice_view(current_notice(session, p.id, w.region_code, "announcement")),
           "textbook_url": w.textbook_url, "questionnaire_url": w.questionnaire_url,
           "required_proofs": w.required_proofs or {},
           "routes": [{"route": code, "label": spec["label"]} for code, spec in codes.ROUTES.get(p.level, {}).items()]}
    if for_staff:
        out["sites"] = sites(session, p.id, w.region_code, active_only=False)
        out["notices"] = [notice_view(n) for n in session.scalars(select(Notice).where(
            Notice.exam_id == p.id, Notice.region_code == w.region_code).order_by(Notice.kind, Notice.version.desc()))]
    return out


# --- staff changes ---------------------------------------------------------------------------

def save_plan(session, staff: dict, data: dict, now) -> ExamPlan:
    staff_rules.require_national_admin(staff)
    found = session.scalars(select(ExamPlan).where(ExamPlan.year == data["year"],
                                                   ExamPlan.level == data["level"])).first()
    if found is None:
        found = ExamPlan(year=data["year"], level=data["level"], created_at=now)
        session.add(found)
    found.name = codes.plan_name(data["year"], data["level"])
    found.subjects = [{"code": c, "name": n, "duration_minutes": m} for c, n, m in codes.SUBJECTS[data["level"]]]
    found.updated_at = now
    session.flush()
    staff_rules.audit(session, staff, "save_plan", "exam_plan", found.id, now, year=found.year, level=found.level)
    return found


def _check_region(region_code: str) -> str:
    name = codes.REGION_NAMES.get(region_code)
    if name is None:
        raise ValidationFailed("REGION_INVALID", "省份不在全国会计资格考试的报考地区之列", {"region_code": "省份不正确"})
    return name


def _check_window(p: ExamPlan, data: dict):
    reg = windows.Window(data["registration_opens_at"], data["registration_closes_at"])
    pay = windows.Window(data["payment_opens_at"], data["payment_closes_at"])
    problems = dict(windows.check_window_order(reg, pay))
    allowed = {s["code"] for s in p.subjects}
    for code in data["fees"]:
        if code not in allowed:
            problems[f"fees.{code}"] = f"{codes.SUBJECT_NAMES[code]}不是{codes.LEVELS[p.level]}的考试科目"
    for code in allowed - set(data["fees"]):
        problems[f"fees.{code}"] = f"请设置{codes.SUBJECT_NAMES[code]}的报名费（单位：分）"
    for route, slots in data["required_proofs"].items():
        if route != "*" and route not in codes.ROUTES[p.level]:
            problems[f"required_proofs.{route}"] = "报考条件不属于该级别"
        for slot in slots:
            if not str(slot.get("slot") or "").replace("_", "").isalnum() or not (slot.get("label") or "").strip():
                problems[f"required_proofs.{route}"] = "证明材料须有代码（字母、数字、下划线）和名称"
    raise_if(problems, "WINDOW_INVALID")


def save_window(session, staff: dict, exam_id: str, region_code: str, data: dict, now) -> RegionWindow:
    staff_rules.require_region(staff, region_code)
    p = plan(session, exam_id)
    name = _check_region(region_code)
    _check_window(p, data)
    found = session.scalars(select(RegionWindow).where(RegionWindow.exam_id == exam_id,
                                                       RegionWindow.region_code == region_code)
                            .with_for_update()).first()
    if found is None:
        found = RegionWindow(exam_id=exam_id, region_code=region_code, region_name=name)
        session.add(found)
    elif found.review_mode != data["review_mode"] and _has_submissions(session, found):
        raise ValidationFailed("REVIEW_MODE_LOCKED", "已有考生提交报名，不能再修改资格审核方式",
                               {"review_mode": "已有考生提交报名，不能再修改资格审核方式"})
    for key in ("registration_opens_at", "registration_closes_at", "payment_opens_at", "payment_closes_at",
                "review_mode", "phone", "notice_url", "textbook_url", "questionnaire_url", "fees", "required_proofs"):
        setattr(found, key, data[key])
    found.updated_at = now
    session.flush()
    staff_rules.audit(session, staff, "save_window", "region_window", found.id, now, exam_id=exam_id,
                      region_code=region_code, review_mode=found.review_mode, fees=found.fees,
                      registration=[iso(found.registration_opens_at), iso(found.registration_closes_at)],
                      payment=[iso(found.payment_opens_at), iso(found.payment_closes_at)])
    return found


def _has_submissions(session, w: RegionWindow) -> bool:
    from .models import Enrollment
    return bool(session.scalar(select(func.count()).select_from(Enrollment).where(
        Enrollment.region_window_id == w.id, Enrollment.status != "draft")))


def publish_notice(session, staff: dict, exam_id: str, region_code: str, data: dict, now) -> Notice:
    """A new version; candidates who accepted an older one keep the version they accepted."""
    staff_rules.require_region(staff, region_code)
    window(session, exam_id, region_code, lock=True)          # serialises versions of this region
    latest = current_notice(session, exam_id, region_code, data["kind"])
    notice = Notice(exam_id=exam_id, region_code=region_code, kind=data["kind"],
                    version=(latest.version + 1) if latest else 1, title=data["title"].strip(),
                    body=data["body"].strip(), created_by=staff.get("name") or "", created_at=now)
    session.add(notice)
    session.flush()
    staff_rules.audit(session, staff, "publish_notice", "notice", notice.id, now, exam_id=exam_id,
                      region_code=region_code, notice_kind=notice.kind, version=notice.version)
    return notice


def save_site(session, staff: dict, exam_id: str, region_code: str, data: dict, now) -> Site:
    staff_rules.require_region(staff, region_code)
    window(session, exam_id, region_code)
    from .domain.locality import region_of
    if region_of(data["city_code"]) != region_code:
        raise ValidationFailed("CITY_OUTSIDE_REGION", "报考地市不在本省（本市）范围内", {"city_code": "报考地市不在本省（本市）范围内"})
    if data.get("id"):
        site = session.get(Site, data["id"], with_for_update=True)
        if site is None or site.exam_id != exam_id or site.region_code != region_code:
            raise NotFound("SITE_NOT_FOUND", "报名点不存在")
        if data["quota"] < site.taken:
            message = f"该报名点已有{site.taken}名考生占用名额，名额不能少于{site.taken}"
            raise ValidationFailed("QUOTA_BELOW_TAKEN", message, {"quota": message})
    else:
        site = Site(exam_id=exam_id, region_code=region_code, taken=0)
        session.add(site)
    for key in ("city_code", "city_name", "name", "address", "quota", "active"):
        setattr(site, key, data[key])
    site.updated_at = now
    session.flush()
    staff_rules.audit(session, staff, "save_site", "site", site.id, now, exam_id=exam_id, region_code=region_code,
                      name=site.name, quota=site.quota, active=site.active)
    return site
