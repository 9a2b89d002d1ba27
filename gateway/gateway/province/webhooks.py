"""Event subscriptions of a province (scope events:subscribe): a webhook URL receives the events of its
province, and `job_finished` of the client's own jobs only, signed with the subscription's secret (HMAC-SHA256
over `<timestamp>.<body>`), retried with backoff; the delivery log is readable and any delivery can be sent
again."""
from marshmallow import EXCLUDE, Schema, fields, validate

from ..api import Blueprint
from ..rpc import services
from . import access
from .idempotency import idempotent

PREFIX = "/api/province/v1"
EVENTS = ["collection_approved", "transfer_approved", "enrollment_submitted", "payment_succeeded",
          "enrollment_registered", "credits_changed", "job_finished"]
EVENTS_DOC = ("可订阅：collection_approved、transfer_approved、enrollment_submitted、payment_succeeded（缴费成功：订单号、"
              "金额（分）、渠道、渠道交易号、支付时间、province_code）、enrollment_registered（报名成功）、"
              "credits_changed（本省的事件）与 job_finished（本客户端提交的任务结束时，仅发给该客户端的订阅）。"
              "job_finished 的 data：job_id、kind（scores 成绩导入 | cpe 机构报送 | legacy 原省平台数据导入）、status（done | failed）、client_id、"
              "province_code、counts {total, saved, refused}、failure（失败原因）、finished_at，以及任务的对象"
              "（exam_id 或 institution_code）。")
BEARER = [{"bearerAuth": []}]
IDEMPOTENCY = [{"in": "header", "name": "Idempotency-Key", "schema": {"type": "string", "maxLength": 255}}]

blp = Blueprint("province_webhooks", __name__, url_prefix=PREFIX, description="事件订阅（Webhook）")


@blp.before_request
def authenticate():
    access.current_client()


@blp.after_request
def headers(response):
    from .api import answer_headers
    return answer_headers(response)


class SubscriptionIn(Schema):
    class Meta:
        unknown = EXCLUDE
    url = fields.String(required=True, validate=validate.Length(min=8, max=500))
    events = fields.List(fields.String(validate=validate.OneOf(EVENTS)), required=True,
                         validate=validate.Length(min=1), metadata={"description": EVENTS_DOC})


class SubscriptionOut(Schema):
    id = fields.String()
    url = fields.String()
    events = fields.List(fields.String())
    active = fields.Boolean()
    created_at = fields.String()
    secret = fields.String(metadata={"description": "签名密钥，仅在创建时返回一次"})


class DeliveryOut(Schema):
    id = fields.String()
    subscription_id = fields.String()
    event_id = fields.String()
    event_type = fields.String()
    status = fields.String(metadata={"description": "pending | delivered | failed"})
    attempts = fields.Integer()
    last_status_code = fields.Integer(allow_none=True)
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.String(allow_none=True)
    delivered_at = fields.String(allow_none=True)
    created_at = fields.String()
    log = fields.List(fields.Dict())


def idempotent_post(view):
    return idempotent(access.idempotency_store, access.client_id)(view)


@blp.route("/webhooks", methods=["POST"])
@idempotent_post
@blp.doc(summary="订阅本省事件及本客户端任务的结束（job_finished）", description=EVENTS_DOC, security=BEARER,
         parameters=IDEMPOTENCY)
@blp.arguments(SubscriptionIn)
@blp.response(201, SubscriptionOut)
def subscribe(data):
    return services.identity.create_webhook_subscription(data)


@blp.route("/webhooks", methods=["GET"])
@blp.doc(summary="本客户端的订阅", security=BEARER)
@blp.response(200, SubscriptionOut(many=True))
def subscriptions():
    return services.identity.list_webhook_subscriptions()


@blp.route("/webhooks/<subscription_id>", methods=["DELETE"])
@blp.doc(summary="取消订阅", security=BEARER)
@blp.response(200, SubscriptionOut)
def unsubscribe(subscription_id):
    return services.identity.cancel_webhook_subscription(subscription_id)


@blp.route("/webhooks/<subscription_id>/deliveries", methods=["GET"])
@blp.doc(summary="投递记录（每次尝试的时间、HTTP 状态与错误）", security=BEARER)
@blp.response(200, DeliveryOut(many=True))
def deliveries(subscription_id):
    return services.identity.list_webhook_deliveries(subscription_id)


@blp.route("/webhook-deliveries/<delivery_id>/replay", methods=["POST"])
@idempotent_post
@blp.doc(summary="重新投递", security=BEARER, parameters=IDEMPOTENCY)
@blp.response(202, DeliveryOut)
def replay(delivery_id):
    return services.identity.replay_webhook_delivery(delivery_id)


