"""Profile API: information collection, its review, the department directory."""
from flask import request
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from ausm_common.errors import ValidationFailed

from ..auth import current_caller, login_required
from ..rpc import services
from ..uploads import store_incoming

blp = Blueprint("profile", __name__, url_prefix="/api/v1", description="信息采集、审核与会计管理部门")

STEPS = ("notice", "basic", "education", "work", "department")


class Loose(Schema):
    class Meta:
        unknown = EXCLUDE


class StepIn(Loose):
    scope = fields.String(metadata={"description": "notice: accountant | qualified_non_accountant | doctor_for_intermediate"})
    segments = fields.List(fields.Dict(), metadata={"description": "education / work: the whole list of segments"})
    department_code = fields.String(validate=validate.Length(max=6))
    political_status = fields.String(validate=validate.Length(max=32))
    ethnicity = fields.String(validate=validate.Length(max=32))
    email = fields.String(validate=validate.Length(max=100))
    address = fields.String(validate=validate.Length(max=200))
    postcode = fields.String(validate=validate.Length(max=10))
    alt_id_type = fields.String(validate=validate.Length(max=32), allow_none=True)
    alt_id_number = fields.String(validate=validate.Length(max=32), allow_none=True)


class FileIn(Loose):
    slot = fields.String(required=True, validate=validate.Length(max=80),
                         metadata={"description": "basic.photo, basic.identity_proof, education.0.degree_certificate, …"})


class SubmitIn(Loose):
    pledge = fields.Boolean(required=True)
    department_code = fields.String(validate=validate.Length(max=6))


class CollectionDecisionIn(Loose):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "return"]))
    reasons = fields.Dict(keys=fields.String(), values=fields.String(),
                          metadata={"description": "field path -> reason shown to the person next to that field"})
    note = fields.String(validate=validate.Length(max=500))


class ReviewQuery(Loose):
    kind = fields.String(load_default="collection", validate=validate.OneOf(
        ["collection", "change", "transfer", "qualification"]))
    status = fields.String(load_default="submitted", validate=validate.OneOf(["submitted", "approved", "returned"]))


@blp.route("/departments")
def list_departments():
    """会计管理部门：不带 parent 时列出省级，带 parent 时列出其下级"""
    return services.profile.list_departments(request.args.get("parent") or None)


@blp.route("/collection/options")
def collection_options():
    """采集页面的选项：采集范围、学历、学位、政治面貌、民族、单位类型、所属行业、会计岗位、会计专业职务"""
    return services.profile.collection_options()


@blp.route("/employers/<credit_code>")
@login_required("person")
def lookup_employer(credit_code):
    """获取单位信息：按统一社会信用代码查询单位名称、类型、行业与地址"""
    return services.profile.lookup_employer(credit_code)


@blp.route("/collection")
@login_required("person")
def get_collection():
    """我的信息采集：状态、各步骤、可机器检查出的问题与退回原因"""
    return services.profile.get_collection(current_caller())


@blp.route("/collection", methods=["POST"])
@login_required("person")
def start_collection():
    """开始信息采集（须已完成实名认证）"""
    return services.profile.start_collection(current_caller()), 201


@blp.route("/collection/steps/<step>", methods=["PUT"])
@blp.arguments(StepIn)
@login_required("person")
def save_step(data, step):
    """保存一个采集步骤（整步保存或整步不保存）"""
    if step not in STEPS:
        raise ValidationFailed("STEP_INVALID", "采集步骤不正确", {"step": "采集步骤不正确"})
    return services.profile.save_collection_step(current_caller(), step, data)


@blp.route("/collection/files", methods=["POST"])
@blp.arguments(FileIn, location="form")
@login_required("person")
def attach_file(form):
    """上传照片或证明材料（multipart：slot + file），按内容检查类型、大小与像素"""
    caller = current_caller()
    keys = store_incoming(caller["id"], ("file",))
    if not keys:
        raise ValidationFailed("UPLOAD_EMPTY", "请选择要上传的文件", {form["slot"]: "请选择要上传的文件"})
    return services.profile.attach_collection_file(caller, form["slot"], keys["file"])


@blp.route("/collection/submission", methods=["POST"])
@blp.arguments(SubmitIn)
@login_required("person")
def submit_collection(data):
    """提交审核（须勾选“承诺所提供信息真实有效”）"""
    return services.profile.submit_collection(current_caller(), data)


@blp.route("/staff/reviews")
@blp.arguments(ReviewQuery, location="query")
@login_required("staff")
def review_queue(query):
    """审核列表：本部门及下级部门的待审核、已通过、已退回记录"""
    return services.profile.review_queue(current_caller(), query["kind"], query["status"])


@blp.route("/staff/collections/<collection_id>")
@login_required("staff")
def get_collection_for_review(collection_id):
    """审核详情：完整信息与证明材料（查看会被记录）"""
    return services.profile.get_collection_for_review(current_caller(), collection_id)


@blp.route("/staff/collections/<collection_id>/decision", methods=["POST"])
@blp.arguments(CollectionDecisionIn)
@login_required("staff")
def decide_collection(data, collection_id):
    """审核通过，或按字段填写原因后退回"""
    return services.profile.decide_collection(current_caller(), collection_id, data)
