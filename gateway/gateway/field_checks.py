"""The one field-check endpoint's routing: each field goes to the service whose rules own it."""
from ausm_common.errors import ValidationFailed

from .rpc import services

IDENTITY_FIELDS = frozenset({"id_type", "id_number", "name", "phone", "password", "password_confirm", "nationality"})
PROFILE_FIELDS = frozenset({"credit_code", "education.start_date", "education.end_date", "work.start_date",
                            "work.end_date"})


def check(data: dict) -> dict:
    field = data["field"]
    if field in IDENTITY_FIELDS:
        return services.identity.check_field(field, data.get("value"), data.get("context") or {})
    if field in PROFILE_FIELDS:
        return services.profile.check_field(field, data.get("value"), data.get("context") or {})
    raise ValidationFailed("FIELD_UNKNOWN", "该项不支持单独校验", {"field": "该项不支持单独校验"})
