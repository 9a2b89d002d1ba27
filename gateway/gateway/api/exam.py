"""Exam API: the exam list and province table (cached), the candidate's enrollment step by step, the registration
form PDF and its verification, and the staff's configuration, review and score import. Each view is the RPC call."""
from urllib.parse import quote

from flask import Response
from flask_smorest import Blueprint

from ausm_common.errors import ValidationFailed

from .. import refcache
from ..auth import current_caller, login_required
from ..rpc import services
from ..uploads import store, store_incoming
from . import exam_schemas as s

blp = Blueprint("exam", __name__, url_prefix="/api/v1", description="会计专业技术资格考试：考试、报名、审核与成绩")

PDF_RESPONSE = {"200": {"description": "报名表 PDF", "content": {"application/pdf": {
    "schema": {"type": "string", "format": "binary"}}}}}
SCORE_FILE_MAX = 5 * 1024 * 1024


# --- reference data (cached) -------------------------------------------------------------------

@blp.route("/exams")
@blp.response(200, s.ExamOut(many=True))
def list_exams():
    """选择考试：考试名称与级别"""
    return refcache.cached_json("exams", services.exam.list_exams)


@blp.route("/exams/<exam_id>/provinces")
@blp.response(200, s.ProvinceTableOut)
def province_table(exam_id):
    """省份选择：报名时间、缴费时间、咨询电话、通知网址，报名时间内才可“点击进入”（北京时间）"""
    return refcache.cached_json(f"provinces:{exam_id}", lambda: services.exam.province_table(exam_id))


@blp.route("/exams/<exam_id>/provinces/<region_code>")
@blp.response(200, s.ExamRegionOut)
def region(exam_id, region_code):
    """所选省份：阅读须知、通知公告（当前版本）、报考条件、各科报名费"""
    return refcache.cached_json(f"region:{exam_id}:{region_code}",
                                lambda: services.exam.get_region(exam_id, region_code))


# --- the candidate's enrollment ----------------------------------------------------------------

@blp.route("/exam/enrollments")
@blp.response(200, s.EnrollmentSummaryOut(many=True))
@login_required("person")
def my_enrollments():
    """我的报名"""
    return services.exam.my_enrollments()


@blp.route("/exam/enrollments", methods=["POST"])
@blp.arguments(s.StartIn)
@blp.response(201, s.EnrollmentOut)
@login_required("person")
def start_enrollment(data):
    """阅读须知：完全同意并已阅读并知晓，开始报名（每名考生每次考试只能选择一个省份）"""
    body = {k: data[k] for k in ("notice_version", "agree", "acknowledged")}
    return services.exam.start_enrollment(data["exam_id"], data["region_code"], body)


@blp.route("/exam/enrollments/<enrollment_id>")
@blp.response(200, s.EnrollmentOut)
@login_required("person")
def get_enrollment(enrollment_id):
    """一条报名：状态、步骤（1–6）、是否可缴费、审核告知、退回原因；填写中的报名附带报考条件核验与可选报名点"""
    return services.exam.get_enrollment(enrollment_id)


@blp.route("/exam/enrollments/<enrollment_id>/announcement", methods=["POST"])
@blp.arguments(s.AnnouncementIn)
@blp.response(200, s.EnrollmentOut)
@login_required("person")
def read_announcement(data, enrollment_id):
    """通知公告：已阅读并知晓"""
    return services.exam.read_announcement(enrollment_id, data)


@blp.route("/exam/enrollments/<enrollment_id>/route", methods=["PUT"])
@blp.arguments(s.RouteIn)
@blp.response(200, s.EnrollmentOut)
@login_required("person")
def choose_route(data, enrollment_id):
    """报考条件：不符合时说明哪一条不满足、如何补正；报考省份与会计管理部门不一致时须说明原因"""
    return services.exam.choose_route(enrollment_id, data)


@blp.route("/exam/enrollments/<enrollment_id>/info", methods=["PUT"])
@blp.arguments(s.InfoIn)
@blp.response(200, s.EnrollmentOut)
@login_required("person")
def save_info(data, enrollment_id):
    """填写报名信息：报考地市、报名点、报考科目；未采集信息的考生填写学历和会计工作信息"""
    return services.exam.save_enrollment_info(enrollment_id, data)


@blp.route("/exam/enrollments/<enrollment_id>/files", methods=["POST"])
@blp.arguments(s.EnrollmentFileIn, location="form")
@blp.response(200, s.EnrollmentOut)
@login_required("person")
def attach_file(form, enrollment_id):
    """证明材料上传（multipart：slot + file），按内容检查（照片见 upload-policies 的 photo，其余为 proof）"""
    slot = form["slot"]
    keys = store_incoming(current_caller()["id"], {"file": slot}, "photo" if slot == "photo" else "proof")
    if not keys:
        raise ValidationFailed("UPLOAD_EMPTY", "请选择要上传的文件", {slot: "请选择要上传的文件"})
    return services.exam.attach_enrollment_file(enrollment_id, slot, keys["file"])


@blp.route("/exam/enrollments/<enrollment_id>/submission", methods=["POST"])
@blp.response(200, s.EnrollmentOut)
@login_required("person")
def submit(enrollment_id):
    """信息确认后提交：占用报名点名额，生成报名注册号（考前审核省份进入资格审核，考后审核省份可直接缴费）"""
    return services.exam.submit_enrollment(enrollment_id)


@blp.route("/exam/enrollments/<enrollment_id>/deletion", methods=["POST"])
@blp.arguments(s.DeleteIn)
@blp.response(200, s.EnrollmentOut)
@login_required("person")
def delete(data, enrollment_id):
    """重新报名：缴费前删除本次报名（释放报名点名额，记录原因），再重新选择省份报名"""
    return services.exam.delete_enrollment(enrollment_id, data)


@blp.route("/exam/enrollments/<enrollment_id>/post-review", methods=["POST"])
@blp.arguments(s.MaterialsFileIn, location="files")
@blp.response(200, s.EnrollmentOut)
@login_required("person")
def submit_post_review(files, enrollment_id):
    """考后资格审核：成绩合格的考生上传审核材料（multipart：file，见 upload-policies 的 proof）"""
    keys = store_incoming(current_caller()["id"], {"file": "materials"}, "proof")
    return services.exam.submit_post_review(enrollment_id, keys.get("file"))


@blp.route("/exam/enrollments/<enrollment_id>/form.pdf")
@blp.doc(responses=PDF_RESPONSE)
@login_required("person")
def registration_form(enrollment_id):
    """报名表打印：含照片、报名注册号和核验二维码的 PDF（提交后可下载）"""
    form = services.exam.registration_form(enrollment_id)
    filename = quote(f"报名表-{form['enrollment_no']}.pdf")
    return Response(store().get(form["key"]), mimetype="application/pdf",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}",
                             "Cache-Control": "private, no-store"})


@blp.route("/exam/verify/<enrollment_no>")
@blp.arguments(s.VerifyQuery, location="query")
@blp.response(200, s.VerifyOut)
def verify_form(query, enrollment_no):
    """报名表核验（报名表二维码）：报名注册号与核验码一致时显示脱敏的报名信息"""
    return services.exam.verify_form(enrollment_no, query["code"])


# --- staff ------------------------------------------------------------------------------------

@blp.route("/staff/exam/overview")
@blp.response(200, s.StaffOverviewOut)
@login_required("staff")
def staff_overview():
    """考试管理：考试计划与本部门"""
    return services.exam.staff_regions()


@blp.route("/staff/exam/plans", methods=["POST"])
@blp.arguments(s.PlanIn)
@blp.response(200, s.ExamOut)
@login_required("staff")
def save_plan(data):
    """全国考试计划（财政部会计财务评价中心）：年度与级别，名称与科目按全国统一规定"""
    result = services.exam.save_plan(data)
    refcache.clear()
    return result


@blp.route("/staff/exam/<exam_id>/regions/<region_code>")
@blp.response(200, s.StaffRegionOut)
@login_required("staff")
def staff_region(exam_id, region_code):
    """本省设置：报名与缴费时间、审核方式、咨询电话、通知网址、报名费、证明材料、须知与公告各版本、报名点"""
    return services.exam.staff_region(exam_id, region_code)


@blp.route("/staff/exam/<exam_id>/regions/<region_code>", methods=["PUT"])
@blp.arguments(s.WindowIn)
@blp.response(200, s.StaffRegionOut)
@login_required("staff")
def save_window(data, exam_id, region_code):
    """保存本省报名设置（北京时间；报名费单位为分）"""
    result = services.exam.save_window(exam_id, region_code, data)
    refcache.clear()
    return result


@blp.route("/staff/exam/<exam_id>/regions/<region_code>/notices", methods=["POST"])
@blp.arguments(s.NoticeIn)
@blp.response(201, s.NoticeOut)
@login_required("staff")
def publish_notice(data, exam_id, region_code):
    """发布阅读须知或通知公告的新版本（考生同意的版本会被记录）"""
    result = services.exam.publish_notice(exam_id, region_code, data)
    refcache.clear()
    return result


@blp.route("/staff/exam/<exam_id>/regions/<region_code>/sites", methods=["POST"])
@blp.arguments(s.SiteIn)
@blp.response(200, s.SiteOut)
@login_required("staff")
def save_site(data, exam_id, region_code):
    """新增或修改报名点（报考地市、名额）"""
    return services.exam.save_site(exam_id, region_code, data)


@blp.route("/staff/exam/enrollments")
@blp.arguments(s.QueueQuery, location="query")
@blp.response(200, s.QueueItemOut(many=True))
@login_required("staff")
def review_queue(query):
    """资格审核列表：本省（本市报名点）的报名"""
    return services.exam.review_queue(query["status"], query["exam_id"])


@blp.route("/staff/exam/enrollments/<enrollment_id>")
@blp.response(200, s.EnrollmentOut)
@login_required("staff")
def review_item(enrollment_id):
    """资格审核详情：完整报名信息与证明材料（查看会被记录）"""
    return services.exam.get_enrollment_for_review(enrollment_id)


@blp.route("/staff/exam/enrollments/<enrollment_id>/decision", methods=["POST"])
@blp.arguments(s.EnrollmentDecisionIn)
@blp.response(200, s.EnrollmentOut)
@login_required("staff")
def decide(data, enrollment_id):
    """审核通过、按项目填写原因退回，或审核不通过（释放名额）"""
    return services.exam.decide_enrollment(enrollment_id, data)


@blp.route("/staff/exam/enrollments/<enrollment_id>/post-review-decision", methods=["POST"])
@blp.arguments(s.PostReviewDecisionIn)
@blp.response(200, s.EnrollmentOut)
@login_required("staff")
def decide_post_review(data, enrollment_id):
    """考后资格审核：通过，或不通过（成绩作废）"""
    return services.exam.decide_post_review(enrollment_id, data)


@blp.route("/staff/exam/<exam_id>/regions/<region_code>/scores", methods=["POST"])
@blp.arguments(s.ScoreFileIn, location="files")
@blp.response(200, s.ImportReportOut)
@login_required("staff")
def import_scores(files, exam_id, region_code):
    """成绩导入（multipart：file，CSV：报名注册号,科目,成绩），逐行返回错误"""
    upload = files.get("file")
    data = upload.read(SCORE_FILE_MAX + 1) if upload and upload.filename else b""
    if not data:
        raise ValidationFailed("UPLOAD_EMPTY", "请选择要导入的成绩文件（CSV）", {"file": "请选择要导入的成绩文件（CSV）"})
    if len(data) > SCORE_FILE_MAX:
        raise ValidationFailed("UPLOAD_TOO_LARGE", "成绩文件不能超过5MB", {"file": "成绩文件不能超过5MB"})
    key = store().new_key(f"incoming/{current_caller()['id']}")
    store().put(key, data, "text/csv")
    return services.exam.import_scores(exam_id, region_code, key)
