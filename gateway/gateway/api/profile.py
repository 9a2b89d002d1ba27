"""Profile API: information collection, its review, the department directory."""
from flask import request
from marshmallow import Schema, ValidationError

from ausm_common.errors import ValidationFailed
from ausm_common.upload_policies import collection_purpose

from . import Blueprint
from .. import profile_schemas as P
from ..auth import current_caller, login_required
from ..cache import reference_data
from ..edge import json_body, json_object, parse_json, require_json_if_body
from ..errors import validation_failed
from ..rpc import gateway_services, services
from ..uploads import store_incoming

blp = Blueprint("profile", __name__, url_prefix="/api/v1", description="信息采集、审核与会计管理部门")

STEPS = ("notice", "basic", "education", "work", "department")
CHANGE_PROOFS = {"identity_proof": "身份证明", "education_certificate": "学历证书", "degree_certificate": "学位证书",
                 "abroad_certificate": "国（境）外学历学位认证书", "accounting_proof": "会计工作经历证明",
                 "title_proof": "会计专业职务聘书", "employment_proof": "在职证明"}


def json_or_multipart(json_schema, files: dict[str, str]):
    """A body that is JSON, or multipart with that JSON in `data` and files beside it: both documented, the
    form (files and text parts) parsed by flask-smorest, the JSON checked with the same schema either way."""
    form = blp.arguments(P.multipart(json_schema, files), location="files", required=False)
    alternative = blp.doc(requestBody={"content": {"application/json": {"schema": json_schema}}})
    return lambda view: alternative(form(view))


@blp.route("/departments")
@blp.arguments(P.DepartmentsQuery, location="query")
@blp.alt_response(200, schema=P.DepartmentOut(many=True), success=True)
@reference_data("profile", "departments", ttl=300)
def list_departments(query):
    """会计管理部门：不带 parent 时列出省级，带 parent 时列出其下级"""
    return gateway_services.profile.list_departments(query.get("parent"))


@blp.route("/collection/options")
@blp.alt_response(200, schema=P.OptionsOut, success=True)
@reference_data("profile", "collection_options", ttl=300)
def collection_options():
    """采集页面的选项：采集范围、学历、学位、政治面貌、民族、单位类型、所属行业、会计岗位、会计专业职务"""
    return gateway_services.profile.collection_options()


@blp.route("/employers/<credit_code>")
@blp.alt_response(200, schema=P.EmployerOut, success=True)
@login_required("person")
def lookup_employer(credit_code):
    """获取单位信息：按统一社会信用代码查询单位名称、类型、行业与地址"""
    return services.profile.lookup_employer(credit_code)


@blp.route("/collection")
@blp.alt_response(200, schema=P.CollectionOut, success=True)
@login_required("person")
def get_collection():
    """我的信息采集：状态、各步骤、可机器检查出的问题与退回原因"""
    return services.profile.get_collection()


@blp.route("/collection", methods=["POST"])
@blp.alt_response(201, schema=P.CollectionOut, success=True)
@login_required("person")
def start_collection():
    """开始信息采集（须已完成实名认证）"""
    return services.profile.start_collection(), 201


@blp.route("/collection/steps/<step>", methods=["PUT"])
@blp.alt_response(200, schema=P.CollectionOut, success=True)
@blp.arguments(P.StepIn)
@login_required("person")
def save_step(data, step):
    """保存一个采集步骤（整步保存或整步不保存）"""
    if step not in STEPS:
        raise ValidationFailed("STEP_INVALID", "采集步骤不正确", {"step": "采集步骤不正确"})
    return services.profile.save_collection_step(step, data)


@blp.route("/collection/files", methods=["POST"])
@blp.alt_response(200, schema=P.CollectionOut, success=True)
@blp.arguments(P.CollectionFileForm, location="files")
@login_required("person")
def attach_file(form):
    """上传照片或证明材料（multipart：slot + file），按内容检查类型、大小与像素（限制见 upload-policies 的 photo、proof）"""
    caller = current_caller()
    keys = store_incoming(caller["id"], {"file": form["slot"]}, collection_purpose(form["slot"]))
    if not keys:
        raise ValidationFailed("UPLOAD_EMPTY", "请选择要上传的文件", {form["slot"]: "请选择要上传的文件"})
    return services.profile.attach_collection_file(form["slot"], keys["file"])


@blp.route("/collection/submission", methods=["POST"])
@blp.alt_response(200, schema=P.CollectionOut, success=True)
@blp.arguments(P.SubmitIn)
@login_required("person")
def submit_collection(data):
    """提交审核（须勾选“承诺所提供信息真实有效”）"""
    return services.profile.submit_collection(data)


@blp.route("/staff/reviews")
@blp.alt_response(200, schema=P.QueueRowOut(many=True), success=True)
@blp.arguments(P.ReviewQuery, location="query")
@login_required("staff")
def review_queue(query):
    """审核列表：本部门及下级部门的待审核、已通过、已退回记录"""
    return services.profile.review_queue(query["kind"], query["status"])


@blp.route("/staff/collections/<collection_id>")
@blp.alt_response(200, schema=P.CollectionOut, success=True)
@login_required("staff")
def get_collection_for_review(collection_id):
    """审核详情：完整信息与证明材料（查看会被记录）"""
    return services.profile.get_collection_for_review(collection_id)


@blp.route("/staff/collections/<collection_id>/decision", methods=["POST"])
@blp.alt_response(200, schema=P.CollectionOut, success=True)
@blp.arguments(P.ReviewDecisionIn)
@login_required("staff")
def decide_collection(data, collection_id):
    """审核通过，或按字段填写原因后退回"""
    return services.profile.decide_collection(collection_id, data)


# --- 信息变更 ------------------------------------------------------------------------------------

def _load(schema: Schema, data: dict) -> dict:
    """Bodies that arrive as multipart `data` are checked here, with the same error shape as the rest."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise validation_failed(exc.messages)


def _with_uploads(caller, names, purpose):
    """Multipart: JSON in the `data` field (parsed as strictly as a JSON body), files beside it; or a JSON body."""
    if request.mimetype == "multipart/form-data":
        data = json_object(parse_json(request.form.get("data") or "{}", "data"))
        return data, store_incoming(caller["id"], names, purpose)
    require_json_if_body()
    return json_object(json_body()), {}


@blp.route("/changes", methods=["POST"])
@json_or_multipart(P.ChangeIn, CHANGE_PROOFS)
@blp.alt_response(201, schema=P.ChangeOut, success=True)
@login_required("person")
def submit_change(form):
    """提交信息变更（JSON，或 multipart：data=JSON + 证明文件 identity_proof / accounting_proof / …）"""
    caller = current_caller()
    data, keys = _with_uploads(caller, {name: f"proofs.{name}" for name in CHANGE_PROOFS}, "proof")
    data = _load(P.ChangeIn(), data)
    if "identity_proof" in keys:
        data["identity_proof_key"] = keys.pop("identity_proof")
    data["proofs"] = keys
    return services.profile.submit_change(data), 201


@blp.route("/changes")
@blp.arguments(P.ChangesQuery, location="query")
@blp.alt_response(200, schema=P.ChangeOut(many=True), success=True)
@login_required("person")
def list_changes(query):
    """变更记录：审核方式、审核状态、变更类型、变更方式、变更时间，及变更前后"""
    return services.profile.list_changes(query.get("kind"))


@blp.route("/changes/<change_id>", methods=["DELETE"])
@blp.alt_response(200, schema=P.ChangeOut, success=True)
@login_required("person")
def withdraw_change(change_id):
    """撤回审核中的变更申请"""
    return services.profile.withdraw_change(change_id)


# --- 属地关系调转 ----------------------------------------------------------------------------------

@blp.route("/transfers", methods=["POST"])
@json_or_multipart(P.TransferIn, {"proof": "调转证明（图片，见 upload-policies 的 transfer_proof）"})
@blp.alt_response(201, schema=P.TransferOut, success=True)
@login_required("person")
def submit_transfer(form):
    """调转申请（multipart：data=JSON {reason, to_department, details} + proof 图片，见 upload-policies）"""
    caller = current_caller()
    data, keys = _with_uploads(caller, ("proof",), "transfer_proof")
    data = _load(P.TransferIn(), data)
    return services.profile.submit_transfer({**data, "proof_key": keys.get("proof")}), 201


@blp.route("/transfers")
@blp.alt_response(200, schema=P.TransferOut(many=True), success=True)
@login_required(None)
def list_transfers():
    """调转信息：本人的调转记录；工作人员看到调出或调入本辖区的记录"""
    return services.profile.list_transfers()


# --- 职称管理 ------------------------------------------------------------------------------------

@blp.route("/qualifications/library-fetch", methods=["POST"])
@blp.alt_response(200, schema=P.FetchOut, success=True)
@login_required("person")
def fetch_qualifications():
    """自动获取：从全国会计资格职称库获取本人的会计专业技术资格"""
    return services.profile.fetch_qualifications()


@blp.route("/qualifications", methods=["POST"])
@json_or_multipart(P.QualificationIn, {"proof": "证书或批文图片（见 upload-policies 的 qualification_proof）"})
@blp.alt_response(201, schema=P.QualificationOut, success=True)
@login_required("person")
def submit_qualification(form):
    """手动填报职称（multipart：data=JSON {category: accounting|other, …} + proof 图片，见 upload-policies）"""
    caller = current_caller()
    data, keys = _with_uploads(caller, ("proof",), "qualification_proof")
    data = _load(P.QualificationIn(), data)
    category = data.pop("category")
    return services.profile.submit_qualification(category, {**data, "proof_key": keys.get("proof")}), 201


@blp.route("/qualifications")
@blp.alt_response(200, schema=P.QualificationOut(many=True), success=True)
@login_required("person")
def list_qualifications():
    """我的职称信息"""
    return services.profile.list_qualifications()


@blp.route("/qualifications/<string(length=32):qualification_id>")
@blp.alt_response(200, schema=P.QualificationOut, success=True)
@login_required("person")
def get_qualification(qualification_id):
    """一条职称信息（打印用）"""
    return services.profile.get_qualification(qualification_id)


@blp.route("/qualifications/<string(length=32):qualification_id>/refresh", methods=["POST"])
@blp.alt_response(200, schema=P.RefreshOut, success=True)
@login_required("person")
def refresh_qualification(qualification_id):
    """更新：按证书号从全国会计资格职称库重新获取（库中有该证书的本人填报记录转为系统记录）"""
    return services.profile.refresh_qualification(qualification_id)


@blp.route("/qualifications/<string(length=32):qualification_id>", methods=["PUT"])
@json_or_multipart(P.QualificationEditIn, {"proof": "新的证书或批文图片（可不传，沿用原图）"})
@blp.alt_response(200, schema=P.QualificationOut, success=True)
@login_required("person")
def edit_qualification(form, qualification_id):
    """编辑：修改本人填报且未审核通过的职称，重新提交审核"""
    caller = current_caller()
    data, keys = _with_uploads(caller, ("proof",), "qualification_proof")
    data = _load(P.QualificationEditIn(), data)
    return services.profile.edit_qualification(qualification_id, {**data, "proof_key": keys.get("proof")})


@blp.route("/qualifications/<string(length=32):qualification_id>", methods=["DELETE"])
@blp.alt_response(200, schema=P.DeletedOut, success=True)
@login_required("person")
def delete_qualification(qualification_id):
    """删除：本人填报且未审核通过的职称"""
    return services.profile.delete_qualification(qualification_id)


@blp.route("/archive")
@blp.alt_response(200, schema=P.ArchiveOut, success=True)
@login_required("person")
def archive():
    """个人档案：基本信息、信息采集、变更、调转与职称"""
    return services.profile.get_archive()


# --- 审核（变更、调转、职称） ---------------------------------------------------------------------------

@blp.route("/staff/reviews/<kind>/<item_id>")
@blp.alt_response(200, schema=P.ReviewItemOut, success=True)
@login_required("staff")
def get_review_item(kind, item_id):
    """变更、调转、职称申请的审核详情"""
    return services.profile.get_review_item(kind, item_id)


@blp.route("/staff/reviews/<kind>/<item_id>/decision", methods=["POST"])
@blp.alt_response(200, schema=P.DecidedOut, success=True)
@blp.arguments(P.ReviewDecisionIn)
@login_required("staff")
def decide_review_item(data, kind, item_id):
    """审核通过或退回（变更、调转、职称）"""
    return services.profile.decide_review_item(kind, item_id, data)


@blp.route("/staff/legacy-records", methods=["POST"])
@blp.alt_response(200, schema=P.LegacyOut, success=True)
@blp.arguments(P.LegacyIn)
@login_required("staff")
def import_legacy_records(data):
    """导入原省平台已审核通过的采集记录（省级管理部门）；本人开始信息采集时带入，已有内容锁定"""
    return services.profile.import_legacy_records(data["records"])
