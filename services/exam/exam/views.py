"""What the candidate pages, the staff pages and the API see of an enrollment (masked unless staff may see more)."""
from sqlalchemy import select

from ausm_common import divisions
from ausm_common.clock import iso
from ausm_common.masking import mask_id_number, mask_name

from . import attachments, catalog, enrollments, grading
from .domain import codes, states, subjects as subject_rules
from .models import Enrollment, Score, Site


def _file(meta: dict | None, link) -> dict | None:
    if not meta:
        return None
    return {**{k: v for k, v in meta.items() if k not in ("key", "source_key")}, "url": link(meta["key"])}


def status_label(e: Enrollment) -> str:
    if e.status == "approved" and e.review_mode != "pre_exam":
        return codes.PAYABLE_LABEL_WITHOUT_REVIEW
    return codes.STATUSES[e.status]


def accepting_department(e: Enrollment) -> str:
    """受理部门: the region's finance department (浙江省财政厅, 大连市财政局)."""
    return divisions.department_name(e.region_code) or codes.REGION_NAMES.get(e.region_code, "")


def guidance(e: Enrollment) -> str:
    """办理提示 of the 审核告知 page."""
    if e.status == "submitted":
        return "您的报名信息已提交，报考省份实行考前资格审核。请关注审核状态，审核通过后在缴费时间内完成网上缴费，逾期未缴费视为放弃报名。"
    if e.status == "returned":
        return "您的报名信息被退回，请按标注的退回原因修改后重新提交。"
    if e.status == "approved":
        note = "报考省份实行考后资格审核，成绩合格后须按要求提交资格审核材料。" if e.review_mode == "post_exam" else ""
        return f"{note}请在缴费截止时间前完成网上缴费，缴费成功即报名成功；逾期未缴费视为放弃报名。"
    if e.status == "paid":
        return "报名成功。已缴费的报名信息、科目和报名点不能修改，报名费不予退还。请按时打印准考证参加考试。"
    if e.status in ("deleted", "abandoned", "rejected"):
        return f"该报名{codes.STATUSES[e.status]}：{e.status_reason or ''}"
    return "请按步骤完成报名信息填写。"


def person_view(e: Enrollment, full: bool) -> dict:
    person = dict(e.person or {})
    if not full:
        person.update(name=mask_name(person.get("name")), id_number=mask_id_number(person.get("id_number")))
        person.pop("phone", None)
    return person


def summary(e: Enrollment, region_name: str | None = None) -> dict:
    return {"id": e.id, "enrollment_no": e.enrollment_no, "exam_id": e.exam_id, "year": e.year, "level": e.level,
            "level_label": codes.LEVELS[e.level], "region_code": e.region_code,
            "region_name": region_name or codes.REGION_NAMES.get(e.region_code), "status": e.status,
            "status_label": status_label(e), "step": states.step_of(e.status, e.review_mode),
            "amount_fen": e.amount_fen, "submitted_at": iso(e.submitted_at), "updated_at": iso(e.updated_at)}


def enrollment_view(session, e: Enrollment, link, now, options: bool = False) -> dict:
    plan = catalog.plan(session, e.exam_id)
    w = catalog.window(session, e.exam_id, e.region_code)
    site = session.get(Site, e.site_id) if e.site_id else None
    from .payments import not_payable_reason
    payable_reason = not_payable_reason(e, w, now)
    row = catalog.window_row(w, now)
    view = {
        **summary(e, w.region_name), "exam": catalog.plan_view(plan), "review_mode": e.review_mode,
        "review_mode_label": codes.REVIEW_MODES[e.review_mode], "draft_step": e.draft_step,
        "payable": payable_reason is None, "not_payable_reason": payable_reason,
        "notice": {"version": e.notice_version, "accepted_at": iso(e.notice_accepted_at)},
        "announcement": {"version": e.announcement_version, "read_at": iso(e.announcement_read_at)},
        "route": e.route, "eligibility": e.eligibility or None, "locality": e.locality or {},
        "site": catalog.site_view(site) if site else None,
        "subjects": [dict(line) for line in e.fee_lines or []], "amount_yuan": subject_rules.yuan(e.amount_fen or 0),
        "person": person_view(e, full=False), "source": e.source,
        "source_label": "信息采集（已审核通过）" if e.source == "collection" else "本人填写",
        "profile": {k: v for k, v in (e.profile or {}).items() if k not in ("photo",)},
        "entered": e.entered or {}, "photo": _file(e.photo, link) or _file((e.profile or {}).get("photo"), link),
        "proofs": {slot: _file(meta, link) for slot, meta in (e.proofs or {}).items()},
        "required_proofs": attachments.required_slots(e, w), "missing_proofs": attachments.missing_slots(e, w),
        "return_reasons": e.return_reasons or {}, "warnings": list(e.warnings or []),
        "status_reason": e.status_reason, "decided_at": iso(e.decided_at), "paid_at": iso(e.paid_at),
        "order_no": e.order_no,
        "payment_window": row["payment"], "registration_window": row["registration"],
        "registration_state": catalog.registration(w).state(now),
        "accepting_department": accepting_department(e), "guidance": guidance(e),
        "form_available": e.status in ("submitted", "returned", "approved", "paid") and bool(e.enrollment_no),
        "scores": grading.view(list(session.scalars(select(Score).where(Score.enrollment_id == e.id)))),
        "post_review_status": e.post_review_status,
        "post_review_label": codes.POST_REVIEW_STATUSES.get(e.post_review_status, ""),
        "post_review_materials": _file((e.post_review or {}).get("materials"), link),
        "version": e.version,
    }
    if e.status != "draft" and w.textbook_url:
        view["textbook_url"], view["questionnaire_url"] = w.textbook_url, w.questionnaire_url
        view["textbook_qr"] = qr_data_uri(w.textbook_url)
    if options and e.status in enrollments.EDITABLE:
        view["options"] = {"routes": enrollments.routes(e), "sites": catalog.sites(session, e.exam_id, e.region_code),
                           "subjects": catalog.fee_view(plan, w),
                           "carried": sorted(enrollments.carried(session, e)),
                           "locality_reasons": [{"code": k, "label": v} for k, v in codes.LOCALITY_REASONS.items()],
                           "education_levels": [{"code": k, "label": v} for k, v in codes.EDUCATION_LABELS.items()],
                           "degrees": [{"code": k, "label": v} for k, v in codes.DEGREE_LABELS.items()],
                           "study_modes": [{"code": k, "label": v} for k, v in codes.STUDY_MODES.items()],
                           "region_match": _region_match(e)}
    return view


def qr_data_uri(url: str) -> str:
    """The textbook-order QR code (000 §2.2) as a data: URL the page can show under a strict CSP."""
    import segno
    return segno.make(url, error="m").png_data_uri(scale=4, border=2)


def _region_match(e: Enrollment):
    from .domain import locality
    return locality.matches((e.profile or {}).get("department_code"), e.region_code)


def staff_view(session, e: Enrollment, link, now) -> dict:
    view = enrollment_view(session, e, link, now)
    view["person"] = person_view(e, full=True)
    view["profile"] = e.profile or {}
    return view


def queue_item(e: Enrollment) -> dict:
    return {**summary(e), "name": mask_name((e.person or {}).get("name")),
            "id_number": mask_id_number((e.person or {}).get("id_number")), "city_code": e.city_code,
            "route": e.route, "source": e.source, "post_review_status": e.post_review_status}
