"""会计专业技术资格 and other professional qualifications (manual §7)."""
from datetime import date

from .codes import OTHER_QUAL_TYPES, OTHER_QUAL_TYPES_WITH_LEVEL, QUAL_LEVELS, QUAL_WAYS, TITLES
from .problems import Problem, _choice, _required_date, _required_text, _text


# --- qualifications (manual §7) --------------------------------------------------------------

DEFAULT_TITLES = {"junior": "title_assistant", "intermediate": "title_accountant", "senior": "title_senior",
                  "professor": "title_professor"}
TITLES_FOR_LEVEL = {"junior": ("title_clerk", "title_assistant"), "intermediate": ("title_accountant",),
                    "senior": ("title_senior",), "professor": ("title_professor",)}
# 初级/中级 by exam (or, before 1992, assessment); 高级 by 考评结合; 正高级 by 评审 only.
WAYS_FOR_LEVEL = {"junior": ("exam", "assessment", "recognition"),
                  "intermediate": ("exam", "assessment", "recognition"),
                  "senior": ("exam_and_assessment", "assessment", "recognition"), "professor": ("assessment",)}
# The national exam began in 1992; titles were assessed (评审) from the 1980s.
FIRST_EXAM_DATE = date(1992, 1, 1)
FIRST_TITLE_DATE = date(1980, 1, 1)


def default_title(level: str | None) -> str | None:
    """初级 → 助理会计师, 中级 → 会计师, 高级 → 高级会计师, 正高级 → 正高级会计师 (manual §7.1)."""
    return DEFAULT_TITLES.get(level or "")


def normalize_qualification(data: dict) -> dict:
    """Trim, fill the title from the level, and the title's way and number from the qualification's."""
    keys = ("level", "way", "obtained_date", "certificate_no", "title", "title_way", "title_certificate_no")
    out = {k: _text((data or {}).get(k)) for k in keys}
    out["title"] = out["title"] or default_title(out["level"]) or ""
    if out["level"] != "professor":
        out["title_way"] = out["title_way"] or out["way"]
        out["title_certificate_no"] = out["title_certificate_no"] or out["certificate_no"]
    return out


def check_qualification(data: dict, today: date) -> list[Problem]:
    """会计专业技术资格 (manual §7.1): level, way, date and number; the title defaults from the level.
    For 正高级 only the title part (title, its way and number) is required."""
    d, out = normalize_qualification(data), []
    _choice(out, "level", d["level"], QUAL_LEVELS, "级别", "QUALIFICATION_LEVEL")
    if d["level"] == "professor":
        out += _professor_problems(d, today)
    else:
        _choice(out, "way", d["way"], QUAL_WAYS, "获取方式", "QUALIFICATION_WAY")
        out += _way_problems("way", d["level"], d["way"])
        earliest = FIRST_EXAM_DATE if d["way"] == "exam" else FIRST_TITLE_DATE
        out += _required_date(d, "obtained_date", "通过时间", today, "QUALIFICATION", earliest)
        _required_text(out, "certificate_no", d["certificate_no"], "证书号或批文文号", "QUALIFICATION_CERT_NO", 50)
        if _text((data or {}).get("title_way")):        # the title's way defaults to the qualification's
            _choice(out, "title_way", d["title_way"], QUAL_WAYS, "职称取得方式", "QUALIFICATION_TITLE_WAY")
    _choice(out, "title", d["title"], TITLES, "职称层级", "QUALIFICATION_TITLE")
    if d["level"] in TITLES_FOR_LEVEL and d["title"] in TITLES and d["title"] not in TITLES_FOR_LEVEL[d["level"]]:
        out.append(Problem("title", "QUALIFICATION_TITLE_MISMATCH",
                           f"{QUAL_LEVELS[d['level']]}资格对应的职称层级不能为{TITLES[d['title']]}"))
    return out


def _professor_problems(d: dict, today: date) -> list[Problem]:
    out = []
    _choice(out, "title_way", d["title_way"], QUAL_WAYS, "职称取得方式", "QUALIFICATION_TITLE_WAY")
    out += _way_problems("title_way", "professor", d["title_way"])
    _required_text(out, "title_certificate_no", d["title_certificate_no"], "职称证书号或批文文号",
                   "QUALIFICATION_TITLE_CERT_NO", 50)
    if d["obtained_date"]:                              # optional for 正高级, but still a real past date
        out += _required_date(d, "obtained_date", "通过时间", today, "QUALIFICATION", FIRST_TITLE_DATE)
    return out


def _way_problems(field: str, level: str, way: str) -> list[Problem]:
    if level in WAYS_FOR_LEVEL and way in QUAL_WAYS and way not in WAYS_FOR_LEVEL[level]:
        return [Problem(field, "QUALIFICATION_WAY_MISMATCH", f"{QUAL_LEVELS[level]}资格不能通过“{QUAL_WAYS[way]}”取得")]
    return []


def check_other_qualification(data: dict, today: date) -> list[Problem]:
    """其他专业技术人员职业资格 (manual §7.2): the level only for 经济、审计、统计."""
    data, out = data or {}, []
    kind, level = _text(data.get("type")), _text(data.get("level"))
    _choice(out, "type", kind, OTHER_QUAL_TYPES, "专业技术职业资格类型", "OTHER_QUALIFICATION_TYPE")
    if kind in OTHER_QUAL_TYPES_WITH_LEVEL:
        _choice(out, "level", level, QUAL_LEVELS, "专业技术职业资格级别", "OTHER_QUALIFICATION_LEVEL")
    elif kind in OTHER_QUAL_TYPES and level:
        out.append(Problem("level", "OTHER_QUALIFICATION_LEVEL_UNEXPECTED",
                           f"{OTHER_QUAL_TYPES[kind]}不分级别，请不要填写资格级别"))
    name = _text(data.get("name"))
    if len(name) > 50:
        out.append(Problem("name", "OTHER_QUALIFICATION_NAME_TOO_LONG", "资格名称不能超过50个字"))
    out += _required_date(data, "obtained_date", "取得时间", today, "OTHER_QUALIFICATION", FIRST_TITLE_DATE)
    _required_text(out, "certificate_no", _text(data.get("certificate_no")), "证书号或批文文号",
                   "OTHER_QUALIFICATION_CERT_NO", 50)
    return out


# --- the list's row actions (manual §7.1: 更新 删除 编辑 打印; 已获取/未获取; 人工审核/系统记录) -------------------

ACTION_LABELS = {"update": "更新", "delete": "删除", "edit": "编辑", "print": "打印"}
OBTAINED_LABELS = {True: "已获取", False: "未获取"}
ORIGIN_LABELS = {"library": "系统记录", "manual": "人工审核"}


def is_obtained(source: str, status: str) -> bool:
    """已获取: a record of the national library, or an entry the department approved; 未获取: under review or returned."""
    return source == "library" or status == "approved"


def row_actions(category: str, source: str, status: str, data: dict) -> dict[str, str | None]:
    """Each action of an accounting qualification row: None when allowed, else why not (shown beside the button).

    更新 asks the national library again for this certificate number (a system record is refreshed; a manual
    entry the library knows becomes a system record); 删除 and 编辑 are for one's own entries not yet approved
    (a system record comes from the library, an approved entry is part of the record); 打印 is for what is
    obtained."""
    if category != "accounting":
        return {name: "其他专业技术人员职业资格仅可查看详情" for name in ACTION_LABELS}
    obtained = is_obtained(source, status)
    number = (data or {}).get("certificate_no")
    own_pending = None if source == "manual" and not obtained else (
        "系统记录来自全国会计资格职称库，不能修改或删除" if source == "library" else "已审核通过的职称不能修改或删除")
    return {"update": None if number else "没有资格证书号，无法从全国会计资格职称库更新",
            "delete": own_pending, "edit": own_pending,
            "print": None if obtained else "职称获取（审核通过）后才能打印"}

