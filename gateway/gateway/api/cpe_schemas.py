"""HTTP shapes of the continuing-education API (the cpe service checks every form's content again)."""
from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, Schema, fields, validate

FORMS = ["online_training", "offline_training", "paper", "conference", "book", "exam", "degree_course",
         "research_project", "public_training"]


class In(Schema):
    class Meta:
        unknown = EXCLUDE


class Out(Schema):
    pass


# --- requests ------------------------------------------------------------------------------------

class CpeApplicationIn(In):
    form = fields.String(required=True, validate=validate.OneOf(FORMS), metadata={
        "description": "继续教育形式: " + " | ".join(FORMS)})
    data = fields.Dict(required=True, metadata={
        "description": "the form's fields (manual 004 §8.2); 年度 and credits are derived by the service and ignored "
                       "here. Training forms: start_date, end_date, institution, rows [{subject_type, subject, "
                       "sub_subject, minutes, content}] (public: rows [{minutes, content}])"})


class CpeAttachmentIn(In):
    file = Upload(required=True, metadata={"description": "继续教育个人申请附件: one PDF ≤ 2 MB (upload-policies cpe_proof)"})


class CpeQueueQuery(In):
    status = fields.String(load_default="pending",
                           validate=validate.OneOf(["pending", "returned", "approved", "withdrawn", "all"]))


class CpeDecisionIn(In):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "return"]))
    reason = fields.String(load_default="", validate=validate.Length(max=500),
                           metadata={"description": "退回原因 (required to return)"})


class CpeRulesQuery(In):
    province_code = fields.String(load_default=None, validate=validate.Regexp(r"^\d{6}$"))


class CpeRuleVersionIn(In):
    province_code = fields.String(required=True, validate=validate.Regexp(r"^\d{2}0000$"))
    effective_from = fields.String(required=True, validate=validate.Length(max=10), metadata={"description": "YYYY-MM-DD, not before today"})
    rules = fields.Dict(required=True, metadata={"description": "what differs from the national standard "
                                                                "(GET /staff/cpe/rules → standard)"})


class CpeInstitutionIn(In):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    province_code = fields.String(required=True, validate=validate.Regexp(r"^\d{2}0000$"))


class CpeReportFileIn(In):
    file = Upload(required=True, metadata={"description": "CSV: 证件号码,姓名,科目类型,课程名称,培训开始日期,培训结束日期,培训时长（分钟）"})


class CpeCorrectionIn(In):
    id_number = fields.String(required=True, validate=validate.Length(min=1, max=32), metadata={"description": "证件号码"})
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    kind = fields.String(required=True, validate=validate.OneOf(["professional", "public"]))
    credits = fields.Float(required=True, validate=validate.Range(-999, 999),
                           metadata={"description": "added to the year's credits of that kind (negative to remove)"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200), metadata={"description": "更正原因"})


# --- answers -------------------------------------------------------------------------------------

class CpeYearOut(Out):
    year = fields.Integer()
    total = fields.Float()
    professional = fields.Float()
    public = fields.Float()
    required_total = fields.Float()
    required_professional = fields.Float()
    met = fields.Boolean()
    missing_total = fields.Float()
    missing_professional = fields.Float()
    suggestions = fields.List(fields.String())
    message = fields.String()


class CpeEntryOut(Out):
    id = fields.String()
    year = fields.Integer()
    passed_at = fields.String(metadata={"description": "通过时间 (Beijing)"})
    total = fields.Float()
    professional = fields.Float()
    public = fields.Float()
    method = fields.String(metadata={"description": "personal | institution | system"})
    method_label = fields.String(metadata={"description": "获得方式: 个人申请 | 机构报送 | 系统折算"})
    reason = fields.String(metadata={"description": "获得原因"})
    application_id = fields.String(allow_none=True)


class CpeYearDetailOut(CpeYearOut):
    entries = fields.List(fields.Nested(CpeEntryOut))


class CpeAttachmentOut(Out):
    size = fields.Integer()
    pages = fields.Integer()
    uploaded_at = fields.String()
    url = fields.String(metadata={"description": "short-lived link; the PDF opens inline"})


class CpePersonOut(Out):
    name = fields.String()
    department_code = fields.String(allow_none=True)
    department_name = fields.String(allow_none=True)
    id_number = fields.String(allow_none=True, metadata={"description": "masked"})


class CpeHistoryOut(Out):
    at = fields.String()
    action = fields.String()
    actor = fields.String()
    actor_kind = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)


class CpeApplicationOut(Out):
    id = fields.String()
    form = fields.String()
    form_label = fields.String()
    kind = fields.String()
    kind_label = fields.String()
    year = fields.Integer(metadata={"description": "年度, derived from the date the manual names"})
    year_label = fields.String()
    status = fields.String(metadata={"description": "draft | pending | returned | approved | withdrawn"})
    status_label = fields.String()
    data = fields.Dict()
    row_credits = fields.List(fields.Float())
    credits = fields.Float()
    return_reason = fields.String(allow_none=True)
    attachment = fields.Nested(CpeAttachmentOut, allow_none=True)
    history = fields.List(fields.Nested(CpeHistoryOut))
    submitted_at = fields.String()
    decided_at = fields.String()
    updated_at = fields.String()
    editable = fields.Boolean()
    withdrawable = fields.Boolean()
    person = fields.Nested(CpePersonOut)


class CpePreviewOut(Out):
    form = fields.String()
    form_label = fields.String()
    year = fields.Integer()
    kind = fields.String()
    kind_label = fields.String()
    credits = fields.Float()
    row_credits = fields.List(fields.Float())
    total_before = fields.Float()
    total_after = fields.Float()
    required_total = fields.Float()
    text = fields.String(metadata={"description": "计为 2026 年专业科目 30 学分；提交后 2026 年共 72/90 学分"})
    rules = fields.Dict()


class CpeOptionsOut(Out):
    forms = fields.List(fields.Dict())
    author_ranks = fields.List(fields.Dict())
    journal_no_kinds = fields.List(fields.String())
    subject_types = fields.List(fields.String())
    exam_types = fields.List(fields.String())
    educations = fields.List(fields.String())
    methods = fields.Dict()
    standard = fields.Dict()
    upload = fields.Dict()


class CpeRuleVersionOut(Out):
    id = fields.String()
    province_code = fields.String()
    effective_from = fields.String()
    rules = fields.Dict()
    created_by = fields.String()
    created_at = fields.String()


class CpeRulesOut(Out):
    standard = fields.Dict()
    versions = fields.List(fields.Nested(CpeRuleVersionOut))


class CpeInstitutionOut(Out):
    code = fields.String()
    name = fields.String()
    province_code = fields.String()


class CpeReportErrorOut(Out):
    line = fields.Integer()
    id_number = fields.String()
    field = fields.String()
    message = fields.String()


class CpeReportOut(Out):
    batch_id = fields.String()
    institution = fields.String()
    accepted = fields.Integer()
    refused = fields.Integer()
    errors = fields.List(fields.Nested(CpeReportErrorOut))


class CpeCorrectionOut(CpeEntryOut):
    person = fields.Nested(CpePersonOut)
