"""HTTP shapes of the JSON API (the services check the content again)."""
from flask_smorest.fields import Upload
from marshmallow import EXCLUDE, INCLUDE, Schema, fields, validate


class In(Schema):
    class Meta:
        unknown = EXCLUDE


def s(max_len=64, validate_also=None, **kw):
    checks = [validate.Length(max=max_len)] + ([validate_also] if validate_also else [])
    return fields.String(validate=checks, **kw)


class ErrorOut(Schema):
    """Every refusal and failure (the gateway's errors.py); some codes add fields, e.g. correlation_id."""
    class Meta:
        unknown = INCLUDE

    code = fields.String(required=True, metadata={"description": "stable error code, e.g. INVALID_INPUT"})
    message = fields.String(required=True, metadata={"description": "Chinese message for the person"})
    errors = fields.Dict(keys=fields.String(), values=fields.String(), required=True,
                         metadata={"description": "field path -> Chinese message"})
    correlation_id = fields.String(metadata={"description": "only on 500: the id of the logged error"})


# Answers documented by shape only, passed through as the service returned them.
OBJECT = {"type": "object"}
LIST = {"type": "array", "items": {"type": "object"}}


class CaptchaOut(Schema):
    captcha_id = fields.String()
    image = fields.String(metadata={"description": "data: URL of a PNG image"})
    expires_in = fields.Integer()


class SmsCodeIn(In):
    phone = s(20, required=True)
    purpose = s(20, required=True, metadata={"description": "register | reset_password | change_phone | payment (网上缴费)"})


class SmsCodeOut(Schema):
    phone = fields.String()
    status = fields.String(metadata={"description": "sent | delivered | failed"})
    sent_at = fields.String()
    resend_after = fields.Integer()
    expires_in = fields.Integer()


class RegisterIn(In):
    id_type = s(24, required=True)
    id_number = s(32, required=True)
    name = s(50, required=True)
    password = s(64, required=True)
    password_confirm = s(64, required=True)
    phone = s(20, required=True)
    sms_code = s(8, required=True)
    nationality = s(3, load_default=None, allow_none=True)


class AccountOut(Schema):
    id = fields.String()
    id_type = fields.String()
    id_type_label = fields.String()
    nationality = fields.String(allow_none=True, metadata={"description": "ISO 3166-1 alpha-3 (护照（外国） only)"})
    nationality_name = fields.String(allow_none=True)
    id_number = fields.String(metadata={"description": "masked"})
    name = fields.String(metadata={"description": "masked"})
    gender = fields.String(allow_none=True)
    birth_date = fields.String(allow_none=True)
    phone = fields.String(metadata={"description": "masked"})
    realname_status = fields.String()
    realname_method = fields.String(allow_none=True)
    wechat_bound = fields.Boolean()
    wechat_nickname = fields.String(allow_none=True)
    created_at = fields.String()


class LoginIn(In):
    login = s(64, required=True, metadata={"description": "证件号码或手机号（工作人员为用户名）"})
    password = s(64, required=True)
    captcha_id = s(32, required=True)
    captcha_answer = s(8, required=True)
    transport = s(8, load_default="cookie", validate_also=validate.OneOf(["cookie", "bearer"]))


class SessionOut(Schema):
    token = fields.String(metadata={"description": "only for transport=bearer"})
    expires_at = fields.String()
    transport = fields.String()
    account = fields.Nested(AccountOut)
    staff = fields.Dict()


class ResetPasswordIn(In):
    id_type = s(24, load_default="mainland_id")
    id_number = s(32, required=True)
    name = s(50, required=True)
    phone = s(20, required=True)
    sms_code = s(8, required=True)
    password = s(64, required=True)
    password_confirm = s(64, required=True)


class ChangePasswordIn(In):
    current_password = s(64, required=True)
    password = s(64, required=True)
    password_confirm = s(64, required=True)
    sms_code = s(8, required=True)


class PasswordChangedOut(Schema):
    ok = fields.Boolean()
    phone = fields.String(metadata={"description": "masked: where the notice went"})


class AccountSmsIn(In):
    purpose = s(20, required=True, metadata={"description": "change_password (the code goes to the account's phone)"})


class IdTypeOut(Schema):
    code = fields.String()
    label = fields.String()
    placeholder = fields.String()
    needs_nationality = fields.Boolean()


class NationalityOut(Schema):
    code = fields.String(metadata={"description": "ISO 3166-1 alpha-3"})
    name = fields.String(metadata={"description": "Chinese name"})
    name_en = fields.String()


class IdentityOptionsOut(Schema):
    id_types = fields.List(fields.Nested(IdTypeOut))
    nationalities = fields.List(fields.Nested(NationalityOut))
    nationality_source = fields.String()
    password_policy = fields.String()


class FieldCheckIn(In):
    field = s(40, required=True, metadata={"description": "id_type | id_number | name | phone | password | "
                                                          "password_confirm | nationality (identity); credit_code | "
                                                          "education.start_date | education.end_date | "
                                                          "work.start_date | work.end_date (profile)"})
    value = s(100, load_default="", allow_none=True)
    context = fields.Dict(keys=fields.String(validate=validate.Length(max=40)),
                          values=fields.String(allow_none=True, validate=validate.Length(max=100)),
                          validate=validate.Length(max=10), load_default=dict,
                          metadata={"description": "the other fields a rule needs, e.g. {id_type} for id_number"})


class FieldCheckOut(Schema):
    field = fields.String()
    ok = fields.Boolean()
    value = fields.Raw(allow_none=True, metadata={"description": "the form the server keeps (when ok)"})
    code = fields.String(metadata={"description": "the broken rule's error code (when not ok)"})
    message = fields.String(metadata={"description": "the server's message for the field (when not ok)"})
    warnings = fields.List(fields.String())


class ChangePhoneIn(In):
    phone = s(20, required=True)
    sms_code = s(8, required=True)


class LoginEventOut(Schema):
    at = fields.String()
    client = fields.String()
    user_agent = fields.String(allow_none=True)
    method = fields.String()
    success = fields.Boolean()


class RealnameRequestOut(Schema):
    id = fields.String()
    method = fields.String()
    status = fields.String()
    region_code = fields.String(allow_none=True)
    region_name = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    submitted_at = fields.String()
    decided_at = fields.String(allow_none=True)
    applicant = fields.Dict()
    photos = fields.Dict()
    id_photo_check = fields.Nested(lambda: IdPhotoCheckOut(), metadata={
        "description": "online: the number read from the 人像面 (masked for the person, in full for the reviewer)"})
    history = fields.List(fields.Dict())


class IdPhotoCheckOut(Schema):
    check = fields.String(allow_none=True, metadata={"description": "match | mismatch | unreadable | not_applicable"})
    read = fields.String(allow_none=True, metadata={"description": "the number read, when it counts"})
    message = fields.String(allow_none=True)


class RealnameStatusOut(Schema):
    status = fields.String()
    method = fields.String(allow_none=True)
    latest = fields.Nested(RealnameRequestOut, allow_none=True)


class OnlineRealnameForm(In):
    """multipart: the province chosen and the three photos (limits: upload-policies realname_photo); the
    service names a missing photo."""
    region_code = s(6, required=True)
    id_front = Upload(metadata={"description": "证件人像面"})
    id_back = Upload(metadata={"description": "证件国徽面（非人像面）"})
    id_handheld = Upload(metadata={"description": "手持证件人像面"})


class IdPhotoForm(In):
    """multipart: the 人像面 just picked, read and compared at once (limits: upload-policies realname_photo)."""
    id_front = Upload(metadata={"description": "证件人像面"})


class RegionOut(Schema):
    code = fields.String()
    name = fields.String()


class RedirectOut(Schema):
    redirect_url = fields.String()
    state = fields.String()


class DecisionIn(In):
    approve = fields.Boolean(required=True)
    reason = s(500, load_default=None, allow_none=True)


class WechatTicketIn(In):
    purpose = s(8, required=True, validate_also=validate.OneOf(["login", "bind"]))


class WechatTicketOut(Schema):
    state = fields.String()
    qr_url = fields.String()
    expires_in = fields.Integer()


class WechatStatusOut(Schema):
    status = fields.String()
    purpose = fields.String()
    message = fields.String(allow_none=True)


class StaffIn(In):
    username = s(64, required=True)
    name = s(64, required=True)
    department_code = s(6, required=True)
    roles = fields.List(s(32), validate=validate.Length(max=10), load_default=lambda: ["realname_reviewer"])
    password = s(64, required=True)


class OkOut(Schema):
    ok = fields.Boolean()


class UploadMessagesOut(Schema):
    type = fields.String(metadata={"description": "wrong format (by content, not by name)"})
    too_small = fields.String()
    too_large = fields.String()
    corrupt = fields.String(metadata={"description": "unreadable, truncated or damaged"})
    pixels = fields.String(metadata={"description": "images: too few pixels; {width} and {height} are the file's"})
    too_many_pixels = fields.String(metadata={"description": "images: more pixels than max_pixels"})
    pages = fields.String(metadata={"description": "PDF: more pages than max_pages"})
    encrypted = fields.String(metadata={"description": "PDF: encrypted or password-protected"})


class UploadPolicyOut(Schema):
    purpose = fields.String(metadata={"description": "realname_photo | photo | proof | transfer_proof | "
                                                     "qualification_proof | cpe_proof"})
    province = fields.String(allow_none=True, metadata={"description": "a province's own rule (e.g. 330000); "
                                                                       "null: the national one"})
    label = fields.String(metadata={"description": "how the messages name the file"})
    kinds = fields.List(fields.String(), metadata={"description": "jpeg | png | pdf"})
    content_types = fields.List(fields.String())
    extensions = fields.List(fields.String())
    signatures = fields.Dict(keys=fields.String(), values=fields.List(fields.String()),
                             metadata={"description": "kind → hex prefixes of the file's first bytes"})
    min_bytes = fields.Integer()
    max_bytes = fields.Integer()
    min_width = fields.Integer()
    min_height = fields.Integer()
    max_pixels = fields.Integer(metadata={"description": "width × height at most (0: not an image)"})
    max_pages = fields.Integer(metadata={"description": "PDF pages at most (0: not a PDF)"})
    text = fields.String(metadata={"description": "the rule in words, for the page"})
    messages = fields.Nested(UploadMessagesOut, metadata={"description": "the refusals, as the server says them"})
