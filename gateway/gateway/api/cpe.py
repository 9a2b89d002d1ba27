"""Continuing-education API (继续教育): the person's yearly record and applications of every form, the
department's review, the provinces' rule versions and training institutions' reports. Each view is the RPC call."""
from flask import request
from flask_smorest import Blueprint

from ausm_common.errors import ValidationFailed

from ..auth import current_caller, login_required
from ..rpc import services
from ..uploads import store, store_incoming
from . import cpe_schemas as s

blp = Blueprint("cpe", __name__, url_prefix="/api/v1", description="会计人员继续教育：学分记录、学分申请、审核与机构报送")

REPORT_FILE_MAX = 5 * 1024 * 1024


@blp.route("/cpe/options")
@blp.response(200, s.CpeOptionsOut)
def options():
    """继续教育形式、作者位次、考试类型等选项，全国标准折算规则，附件要求"""
    return services.cpe.cpe_options()


@blp.route("/cpe/years")
@blp.response(200, s.CpeYearOut(many=True))
@login_required("person")
def my_years():
    """查看继续教育情况：每年一条（继续教育年度、总学分、公需科目学分、专业科目学分），是否达标、还差什么"""
    return services.cpe.my_years()


@blp.route("/cpe/years/<int:year>")
@blp.response(200, s.CpeYearDetailOut)
@login_required("person")
def my_year(year):
    """某年度继续教育明细：通过时间、总学分、专业科学分、公需科学分、获得方式、获得原因"""
    return services.cpe.my_year(year)


@blp.route("/cpe/applications")
@blp.response(200, s.CpeApplicationOut(many=True))
@login_required("person")
def my_applications():
    """管理继续教育申请：我的申请"""
    return services.cpe.my_applications()


@blp.route("/cpe/preview", methods=["POST"])
@blp.arguments(s.CpeApplicationIn)
@blp.response(200, s.CpePreviewOut)
@login_required("person")
def preview(data):
    """提交前预览：计为某年某科目多少学分，提交后该年共多少学分"""
    return services.cpe.preview_application(data)


@blp.route("/cpe/applications", methods=["POST"])
@blp.arguments(s.CpeApplicationIn)
@blp.response(201, s.CpeApplicationOut)
@login_required("person")
def create(data):
    """新增申请（草稿）：年度与学分由系统根据表单计算"""
    return services.cpe.save_application(data)


@blp.route("/cpe/applications/<application_id>")
@blp.response(200, s.CpeApplicationOut)
@login_required("person")
def get(application_id):
    """一条申请（本人）"""
    return services.cpe.get_application(application_id)


@blp.route("/cpe/applications/<application_id>", methods=["PUT"])
@blp.arguments(s.CpeApplicationIn)
@blp.response(200, s.CpeApplicationOut)
@login_required("person")
def update(data, application_id):
    """修改草稿或被退回的申请"""
    return services.cpe.save_application(data, application_id)


@blp.route("/cpe/applications/<application_id>/attachment", methods=["POST"])
@blp.arguments(s.CpeAttachmentIn, location="files")
@blp.response(200, s.CpeApplicationOut)
@login_required("person")
def attach(files, application_id):
    """继续教育个人申请附件（multipart：file）：只能上传PDF文件，不超过2MB（按内容检查）"""
    keys = store_incoming(current_caller()["id"], {"file": "attachment"}, "cpe_proof")
    if not keys:
        raise ValidationFailed("UPLOAD_EMPTY", "请上传证明附件", {"attachment": "请上传证明附件"})
    return services.cpe.attach_application_file(application_id, keys["file"])


@blp.route("/cpe/applications/<application_id>/submission", methods=["POST"])
@blp.response(200, s.CpeApplicationOut)
@login_required("person")
def submit(application_id):
    """提交审核"""
    return services.cpe.submit_application(application_id)


@blp.route("/cpe/applications/<application_id>/withdrawal", methods=["POST"])
@blp.response(200, s.CpeApplicationOut)
@login_required("person")
def withdraw(application_id):
    """撤回（草稿或待审核）"""
    return services.cpe.withdraw_application(application_id)


# --- staff ------------------------------------------------------------------------------------

@blp.route("/staff/cpe/applications")
@blp.arguments(s.CpeQueueQuery, location="query")
@blp.response(200, s.CpeApplicationOut(many=True))
@login_required("staff")
def review_queue(query):
    """继续教育审核：本部门（及下级）管理的会计人员的申请"""
    return services.cpe.review_queue(query)


@blp.route("/staff/cpe/applications/<application_id>")
@blp.response(200, s.CpeApplicationOut)
@login_required("staff")
def review_item(application_id):
    """审核详情：申请内容与PDF附件"""
    return services.cpe.get_application_for_review(application_id)


@blp.route("/staff/cpe/applications/<application_id>/decision", methods=["POST"])
@blp.arguments(s.CpeDecisionIn)
@blp.response(200, s.CpeApplicationOut)
@login_required("staff")
def decide(data, application_id):
    """审核通过（学分计入该年度明细）或填写原因退回"""
    return services.cpe.decide_application(application_id, data)


@blp.route("/staff/cpe/corrections", methods=["POST"])
@blp.arguments(s.CpeCorrectionIn)
@blp.response(201, s.CpeCorrectionOut)
@login_required("staff")
def correct(data):
    """学分更正：本部门管理人员某年度学分的更正（含已结束的年度），记录更正人和原因"""
    return services.cpe.correct_year(data)


@blp.route("/staff/cpe/rules")
@blp.arguments(s.CpeRulesQuery, location="query")
@blp.response(200, s.CpeRulesOut)
@login_required("staff")
def rule_versions(query):
    """折算规则：全国标准与各省版本（按生效日期）"""
    return services.cpe.list_rule_versions(query.get("province_code"))


@blp.route("/staff/cpe/rules", methods=["POST"])
@blp.arguments(s.CpeRuleVersionIn)
@blp.response(200, s.CpeRuleVersionOut)
@login_required("staff")
def save_rules(data):
    """本省折算规则新版本：自生效日期起的申请按新版本计算"""
    return services.cpe.save_rule_version(data)


@blp.route("/staff/cpe/institutions")
@blp.response(200, s.CpeInstitutionOut(many=True))
@login_required("staff")
def institutions():
    """本省登记的培训机构"""
    return services.cpe.list_institutions()


@blp.route("/staff/cpe/institutions", methods=["POST"])
@blp.arguments(s.CpeInstitutionIn)
@blp.response(201, s.CpeInstitutionOut)
@login_required("staff")
def register_institution(data):
    """登记培训机构（省级会计管理部门）"""
    return services.cpe.register_institution(data)


@blp.route("/staff/cpe/institutions/<institution_code>/reports", methods=["POST"])
@blp.arguments(s.CpeReportFileIn, location="files")
@blp.response(200, s.CpeReportOut)
@login_required("staff")
def report(files, institution_code):
    """机构报送（multipart：file，CSV）：逐行检查，通过的行计为“机构报送”学分，错误与重复逐行列出"""
    upload = request.files.get("file")
    data = upload.read(REPORT_FILE_MAX + 1) if upload and upload.filename else b""
    if not data:
        raise ValidationFailed("UPLOAD_EMPTY", "请选择要报送的文件（CSV）", {"file": "请选择要报送的文件（CSV）"})
    if len(data) > REPORT_FILE_MAX:
        raise ValidationFailed("UPLOAD_TOO_LARGE", "报送文件不能超过5MB", {"file": "报送文件不能超过5MB"})
    key = store().new_key(f"incoming/{current_caller()['id']}")
    store().put(key, data, "text/csv")
    return services.cpe.report_trainings(institution_code, key)
