"""HTTP shapes of the profile API: requests (checked here, and again by the profile service) and answers
(documented, passed through as the service returned them; further fields may appear)."""
from flask_smorest.fields import Upload
from marshmallow import INCLUDE, Schema, fields, validate

from .schemas import In, s

NULL = {"allow_none": True}


class Out(Schema):
    """An answer: the fields below are always of these types; others may be added."""
    class Meta:
        unknown = INCLUDE


class LabelOut(Out):
    code = fields.String()
    label = fields.String()


# --- requests ------------------------------------------------------------------------------------

class DepartmentsQuery(In):
    parent = s(6, validate_also=validate.Regexp(r"^\d{6}$", error="请选择会计管理部门"),
               metadata={"description": "a department code: list its children; absent: the provinces"})


class StepIn(In):
    scope = s(32, metadata={"description": "notice: accountant | qualified_non_accountant | doctor_for_intermediate"})
    segments = fields.List(fields.Dict(keys=fields.String()), validate=validate.Length(max=30),
                           metadata={"description": "education / work: the whole list of segments"})
    department_code = s(6)
    political_status = s(32)
    ethnicity = s(32)
    email = s(100)
    address = s(200)
    postcode = s(10)
    alt_id_type = s(32, allow_none=True)
    alt_id_number = s(32, allow_none=True)


class CollectionFileForm(In):
    slot = s(80, required=True, metadata={"description": "basic.photo, basic.identity_proof, "
                                                         "education.0.degree_certificate, …"})
    file = Upload(metadata={"description": "the photo or proof (limits: upload-policies photo, proof); "
                                           "without it: 422 UPLOAD_EMPTY naming the slot"})


class SubmitIn(In):
    pledge = fields.Boolean(required=True)
    department_code = s(6)


class ReviewDecisionIn(In):
    decision = s(8, required=True, validate_also=validate.OneOf(["approve", "return"]))
    reasons = fields.Dict(keys=s(80), values=s(500), validate=validate.Length(max=100),
                          metadata={"description": "field path -> reason shown to the person next to that field"})
    note = s(500)


class ReviewQuery(In):
    kind = s(16, load_default="collection", validate_also=validate.OneOf(
        ["collection", "change", "transfer", "qualification"]))
    status = s(16, load_default="submitted", validate_also=validate.OneOf(["submitted", "approved", "returned"]))


class ChangeIn(StepIn):
    kind = s(16, required=True, validate_also=validate.OneOf(["basic", "education", "work", "scope"]))
    operation = s(16, required=True, validate_also=validate.OneOf(["add", "modify", "delete"]))
    segment_id = s(32)
    segment = fields.Dict(keys=fields.String(), metadata={"description": "education / work: the new segment"})


class ChangesQuery(In):
    kind = s(16, validate_also=validate.OneOf(["basic", "education", "work", "scope"]))


class TransferDetailsIn(In):
    employer, credit_code, employer_type, industry = s(100), s(32), s(32), s(32)
    address, phone, start_date = s(200), s(20), s(10)
    school, major, archive_mode, enrollment_date = s(100), s(100), s(32), s(10)


class TransferIn(In):
    reason = s(24, required=True, validate_also=validate.OneOf(["employer_moved", "school_moved", "residence_moved"]))
    to_department = s(6, required=True)
    details = fields.Nested(TransferDetailsIn)


class QualificationEditIn(In):
    """编辑: the entry's fields (its category stays); a new proof is optional."""
    level, way, obtained_date, certificate_no = s(32), s(32), s(10), s(50)
    title, title_way, title_certificate_no = s(32), s(32), s(50)
    type, name = s(32), s(50)


class QualificationIn(QualificationEditIn):
    category = s(16, required=True, validate_also=validate.OneOf(["accounting", "other"]))


class LegacyIn(In):
    records = fields.List(fields.Dict(keys=fields.String()), required=True, validate=validate.Length(min=1, max=1000),
                          metadata={"description": "[{id_number, department_code, scope, basic, education, work}]"})


def multipart(data_schema: type, files: dict[str, str]) -> type:
    """The multipart form of a JSON body: `data` (that body as JSON text, parsed as strictly as a JSON body)
    and the files beside it; the rules say which files are needed."""
    body = {"data": fields.String(validate=validate.Length(max=1024 * 1024), metadata={
        "description": f"JSON text of {data_schema.__name__.removesuffix('In')} (the same fields as the JSON body)"})}
    body.update({name: Upload(metadata={"description": text}) for name, text in files.items()})
    return type(f"{data_schema.__name__.removesuffix('In')}Multipart", (In,), body)


# --- answers -------------------------------------------------------------------------------------

class FileOut(Out):
    url = fields.String()
    content_type = fields.String(**NULL)
    size = fields.Integer(**NULL)
    width = fields.Integer(**NULL)
    height = fields.Integer(**NULL)


class DepartmentOut(Out):
    code = fields.String(required=True)
    name = fields.String(required=True, metadata={"description": "上城区财政局"})
    division_name = fields.String(metadata={"description": "上城区"})
    level = fields.String(metadata={"description": "province | city | county"})
    parent_code = fields.String(**NULL)
    abolished_on = fields.String(metadata={"description": "only for a merged or renamed division's department"})
    successor_code = fields.String(**NULL)


class OptionsOut(Out):
    """Every list is [{code, label}]."""
    scopes, study_modes, education_levels, degrees = (fields.List(fields.Nested(LabelOut)) for _ in range(4))
    political_statuses, ethnicities, employer_types, industries = (fields.List(fields.Nested(LabelOut))
                                                                   for _ in range(4))
    accounting_post_levels, accounting_posts, titles, qual_levels = (fields.List(fields.Nested(LabelOut))
                                                                     for _ in range(4))
    qual_ways, other_qual_types, transfer_reasons, archive_modes = (fields.List(fields.Nested(LabelOut))
                                                                    for _ in range(4))
    alt_id_types = fields.List(fields.Nested(LabelOut))
    modules = fields.List(fields.Nested(LabelOut), metadata={"description": "咨询答疑: the modules a question is about"})
    question_statuses = fields.List(fields.Nested(LabelOut))


class EmployerOut(Out):
    credit_code = fields.String()
    name = fields.String()
    employer_type = fields.String(**NULL)
    industry = fields.String(**NULL)
    address = fields.String(**NULL)
    region_code = fields.String(**NULL)


class StepOut(Out):
    step = fields.String()
    label = fields.String()
    state = fields.String(metadata={"description": "todo | done | attention | returned"})
    problems = fields.Integer()


class ProblemOut(Out):
    field = fields.String()
    code = fields.String()
    message = fields.String()


class HistoryOut(Out):
    action = fields.String(metadata={"description": "view | submit | approve | return | withdraw"})
    staff_name = fields.String(**NULL)
    at = fields.String()
    reasons = fields.Dict(**NULL)
    note = fields.String(**NULL)


class CollectionOut(Out):
    """A started collection has every field; one not started has status, status_label, realname_verified
    and steps."""
    id = fields.String()
    status = fields.String(required=True, metadata={"description": "not_started | draft | submitted | approved | "
                                                                   "returned"})
    status_label = fields.String(required=True)
    realname_verified = fields.Boolean()
    scope = fields.String(**NULL)
    scope_label = fields.String(**NULL)
    qualification_checked = fields.Boolean()
    imported = fields.Boolean()
    person = fields.Dict(metadata={"description": "registration data (masked for the person)"})
    basic = fields.Dict()
    files = fields.Dict(keys=fields.String(), values=fields.Nested(FileOut))
    education = fields.List(fields.Dict())
    work = fields.List(fields.Dict())
    department = fields.Nested(DepartmentOut, **NULL)
    department_path = fields.List(fields.Nested(DepartmentOut))
    suggested_department = fields.Dict(**NULL)
    required_proofs = fields.Dict(keys=fields.String(), values=fields.String())
    problems = fields.List(fields.Nested(ProblemOut))
    return_reasons = fields.Dict(keys=fields.String(), values=fields.String())
    steps = fields.List(fields.Nested(StepOut), required=True)
    submitted_at = fields.String(**NULL)
    decided_at = fields.String(**NULL)
    updated_at = fields.String(**NULL)
    version = fields.Integer()
    history = fields.List(fields.Nested(HistoryOut), metadata={"description": "staff only"})


class QueueRowOut(Out):
    id = fields.String(required=True)
    kind = fields.String(required=True)
    kind_label = fields.String()
    status = fields.String()
    status_label = fields.String()
    name = fields.String(**NULL, metadata={"description": "masked"})
    id_number = fields.String(**NULL, metadata={"description": "masked"})
    scope_label = fields.String(**NULL)
    department_code = fields.String(**NULL)
    department_name = fields.String(**NULL)
    submitted_at = fields.String(**NULL)


class ChangeOut(Out):
    id = fields.String(required=True)
    kind = fields.String()
    kind_label = fields.String()
    operation = fields.String()
    operation_label = fields.String()
    review_mode = fields.String(metadata={"description": "auto | manual"})
    review_mode_label = fields.String()
    status = fields.String()
    status_label = fields.String()
    segment_id = fields.String(**NULL)
    before = fields.Dict()
    after = fields.Dict()
    changed_fields = fields.List(fields.String())
    reasons = fields.Dict(**NULL)
    submitted_at = fields.String()
    decided_at = fields.String(**NULL)


class TransferOut(Out):
    id = fields.String(required=True)
    reason = fields.String()
    reason_label = fields.String()
    details = fields.Dict()
    from_department = fields.String()
    from_path = fields.String()
    from_name = fields.String(**NULL)
    to_department = fields.String()
    to_path = fields.String()
    to_name = fields.String(**NULL)
    status = fields.String()
    status_label = fields.String()
    reasons = fields.Dict(**NULL)
    proof = fields.Nested(FileOut, **NULL)
    submitted_at = fields.String()
    decided_at = fields.String(**NULL)


class QualificationActionsOut(Out):
    update = fields.Boolean()
    delete = fields.Boolean()
    edit = fields.Boolean()
    print = fields.Boolean()


class QualificationOut(Out):
    id = fields.String(required=True)
    category = fields.String(metadata={"description": "accounting | other"})
    source = fields.String(metadata={"description": "library (系统记录) | manual (人工审核)"})
    source_label = fields.String()
    origin_label = fields.String(metadata={"description": "系统记录 | 人工审核"})
    obtained = fields.Boolean(metadata={"description": "已获取: a library record or an approved entry"})
    obtained_label = fields.String(metadata={"description": "已获取 | 未获取"})
    actions = fields.Nested(QualificationActionsOut, metadata={"description": "which row actions are allowed"})
    action_notes = fields.Dict(keys=fields.String(), values=fields.String(),
                               metadata={"description": "action -> why it is not allowed"})
    action_labels = fields.Dict(keys=fields.String(), values=fields.String())
    person = fields.Dict(**NULL, metadata={"description": "GET of one entry: whose it is (masked)"})
    data = fields.Dict()
    status = fields.String()
    status_label = fields.String()
    reasons = fields.Dict(**NULL)
    proof = fields.Nested(FileOut, **NULL)
    submitted_at = fields.String()
    decided_at = fields.String(**NULL)


class RefreshOut(Out):
    updated = fields.Boolean()
    message = fields.String()
    item = fields.Nested(QualificationOut)


class DeletedOut(Out):
    id = fields.String()
    deleted = fields.Boolean()


class FetchOut(Out):
    found = fields.Integer()
    added = fields.Integer()
    message = fields.String()
    items = fields.List(fields.Nested(QualificationOut))


class ArchiveOut(Out):
    collection = fields.Nested(CollectionOut, **NULL)
    changes = fields.List(fields.Nested(ChangeOut))
    transfers = fields.List(fields.Nested(TransferOut))
    qualifications = fields.List(fields.Nested(QualificationOut))


class ReviewItemOut(Out):
    kind = fields.String(required=True)
    item = fields.Dict(required=True, metadata={"description": "the change, transfer or qualification"})
    history = fields.List(fields.Nested(HistoryOut))
    person = fields.Dict(**NULL)
    collection = fields.Nested(CollectionOut, **NULL)


class DecidedOut(Out):
    """The change, transfer or qualification as decided (see ChangeOut, TransferOut, QualificationOut)."""
    id = fields.String(required=True)
    status = fields.String(required=True)
    status_label = fields.String()


class LegacyOut(Out):
    loaded = fields.Integer()
    skipped = fields.Integer()
