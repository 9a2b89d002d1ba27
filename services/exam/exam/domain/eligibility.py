"""Eligibility per level and condition route (报考条件, domain-rules §6.2), with what is missing and how to fix it.

A record is the person's approved 信息采集 (education and work segments, qualifications) or, for a new candidate
without one, what they typed in the same shape. Each route gives one of:
  eligible    - the record meets the route;
  short       - the education is there but accounting work is short (or, for 初级, nothing is short): a 考前
                province refuses it, a 考后 province lets the candidate go on with a warning that post-exam
                review would void the result;
  ineligible  - the qualifying education, degree or qualification is missing: refused everywhere.
Unverified education (学信网 did not confirm the certificate) adds a warning, never a refusal.
"""
from dataclasses import dataclass, field

from .codes import EDUCATION_LABELS, EDUCATION_ORDER, RELATED_QUALIFICATIONS, ROUTES
from .experience import accounting_months, counted_to, parse_date, years_text


@dataclass(frozen=True)
class RouteResult:
    route: str
    label: str
    short_label: str
    outcome: str                     # eligible | short | ineligible
    reasons: tuple[str, ...] = ()    # what fails, in words
    fixes: tuple[str, ...] = ()      # what would fix it
    warnings: tuple[str, ...] = ()   # what post-exam review might find
    work_months: int = 0
    required_months: int = 0

    @property
    def eligible(self) -> bool:
        return self.outcome == "eligible"

    def as_dict(self) -> dict:
        return {"route": self.route, "label": self.label, "short_label": self.short_label, "outcome": self.outcome,
                "eligible": self.eligible, "reasons": list(self.reasons), "fixes": list(self.fixes),
                "warnings": list(self.warnings), "work_months": self.work_months,
                "work_text": years_text(self.work_months), "required_months": self.required_months}


@dataclass(frozen=True)
class Record:
    education: list = field(default_factory=list)
    work: list = field(default_factory=list)
    qualifications: list = field(default_factory=list)
    titles: list = field(default_factory=list)      # (title, date) from work segments


def _rank(level: str | None) -> int:
    return EDUCATION_ORDER.index(level) if level in EDUCATION_ORDER else -1


def _finished(segment: dict) -> bool:
    return parse_date(segment.get("end_date")) is not None


def _unverified(segment: dict) -> bool:
    """学信网 checked a certificate and did not confirm it (no check at all: below 大专, nothing to verify)."""
    checks = segment.get("checks") or {}
    return bool(checks) and any((c or {}).get("status") != "verified" for c in checks.values())


def qualifying_segments(route: str, education: list[dict]) -> list[dict]:
    """The finished education segments that satisfy the route's education or degree condition."""
    finished = [s for s in education or [] if _finished(s)]
    if route == "high_school":
        return [s for s in finished if _rank(s.get("education_level")) >= _rank("high_school")] or \
            [s for s in education or [] if _rank(s.get("education_level")) >= _rank("associate")]
    if route in ("associate_5",):
        return [s for s in finished if _rank(s.get("education_level")) >= _rank("associate")]
    if route in ("bachelor_4", "senior_standard"):
        return [s for s in finished if _rank(s.get("education_level")) >= _rank("bachelor")
                or s.get("degree") in ("bachelor", "master", "doctor")]
    if route == "second_bachelor_2":
        bachelors = [s for s in finished if s.get("degree") == "bachelor"]
        return bachelors if len(bachelors) >= 2 else []
    if route == "master_1":
        return [s for s in finished if s.get("degree") in ("master", "doctor")]
    if route == "doctor":
        return [s for s in finished if s.get("degree") == "doctor"]
    return []


MISSING_EDUCATION = {
    "high_school": ("未找到高中（含中专、职高、技校）及以上学历", "请在信息采集中补充学历信息，或上传高中及以上学历证书"),
    "associate_5": ("未找到已毕业的大学专科及以上学历", "请在信息采集（信息变更）中补充大专及以上教育经历"),
    "bachelor_4": ("未找到已毕业的大学本科学历或学士学位", "请在信息采集（信息变更）中补充本科教育经历或学士学位，并上传学位证书"),
    "second_bachelor_2": ("未找到第二学士学位或研究生班毕业记录", "请在教育经历中补充第二学士学位，或上传研究生班毕业证书"),
    "master_1": ("未找到已取得的硕士学位", "请在教育经历中补充硕士学位及学位证书编号"),
    "doctor": ("未找到已取得的博士学位", "请在教育经历中补充博士学位及学位证书编号"),
    "senior_standard": ("未找到本科及以上学历", "请在教育经历中补充本科及以上学历"),
}


def related_qualification(qualifications: list[dict]) -> dict | None:
    """An approved 经济/统计/审计 qualification of intermediate level or above."""
    for q in qualifications or []:
        data = q.get("data") or q
        if q.get("status", "approved") == "approved" and data.get("type") in RELATED_QUALIFICATIONS \
                and data.get("level") in ("intermediate", "senior"):
            return q
    return None


def _short(route: str) -> str:
    for routes in ROUTES.values():
        if route in routes:
            return routes[route].get("short", routes[route]["label"])
    return route


def evaluate(level: str, route: str, record: Record, exam_year: int) -> RouteResult:
    spec = ROUTES.get(level, {}).get(route)
    if spec is None:
        return RouteResult(route, "", route, "ineligible", ("报考条件不属于该级别",), ("请重新选择报考条件",))
    label, short = spec["label"], _short(route)
    if route == "related_qualification":
        if related_qualification(record.qualifications):
            return RouteResult(route, label, short, "eligible")
        return RouteResult(route, label, short, "ineligible",
                           (f"{short}：未找到已审核通过的中级经济、统计或审计专业技术资格",),
                           ("请先在“职称管理”中登记该资格并上传证书，审核通过后再报名",))
    segments = qualifying_segments(route, record.education)
    if not segments:
        reason, fix = MISSING_EDUCATION[route]
        return RouteResult(route, label, short, "ineligible", (f"{short}：{reason}",), (fix,))
    warnings = tuple(f"{short}：{EDUCATION_LABELS.get(s.get('education_level'), '学历')}证书（{s.get('school') or ''}）"
                     "未经学信网核验通过，资格审核时需提供学历（学位）证书原件" for s in segments if _unverified(s))
    required = spec["years"] * 12
    if route == "senior_standard":
        months = _months_after_title(record, exam_year)
    else:
        months = accounting_months(record.education, record.work, exam_year) if required else 0
    if months >= required:
        return RouteResult(route, label, short, "eligible", warnings=warnings, work_months=months,
                           required_months=required)
    end = counted_to(exam_year).isoformat()
    what = "取得会计师资格后的工作年限" if route == "senior_standard" else "会计工作年限"
    reason = f"{short}：您的{what}计至{end}为{years_text(months)}，还差{years_text(required - months)}"
    fix = "如有未登记的会计工作经历，请在信息变更中补充；或选择其他报考条件"
    return RouteResult(route, label, short, "short", (reason,), (fix,), warnings, months, required)


def _months_after_title(record: Record, exam_year: int) -> int:
    from .experience import Span, months_of
    dates = [parse_date(d) for title, d in record.titles if title in ("title_accountant", "title_senior")]
    dates = [d for d in dates if d]
    if not dates:
        return 0
    start, end = min(dates), counted_to(exam_year)
    return months_of([Span(start, end)]) if end >= start else 0


def evaluate_all(level: str, record: Record, exam_year: int) -> list[RouteResult]:
    return [evaluate(level, route, record, exam_year) for route in ROUTES.get(level, {})]


def may_proceed(result: RouteResult, review_mode: str) -> bool:
    """考前: only an eligible route; 考后 or none: also a route short of work years (with a warning)."""
    if result.outcome == "eligible":
        return True
    return result.outcome == "short" and review_mode != "pre_exam"


def post_exam_warnings(result: RouteResult, review_mode: str) -> list[str]:
    """What the candidate is told before paying in a 考后 province: the record would fail post-exam review."""
    if review_mode != "post_exam":
        return []
    out = [f"{r}。考后资格审核时将核验，审核不通过的考试成绩无效" for r in result.reasons] if result.outcome == "short" else []
    return out + list(result.warnings)


def record_from_profile(profile: dict) -> Record:
    titles = [(w.get("title"), w.get("title_date")) for w in profile.get("work") or [] if w.get("title")]
    return Record(education=list(profile.get("education") or []), work=list(profile.get("work") or []),
                  qualifications=list(profile.get("qualifications") or []), titles=titles)
