"""RPC input schemas: every caller (the gateway, other services, a province's system) is checked here for
shape, types, lengths and the few enums no rule explains (steps, kinds, decisions); unknown fields are
dropped. What a rule decides (a known political status, a real date, a check digit, a department that
exists) stays in `domain`, which names each problem by field with its own message."""
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

MESSAGES = {"required": "此项为必填项", "null": "此项为必填项", "invalid": "格式不正确", "type": "格式不正确"}
CODE = validate.Regexp(r"^\d{6}$", error="请选择会计管理部门")
ID = validate.Regexp(r"^[0-9a-f]{32}$", error="编号格式不正确")
REVIEW_KINDS = ("collection", "change", "transfer", "qualification")
# Bounds of shape only: the rules report their own, stricter lengths with their own messages.
FREE, CHOICE, DATE, KEY = 500, 64, 32, 200
MODULES = ("account", "realname", "collection", "change", "transfer", "qualification", "exam", "payment", "other")


def _messages(cls):
    return type(cls.__name__, (cls,), {"default_error_messages": MESSAGES})


Str, Bool, List, Dict, Nested, Int = (_messages(c) for c in (fields.String, fields.Boolean, fields.List, fields.Dict,
                                                             fields.Nested, fields.Integer))


def length(max_len: int):
    return validate.Length(max=max_len, error=f"长度不能超过{max_len}个字符")


def text(max_len=64, required=False, **kw):
    """A string; optional ones may be null or absent (the rules say which are needed)."""
    if required:
        return Str(required=True, validate=length(max_len), **kw)
    return Str(allow_none=True, validate=length(max_len), **kw)


def one_of(choices, required=True, error="取值不正确", **kw):
    return Str(required=required, allow_none=not required, validate=validate.OneOf(choices, error=error), **kw)


def many(inner, max_items: int, **kw):
    return List(inner, validate=validate.Length(max=max_items, error=f"最多{max_items}项"), **kw)


class In(Schema):
    class Meta:
        unknown = EXCLUDE

    error_messages = {"type": "格式不正确"}


# --- departments and options -----------------------------------------------------------------

class DepartmentChildrenIn(In):
    parent_code = Str(load_default=None, allow_none=True, validate=CODE)


class DepartmentPathIn(In):
    code = Str(required=True, validate=CODE)


class EmployerIn(In):
    credit_code = text(CHOICE, required=True)


class FieldCheckIn(In):
    """One field of the segment editor checked on its own (field_checks.py names the fields it knows)."""
    field = text(40, required=True)
    value = text(CHOICE)
    context = Dict(keys=Str(validate=length(40)), values=Str(allow_none=True, validate=length(DATE)),
                   load_default=dict, validate=validate.Length(max=10, error="最多10项"))


# --- 信息采集 -----------------------------------------------------------------------------------

class StepIn(In):
    step = one_of(("notice", "basic", "education", "work", "department"), error="采集步骤不正确")


class NoticeIn(In):
    scope = text(CHOICE)


class BasicIn(In):
    political_status = text(CHOICE)
    ethnicity = text(CHOICE)
    email = text(FREE)
    address = text(FREE)
    postcode = text(DATE)
    alt_id_type = text(CHOICE)
    alt_id_number = text(CHOICE)


class EducationSegmentIn(In):
    id = text(CHOICE)
    study_mode = text(CHOICE)
    school = text(FREE)
    start_date = text(DATE)
    end_date = text(DATE)
    education_level = text(CHOICE)
    degree = text(CHOICE)
    major = text(FREE)
    education_cert_no = text(FREE)
    degree_cert_no = text(FREE)
    studied_abroad = Bool(allow_none=True)


class PostIn(In):
    post_level = text(CHOICE)
    post = text(CHOICE)
    start_date = text(DATE)
    end_date = text(DATE)


class WorkSegmentIn(In):
    id = text(CHOICE)
    start_date = text(DATE)
    end_date = text(DATE)
    employer = text(FREE)
    credit_code = text(CHOICE)
    employer_type = text(CHOICE)
    industry = text(CHOICE)
    address = text(FREE)
    phone = text(CHOICE)
    has_accounting_work = Bool(allow_none=True)
    posts = many(Nested(PostIn), 20, allow_none=True)
    title = text(CHOICE)
    title_date = text(DATE)


class EducationIn(In):
    segments = many(Nested(EducationSegmentIn), 20, load_default=list)


class WorkIn(In):
    segments = many(Nested(WorkSegmentIn), 30, load_default=list)


class DepartmentIn(In):
    department_code = text(CHOICE)


STEPS = {"notice": NoticeIn, "basic": BasicIn, "education": EducationIn, "work": WorkIn, "department": DepartmentIn}


class AttachIn(In):
    slot = text(CHOICE, required=True)
    key = text(KEY, required=True)


class SubmitIn(In):
    pledge = Bool(load_default=False)
    department_code = text(CHOICE)


class LegacyRecordIn(In):
    id_type = text(CHOICE)
    id_number = text(32, required=True)
    name = text(100)
    department_code = text(CHOICE, required=True)
    scope = text(CHOICE)
    basic = Nested(BasicIn, load_default=dict)
    education = many(Nested(EducationSegmentIn), 20, load_default=list)
    work = many(Nested(WorkSegmentIn), 30, load_default=list)


class LegacyIn(In):
    records = many(Nested(LegacyRecordIn), 1000, required=True)


class LegacyJobIn(In):
    key = Str(required=True, validate=validate.Length(max=200))
    file_format = Str(load_default="csv", validate=validate.Length(max=8))


class JobIdIn(In):
    job_id = Str(required=True, validate=validate.Length(max=64))
    with_result = Bool(load_default=False)


# --- review -------------------------------------------------------------------------------------

class QueueIn(In):
    kind = Str(load_default="collection", validate=validate.OneOf(REVIEW_KINDS, error="审核类型不正确"))
    status = Str(load_default="submitted", validate=validate.OneOf(("submitted", "approved", "returned"),
                                                                   error="审核状态不正确"))


class RecordIdIn(In):
    id = Str(required=True, validate=ID)


class IdNumbersIn(In):
    id_numbers = fields.List(Str(validate=validate.Length(max=32)), required=True,
                             validate=validate.Length(max=5000))


class ReviewItemIn(In):
    kind = one_of(REVIEW_KINDS[1:], error="审核类型不正确")
    id = Str(required=True, validate=ID)


class DecisionIn(In):
    decision = text(CHOICE, required=True)         # approve | return: review.check_decision names the problem
    reasons = Dict(keys=Str(validate=length(80)), values=Str(validate=length(500)), load_default=dict,
                   allow_none=True, validate=validate.Length(max=100, error="最多100项"))
    note = text(FREE)


# --- 信息变更 ------------------------------------------------------------------------------------

PROOF_NAMES = ("identity_proof", "education_certificate", "degree_certificate", "abroad_certificate",
               "accounting_proof", "title_proof", "employment_proof")


class ChangeIn(BasicIn):
    kind = one_of(("basic", "education", "work", "scope"), error="变更类型不正确")
    operation = one_of(("add", "modify", "delete"), error="变更方式不正确")
    scope = text(CHOICE)
    segment_id = text(CHOICE)
    segment = Dict(keys=Str(validate=length(64)), allow_none=True)   # checked as the kind's segment below
    identity_proof_key = text(FREE)
    proofs = Dict(keys=Str(validate=length(CHOICE)), values=Str(allow_none=True, validate=length(KEY)),
                  load_default=dict, validate=validate.Length(max=len(PROOF_NAMES), error="证明材料过多"))

    @post_load
    def segment_of_its_kind(self, data, **kwargs):
        """An education or work change carries one segment, checked as that kind's segment."""
        schema = {"education": EducationSegmentIn, "work": WorkSegmentIn}.get(data["kind"])
        if schema is not None and data.get("segment") is not None:
            try:
                data["segment"] = schema().load(data["segment"])
            except ValidationError as exc:
                raise ValidationError(exc.messages, field_name="segment") from None
        return data




class ChangeListIn(In):
    kind = one_of(("basic", "education", "work", "scope"), required=False, load_default=None,
                  error="变更类型不正确")


# --- 调转 ---------------------------------------------------------------------------------------

class TransferDetailsIn(In):
    employer = text(FREE)
    credit_code = text(CHOICE)
    employer_type = text(CHOICE)
    industry = text(CHOICE)
    address = text(FREE)
    phone = text(CHOICE)
    start_date = text(DATE)
    school = text(FREE)
    major = text(FREE)
    archive_mode = text(CHOICE)
    enrollment_date = text(DATE)


class TransferIn(In):
    reason = text(CHOICE)      # the rule names an unknown reason: 请选择调档原因
    to_department = text(CHOICE)
    details = Nested(TransferDetailsIn, load_default=dict, allow_none=True)
    proof_key = text(FREE)


# --- 职称 ---------------------------------------------------------------------------------------

class QualificationCategoryIn(In):
    category = one_of(("accounting", "other"), error="职称类别不正确")


class QualificationIn(In):
    level = text(CHOICE)
    way = text(CHOICE)
    obtained_date = text(DATE)
    certificate_no = text(FREE)
    title = text(CHOICE)
    title_way = text(CHOICE)
    title_certificate_no = text(FREE)
    type = text(CHOICE)
    name = text(FREE)
    proof_key = text(FREE)


# --- 咨询答疑 and the help center ---------------------------------------------------------------------

class QuestionIn(In):
    module = text(CHOICE)            # the rules name an unknown module
    title = text(FREE)
    department_code = text(CHOICE)
    text = Str(allow_none=True, validate=length(5000))


class ReplyIn(In):
    text = Str(allow_none=True, validate=length(5000))


class QuestionQueueIn(In):
    status = Str(load_default=None, allow_none=True, validate=validate.OneOf(("open", "answered"),
                                                                              error="答复状态不正确"))


class ArticleIn(In):
    module = text(CHOICE)
    question = text(FREE)
    answer = Str(allow_none=True, validate=length(5000))
    source_question_id = Str(load_default=None, allow_none=True, validate=ID)


class ArticlesIn(In):
    module = Str(load_default=None, allow_none=True, validate=validate.OneOf(MODULES, error="模块不正确"))


class ProvinceCandidatesIn(In):
    page = Int(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = Int(load_default=50, validate=validate.Range(min=1, max=200))
    status = Str(load_default=None, allow_none=True, validate=validate.OneOf(
        ("submitted", "approved", "returned"), error="状态取值不正确"))
    id_number = Str(load_default=None, allow_none=True, validate=length(32))


class UnmaskIn(In):
    account_id = Str(required=True, validate=ID)
    fields = List(Str(validate=length(16)), load_default=list)
    purpose = Str(load_default=None, allow_none=True, validate=length(FREE))
