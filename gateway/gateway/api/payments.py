"""Payment API: orders for a payable reference (an exam enrollment: `exam:<id>`), their status, receipts, my
orders, and the finance staff's lists, exports and reconciliation. Each view is the RPC call and nothing else;
the CSV and PDF are drawn here from the same answers (no file bytes travel over RabbitMQ)."""
from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from ..auth import login_required
from ..receipts import order_qr_svg, receipt_pdf
from ..rpc import services
from ..tables import csv_response, order_rows, refund_rows

blp = Blueprint("payments", __name__, url_prefix="/api/v1", description="网上缴费、订单、退款与对账")
CHANNELS = ["alipay", "wechat", "unionpay"]


class In(Schema):
    class Meta:
        unknown = EXCLUDE


class CreateOrderIn(In):
    ref = fields.String(required=True, validate=validate.Length(max=100),
                        metadata={"description": "缴费对象，如报名 exam:<报名ID>"})
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS), metadata={"description": "支付平台"})
    phone = fields.String(required=True, validate=validate.Length(max=20))
    sms_code = fields.String(required=True, validate=validate.Length(max=8),
                             metadata={"description": "发送到该手机号的短信验证码（purpose=payment）"})
    email = fields.String(required=True, validate=validate.Length(max=100), metadata={"description": "接收缴费凭证的邮箱"})


class SwitchIn(In):
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))


class RefundOut(Schema):
    refund_no = fields.String()
    amount_fen = fields.Integer()
    amount_yuan = fields.String()
    reason_code = fields.String(metadata={"description": "paid_twice | paid_twice_same_order | paid_after_close | "
                                                         "wrong_amount | rejected"})
    reason = fields.String(metadata={"description": "退款原因（告知缴费人）"})
    status = fields.String(metadata={"description": "pending | succeeded | failed"})
    status_label = fields.String()
    created_at = fields.String()
    succeeded_at = fields.String(allow_none=True)


class OrderOut(Schema):
    order_no = fields.String(metadata={"description": "订单号码：16位数字（末位校验码）"})
    order_no_display = fields.String(metadata={"description": "四位一组，便于电话报读"})
    ref = fields.String()
    description = fields.String()
    amount_fen = fields.Integer(metadata={"description": "订单金额（分），来自报名的应缴金额"})
    amount_yuan = fields.String()
    channel = fields.String()
    channel_label = fields.String()
    status = fields.String(metadata={"description": "pending 待支付 | paid 已支付 | closed 已关闭 | refunded 已退款"})
    status_label = fields.String()
    close_reason = fields.String(allow_none=True)
    close_reason_label = fields.String(allow_none=True)
    settled = fields.Boolean(metadata={"description": "本订单的支付为该报名缴费成功（报名成功）"})
    refunded_fen = fields.Integer()
    channel_txn_id = fields.String(allow_none=True)
    province_code = fields.String(metadata={"description": "缴费所属省份（报名省份代码），财务人员按省查看"})
    created_at = fields.String()
    expires_at = fields.String()
    paid_at = fields.String(allow_none=True)
    code_url = fields.String(metadata={"description": "待支付时：二维码内容（支付平台的扫码地址）"})
    seconds_left = fields.Integer(metadata={"description": "二维码剩余有效秒数"})
    summary = fields.Dict(metadata={"description": "考生报名信息（脱敏）"})
    refunds = fields.List(fields.Nested(RefundOut))


class PayableOut(Schema):
    ref = fields.String()
    summary = fields.Dict()
    payable = fields.Dict(allow_none=True, metadata={"description": "amount_fen, amount_yuan, description, deadline"})
    refusal = fields.Dict(allow_none=True, metadata={"description": "不能缴费时：code, message"})
    open_order = fields.Nested(OrderOut, allow_none=True)
    settled_order = fields.Nested(OrderOut, allow_none=True)
    orders = fields.List(fields.Nested(OrderOut))
    channels = fields.List(fields.Dict())


class StaffQuery(In):
    status = fields.String(validate=validate.OneOf(["pending", "paid", "closed", "refunded", "succeeded", "failed"]))
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    date_from = fields.Date()
    date_to = fields.Date()
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "订单号码、报名或支付平台交易号"})
    province_code = fields.String(validate=validate.Regexp(r"^\d{6}$"))


class ReconcileQuery(In):
    day = fields.Date(required=True, metadata={"description": "对账日（北京时间）"})
    channel = fields.String(validate=validate.OneOf(CHANNELS))


class FixIn(In):
    day = fields.Date(required=True)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    kind = fields.String(required=True, validate=validate.OneOf(["missing_payment", "missing_refund"]))
    key = fields.String(required=True, validate=validate.Length(max=64))


def _query(args: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in args.items()}


# --- the person --------------------------------------------------------------------------------------

class ChannelOut(Schema):
    code = fields.String(metadata={"description": "alipay | wechat | unionpay"})
    label = fields.String(metadata={"description": "支付宝 | 微信 | 云闪付"})


@blp.route("/payments/channels", methods=["GET"])
@blp.response(200, ChannelOut(many=True))
def channels():
    """可选择的支付平台"""
    return services.payment.channels_offered()


@blp.route("/payments/payables/<ref>", methods=["GET"])
@blp.response(200, PayableOut)
@login_required()
def payable(ref):
    """网上缴费页：考生报名信息（由报名服务提供）与本人该报名的订单"""
    return services.payment.get_payable(ref)


@blp.route("/payments/orders", methods=["POST"])
@blp.arguments(CreateOrderIn)
@blp.response(201, OrderOut)
@login_required()
def create_order(data):
    """生成订单：校验短信验证码后，按报名应缴金额生成所选支付平台的支付二维码（同一报名只有一个待支付订单）"""
    return services.payment.create_order(data)


@blp.route("/payments/orders/<order_no>", methods=["GET"])
@blp.response(200, OrderOut)
@login_required()
def get_order(order_no):
    """订单状态（页面轮询；待支付订单会向支付平台查询）"""
    return services.payment.get_order(order_no)


@blp.route("/payments/orders/<order_no>/switch", methods=["POST"])
@blp.arguments(SwitchIn)
@blp.response(201, OrderOut)
@login_required()
def switch_channel(data, order_no):
    """更换支付方式：先在原支付平台关闭原订单，再生成新订单"""
    return services.payment.switch_channel(order_no, data)


@blp.route("/payments/orders/<order_no>/qr.svg", methods=["GET"])
@login_required()
def order_qr(order_no):
    """待支付订单的二维码图片（SVG）"""
    order = services.payment.get_order(order_no)
    return Response(order_qr_svg(order.get("code_url") or ""), mimetype="image/svg+xml",
                    headers={"Cache-Control": "no-store"})


@blp.route("/payments/orders/<order_no>/receipt.pdf", methods=["GET"])
@login_required()
def receipt(order_no):
    """缴费凭证（PDF）"""
    pdf = receipt_pdf(services.payment.receipt(order_no))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="receipt-{order_no}.pdf"'})


@blp.route("/me/orders", methods=["GET"])
@blp.response(200, OrderOut(many=True))
@login_required()
def my_orders():
    """我的订单（含退款及原因）"""
    return services.payment.my_orders()


# --- finance staff ---------------------------------------------------------------------------------------

@blp.route("/staff/finance/orders", methods=["GET"])
@blp.arguments(StaffQuery, location="query")
@blp.response(200, OrderOut(many=True))
@login_required("staff")
def staff_orders(args):
    """订单列表（本省；按状态、支付平台、日期、订单号码筛选）"""
    return services.payment.staff_orders(_query(args))


@blp.route("/staff/finance/orders.csv", methods=["GET"])
@blp.arguments(StaffQuery, location="query")
@login_required("staff")
def staff_orders_csv(args):
    """订单列表导出（CSV）"""
    return csv_response("orders", *order_rows(services.payment.staff_orders({**_query(args), "limit": 5000})))


@blp.route("/staff/finance/refunds", methods=["GET"])
@blp.arguments(StaffQuery, location="query")
@blp.response(200, RefundOut(many=True))
@login_required("staff")
def staff_refunds(args):
    """退款列表（本省）"""
    return services.payment.staff_refunds(_query(args))


@blp.route("/staff/finance/refunds.csv", methods=["GET"])
@blp.arguments(StaffQuery, location="query")
@login_required("staff")
def staff_refunds_csv(args):
    """退款列表导出（CSV）"""
    return csv_response("refunds", *refund_rows(services.payment.staff_refunds({**_query(args), "limit": 5000})))


@blp.route("/staff/finance/reconciliation", methods=["GET"])
@blp.arguments(ReconcileQuery, location="query")
@login_required("staff")
def reconcile(args):
    """对账：下载各支付平台当日账单，逐笔与本平台记录核对，列出差异"""
    return services.payment.reconcile_day(args["day"].isoformat(), args.get("channel"))


@blp.route("/staff/finance/reconciliation/fixes", methods=["POST"])
@blp.arguments(FixIn)
@login_required("staff")
def fix(data):
    """处理一项差异（补记支付平台已收款项或已退款项；操作留痕）"""
    return services.payment.fix_difference(_query(data))


@blp.route("/staff/finance/audit", methods=["GET"])
@login_required("staff")
def audit():
    """对账与处理记录"""
    return services.payment.staff_audit(int(request.args.get("limit", 100)))
