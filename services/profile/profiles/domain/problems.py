"""`Problem`, `raise_if` and the small parsing and checking helpers the rule modules share."""
import re
from dataclasses import dataclass
from datetime import date, datetime

from ..exceptions import RuleViolations


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    message: str


def raise_if(problems: list[Problem]):
    if problems:
        raise RuleViolations(problems)


# --- small helpers ----------------------------------------------------------------------

MAX_TEXT = 100


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ("" if value is None else str(value).strip())


def _period(start: date | None, end: date | None) -> str:
    """2012-09至2016-06, or 2020-09至今."""
    return f"{start:%Y-%m}至" + (f"{end:%Y-%m}" if end else "今")


def add_years(value: date, years: int) -> date:
    try:
        return value.replace(year=value.year + years)
    except ValueError:                      # 29 February in a non-leap year
        return value.replace(year=value.year + years, day=28)


def _ends(end: date | None) -> date:
    return end or date.max


def parse_date(value) -> date | None:
    """ISO `YYYY-MM-DD` (a datetime string's date part, or `YYYY-MM` as its first day); raise ValueError."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    if re.fullmatch(r"\d{4}-\d{2}", text):
        text += "-01"
    return date.fromisoformat(text[:10])


def _as_bool(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "y", "on", "是")
    return bool(value)


def _date_field(raw: dict, key: str, path: str, label: str, problems: list) -> date | None:
    try:
        return parse_date(raw.get(key))
    except (TypeError, ValueError):
        problems.append(Problem(path, "DATE_INVALID", f"{label}格式不正确，请按“年-月-日”选择日期"))
        return None


def _end_field(raw: dict, path: str, label: str, problems: list) -> date | None:
    """`until_now` true, or no end date, both mean 至今."""
    if _as_bool(raw.get("until_now")):
        return None
    end = _date_field(raw, "end_date", path, label, problems)
    if end is None and "until_now" in raw and not any(p.field == path for p in problems):
        problems.append(Problem(path, "END_DATE_REQUIRED", f"请填写{label}，尚未结束的请勾选“至今”"))
    return end


def _choice(problems, path, value, choices: dict, label, code, required=True):
    if not value:
        if required:
            problems.append(Problem(path, f"{code}_REQUIRED", f"请选择{label}"))
    elif value not in choices:
        problems.append(Problem(path, f"{code}_INVALID", f"{label}不在可选范围内，请重新选择"))


def _required_text(problems, path, value, label, code, max_len=MAX_TEXT):
    if not value:
        problems.append(Problem(path, f"{code}_REQUIRED", f"请填写{label}"))
    elif len(value) > max_len:
        problems.append(Problem(path, f"{code}_TOO_LONG", f"{label}不能超过{max_len}个字"))


def _overlaps(periods: list[tuple[date | None, date | None]]) -> list[tuple[int, int]]:
    """Pairs (earlier index, later index) whose periods cross; touching ends (end == next start) do not."""
    out = []
    for j, (start_j, end_j) in enumerate(periods):
        for i in range(j):
            start_i, end_i = periods[i]
            if None in (start_i, start_j):
                continue
            if start_i < _ends(end_j) and start_j < _ends(end_i):
                out.append((i, j))
    return out


def _required_date(data: dict, key: str, label: str, today: date, code: str, earliest: date | None = None):
    try:
        value = parse_date(data.get(key))
    except (TypeError, ValueError):
        return [Problem(key, "DATE_INVALID", f"{label}格式不正确，请按“年-月-日”选择日期")]
    if value is None:
        return [Problem(key, f"{code}_{key.upper()}_REQUIRED", f"请选择{label}")]
    if value > today:
        return [Problem(key, f"{code}_{key.upper()}_FUTURE", f"{label}（{value}）不能晚于今天")]
    if earliest and value < earliest:
        return [Problem(key, f"{code}_{key.upper()}_TOO_EARLY", f"{label}（{value}）不能早于{earliest}")]
    return []


def merge_problems(unreadable: list[Problem], rules: list[Problem]) -> list[Problem]:
    """An unreadable date is reported once, not again as missing."""
    fields = {p.field for p in unreadable}
    return unreadable + [p for p in rules if p.field not in fields]


# Telephone numbers of employers (work segments, transfers).
_PHONE = re.compile(r"[0-9+\-()（） ]{5,20}")
