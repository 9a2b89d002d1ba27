"""RPC input schemas of the payment service (the gateway checks the HTTP shape; every caller is checked here)."""
import re

from marshmallow import Schema, ValidationError, fields, validate, validates

from .domain import CHANNELS

REQUIRED = {"required": "此项为必填项"}
PHONE = re.compile(r"^(?:(?:\+|00)?86)?(1[3-9]\d{9})$")


class CreateOrderSchema(Schema):
    ref = fields.String(required=True, validate=validate.Length(max=100), error_messages=REQUIRED)
    channel = fields.String(required=True, error_messages=REQUIRED,
                            validate=validate.OneOf(CHANNELS, error="请选择支付平台（支付宝、微信或云闪付）"))
    phone = fields.String(required=True, error_messages=REQUIRED, validate=validate.Length(max=20))
    sms_code = fields.String(required=True, error_messages=REQUIRED, validate=validate.Length(max=8))
    email = fields.Email(required=True, error_messages={**REQUIRED, "invalid": "请输入正确的电子邮箱"},
                         validate=validate.Length(max=100))

    @validates("phone")
    def check_phone(self, value, **_):
        if not PHONE.match(value.strip()):
            raise ValidationError("请输入正确的11位手机号码")


def national_phone(value: str) -> str:
    return PHONE.match(value.strip()).group(1)


class SwitchSchema(Schema):
    channel = fields.String(required=True, error_messages=REQUIRED,
                            validate=validate.OneOf(CHANNELS, error="请选择支付平台（支付宝、微信或云闪付）"))


class StaffQuerySchema(Schema):
    status = fields.String(load_default=None, allow_none=True,
                           validate=validate.OneOf(["pending", "paid", "closed", "refunded", "succeeded", "failed"]))
    channel = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CHANNELS))
    date_from = fields.Date(load_default=None, allow_none=True)
    date_to = fields.Date(load_default=None, allow_none=True)
    q = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    province_code = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^\d{6}$"))
    limit = fields.Integer(load_default=200, validate=validate.Range(min=1, max=5000))


class FixSchema(Schema):
    day = fields.Date(required=True, error_messages=REQUIRED)
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS))
    kind = fields.String(required=True, validate=validate.OneOf(["missing_payment", "missing_refund"]))
    key = fields.String(required=True, validate=validate.Length(max=64),
                        metadata={"description": "the channel transaction id (payment) or refund number (refund)"})
