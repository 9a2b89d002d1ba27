"""One field checked on its own, with the very rules registration, 找回密码 and 修改密码 apply.

The pages ask when a person leaves a field (POST /api/v1/field-checks) and show the answer's message; they keep
no copy of a rule. A check that needs another field (the number's type, the password against the ID number and
phone) reads it from `context`, as the form holds it at that moment."""
from dataclasses import dataclass
from datetime import date

from . import domain, nationalities
from .exceptions import DomainError

FIELDS = ("id_type", "id_number", "name", "phone", "password", "password_confirm", "nationality")


def _id_number(value, context, today):
    info = domain.validate_id_number(context.get("id_type") or "mainland_id", value, today)
    if info.birth_date:
        domain.check_registration_age(info.birth_date, today)
    return info.id_number


def _password(value, context, today):
    id_type = context.get("id_type") or "mainland_id"
    id_number, phone = context.get("id_number"), context.get("phone")
    try:
        id_number = domain.validate_id_number(id_type, id_number, today).id_number if id_number else None
    except DomainError:
        id_number = domain.normalize_id_number(id_number)
    try:
        phone = domain.normalize_phone(phone) if phone else None
    except DomainError:
        pass
    domain.check_password(value, id_number=id_number, phone=phone)
    return None


def _password_confirm(value, context, today):
    domain.check_password_confirm(context.get("password"), value)
    return None


def _id_type(value, context, today):
    if value not in domain.ID_TYPES:
        raise DomainError("ID_TYPE_INVALID", "请选择证件类型", "id_type")
    return value


RULES = {
    "id_type": _id_type,
    "id_number": _id_number,
    "name": lambda value, context, today: domain.validate_name(value),
    "phone": lambda value, context, today: domain.normalize_phone(value),
    "password": _password,
    "password_confirm": _password_confirm,
    "nationality": lambda value, context, today: nationalities.check_nationality("foreign_passport", value),
}


def check_field(field: str, value, context: dict | None, today: date) -> dict:
    """{field, ok, value (the form the server keeps), or code and message of the first broken rule}."""
    rule = RULES.get(field)
    if rule is None:
        raise DomainError("FIELD_UNKNOWN", "该项不支持单独校验", "field")
    try:
        kept = rule(value if isinstance(value, str) else ("" if value is None else str(value)), context or {}, today)
    except DomainError as exc:
        return {"field": field, "ok": False, "code": exc.code, "message": exc.message}
    return {"field": field, "ok": True, "value": kept}


@dataclass(frozen=True)
class Registration:
    info: domain.IdInfo
    name: str
    phone: str
    nationality: str | None


def check_registration(data: dict, today: date) -> Registration:
    """Every rule of a registration form that needs no database, in the order registration applies them; the
    first broken one is raised. check_field runs the same functions one field at a time."""
    info = domain.validate_id_number(data["id_type"], data["id_number"], today)
    if info.birth_date:
        domain.check_registration_age(info.birth_date, today)
    name = domain.validate_name(data["name"])
    phone = domain.normalize_phone(data["phone"])
    domain.check_password(data["password"], id_number=info.id_number, phone=phone)
    domain.check_password_confirm(data["password"], data["password_confirm"])
    nationality = nationalities.check_nationality(info.id_type, data.get("nationality"))
    return Registration(info, name, phone, nationality)
