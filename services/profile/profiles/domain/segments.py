"""Education and work segments (with their accounting posts): loaded from JSON, dumped to it."""
from dataclasses import asdict, dataclass, field as dc_field
from datetime import date

from .credit_codes import normalize_credit_code
from .problems import Problem, _as_bool, _date_field, _end_field, _text


# --- segments ---------------------------------------------------------------------------

@dataclass(frozen=True)
class EducationSegment:
    study_mode: str
    school: str
    start_date: date | None
    end_date: date | None            # None = 至今 (still studying)
    education_level: str
    degree: str
    major: str
    education_cert_no: str = ""
    degree_cert_no: str = ""
    studied_abroad: bool = False


@dataclass(frozen=True)
class AccountingPost:
    post_level: str
    post: str
    start_date: date | None
    end_date: date | None = None     # None = 至今


@dataclass(frozen=True)
class WorkSegment:
    start_date: date | None
    end_date: date | None            # None = 至今
    employer: str
    credit_code: str
    employer_type: str
    industry: str
    address: str
    phone: str = ""
    has_accounting_work: bool = False
    posts: tuple[AccountingPost, ...] = dc_field(default_factory=tuple)
    title: str | None = None
    title_date: date | None = None


EDUCATION_LABELS = {"study_mode": "培养方式", "school": "学校名称", "start_date": "入学时间", "end_date": "毕业时间",
                    "education_level": "学历", "degree": "学位", "major": "所学专业",
                    "education_cert_no": "学历证书编号", "degree_cert_no": "学位证书编号"}
WORK_LABELS = {"start_date": "工作开始时间", "end_date": "工作结束时间", "employer": "单位名称",
               "credit_code": "统一社会信用代码", "employer_type": "单位类型", "industry": "所属行业",
               "address": "工作单位地址", "phone": "工作单位电话", "has_accounting_work": "是否有会计工作经历",
               "posts": "会计工作经历", "title": "会计专业职务", "title_date": "会计专业职务聘任时间"}
POST_LABELS = {"post_level": "会计人员岗位层级", "post": "从事会计工作岗位", "start_date": "会计工作开始时间",
               "end_date": "会计工作结束时间"}


def education_from_dict(raw: dict, index: int = 0) -> tuple[EducationSegment, list[Problem]]:
    """Load one education segment from JSON; problems are unreadable values only (check_education does rules)."""
    raw, problems, at = raw or {}, [], f"education.{index}"
    name = f"第{index + 1}段教育经历的"
    start = _date_field(raw, "start_date", f"{at}.start_date", name + "入学时间", problems)
    end = _end_field(raw, f"{at}.end_date", name + "毕业时间", problems)
    segment = EducationSegment(
        study_mode=_text(raw.get("study_mode")), school=_text(raw.get("school")), start_date=start, end_date=end,
        education_level=_text(raw.get("education_level")), degree=_text(raw.get("degree")),
        major=_text(raw.get("major")), education_cert_no=_text(raw.get("education_cert_no")),
        degree_cert_no=_text(raw.get("degree_cert_no")), studied_abroad=_as_bool(raw.get("studied_abroad")))
    return segment, problems


def _post_from_dict(raw: dict, at: str, name: str, problems: list) -> AccountingPost:
    raw = raw or {}
    return AccountingPost(post_level=_text(raw.get("post_level")), post=_text(raw.get("post")),
                          start_date=_date_field(raw, "start_date", f"{at}.start_date", name + "开始时间", problems),
                          end_date=_end_field(raw, f"{at}.end_date", name + "结束时间", problems))


def work_from_dict(raw: dict, index: int = 0) -> tuple[WorkSegment, list[Problem]]:
    """Load one work segment (with its accounting posts) from JSON; see education_from_dict."""
    raw, problems, at = raw or {}, [], f"work.{index}"
    name = f"第{index + 1}段工作经历的"
    posts = tuple(_post_from_dict(p, f"{at}.posts.{k}", f"{name}第{k + 1}条会计工作经历的会计工作", problems)
                  for k, p in enumerate(raw.get("posts") or []))
    segment = WorkSegment(
        start_date=_date_field(raw, "start_date", f"{at}.start_date", name + "工作开始时间", problems),
        end_date=_end_field(raw, f"{at}.end_date", name + "工作结束时间", problems),
        employer=_text(raw.get("employer")), credit_code=normalize_credit_code(raw.get("credit_code")),
        employer_type=_text(raw.get("employer_type")), industry=_text(raw.get("industry")),
        address=_text(raw.get("address")), phone=_text(raw.get("phone")),
        has_accounting_work=_as_bool(raw.get("has_accounting_work")), posts=posts,
        title=_text(raw.get("title")) or None,
        title_date=_date_field(raw, "title_date", f"{at}.title_date", name + "会计专业职务聘任时间", problems))
    return segment, problems


def _load(items, loader) -> tuple[list, list[Problem]]:
    """Accept segments or their JSON dicts."""
    out, problems = [], []
    for i, item in enumerate(items or []):
        if isinstance(item, dict):
            item, found = loader(item, i)
            problems += found
        out.append(item)
    return out, problems


def to_dict(segment) -> dict:
    """A segment (or post) as JSON-ready data: dates as ISO strings, posts as dicts."""
    def plain(value):
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value
    return plain(asdict(segment))
