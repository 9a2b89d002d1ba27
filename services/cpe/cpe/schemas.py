"""Every RPC input of the cpe service is loaded with one of these schemas (the gateway is not its only caller).
The form schemas carry exactly the fields of manual 004 §8.2, with its labels in the messages."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from . import rules


class In(Schema):
    class Meta:
        unknown = EXCLUDE


def _req(label: str, choose=False) -> dict:
    verb = "请选择" if choose else "请填写"
    return {"required": f"{verb}{label}", "null": f"{verb}{label}", "invalid": f"{label}格式不正确"}


def day(label: str, required=True):
    return fields.Date(required=required, error_messages={**_req(label, True),
                                                          "invalid": f"{label}格式不正确（如 2026-03-01）"})


def choice(label: str, options, required=True):
    return fields.String(required=required, validate=validate.OneOf(list(options), error=f"请选择{label}"),
                         error_messages=_req(label, True))


class Stripped(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        return value.strip() if isinstance(value, str) else value


def t(label: str, max_len=100):
    return Stripped(required=True, validate=validate.Length(min=1, max=max_len, error=f"请填写{label}（不超过{max_len}字）"),
                    error_messages=_req(label))


class ProfessionalRowIn(In):
    """新增培训经历（专业科目）."""
    subject_type = choice("专业科目类型", rules.SUBJECT_TYPES)
    subject = t("专业科目名称", 60)
    sub_subject = t("专业科目子科目名称", 60)
    minutes = fields.Integer(required=True, strict=False, validate=validate.Range(1, 60 * 24 * 31,
                             error="培训时长（分钟）须为正整数"), error_messages=_req("培训时长（分钟）"))
    content = t("培训内容", 500)


class PublicRowIn(In):
    """新增培训经历（公需科目）."""
    minutes = fields.Integer(required=True, strict=False, validate=validate.Range(1, 60 * 24 * 31,
                             error="培训时长（分钟）须为正整数"), error_messages=_req("培训时长（分钟）"))
    content = t("培训内容", 500)


class TrainingIn(In):
    start_date = day("培训开始时间")
    end_date = day("培训结束时间")
    institution = t("培训机构名称", 100)
    rows = fields.List(fields.Nested(ProfessionalRowIn), required=True, validate=validate.Length(
        min=1, max=50, error="请新增培训经历（1～50条）"), error_messages=_req("培训经历"))


class PublicTrainingIn(TrainingIn):
    institution = t("培训单位名称", 100)
    rows = fields.List(fields.Nested(PublicRowIn), required=True, validate=validate.Length(
        min=1, max=50, error="请新增培训经历（1～50条）"), error_messages=_req("培训经历"))


class PaperIn(In):
    published_on = day("论文发表时间")
    title = t("论文题目", 200)
    authors = t("论文作者", 200)
    journal = t("期刊名称", 100)
    issue = t("期刊期数", 30)
    journal_no_kind = choice("期刊刊号类型", rules.JOURNAL_NO_KINDS)
    journal_no = Stripped(required=True, validate=validate.Regexp(r"^[A-Za-z0-9\-/]{4,20}$",
                          error="期刊刊号格式不正确（如 CN11-1078/F 或 1002-8072）"), error_messages=_req("期刊刊号"))
    author_rank = choice("作者位次", rules.AUTHOR_RANKS)


class ConferenceIn(In):
    start_date = day("会议开始时间")
    end_date = day("会议结束时间")
    days = fields.Integer(required=True, strict=False, validate=validate.Range(1, 366, error="与会天数须为正整数"),
                          error_messages=_req("与会天数"))
    place = t("会议地点", 100)
    content = t("会议内容", 500)


class BookIn(In):
    published_month = Stripped(required=True, validate=validate.Regexp(
        r"^(19|20)\d{2}-(0[1-9]|1[0-2])$", error="著作出版年月格式不正确（如 2026-03）"), error_messages=_req("著作出版年月", True))
    title = t("著作名称", 200)
    authors = t("著作作者", 200)
    author_rank = choice("作者位次", rules.AUTHOR_RANKS)
    publisher = t("出版社（填写全称）", 100)
    isbn = Stripped(required=True, validate=validate.Regexp(r"^[0-9Xx\-]{10,17}$", error="书号格式不正确（如 978-7-5095-1234-5）"),
                    error_messages=_req("书号"))


class ExamIn(In):
    exam_type = choice("考试类型", rules.EXAM_TYPES)
    subject = t("考试科目", 60)
    exam_date = day("考试时间")
    score = fields.Decimal(required=True, places=1, as_string=False, validate=validate.Range(0, 1000, error="考试成绩须在0～1000之间"),
                           error_messages=_req("考试成绩"))


class DegreeIn(In):
    enrolled_on = day("入学时间")
    passed_on = day("成绩合格时间")
    school = t("所在院校", 100)
    major = t("所学专业", 60)
    course = t("所学课程", 60)
    course_score = t("课程成绩", 20)
    education = choice("学历", rules.EDUCATIONS)


class ResearchIn(In):
    completed_on = day("结项时间")
    started_on = day("立项时间")
    name = t("课题名称", 200)
    number = t("课题编号", 60)
    sponsor = t("课题委托单位", 100)
    undertaker = t("课题承接人", 100)
    independent = fields.Boolean(required=True, error_messages={**_req("是否独立承担", True), "invalid": "请选择是否独立承担"})
    host = fields.Boolean(load_default=None, allow_none=True, error_messages={"invalid": "请选择是否主持"})


FORM_SCHEMAS = {"online_training": TrainingIn, "offline_training": TrainingIn, "public_training": PublicTrainingIn,
                "paper": PaperIn, "conference": ConferenceIn, "book": BookIn, "exam": ExamIn,
                "degree_course": DegreeIn, "research_project": ResearchIn}


class ApplicationIn(In):
    form = fields.String(required=True, validate=validate.OneOf(list(rules.FORMS), error="请选择继续教育形式"),
                         error_messages=_req("继续教育形式", True))
    data = fields.Dict(required=True, error_messages=_req("申请内容"))

    @validates_schema
    def _form_data(self, data, **kwargs):
        schema = FORM_SCHEMAS[data["form"]]()
        try:
            data["data"] = schema.load(data["data"] or {})
        except ValidationError as exc:
            raise ValidationError({"data": exc.messages})


class IdIn(In):
    id = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{32}$", error="记录编号不正确"))


class YearIn(In):
    year = fields.Integer(required=True, strict=False, validate=validate.Range(2000, 2100, error="年度不正确"))


class KeyIn(In):
    key = fields.String(required=True, validate=validate.Length(min=1, max=200), error_messages=_req("附件"))


class DecisionIn(In):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "return"], error="请选择审核结果"),
                             error_messages=_req("审核结果", True))
    reason = fields.String(load_default="", validate=validate.Length(max=500, error="退回原因不超过500字"))

    @validates_schema
    def _reason(self, data, **kwargs):
        if data["decision"] == "return" and not (data.get("reason") or "").strip():
            raise ValidationError({"reason": ["请填写退回原因"]})


class QueueIn(In):
    status = fields.String(load_default="pending",
                           validate=validate.OneOf(["pending", "returned", "approved", "withdrawn", "all"]))


class RuleVersionIn(In):
    province_code = fields.String(required=True, validate=validate.Regexp(r"^\d{2}0000$", error="请选择省份"))
    effective_from = day("生效日期")
    rules = fields.Dict(required=True, error_messages=_req("折算规则"))

    @validates_schema
    def _rules(self, data, **kwargs):
        merged = rules.merged(data["rules"])
        t = merged.get("training") or {}
        try:
            ok = (int(t["minutes_per_class_hour"]) > 0 and float(t["credits_per_class_hour"]) > 0
                  and int(t["daily_cap_class_hours"]) > 0 and float(merged["required_total"]) > 0
                  and 0 <= float(merged["required_professional"]) <= float(merged["required_total"])
                  and merged["professional_rule"] in ("floor", "ratio"))
        except (KeyError, TypeError, ValueError):
            ok = False
        if not ok:
            raise ValidationError({"rules": ["折算规则不完整或数值不正确"]})
        unknown = set(data["rules"]) - set(rules.DEFAULT_RULES)
        if unknown:
            raise ValidationError({"rules": [f"未知的规则项：{'、'.join(sorted(unknown))}"]})


class InstitutionIn(In):
    name = t("培训机构名称", 100)
    province_code = fields.String(required=True, validate=validate.Regexp(r"^\d{2}0000$", error="请选择省份"))


class CorrectionIn(In):
    """学分更正: the only change to a frozen year, by the person's department, with its reason (audited)."""
    id_number = Stripped(required=True, validate=validate.Length(min=6, max=32, error="请填写证件号码"),
                         error_messages=_req("证件号码"))
    year = fields.Integer(required=True, strict=False, validate=validate.Range(2000, 2100, error="年度不正确"),
                          error_messages=_req("年度"))
    kind = choice("科目类型", rules.KIND_LABELS)
    credits = fields.Decimal(required=True, places=1, validate=validate.Range(-999, 999, error="学分须在-999～999之间"),
                             error_messages=_req("更正学分"))
    reason = t("更正原因", 200)

    @validates_schema
    def _nonzero(self, data, **kwargs):
        if data.get("credits") == 0:
            raise ValidationError({"credits": ["更正学分不能为0"]})
