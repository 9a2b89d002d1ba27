"""The rules of the education (manual §3.4) and work (manual §3.5) steps, segment by segment and as a list."""
from datetime import date

from .codes import (ACCOUNTING_POST_LEVELS, ACCOUNTING_POSTS, DEGREES, DEGREES_FOR_LEVEL, EDUCATION_LEVEL_ORDER,
                    EDUCATION_LEVELS, EMPLOYER_TYPES, INDUSTRIES, SCOPES, STUDY_MODES, TITLES)
from .credit_codes import _credit_code_problems
from .problems import _PHONE, Problem, _choice, _ends, _overlaps, _period, _required_text, add_years
from .segments import EducationSegment, WorkSegment


# --- education (manual §3.4) --------------------------------------------------------------

MIN_SCHOOL_AGE = 3                  # no study starts before the third birthday
MIN_WORK_AGE = 16                   # 劳动法: no employment before 16


def _level_rank(level: str) -> int:
    return EDUCATION_LEVEL_ORDER.index(level) if level in EDUCATION_LEVELS else -1


def _dates_problems(at, name, start, end, birth, today, labels, min_age, code) -> list[Problem]:
    out = []
    start_label, end_label = labels
    if start and end and end <= start:
        out.append(Problem(f"{at}.end_date", f"{code}_DATES_ORDER",
                           f"{name}{end_label}（{end}）应晚于{start_label}（{start}）"))
    if start and start > today:
        out.append(Problem(f"{at}.start_date", f"{code}_DATE_FUTURE", f"{name}{start_label}（{start}）不能晚于今天"))
    if end and end > today:
        hint = "；尚未结束的请勾选“至今”"
        out.append(Problem(f"{at}.end_date", f"{code}_DATE_FUTURE", f"{name}{end_label}（{end}）不能晚于今天{hint}"))
    if start and birth and start < add_years(birth, min_age):
        out.append(Problem(f"{at}.start_date", f"{code}_TOO_EARLY",
                           f"{name}{start_label}（{start}）早于年满{min_age}周岁的日期（{add_years(birth, min_age)}），请核对"))
    return out


def education_segment_problems(segment: EducationSegment, index: int, birth_date: date | None,
                               today: date) -> list[Problem]:
    """The rules of one segment on its own (fields, dates, degree against level)."""
    at, name, s, out = f"education.{index}", f"第{index + 1}段教育经历的", segment, []
    _choice(out, f"{at}.study_mode", s.study_mode, STUDY_MODES, name + "培养方式", "EDUCATION_STUDY_MODE")
    _required_text(out, f"{at}.school", s.school, name + "学校名称", "EDUCATION_SCHOOL")
    if not s.start_date:
        out.append(Problem(f"{at}.start_date", "EDUCATION_START_REQUIRED", f"请填写{name}入学时间"))
    _choice(out, f"{at}.education_level", s.education_level, EDUCATION_LEVELS, name + "学历", "EDUCATION_LEVEL")
    _choice(out, f"{at}.degree", s.degree, DEGREES, name + "学位（未取得学位的请选择“无”）", "EDUCATION_DEGREE")
    _required_text(out, f"{at}.major", s.major, name + "所学专业", "EDUCATION_MAJOR")
    finished = s.end_date is not None
    if finished:             # certificates exist once the study is over
        _required_text(out, f"{at}.education_cert_no", s.education_cert_no, name + "学历证书编号",
                       "EDUCATION_CERT_NO", 50)
        if s.degree in DEGREES and s.degree != "none":
            _required_text(out, f"{at}.degree_cert_no", s.degree_cert_no, name + "学位证书编号", "DEGREE_CERT_NO", 50)
    if s.degree == "none" and s.degree_cert_no:
        out.append(Problem(f"{at}.degree_cert_no", "DEGREE_CERT_NO_UNEXPECTED",
                           f"{name}学位为“无”，不需要填写学位证书编号"))
    allowed = DEGREES_FOR_LEVEL.get(s.education_level)
    if allowed and s.degree in DEGREES and s.degree not in allowed:
        names = "、".join(DEGREES[d] for d in allowed)
        out.append(Problem(f"{at}.degree", "DEGREE_LEVEL_MISMATCH",
                           f"{name}学历为{EDUCATION_LEVELS[s.education_level]}，学位不能为{DEGREES[s.degree]}"
                           f"（可选：{names}）"))
    out += _dates_problems(at, name, s.start_date, s.end_date, birth_date, today, ("入学时间", "毕业时间"),
                           MIN_SCHOOL_AGE, "EDUCATION")
    return out


def _period_problems(kind: str, noun: str, periods, only: int | None = None) -> list[Problem]:
    """No two periods cross; at most one is 至今. `only` limits the report to pairs with that index."""
    out = []
    open_ended = [i for i, (start, end) in enumerate(periods) if start and end is None]
    for i, j in _overlaps(periods):
        if only is not None and only not in (i, j):
            continue
        me, other = (j, i) if only is None or only == j else (i, j)
        if i in open_ended and j in open_ended:
            out.append(Problem(f"{kind}.{me}.end_date", f"{kind.upper()}_UNTIL_NOW_MULTIPLE",
                               f"第{me + 1}段{noun}和第{other + 1}段都选择了“至今”，只有当前的一段可以选择“至今”"))
            continue
        start, end = periods[other]
        out.append(Problem(f"{kind}.{me}.start_date", f"{kind.upper()}_OVERLAP",
                           f"第{me + 1}段{noun}与第{other + 1}段时间重叠（{_period(start, end)}）"))
    return out


def education_scope_problems(segments: list[EducationSegment], scope: str | None) -> list[Problem]:
    out = []
    if not segments:
        out.append(Problem("education", "EDUCATION_REQUIRED", "请至少填写一段教育经历"))
    if scope == "doctor_for_intermediate" and not any(s.degree == "doctor" and s.end_date for s in segments):
        out.append(Problem("education", "SCOPE_DOCTOR_DEGREE_REQUIRED",
                           f"采集范围为“{SCOPES[scope]}”，教育经历中须有已取得的博士学位"))
    return out


def check_education(segments: list[EducationSegment], birth_date: date | None, today: date,
                    scope: str | None) -> list[Problem]:
    """Every rule of the education step (manual §3.4): fields, dates, overlaps, degree and scope."""
    out = []
    for i, segment in enumerate(segments):
        out += education_segment_problems(segment, i, birth_date, today)
    out += _period_problems("education", "教育经历", [(s.start_date, s.end_date) for s in segments])
    return out + education_scope_problems(segments, scope)


# --- work (manual §3.5) -------------------------------------------------------------------


def _post_problems(segment: WorkSegment, index: int, today: date) -> list[Problem]:
    out, at, name = [], f"work.{index}", f"第{index + 1}段工作经历的"
    for k, post in enumerate(segment.posts):
        here, label = f"{at}.posts.{k}", f"{name}第{k + 1}条会计工作经历的"
        _choice(out, f"{here}.post_level", post.post_level, ACCOUNTING_POST_LEVELS, label + "会计人员岗位层级",
                "POST_LEVEL")
        _choice(out, f"{here}.post", post.post, ACCOUNTING_POSTS, label + "从事会计工作岗位", "POST")
        if not post.start_date:
            out.append(Problem(f"{here}.start_date", "POST_START_REQUIRED", f"请填写{label}会计工作开始时间"))
            continue
        out += _dates_problems(here, label, post.start_date, post.end_date, None, today,
                               ("会计工作开始时间", "会计工作结束时间"), 0, "POST")
        if segment.start_date and post.start_date < segment.start_date:
            out.append(Problem(f"{here}.start_date", "POST_OUTSIDE_WORK",
                               f"{label}会计工作开始时间（{post.start_date}）不能早于该单位工作开始时间"
                               f"（{segment.start_date}）"))
        if segment.end_date and _ends(post.end_date) > segment.end_date:
            out.append(Problem(f"{here}.end_date", "POST_OUTSIDE_WORK",
                               f"{label}会计工作结束时间（{post.end_date or '至今'}）不能晚于该单位工作结束时间"
                               f"（{segment.end_date}）"))
    for i, j in _overlaps([(p.start_date, p.end_date) for p in segment.posts]):
        other = segment.posts[i]
        out.append(Problem(f"{at}.posts.{j}.start_date", "POST_OVERLAP",
                           f"{name}第{j + 1}条会计工作经历与第{i + 1}条时间重叠（{_period(other.start_date, other.end_date)}）"))
    return out


def work_segment_problems(segment: WorkSegment, index: int, birth_date: date | None, today: date) -> list[Problem]:
    """The rules of one work segment on its own: fields, credit code, dates, posts, title."""
    at, name, s, out = f"work.{index}", f"第{index + 1}段工作经历的", segment, []
    if not s.start_date:
        out.append(Problem(f"{at}.start_date", "WORK_START_REQUIRED", f"请填写{name}工作开始时间"))
    _required_text(out, f"{at}.employer", s.employer, name + "单位名称", "WORK_EMPLOYER")
    out += _credit_code_problems(f"{at}.credit_code", s.credit_code, name)
    _choice(out, f"{at}.employer_type", s.employer_type, EMPLOYER_TYPES, name + "单位类型", "WORK_EMPLOYER_TYPE")
    _choice(out, f"{at}.industry", s.industry, INDUSTRIES, name + "所属行业", "WORK_INDUSTRY")
    _required_text(out, f"{at}.address", s.address, name + "工作单位地址", "WORK_ADDRESS")
    if s.phone and not _PHONE.fullmatch(s.phone):
        out.append(Problem(f"{at}.phone", "WORK_PHONE_INVALID", f"{name}工作单位电话格式不正确（5～20位数字，可含区号和“-”）"))
    out += _dates_problems(at, name, s.start_date, s.end_date, birth_date, today, ("工作开始时间", "工作结束时间"),
                           MIN_WORK_AGE, "WORK")
    if s.has_accounting_work and not s.posts:
        out.append(Problem(f"{at}.posts", "WORK_POSTS_REQUIRED",
                           f"{name}选择了有会计工作经历，请新增本单位会计工作经历"))
    elif s.posts and not s.has_accounting_work:
        out.append(Problem(f"{at}.has_accounting_work", "WORK_POSTS_UNEXPECTED",
                           f"{name}填写了会计工作经历，“是否有会计工作经历”应选择“是”"))
    out += _post_problems(s, index, today)
    return out + _title_problems(s, at, name, today)


def _title_problems(s: WorkSegment, at: str, name: str, today: date) -> list[Problem]:
    out = []
    if s.title and s.title not in TITLES:
        out.append(Problem(f"{at}.title", "WORK_TITLE_INVALID", f"{name}会计专业职务不在可选范围内"))
    if s.title and not s.title_date:
        out.append(Problem(f"{at}.title_date", "WORK_TITLE_DATE_REQUIRED",
                           f"{name}填写了会计专业职务，请选择会计专业职务聘任时间"))
    elif s.title_date and not s.title:
        out.append(Problem(f"{at}.title", "WORK_TITLE_REQUIRED", f"{name}填写了聘任时间，请选择会计专业职务"))
    if s.title_date:
        if s.start_date and s.title_date < s.start_date:
            out.append(Problem(f"{at}.title_date", "WORK_TITLE_DATE_TOO_EARLY",
                               f"{name}会计专业职务聘任时间（{s.title_date}）不能早于工作开始时间（{s.start_date}）"))
        if s.end_date and s.title_date > s.end_date:
            out.append(Problem(f"{at}.title_date", "WORK_TITLE_DATE_TOO_LATE",
                               f"{name}会计专业职务聘任时间（{s.title_date}）不能晚于工作结束时间（{s.end_date}）"))
        if s.title_date > today:
            out.append(Problem(f"{at}.title_date", "WORK_TITLE_DATE_FUTURE",
                               f"{name}会计专业职务聘任时间（{s.title_date}）不能晚于今天"))
    return out


def work_scope_problems(segments: list[WorkSegment], scope: str | None) -> list[Problem]:
    out = []
    if scope == "accountant" and not any(s.has_accounting_work for s in segments):
        out.append(Problem("work", "SCOPE_ACCOUNTING_WORK_REQUIRED",
                           f"采集范围为“{SCOPES[scope]}”，请至少填写一段有会计工作经历的工作经历"))
    if scope == "doctor_for_intermediate":
        for i, s in enumerate(segments):
            if s.start_date and s.end_date is None:
                out.append(Problem(f"work.{i}.end_date", "SCOPE_CURRENT_WORK_CONFLICT",
                                   f"采集范围为“{SCOPES[scope]}”（暂未工作），第{i + 1}段工作经历不能为“至今”；"
                                   "如已工作，请变更采集范围"))
    return out


def check_work(segments: list[WorkSegment], birth_date: date | None, today: date, scope: str | None) -> list[Problem]:
    """Every rule of the work step (manual §3.5)."""
    out = []
    for i, segment in enumerate(segments):
        out += work_segment_problems(segment, i, birth_date, today)
    out += _period_problems("work", "工作经历", [(s.start_date, s.end_date) for s in segments])
    return out + work_scope_problems(segments, scope)
