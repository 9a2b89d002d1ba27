"""Payment channels' asynchronous notifications: POST /notify/alipay | /notify/wechat | /notify/unionpay.

Outside /api/v1 and without CSRF or a session (the channels' servers send them): the payment service verifies
each one by the channel's signature and answers what that channel expects (Alipay the body `success`, WeChat Pay
HTTP 204, UnionPay HTTP 200). The raw body travels unchanged, since the signature covers its exact bytes."""
from flask import Blueprint, Response, request

from ausm_common.errors import NotFound

from .rpc import gateway_services

blp = Blueprint("notify", __name__)
CHANNELS = ("alipay", "wechat", "unionpay")
SIGNED_HEADERS = ("Wechatpay-Signature", "Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Serial",
                  "Wechatpay-Signature-Type")
MAX_BODY = 64 * 1024


def forward(channel: str) -> Response:
    if channel not in CHANNELS or (request.content_length or 0) > MAX_BODY:
        raise NotFound("NOT_FOUND", "页面或记录不存在")
    headers = {name: request.headers[name] for name in SIGNED_HEADERS if name in request.headers}
    answer = gateway_services.payment.accept_notification(channel, headers, request.get_data(as_text=True))
    return Response(answer["body"], status=answer["status"], content_type=answer["content_type"])


@blp.route("/notify/<channel>", methods=["POST"])
def notify(channel):
    return forward(channel)
