"""RPC input schemas: every caller (gateway, other services, provinces) is checked here."""
from marshmallow import Schema, fields, validate

REQUIRED = {"required": "此项为必填项"}


def text(max_len=64, required=True, **kw):
    return fields.String(required=required, validate=validate.Length(max=max_len),
                         error_messages=REQUIRED, **kw)


class RegisterSchema(Schema):
    id_type = fields.String(required=True, error_messages=REQUIRED, validate=validate.OneOf(
        ["mainland_id", "hk_macau_permit", "taiwan_permit", "foreign_passport"], error="请选择证件类型"))
    id_number = text(32)
    name = text(50)
    password = text(64)
    password_confirm = text(64)
    phone = text(20)
    sms_code = text(8)
    nationality = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=3))


class SendSmsSchema(Schema):
    phone = text(20)
    purpose = fields.String(required=True, validate=validate.OneOf(
        ["register", "reset_password", "change_phone", "payment"], error="验证码用途不正确"))
    client = fields.String(load_default="unknown")


class VerifySmsSchema(Schema):
    phone = text(20)
    purpose = fields.String(required=True, validate=validate.OneOf(["payment"], error="验证码用途不正确"))
    code = text(8)


class LoginSchema(Schema):
    login = text(32)
    password = text(64)
    captcha_id = text(32)
    captcha_answer = text(8)
    transport = fields.String(load_default="cookie", validate=validate.OneOf(["cookie", "bearer"]))
    client = fields.String(load_default="unknown")
    user_agent = fields.String(load_default="", validate=validate.Length(max=512))


class StaffLoginSchema(LoginSchema):
    login = text(64)


class ResetPasswordSchema(Schema):
    id_type = fields.String(load_default="mainland_id")
    id_number = text(32)
    name = text(50)
    phone = text(20)
    sms_code = text(8)
    password = text(64)
    password_confirm = text(64)


class SendAccountSmsSchema(Schema):
    purpose = fields.String(required=True, validate=validate.OneOf(["change_password"], error="验证码用途不正确"))
    client = fields.String(load_default="unknown")


class ChangePasswordSchema(Schema):
    current_password = text(64)
    password = text(64)
    password_confirm = text(64)
    sms_code = text(8)
    client = fields.String(load_default="unknown")
    user_agent = fields.String(load_default="", validate=validate.Length(max=512))


class FieldCheckSchema(Schema):
    field = fields.String(required=True, validate=validate.Length(max=40))
    value = fields.String(load_default="", allow_none=True, validate=validate.Length(max=100))
    context = fields.Dict(keys=fields.String(validate=validate.Length(max=40)),
                          values=fields.String(allow_none=True, validate=validate.Length(max=100)),
                          load_default=dict)


class ChangePhoneSchema(Schema):
    phone = text(20)
    sms_code = text(8)


class OnlineRealnameSchema(Schema):
    region_code = text(6)
    id_front = fields.String(load_default=None, allow_none=True)
    id_back = fields.String(load_default=None, allow_none=True)
    id_handheld = fields.String(load_default=None, allow_none=True)


class DecisionSchema(Schema):
    approve = fields.Boolean(required=True)
    reason = fields.String(load_default=None, allow_none=True)


class CreateStaffSchema(Schema):
    username = fields.String(required=True, validate=validate.Regexp(r"^[a-z0-9_.-]{3,64}$",
                             error="用户名为3-64位小写字母、数字或._-"))
    name = text(64)
    department_code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="请选择管理部门"))
    roles = fields.List(fields.String(validate=validate.OneOf(["realname_reviewer", "reviewer", "admin", "finance"])),
                        load_default=lambda: ["realname_reviewer"])
    password = text(64)


class CreateApiClientSchema(Schema):
    name = fields.String(required=True, error_messages=REQUIRED, validate=validate.Length(min=1, max=64))
    province_code = fields.String(required=True, error_messages=REQUIRED,
                                  validate=validate.Regexp(r"^\d{6}$", error="请选择省级行政区"))
    scopes = fields.List(fields.String(validate=validate.Length(max=32)), required=True, error_messages=REQUIRED)
    token_endpoint_auth_method = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    public_key = fields.Raw(load_default=None, allow_none=True)        # JWK (text or object) or PEM; client_keys


class RotateApiClientSchema(Schema):
    client_id = text(40)
    overlap_seconds = fields.Integer(load_default=None, allow_none=True, strict=True)
    token_endpoint_auth_method = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    public_key = fields.Raw(load_default=None, allow_none=True)


class ClientCredentialsSchema(Schema):
    client_id = text(40)
    client_secret = text(128)
    scope = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=512))


class WebhookSubscriptionSchema(Schema):
    url = fields.String(required=True, error_messages=REQUIRED, validate=validate.Length(min=8, max=500))
    events = fields.List(fields.String(validate=validate.Length(max=64)), required=True, error_messages=REQUIRED)
