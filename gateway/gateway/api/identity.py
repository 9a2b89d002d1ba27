"""Identity API: each view is the RPC call and nothing else."""
from flask import current_app, jsonify, request, url_for

from ausm_common.errors import ValidationFailed

from . import Blueprint
from .. import schemas as S
from ..auth import (clear_session_cookie, client_address, current_caller, current_token, login_required,
                    set_session_cookie)
from .. import field_checks
from ..cache import reference_data
from ..rpc import gateway_services, services
from ..uploads import store_incoming

blp = Blueprint("identity", __name__, url_prefix="/api/v1", description="注册、登录、实名认证、个人中心与工作人员")


def _session_response(result: dict, transport: str):
    """Cookie sessions never show the token to scripts; bearer callers get it in the body."""
    token = result["token"]
    body = dict(result)
    if transport == "cookie":
        body.pop("token")
    response = jsonify(body)
    if transport == "cookie":
        set_session_cookie(response, token, current_app.config["SESSION_MAX_AGE"])
    return response


@blp.route("/captcha", methods=["POST"])
@blp.response(200, S.CaptchaOut)
def create_captcha():
    """获取图片验证码"""
    return services.identity.create_captcha()


@blp.route("/sms-codes", methods=["POST"])
@blp.arguments(S.SmsCodeIn)
@blp.response(200, S.SmsCodeOut)
def send_sms_code(data):
    """获取短信验证码（3分钟内有效，每3分钟可发送一次）"""
    return services.identity.send_sms_code({**data, "client": client_address()})


@blp.route("/identity/options", methods=["GET"])
@blp.response(200, S.IdentityOptionsOut)
@reference_data("identity", "options", ttl=3600)
def identity_options():
    """证件类型（名称与号码提示）、国籍（ISO 3166-1 全部国家，中文名）与密码规则：每个页面从这里读取"""
    return gateway_services.identity.identity_options()


@blp.route("/field-checks", methods=["POST"])
@blp.arguments(S.FieldCheckIn)
@blp.response(200, S.FieldCheckOut)
def check_field(data):
    """校验单个字段（离开输入框时），规则与提交时服务端的规则相同；ok=false 时 message 为服务端的提示"""
    return field_checks.check(data)


@blp.route("/accounts", methods=["POST"])
@blp.arguments(S.RegisterIn)
@blp.response(201, S.AccountOut)
def register(data):
    """新用户注册"""
    return services.identity.register_account(data)


@blp.route("/sessions", methods=["POST"])
@blp.arguments(S.LoginIn)
@blp.response(200, S.SessionOut)
def login(data):
    """会计人员登录（证件号码或手机号 + 密码 + 图片验证码）"""
    result = services.identity.login({**data, "client": client_address(),
                                      "user_agent": request.headers.get("User-Agent", "")})
    return _session_response(result, data["transport"])


@blp.route("/staff/sessions", methods=["POST"])
@blp.arguments(S.LoginIn)
@blp.response(200, S.SessionOut)
def staff_login(data):
    """管理部门工作人员登录"""
    result = services.identity.staff_login({**data, "client": client_address(),
                                            "user_agent": request.headers.get("User-Agent", "")})
    return _session_response(result, data["transport"])


@blp.route("/sessions/current", methods=["DELETE"])
@blp.response(200, S.OkOut)
def logout():
    """退出登录"""
    token = current_token()
    if token:
        try:
            services.identity.logout(token)
        except Exception:   # already expired: logging out is still a success
            pass
    return clear_session_cookie(jsonify({"ok": True}))


@blp.route("/password-resets", methods=["POST"])
@blp.arguments(S.ResetPasswordIn)
@blp.response(200, S.OkOut)
def reset_password(data):
    """找回密码：证件号码、姓名、手机号与注册信息一致并通过短信验证码后重置，其他登录会话全部失效"""
    return services.identity.reset_password(data)


@blp.route("/me", methods=["GET"])
@blp.response(200, S.AccountOut)
@login_required()
def me():
    """个人中心：本人信息（脱敏）"""
    return services.identity.get_account()


@blp.route("/me/sms-codes", methods=["POST"])
@blp.arguments(S.AccountSmsIn)
@blp.response(200, S.SmsCodeOut)
@login_required()
def send_account_sms_code(data):
    """向本人注册手机号发送短信验证码（修改密码）"""
    return services.identity.send_account_sms_code({**data, "client": client_address()})


@blp.route("/me/password", methods=["PUT"])
@blp.arguments(S.ChangePasswordIn)
@blp.response(200, S.PasswordChangedOut)
@login_required()
def change_password(data):
    """修改密码：当前密码、新密码与短信验证码；其他登录会话全部失效，并短信告知本人"""
    return services.identity.change_password({**data, "client": client_address(),
                                              "user_agent": request.headers.get("User-Agent", "")})


@blp.route("/me/phone", methods=["PUT"])
@blp.arguments(S.ChangePhoneIn)
@blp.response(200, S.AccountOut)
@login_required()
def change_phone(data):
    """修改手机号（短信验证码发送到新手机号）"""
    return services.identity.change_phone(data)


@blp.route("/me/logins", methods=["GET"])
@blp.response(200, S.LoginEventOut(many=True))
@login_required(None)
def login_history():
    """登录记录"""
    return services.identity.login_history()


@blp.route("/realname/regions", methods=["GET"])
@blp.response(200, S.RegionOut(many=True))
def realname_regions():
    """线上实名认证可选择的省市"""
    return services.identity.realname_regions()


@blp.route("/me/realname", methods=["GET"])
@blp.response(200, S.RealnameStatusOut)
@login_required()
def realname_status():
    """实名认证状态"""
    return services.identity.realname_status()


@blp.route("/me/realname/online", methods=["POST"])
@blp.arguments(S.OnlineRealnameForm, location="files")
@blp.response(201, S.RealnameRequestOut)
@login_required()
def submit_online_realname(form):
    """线上实名认证：上传证件人像面、国徽面、手持证件照片（multipart 字段 id_front、id_back、id_handheld）"""
    caller = current_caller()
    keys = store_incoming(caller["id"], ("id_front", "id_back", "id_handheld"), "realname_photo")
    return services.identity.submit_online_realname({"region_code": form["region_code"], **keys})


@blp.route("/me/realname/id-photo-check", methods=["POST"])
@blp.arguments(S.IdPhotoForm, location="files")
@blp.response(200, S.IdPhotoCheckOut)
@login_required()
def check_id_photo(form):
    """线上实名认证：选择证件人像面照片后立即识别证件号码并与注册信息比对（multipart 字段 id_front；不保存照片，不影响提交）"""
    keys = store_incoming(current_caller()["id"], ("id_front",), "realname_photo")
    if "id_front" not in keys:
        raise ValidationFailed("UPLOAD_EMPTY", "请上传证件人像面照片", {"id_front": "请上传证件人像面照片"})
    return services.identity.check_id_photo(keys["id_front"])


@blp.route("/me/realname/alipay", methods=["POST"])
@blp.response(200, S.RedirectOut)
@login_required()
def start_alipay_realname():
    """支付宝实名认证：返回跳转地址"""
    return_url = url_for("pages.alipay_return", _external=True)
    return services.identity.start_alipay_realname(return_url)


@blp.route("/wechat/tickets", methods=["POST"])
@blp.arguments(S.WechatTicketIn)
@blp.response(200, S.WechatTicketOut)
def open_wechat_ticket(data):
    """微信扫码登录或绑定：生成二维码"""
    caller = current_caller()
    if data["purpose"] == "bind" and caller is None:
        raise ValidationFailed("NOT_AUTHENTICATED", "请先登录后再绑定微信")
    redirect_uri = url_for("pages.wechat_callback", _external=True)
    return services.identity.open_wechat_ticket(data["purpose"], redirect_uri)


@blp.route("/wechat/tickets/<state>", methods=["GET"])
@blp.response(200, S.WechatStatusOut)
def wechat_ticket_status(state):
    """二维码状态"""
    return services.identity.wechat_ticket_status(state)


@blp.route("/me/wechat", methods=["DELETE"])
@blp.response(200, S.AccountOut)
@login_required()
def unbind_wechat():
    """解除微信绑定"""
    return services.identity.unbind_wechat()


# --- staff -----------------------------------------------------------------------------

@blp.route("/staff/me", methods=["GET"])
@blp.alt_response(200, schema=S.OBJECT, success=True)
@login_required("staff")
def staff_me():
    """当前工作人员（姓名、部门、级别与角色）"""
    caller = current_caller()
    return jsonify({k: caller.get(k) for k in ("kind", "id", "username", "name", "department_code", "department_name",
                                                "level", "roles")})


@blp.route("/staff/realname-requests", methods=["GET"])
@blp.response(200, S.RealnameRequestOut(many=True))
@login_required("staff")
def list_realname_requests():
    """本部门待审核的线上实名认证申请（status=submitted|approved|returned）"""
    return services.identity.list_realname_requests(request.args.get("status", "submitted"))


@blp.route("/staff/realname-requests/<request_id>", methods=["GET"])
@blp.response(200, S.RealnameRequestOut)
@login_required("staff")
def get_realname_request(request_id):
    """申请详情（含证件照片的短时链接；查看行为会被记录）"""
    return services.identity.get_realname_request(request_id)


@blp.route("/staff/realname-requests/<request_id>/decision", methods=["POST"])
@blp.arguments(S.DecisionIn)
@blp.response(200, S.RealnameRequestOut)
@login_required("staff")
def decide_realname_request(data, request_id):
    """审核通过，或退回并说明原因"""
    return services.identity.decide_realname_request(request_id, data)


@blp.route("/staff/accounts", methods=["POST"])
@blp.arguments(S.StaffIn)
@blp.response(201)
@login_required("staff")
def create_staff(data):
    """创建本部门或下级部门的工作人员账号（管理员）"""
    return services.identity.create_staff(data)
