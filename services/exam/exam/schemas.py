"""The exam service loads every RPC input with its own schema (the gateway is not its only caller)."""
from datetime import datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ausm_common.clock import BEIJING

from .domain.codes import LEVELS, LOCALITY_REASONS, REVIEW_MODES, SUBJECT_NAMES

TEXT = {"validate": validate.Length(max=200)}
URL = [validate.Length(max=200), validate.Regexp(r"^(https?://\S+)?$", error="网址须以 http:// 或 https:// 开头")]


class In(Schema):
    class Meta:
        unknown = EXCLUDE


class BeijingTime(fields.Field):
    """"2026-01-08 00:00:00" or ISO 8601; without an offset it is Beijing time."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            raise ValidationError("时间格式不正确")
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValidationError("时间格式不正确（如 2026-01-08 00:00:00）")
        if not 2000 <= parsed.year <= 2100:
            raise ValidationError("时间超出范围（2000～2100年）")
        return parsed.replace(tzinfo=BEIJING) if parsed.tzinfo is None else parsed


class PlanIn(In):
    year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    level = fields.String(required=True, validate=validate.OneOf(list(LEVELS)))


class WindowIn(In):
    registration_opens_at = BeijingTime(required=True)
    registration_closes_at = BeijingTime(required=True)
    payment_opens_at = BeijingTime(required=True)
    payment_closes_at = BeijingTime(required=True)
    review_mode = fields.String(required=True, validate=validate.OneOf(list(REVIEW_MODES)))
    phone = fields.String(load_default="", validate=validate.Length(max=40))
    notice_url = fields.String(load_default="", validate=URL)
    textbook_url = fields.String(load_default="", validate=URL)
    questionnaire_url = fields.String(load_default="", validate=URL)
    fees = fields.Dict(keys=fields.String(validate=validate.OneOf(list(SUBJECT_NAMES))),
                       values=fields.Integer(strict=True, validate=validate.Range(0, 1_000_000)), load_default=dict)
    required_proofs = fields.Dict(keys=fields.String(validate=validate.Length(max=32)),
                                  values=fields.List(fields.Dict()), load_default=dict)


class NoticeIn(In):
    kind = fields.String(required=True, validate=validate.OneOf(["notice", "announcement"]))
    title = fields.String(required=True, validate=validate.Length(min=1, max=100))
    body = fields.String(required=True, validate=validate.Length(min=1, max=20000))


class SiteIn(In):
    id = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=32))
    city_code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="城市代码为6位数字"))
    city_name = fields.String(required=True, validate=validate.Length(min=1, max=32))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    address = fields.String(load_default="", **TEXT)
    quota = fields.Integer(required=True, strict=True, validate=validate.Range(0, 1_000_000))
    active = fields.Boolean(load_default=True)


class StartIn(In):
    notice_version = fields.Integer(required=True)
    agree = fields.Boolean(required=True, metadata={"description": "完全同意"})
    acknowledged = fields.Boolean(required=True, metadata={"description": "已阅读并知晓"})


class AnnouncementIn(In):
    announcement_version = fields.Integer(required=True)
    acknowledged = fields.Boolean(required=True)


class RouteIn(In):
    route = fields.String(required=True, validate=validate.Length(max=32))
    locality_reason = fields.String(load_default=None, allow_none=True,
                                    validate=validate.OneOf(list(LOCALITY_REASONS)))


class InfoIn(In):
    site_id = fields.String(required=True, validate=validate.Length(max=32))
    subjects = fields.List(fields.String(validate=validate.Length(max=32)), required=True,
                           validate=validate.Length(max=5))
    entered = fields.Dict(load_default=dict)


class DecisionIn(In):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "return", "reject"]))
    reasons = fields.Dict(keys=fields.String(validate=validate.Length(max=80)),
                          values=fields.String(validate=validate.Length(max=500)), load_default=dict)
    note = fields.String(load_default="", validate=validate.Length(max=500))


class PostReviewDecisionIn(In):
    decision = fields.String(required=True, validate=validate.OneOf(["approve", "void"]))
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class DeleteIn(In):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))
