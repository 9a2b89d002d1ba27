"""Continuing-education rules as plain functions (domain-rules §5, manual 004 §8): the forms and their derived
年度, the conversions of article 13, the provinces' training-hour rates as versioned data, the yearly requirement
(90 a year, professional at least 60 or two thirds), no carry-over, the claims that cannot be made twice, and the
preview a person sees before submitting. Nothing here touches the database or the wire."""
import copy
import math
import re
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

NATIONAL = "000000"

# 继续教育形式 (glossary): the eight 专业科目 forms of §8.2.1 and the 公需科目 training of §8.2.2.
FORMS = {
    "online_training": "线上培训",
    "offline_training": "线下培训",
    "paper": "论文",
    "conference": "会议",
    "book": "著作",
    "exam": "考试",
    "degree_course": "学历（学位）",
    "research_project": "课题结项",
    "public_training": "公需科目",
}
PROFESSIONAL_FORMS = tuple(f for f in FORMS if f != "public_training")
TRAINING_FORMS = ("online_training", "offline_training", "public_training")
KIND_LABELS = {"professional": "专业科目", "public": "公需科目"}
METHODS = {"personal": "个人申请", "institution": "机构报送", "system": "系统折算", "correction": "管理部门更正"}

# The field the manual derives 年度 from, and how the form labels it.
YEAR_SOURCE = {
    "online_training": ("start_date", "继续教育年度（以培训开始年度为准）"),
    "offline_training": ("start_date", "继续教育年度（以培训开始年度为准）"),
    "public_training": ("start_date", "继续教育年度（以培训开始年度为准）"),
    "paper": ("published_on", "年度（以论文发表年度为准）"),
    "conference": ("start_date", "年度（以参加会议年度为准）"),
    "book": ("published_month", "年度（以著作出版年度为准）"),
    "exam": ("exam_date", "年度（以考试年度为准）"),
    "degree_course": ("passed_on", "年度（以成绩合格年度为准）"),
    "research_project": ("completed_on", "年度（以课题结项年度为准）"),
}
AUTHOR_RANKS = {"independent": "独立作者", "first": "第一作者", "other": "其他作者"}
JOURNAL_NO_KINDS = ("CN", "ISSN")
SUBJECT_TYPES = ("会计理论与实务", "财务管理", "内部控制", "管理会计", "会计信息化", "税收法规", "审计", "职业道德", "其他")
EXAM_TYPES = ("全国会计专业技术资格考试", "注册会计师全国统一考试", "全国税务师统一考试", "资产评估师职业资格考试",
              "全国审计专业技术资格考试", "其他会计相关考试")
EDUCATIONS = ("中专", "大专", "本科", "硕士研究生", "博士研究生")

# The national standard (article 13) and a training rate; provinces publish their own versions from a date on.
DEFAULT_RULES = {
    "required_total": 90,
    "required_professional": 60,
    "professional_rule": "floor",          # floor: professional ≥ required_professional; ratio: ≥ ⌈2/3 × total⌉
    "late_until": "03-31",                 # a year still takes applications until this day of the next year
    "training": {"minutes_per_class_hour": 45, "credits_per_class_hour": 3, "daily_cap_class_hours": 10},
    "paper": {"independent": 30, "first": 30, "other": 10},
    "conference_per_day": 10,
    "book": {"independent": 90, "first": 90, "other": 60},
    "exam_per_subject": 90,
    "degree_per_course": 90,
    "research": {"independent": 90, "host": 90, "other": 60},
}


class Problem(Exception):
    """A broken rule with the field it concerns (the service turns it into a 4xx)."""

    def __init__(self, code: str, message: str, field: str | None = None, status: int = 422):
        super().__init__(message)
        self.code, self.message, self.field, self.status = code, message, field, status


# --- numbers ------------------------------------------------------------------------------------

def credits(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def fmt(value) -> str:
    """30 → "30", 53.6 → "53.6"."""
    number = credits(value)
    return str(number.quantize(Decimal(1))) if number == number.to_integral() else str(number)


# --- the rules in force -------------------------------------------------------------------------

def province_of(department_code: str | None) -> str:
    return (department_code or NATIONAL)[:2] + "0000" if department_code and department_code != NATIONAL else NATIONAL


def merged(rules: dict | None) -> dict:
    """A version's rules over the national standard (a province may publish only what differs)."""
    out = copy.deepcopy(DEFAULT_RULES)
    for key, value in (rules or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class Version:
    id: str | None
    province_code: str
    effective_from: date
    rules: dict


def in_force(versions: list[Version], province_code: str, on: date) -> Version:
    """The province's latest version effective on `on`; else the national one; else the built-in standard."""
    for scope in (province_code, NATIONAL):
        found = [v for v in versions if v.province_code == scope and v.effective_from <= on]
        if found:
            chosen = max(found, key=lambda v: v.effective_from)
            return Version(chosen.id, chosen.province_code, chosen.effective_from, merged(chosen.rules))
    return Version(None, NATIONAL, date(2000, 1, 1), merged({}))


# --- 年度 and the window ------------------------------------------------------------------------------

def year_source(form: str) -> str:
    return YEAR_SOURCE[form][0]


def source_date(form: str, data: dict) -> date:
    value = data.get(year_source(form))
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value):      # 著作出版年月
        value = date(int(value[:4]), int(value[5:]), 1)
    if not isinstance(value, date):
        raise Problem("REQUIRED", "请填写" + FIELD_LABELS.get(year_source(form), "日期"), year_source(form))
    return value


def derive_year(form: str, data: dict) -> int:
    """年度 is never typed: it is the year of the date the manual names for the form."""
    return source_date(form, data).year


def check_year(year: int, today: date, field: str, late_until: str = "03-31"):
    """A future year cannot be applied for; a past year is closed (frozen) once the late window has passed."""
    if year > today.year:
        raise Problem("FUTURE_YEAR", f"继续教育年度{year}年尚未到来，不能申请", field)
    month, day = (int(x) for x in late_until.split("-"))
    if year < today.year and not (year == today.year - 1 and today <= date(today.year, month, day)):
        raise Problem("YEAR_CLOSED", f"{year}年度继续教育已结束，学分不再变更（如需更正请联系会计管理部门）", field)


# --- checks across fields --------------------------------------------------------------------------

FIELD_LABELS = {
    "start_date": "开始时间", "end_date": "结束时间", "institution": "培训机构名称", "published_on": "论文发表时间",
    "published_month": "著作出版年月", "exam_date": "考试时间", "passed_on": "成绩合格时间",
    "enrolled_on": "入学时间", "completed_on": "结项时间", "started_on": "立项时间", "days": "与会天数",
    "rows": "培训经历", "host": "是否主持",
}


def check_dates(form: str, data: dict, today: date):
    """End not before start, nothing that decides the year after today."""
    pairs = {"conference": ("start_date", "end_date"), "degree_course": ("enrolled_on", "passed_on"),
             "research_project": ("started_on", "completed_on")}
    start_field, end_field = pairs.get(form, ("start_date", "end_date") if form in TRAINING_FORMS else (None, None))
    if start_field and data.get(start_field) and data.get(end_field) and data[end_field] < data[start_field]:
        names = {"passed_on": "成绩合格时间不能早于入学时间", "completed_on": "结项时间不能早于立项时间"}
        message = names.get(end_field, "结束时间不能早于开始时间")
        raise Problem("END_BEFORE_START", message, end_field)
    when = source_date(form, data)
    if when > today:
        raise Problem("DATE_IN_FUTURE", f"{FIELD_LABELS.get(year_source(form), '日期')}不能晚于今天", year_source(form))
    if end_field and data.get(end_field) and data[end_field] > today:
        raise Problem("DATE_IN_FUTURE", f"{FIELD_LABELS.get(end_field, '结束时间')}不能晚于今天", end_field)
    if form == "research_project" and not data.get("independent") and data.get("host") is None:
        raise Problem("REQUIRED", "不是独立承担时请选择是否主持", "host")


# --- conversions (article 13; training by the province's rate) ------------------------------------------

def training_row_credits(minutes: int, rules: dict) -> Decimal:
    t = rules["training"]
    return credits(Decimal(minutes) / Decimal(t["minutes_per_class_hour"]) * Decimal(str(t["credits_per_class_hour"])))


def kind_of(form: str) -> str:
    return "public" if form == "public_training" else "professional"


def convert(form: str, data: dict, rules: dict) -> tuple[Decimal, list[Decimal]]:
    """The credits of an application (and of each training row): the service computes them, nobody types them."""
    if form in TRAINING_FORMS:
        rows = data.get("rows") or []
        if not rows:
            raise Problem("ROWS_REQUIRED", "请新增至少一条培训经历", "rows")
        row_credits = [training_row_credits(int(r["minutes"]), rules) for r in rows]
        t = rules["training"]
        days = (data["end_date"] - data["start_date"]).days + 1
        cap = days * t["daily_cap_class_hours"] * t["minutes_per_class_hour"]
        if sum(int(r["minutes"]) for r in rows) > cap:
            raise Problem("TRAINING_OVER_DAILY_CAP",
                          f"培训时长合计超过上限：每天最多{t['daily_cap_class_hours']}学时"
                          f"（{t['minutes_per_class_hour']}分钟为1学时），本次培训{days}天最多{cap}分钟", "rows")
        return credits(sum(row_credits)), row_credits
    if form == "paper":
        return credits(rules["paper"][data["author_rank"]]), []
    if form == "book":
        return credits(rules["book"][data["author_rank"]]), []
    if form == "conference":
        days = int(data["days"])
        span = (data["end_date"] - data["start_date"]).days + 1
        if days > span:
            raise Problem("DAYS_OVER_SPAN", f"与会天数不能超过会议天数（{span}天）", "days")
        return credits(days * rules["conference_per_day"]), []
    if form == "exam":
        return credits(rules["exam_per_subject"]), []
    if form == "degree_course":
        return credits(rules["degree_per_course"]), []
    if form == "research_project":
        role = "independent" if data.get("independent") else ("host" if data.get("host") else "other")
        return credits(rules["research"][role]), []
    raise Problem("FORM_UNKNOWN", "请选择继续教育形式", "form")


def _norm(text) -> str:
    return re.sub(r"[\s\u3000·,，.。:：;；《》<>\"'“”‘’()（）\-—_]+", "", str(text or "")).upper()


def claim_key(form: str, data: dict) -> str | None:
    """What cannot be claimed twice by the same person: the same paper, book, exam subject, course or project."""
    if form == "paper":
        return f"paper:{_norm(data.get('journal_no'))}:{_norm(data.get('title'))}"
    if form == "book":
        return f"book:{_norm(data.get('isbn'))}"
    if form == "exam":
        return exam_claim_key(data.get("exam_type"), data.get("subject"))
    if form == "degree_course":
        return f"degree:{_norm(data.get('school'))}:{_norm(data.get('course'))}"
    if form == "research_project":
        return f"research:{_norm(data.get('number'))}"
    return None


def exam_claim_key(exam_type, subject) -> str:
    return f"exam:{_norm(exam_type)}:{_norm(subject)}"


def duplicate_message(form: str) -> str:
    what = {"paper": "该论文", "book": "该著作", "exam": "该考试科目", "degree_course": "该课程",
            "research_project": "该课题"}.get(form, "该项目")
    return f"{what}已申请过继续教育学分，不能重复申请"


CLAIM_FIELD = {"paper": "title", "book": "isbn", "exam": "subject", "degree_course": "course",
               "research_project": "number"}


# --- the year ---------------------------------------------------------------------------------------

def required_professional(total: Decimal, rules: dict) -> Decimal:
    if rules.get("professional_rule") == "ratio":
        return credits(math.ceil(max(Decimal(rules["required_total"]), total) * 2 / 3))
    return credits(rules["required_professional"])


def year_status(year: int, professional, public, rules: dict) -> dict:
    """One year's record: credits count only in their own year (no carry-over)."""
    professional, public = credits(professional), credits(public)
    total = professional + public
    need_total = credits(rules["required_total"])
    need_prof = required_professional(total, rules)
    missing_prof = max(Decimal(0), need_prof - professional)
    missing_total = max(Decimal(0), need_total - total, missing_prof)
    met = missing_total == 0 and missing_prof == 0
    if met:
        message = f"{year}年度继续教育已达标：共{fmt(total)}学分，其中专业科目{fmt(professional)}学分"
        suggestions = []
    else:
        parts = [f"{year}年度继续教育未达标：还差{fmt(missing_total)}学分"]
        if missing_prof:
            parts.append(f"其中专业科目至少还差{fmt(missing_prof)}学分")
        message = "，".join(parts)
        forms = PROFESSIONAL_FORMS if missing_prof or missing_total > 0 else ()
        suggestions = [FORMS[f] for f in forms]
        message += "；可通过" + "、".join(suggestions) + ("等专业科目取得" if missing_prof else "或公需科目培训取得")
    return {"year": year, "total": float(total), "professional": float(professional), "public": float(public),
            "required_total": float(need_total), "required_professional": float(need_prof), "met": met,
            "missing_total": float(missing_total), "missing_professional": float(missing_prof),
            "suggestions": suggestions, "message": message}


def preview_text(year: int, kind: str, amount, total_after, required_total) -> str:
    return (f"计为 {year} 年{KIND_LABELS[kind]} {fmt(amount)} 学分；"
            f"提交后 {year} 年共 {fmt(total_after)}/{fmt(required_total)} 学分")
