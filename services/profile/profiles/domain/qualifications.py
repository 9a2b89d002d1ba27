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
