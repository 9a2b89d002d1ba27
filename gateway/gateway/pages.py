"""Browser pages. They call the same JSON API as every other client (static/app.js);
the few routes here that act are the providers' redirects back to us."""
from flask import Blueprint, current_app, redirect, render_template, request, send_from_directory, url_for

from ausm_common.errors import AppError
from ausm_common.upload_policies import policy_for

from .auth import client_address, current_caller, set_session_cookie
from .rpc import services

blp = Blueprint("pages", __name__)


@blp.app_context_processor
def inject_caller():
    return {"caller": current_caller(), "sandbox": current_app.config["SANDBOX"]}


@blp.app_context_processor
def inject_upload_policy():
    """Templates state an upload rule from the registry the services enforce: upload_policy("proof").text."""
    return {"upload_policy": lambda purpose, region=None: policy_for(purpose, region).view()}


def _need(kind: str, login_page: str):
    caller = current_caller()
    if caller is None or caller["kind"] != kind:
        return redirect(url_for(login_page, next=request.full_path.rstrip("?")))
    return None


@blp.route("/favicon.ico")
def favicon():
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/x-icon", max_age=86400)


@blp.route("/")
def index():
    return render_template("index.html")


@blp.route("/register")
def register():
    return render_template("register.html")


@blp.route("/login")
def login():
    return render_template("login.html", next=request.args.get("next", "/"))


@blp.route("/forgot-password")
def forgot_password():
    return render_template("forgot.html")


@blp.route("/me")
def personal_center():
    return _need("person", "pages.login") or render_template("me.html", data_reads=_data_reads())


def _data_reads():
    """Who read the person's unmasked data (profile service); the rest of the page works without it."""
    from datetime import datetime

    from ausm_common.clock import beijing_text
    from .api.api_clients import person_data_reads
    reads, complete = person_data_reads()
    if not reads and not complete:
        return None
    return [{**r, "at_text": beijing_text(datetime.fromisoformat(r["at"]))} for r in reads]


@blp.route("/realname")
def realname():
    return _need("person", "pages.login") or render_template("realname.html")


@blp.route("/realname/alipay/return")
def alipay_return():
    """Alipay sends the person back here with signed parameters."""
    try:
        result = services.identity.complete_alipay_realname(request.args.to_dict())
    except AppError as exc:
        return render_template("realname_result.html", ok=False, message=exc.message), 400
    ok = result["status"] == "approved"
    return render_template("realname_result.html", ok=ok,
                           message="您的支付宝实名信息与注册信息一致，现在可以办理信息采集等业务。" if ok
                           else (result.get("reason") or "实名认证未通过"))


@blp.route("/wechat/callback")
def wechat_callback():
    """WeChat sends the browser back here with a code after the phone confirmed."""
    try:
        result = services.identity.complete_wechat(request.args.get("state", ""), request.args.get("code", ""),
                                                   client_address(), request.headers.get("User-Agent", ""))
    except AppError as exc:
        return render_template("message.html", title="微信扫码", message=exc.message), 400
    if result["status"] != "confirmed":
        return render_template("message.html", title="微信扫码", message=result["message"]), 400
    if result["purpose"] == "bind":
        return redirect(url_for("pages.personal_center", wechat="bound"))
    response = redirect(url_for("pages.index"))
    return set_session_cookie(response, result["session"]["token"], current_app.config["SESSION_MAX_AGE"])


@blp.route("/staff/login")
def staff_login():
    return render_template("staff/login.html", next=request.args.get("next", "/staff"))


@blp.route("/staff")
def staff_home():
    """Staff land on the review they can do: real-name review for province staff, else profile reviews."""
    caller = current_caller()
    if caller is None or caller["kind"] != "staff":
        return redirect(url_for("pages.staff_login"))
    roles = caller.get("roles") or []
    return redirect(url_for("pages.staff_realname" if "realname_reviewer" in roles else "pages.staff_reviews"))


@blp.route("/staff/realname")
def staff_realname():
    return _need("staff", "pages.staff_login") or render_template("staff/realname.html")


@blp.route("/collection")
def collection():
    """会计人员信息采集: the wizard (the API says what is missing; the page shows it)."""
    return _need("person", "pages.login") or render_template("collection.html")


@blp.route("/staff/reviews")
def staff_reviews():
    """信息采集审核 for the staff of a management department."""
    return _need("staff", "pages.staff_login") or render_template("staff/reviews.html")
