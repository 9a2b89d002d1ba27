"""Sandbox routes: what the external providers would show, played locally.

Registered only when SANDBOX is on; outside sandbox mode these routes do not exist.
"""
import io
from urllib.parse import urlencode

import segno
from flask import Blueprint, jsonify, redirect, render_template, request, url_for

from ausm_common.clock import SharedSandboxClock
from ausm_common.errors import ValidationFailed

from .rpc import services

blp = Blueprint("sandbox", __name__, url_prefix="/sandbox")


@blp.route("/sms")
def sms():
    phone = request.args.get("phone", "").strip()
    if not phone:
        raise ValidationFailed("PHONE_REQUIRED", "请提供 phone 参数", {"phone": "必填"})
    return jsonify(services.identity.sandbox_recent_sms(phone))


@blp.route("/captcha/<captcha_id>")
def captcha(captcha_id):
    return jsonify(services.identity.sandbox_captcha_answer(captcha_id))


@blp.route("/clock", methods=["GET"])
def read_clock():
    """The platform's sandbox time (shared by the gateway and every service)."""
    clock = SharedSandboxClock()
    return jsonify({"now": clock.now().isoformat(), "offset_seconds": clock.offset_seconds()})


@blp.route("/clock", methods=["POST"])
def advance_clock():
    """Move every service's clock forward together, e.g. to see an SMS code expire without waiting."""
    body = request.get_json(silent=True)
    seconds = body.get("advance_seconds") if isinstance(body, dict) else None
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or not 0 <= seconds <= 400 * 86400:
        raise ValidationFailed("CLOCK_INVALID", "advance_seconds 应为 0 到 34560000 之间的秒数",
                               {"advance_seconds": "应为非负秒数"})
    clock = SharedSandboxClock()
    clock.advance(seconds)
    return jsonify({"now": clock.now().isoformat(), "offset_seconds": clock.offset_seconds()})


@blp.route("/clock", methods=["DELETE"])
def reset_clock():
    """Back to real time (a tester's reset; records made in the moved time keep their times)."""
    clock = SharedSandboxClock()
    clock.reset()
    return jsonify({"now": clock.now().isoformat(), "offset_seconds": 0})


# --- Alipay ---------------------------------------------------------------------------

@blp.route("/alipay/certify", methods=["GET"])
def alipay_certify():
    context = services.identity.sandbox_alipay_context(request.args["outer_order_no"])
    return render_template("sandbox/alipay.html", context=context, args=request.args)


@blp.route("/alipay/certify", methods=["POST"])
def alipay_authorize():
    form = request.form
    params = services.identity.sandbox_alipay_authorize(form["outer_order_no"], form.get("cert_name", ""),
                                                        form.get("cert_no", ""))
    return redirect(f"{form['return_url']}?{urlencode(params)}")


# --- WeChat ---------------------------------------------------------------------------

@blp.route("/wechat/qrconnect")
def wechat_qrconnect():
    state = request.args["state"]
    scan_url = url_for("sandbox.wechat_scan", state=state, _external=True)
    buffer = io.BytesIO()
    segno.make(scan_url, error="m").save(buffer, kind="svg", scale=5, xmldecl=False, svgns=True)
    return render_template("sandbox/wechat_qr.html", state=state, qr_svg=buffer.getvalue().decode(), scan_url=scan_url,
                           redirect_uri=request.args["redirect_uri"])


@blp.route("/wechat/poll")
def wechat_poll():
    return jsonify(services.identity.sandbox_wechat_poll(request.args["state"]))


@blp.route("/wechat/scan", methods=["GET"])
def wechat_scan():
    return render_template("sandbox/wechat_scan.html", state=request.args["state"], done=False)


@blp.route("/wechat/scan", methods=["POST"])
def wechat_scan_confirm():
    form = request.form
    services.identity.sandbox_wechat_scan(form["state"], form.get("openid") or "o_sandbox_user",
                                          form.get("nickname") or "微信用户")
    return render_template("sandbox/wechat_scan.html", state=form["state"], done=True)
