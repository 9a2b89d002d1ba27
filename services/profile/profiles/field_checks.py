"""One field of the segment editor checked on its own, with the rules the step's save applies: the credit code
(GB 32100) and the dates of an education or work segment (readable, not in the future, end after start, start
after the age a study or a job can begin, from the person's registered birth date).

The gateway's field-check endpoint asks here when a person leaves such a field; the pages keep no copy."""
from datetime import date

from .domain import MIN_SCHOOL_AGE, MIN_WORK_AGE, credit_code_warnings, validate_credit_code
from .domain.experience import _dates_problems
from .domain.problems import _as_bool, parse_date
from .exceptions import DomainError

# field -> (the segment's date labels, the youngest age it can start at, the rules' code prefix)
DATE_FIELDS = {
    "education": (("入学时间", "毕业时间"), MIN_SCHOOL_AGE, "EDUCATION"),
    "work": (("工作开始时间", "工作结束时间"), MIN_WORK_AGE, "WORK"),
}
FIELDS = ("credit_code",) + tuple(f"{kind}.{end}" for kind in DATE_FIELDS for end in ("start_date", "end_date"))


def _credit_code(value: str) -> dict:
    code = validate_credit_code(value)
    return {"value": code, "warnings": credit_code_warnings(code)}


def _date(label: str, raw) -> date | None:
    try:
        return parse_date(raw)
    except (TypeError, ValueError):
        raise DomainError("DATE_INVALID", f"{label}格式不正确，请按“年-月-日”选择日期", "date") from None


def _segment_date(field: str, value, context: dict, birth: date | None, today: date) -> dict:
    kind, end = field.split(".")
    labels, min_age, code = DATE_FIELDS[kind]
    mine = _date(labels[end == "end_date"], value)
    if mine is None:
        return {"value": None}
    other_raw = context.get("end_date" if end == "start_date" else "start_date")
    try:
        other = parse_date(other_raw)
    except (TypeError, ValueError):
        other = None                     # the other field answers for itself
    if end == "start_date" and _as_bool(context.get("until_now")):
        other = None
    start, finish = (mine, other) if end == "start_date" else (other, mine)
    for problem in _dates_problems("segment", "", start, finish, birth, today, labels, min_age, code):
        if problem.field == f"segment.{end}":
            raise DomainError(problem.code, problem.message, end)
    return {"value": mine.isoformat()}


def check_field(field: str, value, context: dict | None, birth: date | None, today: date) -> dict:
    """{field, ok, value (the form the server keeps), warnings?, or code and message of the first broken rule}."""
    if field not in FIELDS:
        raise DomainError("FIELD_UNKNOWN", "该项不支持单独校验", "field")
    try:
        if field == "credit_code":
            kept = _credit_code(value)
        else:
            kept = _segment_date(field, value, context or {}, birth, today)
    except DomainError as exc:
        return {"field": field, "ok": False, "code": exc.code, "message": exc.message}
    return {"field": field, "ok": True, **kept}
