"""HTTP shapes of the exam API: what each route takes and answers (the exam service checks the content again)."""
from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, Schema, fields, validate

LEVELS = ["junior", "intermediate", "senior"]


class In(Schema):
    class Meta:
        unknown = EXCLUDE


def text(max_len=200, **kw):
    return fields.String(validate=validate.Length(max=max_len), **kw)


# --- requests ------------------------------------------------------------------------------------

class StartIn(In):
    exam_id = text(32, required=True)
    region_code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="省份代码为6位数字"))
    notice_version = fields.Integer(required=True, metadata={"description": "the 阅读须知 version the page showed"})
    agree = fields.Boolean(required=True, metadata={"description": "完全同意"})
    acknowledged = fields.Boolean(required=True, metadata={"description": "已阅读并知晓"})


class AnnouncementIn(In):
    announcement_version = fields.Integer(required=True)
    acknowledged = fields.Boolean(required=True)


class RouteIn(In):
    route = text(32, required=True, metadata={
        "description": "报考条件: high_school | associate_5 | bachelor_4 | second_bachelor_2 | master_1 | doctor | "
                       "related_qualification"})
    locality_reason = fields.String(load_default=None, allow_none=True,
                                    validate=validate.OneOf(["employer", "study", "residence"]),
                                    metadata={"description": "why outside one's own region (属地)"})


class EnteredIn(In):
    education_level = text(32)
    degree = text(16)
    study_mode = text(16)
    school = text(100)
    major = text(100)
    graduated_on = text(10)
    employer = text(100)
    accounting_started_on = text(10)
    accounting_ended_on = text(10)


class InfoIn(In):
    site_id = text(32, required=True, metadata={"description": "报名点"})
    subjects = fields.List(text(32), required=True, validate=validate.Length(max=5))
    entered = fields.Nested(EnteredIn, load_default=dict,
                            metadata={"description": "new candidates only: what the approved collection would give"})


class EnrollmentFileIn(In):
    slot = text(64, required=True, metadata={"description": "photo | locality_proof | a region's proof slot"})


class DeleteIn(In):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class VerifyQuery(In):
    code = text(32, required=True)


class PlanIn(In):
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))


class ProofSlotIn(In):
    slot = text(32, required=True)
    label = text(64, required=True)


class WindowIn(In):
    registration_opens_at = text(40, required=True, metadata={"description": "Beijing time, 2026-01-08 00:00:00"})
    registration_closes_at = text(40, required=True)
    payment_opens_at = text(40, required=True)
    payment_closes_at = text(40, required=True)
    review_mode = fields.String(required=True, validate=validate.OneOf(["pre_exam", "post_exam", "none"]))
    phone = text(40, load_default="")
    notice_url = text(200, load_default="")
    textbook_url = text(200, load_default="")
    questionnaire_url = text(200, load_default="")
    fees = fields.Dict(keys=text(32), values=fields.Integer(strict=True), load_default=dict,
                       metadata={"description": "subject code → fee in fen"})
    required_proofs = fields.Dict(keys=text(32), values=fields.List(fields.Nested(ProofSlotIn)), load_default=dict,
                                  metadata={"description": "route (or * for all) → proofs"})


class NoticeIn(In):
    kind = fields.String(required=True, validate=validate.OneOf(["notice", "announcement"]))
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))


class SiteIn(In):
    id = text(32, load_default=None, allow_none=True, metadata={"description": "given: update that site"})
    city_code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="城市代码为6位数字"))
    city_name = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    address = text(200, load_default="")
    quota = fields.Integer(required=True, strict=True, validate=validate.Range(0, 1_000_000))
    active = fields.Boolean(load_default=True)


class EnrollmentDecisionIn(In):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "return", "reject"]))
    reasons = fields.Dict(keys=text(80), values=text(500), load_default=dict,
                          metadata={"description": "field or proof slot → reason shown to the candidate in place"})
    note = text(500, load_default="")


class PostReviewDecisionIn(In):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "void"]))
    reason = text(500, load_default="")


class QueueQuery(In):
    status = fields.String(load_default="submitted",
                           validate=validate.OneOf(["submitted", "returned", "approved", "paid", "rejected"]))
    exam_id = text(32, load_default=None)


# --- answers -------------------------------------------------------------------------------------

class SubjectOut(Schema):
    code = fields.String()
    name = fields.String()
    duration_minutes = fields.Integer()


class ExamOut(Schema):
    id = fields.String()
    year = fields.Integer()
    level = fields.String()
    level_label = fields.String()
    name = fields.String(metadata={"description": "as the manual's table title"})
    subjects = fields.List(fields.Nested(SubjectOut))


class PeriodOut(Schema):
    opens_at = fields.String()
    closes_at = fields.String()
    text = fields.String(metadata={"description": "2025-01-08 00:00:00 至 2025-01-24 12:00:00 (Beijing time)"})


class ProvinceRowOut(Schema):
    region_code = fields.String()
    region_name = fields.String()
    registration = fields.Nested(PeriodOut)
    payment = fields.Nested(PeriodOut)
    phone = fields.String()
    notice_url = fields.String()
    review_mode = fields.String()
    review_mode_label = fields.String()
    state = fields.String(metadata={"description": "not_started | open | ended"})
    state_label = fields.String(metadata={"description": "未开始 | 点击进入 | 已结束"})
    can_enter = fields.Boolean()


class ProvinceTableOut(Schema):
    exam = fields.Nested(ExamOut)
    columns = fields.List(fields.String())
    rows = fields.List(fields.Nested(ProvinceRowOut))


class NoticeOut(Schema):
    kind = fields.String()
    kind_label = fields.String()
    version = fields.Integer()
    title = fields.String()
    body = fields.String()
    published_at = fields.String()


class FeeOut(Schema):
    code = fields.String()
    name = fields.String()
    fee_fen = fields.Integer(allow_none=True)
    fee_yuan = fields.String(allow_none=True)


class RouteLabelOut(Schema):
    route = fields.String()
    label = fields.String()


class SiteOut(Schema):
    id = fields.String()
    city_code = fields.String()
    city_name = fields.String()
    name = fields.String()
    address = fields.String()
    quota = fields.Integer()
    taken = fields.Integer()
    seats_left = fields.Integer()
    active = fields.Boolean()


class ExamRegionOut(ProvinceRowOut):
    exam = fields.Nested(ExamOut)
    fees = fields.List(fields.Nested(FeeOut))
    notice = fields.Nested(NoticeOut, allow_none=True)
    announcement = fields.Nested(NoticeOut, allow_none=True)
    textbook_url = fields.String()
    questionnaire_url = fields.String()
    required_proofs = fields.Dict()
    routes = fields.List(fields.Nested(RouteLabelOut))


class StaffRegionOut(ExamRegionOut):
    sites = fields.List(fields.Nested(SiteOut))
    notices = fields.List(fields.Nested(NoticeOut))
    can_edit = fields.Boolean()


class RouteOut(Schema):
    route = fields.String()
    label = fields.String()
    short_label = fields.String()
    outcome = fields.String(metadata={"description": "eligible | short (work years) | ineligible"})
    eligible = fields.Boolean()
    may_proceed = fields.Boolean(metadata={"description": "考后 provinces let a short route go on, with a warning"})
    reasons = fields.List(fields.String(), metadata={"description": "what fails, e.g. 本科+4年：…还差10个月"})
    fixes = fields.List(fields.String())
    warnings = fields.List(fields.String())
    work_months = fields.Integer()
    work_text = fields.String()
    required_months = fields.Integer()


class LineOut(Schema):
    code = fields.String()
    name = fields.String()
    fee_fen = fields.Integer()


class ScoreOut(Schema):
    code = fields.String()
    name = fields.String()
    score = fields.Float()
    passed = fields.Boolean()
    voided = fields.Boolean()


class OptionOut(Schema):
    code = fields.String()
    label = fields.String()


class EnrollmentOptionsOut(Schema):
    routes = fields.List(fields.Nested(RouteOut))
    sites = fields.List(fields.Nested(SiteOut))
    subjects = fields.List(fields.Nested(FeeOut))
    carried = fields.List(fields.String(), metadata={"description": "中级 subjects passed last year (not taken again)"})
    locality_reasons = fields.List(fields.Nested(OptionOut))
    education_levels = fields.List(fields.Nested(OptionOut))
    degrees = fields.List(fields.Nested(OptionOut))
    study_modes = fields.List(fields.Nested(OptionOut))
    region_match = fields.Boolean(allow_none=True, metadata={"description": "null: no management department known"})


class AcceptanceOut(Schema):
    version = fields.Integer(allow_none=True)
    accepted_at = fields.String(allow_none=True)
    read_at = fields.String(allow_none=True)


class EnrollmentSummaryOut(Schema):
    id = fields.String()
    enrollment_no = fields.String(allow_none=True, metadata={"description": "报名注册号, given at submission"})
    exam_id = fields.String()
    year = fields.Integer()
    level = fields.String()
    level_label = fields.String()
    region_code = fields.String()
    region_name = fields.String()
    status = fields.String(metadata={"description": "draft | submitted | returned | approved | paid | rejected | "
                                                    "abandoned | deleted"})
    status_label = fields.String()
    step = fields.Integer(metadata={"description": "1 填写报名信息 … 6 报名成功"})
    amount_fen = fields.Integer()
    submitted_at = fields.String(allow_none=True)
    updated_at = fields.String(allow_none=True)


class QueueItemOut(EnrollmentSummaryOut):
    name = fields.String(metadata={"description": "masked"})
    id_number = fields.String(metadata={"description": "masked"})
    city_code = fields.String(allow_none=True)
    route = fields.String(allow_none=True)
    source = fields.String()
    post_review_status = fields.String()


class EnrollmentOut(EnrollmentSummaryOut):
    exam = fields.Nested(ExamOut)
    review_mode = fields.String()
    review_mode_label = fields.String()
    draft_step = fields.Integer()
    payable = fields.Boolean()
    not_payable_reason = fields.String(allow_none=True)
    notice = fields.Nested(AcceptanceOut)
    announcement = fields.Nested(AcceptanceOut)
    route = fields.String(allow_none=True)
    eligibility = fields.Dict(allow_none=True)
    locality = fields.Dict()
    site = fields.Nested(SiteOut, allow_none=True)
    subjects = fields.List(fields.Nested(LineOut))
    amount_yuan = fields.String()
    person = fields.Dict(metadata={"description": "from identity: masked for the candidate, full for staff"})
    source = fields.String(metadata={"description": "collection (approved 信息采集, locked) | entered (typed)"})
    source_label = fields.String()
    profile = fields.Dict()
    entered = fields.Dict()
    photo = fields.Dict(allow_none=True)
    proofs = fields.Dict()
    required_proofs = fields.Dict(keys=fields.String(), values=fields.String())
    missing_proofs = fields.Dict(keys=fields.String(), values=fields.String())
    return_reasons = fields.Dict(keys=fields.String(), values=fields.String())
    warnings = fields.List(fields.String())
    status_reason = fields.String(allow_none=True)
    decided_at = fields.String(allow_none=True)
    paid_at = fields.String(allow_none=True)
    order_no = fields.String(allow_none=True)
    payment_window = fields.Nested(PeriodOut)
    registration_window = fields.Nested(PeriodOut)
    registration_state = fields.String()
    accepting_department = fields.String(metadata={"description": "受理部门"})
    guidance = fields.String(metadata={"description": "办理提示"})
    form_available = fields.Boolean()
    scores = fields.List(fields.Nested(ScoreOut))
    post_review_status = fields.String()
    post_review_label = fields.String()
    post_review_materials = fields.Dict(allow_none=True)
    version = fields.Integer()
    textbook_url = fields.String()
    textbook_qr = fields.String(metadata={"description": "data: URL of the textbook-order QR code"})
    questionnaire_url = fields.String()
    options = fields.Nested(EnrollmentOptionsOut)


class VerifyOut(EnrollmentSummaryOut):
    genuine = fields.Boolean()
    name = fields.String()
    id_number = fields.String()
    exam_name = fields.String()


class ImportErrorOut(Schema):
    line = fields.Integer()
    field = fields.String()
    message = fields.String()


class ImportReportOut(Schema):
    batch_id = fields.String()
    saved = fields.Integer()
    refused = fields.Integer()
    people = fields.Integer()
    errors = fields.List(fields.Nested(ImportErrorOut))


class ScoreFileIn(In):
    file = Upload(required=True, metadata={"description": "CSV: 报名注册号,科目,成绩 (UTF-8 or GBK)"})


class MaterialsFileIn(In):
    file = Upload(required=True, metadata={"description": "考后资格审核材料 (image, see upload-policies proof)"})


class StaffOverviewOut(Schema):
    exams = fields.List(fields.Nested(ExamOut))
    national = fields.Boolean()
    department_code = fields.String()
