"""Profile rules as plain functions: collection, changes, transfers, titles, departments.

Nothing here touches the database, nameko or the network. Sources: the national manual
(../shared/seeds/004: 信息采集 §3, 信息变更 §4, 属地关系调转 §5, 职称管理 §7), the Zhejiang
registration guide (seeds/003) and ../shared/docs/domain-rules.md §3, §7, §8.

Checks that look at a whole form return a list of `Problem`s (every problem at once, each
naming its field by a dotted path such as `education.1.end_date`), so a page can show them
next to the fields. Checks of one value (`validate_credit_code`) raise `DomainError`.
"""
import re
from dataclasses import asdict, dataclass, field as dc_field
from datetime import date, datetime

from ausm_common import divisions
from ausm_common.uploads import UploadPolicy

from .exceptions import DomainError, RuleViolations  # noqa: F401  (re-exported for callers)

# --- enumerations (code → label shown on the pages) ----------------------------------------

SCOPES = {
    "accountant": "会计人员",
    "qualified_non_accountant": "不从事会计工作但具有会计专业技术资格的人员",
    "doctor_for_intermediate": "暂未工作但具有博士学位拟报名中级会计专业技术资格考试的人员",
}
STUDY_MODES = {"full_time": "全日制", "part_time": "非全日制"}
EDUCATION_LEVELS = {  # low → high; the order is used by the rules
    "junior_high_or_below": "初中及以下", "high_school": "高中", "secondary_vocational": "中专",
    "associate": "大专", "bachelor": "本科", "master": "硕士研究生", "doctoral": "博士研究生",
}
EDUCATION_LEVEL_ORDER = tuple(EDUCATION_LEVELS)
DEGREES = {"none": "无", "bachelor": "学士", "master": "硕士", "doctor": "博士"}
# Which degrees a segment of each level can carry. 本科 may carry 硕士: in-service staff obtain a
# master's degree 以同等学力 without a master's education.
DEGREES_FOR_LEVEL = {
    "junior_high_or_below": ("none",), "high_school": ("none",), "secondary_vocational": ("none",),
    "associate": ("none",), "bachelor": ("none", "bachelor", "master"), "master": ("none", "master"),
    "doctoral": ("none", "doctor"),
}
POLITICAL_STATUSES = {  # GB/T 4762, in its order
    "cpc_member": "中共党员", "cpc_probationary": "中共预备党员", "cyl_member": "共青团员",
    "rcck": "民革党员", "cdl": "民盟盟员", "cndca": "民建会员", "capd": "民进会员", "cpwdp": "农工党党员",
    "zhigong": "致公党党员", "jiusan": "九三学社社员", "tdsl": "台盟盟员", "non_party": "无党派人士",
    "masses": "群众",
}
ETHNICITIES = {  # GB 3304, in its order, then 外国血统中国籍人士 and 其他
    "han": "汉族", "mongol": "蒙古族", "hui": "回族", "zang": "藏族", "uyghur": "维吾尔族", "miao": "苗族",
    "yi": "彝族", "zhuang": "壮族", "buyi": "布依族", "chaoxian": "朝鲜族", "man": "满族", "dong": "侗族",
    "yao": "瑶族", "bai": "白族", "tujia": "土家族", "hani": "哈尼族", "kazak": "哈萨克族", "dai": "傣族",
    "li": "黎族", "lisu": "傈僳族", "wa": "佤族", "she": "畲族", "gaoshan": "高山族", "lahu": "拉祜族",
    "shui": "水族", "dongxiang": "东乡族", "naxi": "纳西族", "jingpo": "景颇族", "kirgiz": "柯尔克孜族",
    "tu": "土族", "daur": "达斡尔族", "mulao": "仫佬族", "qiang": "羌族", "blang": "布朗族", "salar": "撒拉族",
    "maonan": "毛南族", "gelao": "仡佬族", "xibe": "锡伯族", "achang": "阿昌族", "pumi": "普米族",
    "tajik": "塔吉克族", "nu": "怒族", "uzbek": "乌孜别克族", "russian": "俄罗斯族", "ewenki": "鄂温克族",
    "deang": "德昂族", "bonan": "保安族", "yugur": "裕固族", "jing": "京族", "tatar": "塔塔尔族",
    "derung": "独龙族", "oroqen": "鄂伦春族", "hezhen": "赫哲族", "monba": "门巴族", "lhoba": "珞巴族",
    "jino": "基诺族", "foreign_origin": "外国血统中国籍人士", "other": "其他",
}
EMPLOYER_TYPES = {
    "state_organ": "国家机关", "public_institution": "事业单位", "social_organization": "社会团体及其他社会组织",
    "central_soe": "中央企业", "local_soe": "地方国有企业", "state_listed": "国有控股上市公司",
    "non_state_listed": "非国有控股上市公司", "private": "民营企业", "foreign_invested": "外商投资企业",
    "hmt_invested": "港澳台商投资企业", "collective": "集体企业", "cooperative": "农民专业合作社",
    "individual_business": "个体工商户", "accounting_firm": "会计师事务所", "bookkeeping_agency": "代理记账机构",
    "other": "其他",
}
INDUSTRIES = {  # GB/T 4754-2017 sections
    "A": "农、林、牧、渔业", "B": "采矿业", "C": "制造业", "D": "电力、热力、燃气及水生产和供应业", "E": "建筑业",
    "F": "批发和零售业", "G": "交通运输、仓储和邮政业", "H": "住宿和餐饮业", "I": "信息传输、软件和信息技术服务业",
    "J": "金融业", "K": "房地产业", "L": "租赁和商务服务业", "M": "科学研究和技术服务业",
    "N": "水利、环境和公共设施管理业", "O": "居民服务、修理和其他服务业", "P": "教育", "Q": "卫生和社会工作",
    "R": "文化、体育和娱乐业", "S": "公共管理、社会保障和社会组织", "T": "国际组织",
}
ACCOUNTING_POST_LEVELS = {
    "chief_accountant": "总会计师（财务负责人）", "head": "会计机构负责人（会计主管人员）", "general": "一般会计人员",
}
ACCOUNTING_POSTS = {  # the posts of 会计基础工作规范 art. 11, plus management posts
    "head": "会计机构负责人（会计主管人员）", "cashier": "出纳", "property": "财产物资核算", "payroll": "工资核算",
    "cost": "成本费用核算", "results": "财务成果核算", "funds": "资金核算", "settlement": "往来结算",
    "ledger": "总账报表", "audit": "稽核", "archives": "会计档案管理", "financial_management": "财务管理",
    "budget": "预算管理", "tax": "税务会计", "management_accounting": "管理会计", "other": "其他会计工作",
}
TITLES = {"title_clerk": "会计员", "title_assistant": "助理会计师", "title_accountant": "会计师",
          "title_senior": "高级会计师", "title_professor": "正高级会计师"}
QUAL_LEVELS = {"junior": "初级", "intermediate": "中级", "senior": "高级", "professor": "正高级"}
QUAL_WAYS = {"exam": "考试", "assessment": "评审", "exam_and_assessment": "考评结合", "recognition": "认定"}
OTHER_QUAL_TYPES = {  # manual §7.2, in its order; the first three have levels
    "economics": "经济专业技术资格", "audit": "审计专业技术资格", "statistics": "统计专业技术资格",
    "cpa": "注册会计师", "asset_appraiser": "资产评估师", "tax_adviser": "税务师",
}
OTHER_QUAL_TYPES_WITH_LEVEL = ("economics", "audit", "statistics")
TRANSFER_REASONS = {"employer_moved": "工作单位所在地变动", "school_moved": "学籍所在地变动",
                    "residence_moved": "户籍所在地或居住地变动"}
ARCHIVE_MODES = {"school": "学校保管", "talent_center": "人才服务机构代管", "other": "其他"}
REVIEW_STATUSES = {"draft": "未提交", "submitted": "审核中", "approved": "审核通过", "returned": "已退回"}
REVIEW_MODES = {"auto": "自动审核", "manual": "人工审核"}
CHANGE_KINDS = {"basic": "基本信息变更", "education": "教育经历变更", "work": "工作经历变更",
                "scope": "采集范围变更"}
CHANGE_OPERATIONS = {"add": "新增", "modify": "修改", "delete": "删除"}
# Optional second document of people registered with a non-mainland ID (manual §3.3).
ALT_ID_TYPES = {"hmt_residence_permit": "港澳台居民居住证", "foreign_permanent_residence": "外国人永久居留身份证"}
# Applications that block a transfer while under review (manual §5.1).
PENDING_KINDS = {"change": "信息变更申请", "transfer": "调转申请", "reward_punishment": "奖惩申请",
                 "cpe_equivalence": "视同继续教育申请"}


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


# --- unified social credit code (domain-rules §3) ----------------------------------------

USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"       # no I O Z S V
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}")
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# Registration authorities of GB 32100 (1 机构编制, 5 民政, 9 工商, Y 其他 are certain; the others are
# from memory in domain-rules §3.1, so an unknown one is a warning, not an error).
KNOWN_AUTHORITIES = "123456789ANY"


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character; letters count A=10 … Z=35 (not the USCC values)."""
    total = sum((int(c) if c.isdigit() else ord(c) - 55) * w for c, w in zip(body8, _ORG_WEIGHTS))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def normalize_credit_code(raw) -> str:
    text = _text(raw).translate({0x3000: 0x20, **{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}})
    return re.sub(r"\s+", "", text).upper()


def validate_credit_code(raw) -> str:
    """Normalise and check a 统一社会信用代码 (GB 32100-2015); return the 18-character form."""
    code = normalize_credit_code(raw)
    if not code:
        raise DomainError("CREDIT_CODE_REQUIRED", "请填写统一社会信用代码", "credit_code")
    if len(code) != 18:
        raise DomainError("CREDIT_CODE_FORMAT", f"统一社会信用代码应为18位，当前为{len(code)}位", "credit_code")
    banned = "、".join(sorted({c for c in code if c in "IOZSV"}))
    if banned:
        raise DomainError("CREDIT_CODE_FORMAT", f"统一社会信用代码不使用字母I、O、Z、S、V，请核对“{banned}”"
                          "是否应为数字（如0、1、2、5）", "credit_code")
    if not _USCC.fullmatch(code):
        if not re.fullmatch(r"[0-9A-Z]{18}", code):
            raise DomainError("CREDIT_CODE_FORMAT", "统一社会信用代码只能由数字和大写字母组成", "credit_code")
        raise DomainError("CREDIT_CODE_FORMAT", "统一社会信用代码第3～8位是登记管理机关行政区划码，应为6位数字",
                          "credit_code")
    if uscc_check_char(code[:17]) != code[17]:
        raise DomainError("CREDIT_CODE_CHECKSUM", "统一社会信用代码最后一位校验码不正确，请核对是否输入有误",
                          "credit_code")
    return code


def _credit_code_problems(path: str, code: str, owner: str) -> list[Problem]:
    """validate_credit_code as a Problem whose message names the owner (第1段工作经历的, 调入单位)."""
    try:
        validate_credit_code(code)
    except DomainError as exc:
        text = f"请填写{owner}统一社会信用代码" if exc.code == "CREDIT_CODE_REQUIRED" else owner + exc.message
        return [Problem(path, exc.code, text)]
    return []


def credit_code_warnings(code: str) -> list[str]:
    """Soft findings on a valid code (domain-rules §3: SHOULD, not MUST)."""
    out = []
    if code[0] not in KNOWN_AUTHORITIES:
        out.append(f"第1位登记管理部门代码“{code[0]}”不常见，请核对")
    if code[1] == "0":
        out.append("第2位机构类别代码“0”不常见，请核对")
    if code[2:4] not in divisions.PROVINCE_PREFIXES and code[2:4] != "10":
        out.append(f"第3～8位登记管理机关行政区划码“{code[2:8]}”不是有效的省级区划，请核对")
    if org_code_check_char(code[8:16]) != code[16]:
        out.append("第9～17位组织机构代码的校验位不符合GB 11714，请核对")
    return out


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

_PHONE = re.compile(r"[0-9+\-()（） ]{5,20}")


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


# --- proofs (manual §3.4, §3.5, §3.3) ----------------------------------------------------

def needs_identity_proof(education: list[EducationSegment], work: list[WorkSegment]) -> bool:
    """暂未工作且不属于在校学生的人员，须上传身份证或居住证."""
    working = any(s.start_date and s.end_date is None for s in work)
    studying = any(s.start_date and s.end_date is None for s in education)
    return not working and not studying


def required_proofs(education: list[EducationSegment], work: list[WorkSegment], scope: str | None, *,
                    identity_proof_needed: bool, degree_checks: dict[int, bool] | None = None) -> dict[str, str]:
    """Proof slots this record needs → what to upload. `degree_checks[i]` is the 学信网 result of segment i."""
    degree_checks = degree_checks or {}
    out = {}
    for i, s in enumerate(education):
        name = f"第{i + 1}段教育经历的"
        rank = _level_rank(s.education_level)
        if s.end_date and 0 <= rank < _level_rank("associate"):
            out[f"education.{i}.education_certificate"] = name + "学历证书（大专以下学历须上传）"
        elif s.end_date and rank >= 0 and degree_checks.get(i) is False:
            out[f"education.{i}.education_certificate"] = name + "学历证书（学信网核验未通过）"
            if s.degree in DEGREES and s.degree != "none":
                out[f"education.{i}.degree_certificate"] = name + "学位证书（学信网核验未通过）"
        if s.studied_abroad and rank >= _level_rank("bachelor"):
            out[f"education.{i}.abroad_certificate"] = name + "教育部留学服务中心认证书（本科及以上留学生须上传）"
    for i, s in enumerate(work):
        name = f"第{i + 1}段工作经历的"
        if s.has_accounting_work:
            out[f"work.{i}.accounting_proof"] = name + "会计工作经历证明"
        if s.title:
            out[f"work.{i}.title_proof"] = name + "会计专业职务聘任文件或证明"
        if s.start_date and s.end_date is None:
            out[f"work.{i}.employment_proof"] = name + "现工作单位证明（在职证明）"
    if identity_proof_needed:
        out["basic.identity_proof"] = "身份证或居住证（暂未工作且不属于在校学生的人员须上传）"
    return out


# --- basic info (manual §3.3) -------------------------------------------------------------

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_POSTCODE = re.compile(r"\d{6}")
_HMT_PERMIT = re.compile(r"8[123]0000(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dX]")
_FOREIGN_OLD = re.compile(r"[A-Z]{3}\d{12}")
_FOREIGN_NEW = re.compile(r"9\d{16}[\dX]")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _mod11_2(first17: str) -> str:
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS)) % 11]


def _alt_id_problems(kind, number) -> list[Problem]:
    if not kind and not number:
        return []
    if kind not in ALT_ID_TYPES:
        return [Problem("basic.alt_id_type", "ALT_ID_TYPE_REQUIRED", "请选择其他证件类型")]
    number = re.sub(r"\s+", "", number or "").upper()
    if not number:
        return [Problem("basic.alt_id_number", "ALT_ID_NUMBER_REQUIRED", f"请填写{ALT_ID_TYPES[kind]}号码")]
    if kind == "hmt_residence_permit":
        ok = bool(_HMT_PERMIT.fullmatch(number)) and _mod11_2(number[:17]) == number[17]
        rule = "18位，以810000、820000或830000开头，校验位正确"
    else:
        ok = bool(_FOREIGN_OLD.fullmatch(number)) or (
            bool(_FOREIGN_NEW.fullmatch(number)) and _mod11_2(number[:17]) == number[17])
        rule = "3位字母加12位数字（2017版），或以9开头的18位号码（2023版）"
    return [] if ok else [Problem("basic.alt_id_number", "ALT_ID_NUMBER_INVALID",
                                  f"{ALT_ID_TYPES[kind]}号码不正确，应为{rule}")]


def check_basic(data: dict) -> list[Problem]:
    """基本信息: political status, ethnicity, optional e-mail, address, optional postcode, optional second ID."""
    data, out = data or {}, []
    _choice(out, "basic.political_status", _text(data.get("political_status")), POLITICAL_STATUSES, "政治面貌",
            "POLITICAL_STATUS")
    _choice(out, "basic.ethnicity", _text(data.get("ethnicity")), ETHNICITIES, "民族", "ETHNICITY")
    email = _text(data.get("email"))
    if email and (len(email) > 100 or not _EMAIL.fullmatch(email)):
        out.append(Problem("basic.email", "EMAIL_INVALID", "邮箱格式不正确，例如 zhangsan@example.com"))
    _required_text(out, "basic.address", _text(data.get("address")), "通讯地址", "ADDRESS")
    postcode = _text(data.get("postcode"))
    if postcode and not _POSTCODE.fullmatch(postcode):
        out.append(Problem("basic.postcode", "POSTCODE_INVALID", "邮编应为6位数字"))
    return out + _alt_id_problems(_text(data.get("alt_id_type")), _text(data.get("alt_id_number")))


# --- the whole collection before submission ---------------------------------------------

def check_collection(collection: dict, birth_date: date | None, today: date, degree_checks: dict[int, bool],
                     uploaded_proofs: set[str]) -> list[Problem]:
    """Everything a machine can check before 提交审核.

    `collection`: scope, basic (dict), education and work (segments or their dicts), department_code,
    pledged (bool); optionally identity_proof_needed (else derived from the segments).
    `uploaded_proofs`: slot names already uploaded, including `basic.photo`.
    """
    out = []
    scope = collection.get("scope")
    if not scope:
        out.append(Problem("scope", "SCOPE_REQUIRED", "请在采集须知中选择采集范围"))
    elif scope not in SCOPES:
        out.append(Problem("scope", "SCOPE_INVALID", "采集范围不正确，请重新选择"))
    basic = collection.get("basic") or {}
    out += check_basic(basic)
    if "basic.photo" not in uploaded_proofs and not basic.get("photo"):
        out.append(Problem("basic.photo", "PHOTO_REQUIRED", "请上传本人近期标准证件照片"))
    education, found = _load(collection.get("education"), education_from_dict)
    work, found_work = _load(collection.get("work"), work_from_dict)
    out += _merge(found, check_education(education, birth_date, today, scope))
    out += _merge(found_work, check_work(work, birth_date, today, scope))
    out += _department_problems(collection.get("department_code"))
    if not collection.get("pledged"):
        out.append(Problem("pledge", "PLEDGE_REQUIRED", "请勾选“承诺所提供信息真实有效”"))
    needed = collection.get("identity_proof_needed")
    if needed is None:
        needed = needs_identity_proof(education, work)
    proofs = required_proofs(education, work, scope, identity_proof_needed=needed, degree_checks=degree_checks)
    out += [Problem(slot, "PROOF_REQUIRED", f"请上传{text}") for slot, text in proofs.items()
            if slot not in uploaded_proofs]
    return out


def _merge(unreadable: list[Problem], rules: list[Problem]) -> list[Problem]:
    """An unreadable date is reported once, not again as missing."""
    fields = {p.field for p in unreadable}
    return unreadable + [p for p in rules if p.field not in fields]


def _department_problems(code) -> list[Problem]:
    if not code:
        return [Problem("department_code", "DEPARTMENT_REQUIRED", "请选择所在会计管理部门（省、市、区县）")]
    try:
        department_name(code)
    except DomainError as exc:
        return [Problem("department_code", exc.code, exc.message)]
    return []


# --- uploads (domain-rules §7; manuals 003 and 004) -----------------------------------------

KB, MB = 1024, 1024 * 1024
DEFAULT_PHOTO_POLICY = UploadPolicy("photo", ("jpeg",), min_bytes=10 * KB, max_bytes=2 * MB,
                                    min_width=295, min_height=413)
# Zhejiang (seeds/003): 2寸, JPG/JPEG, 大于60K, 像素大于等于413*626, 小于3M.
PHOTO_POLICIES = {
    "330000": UploadPolicy("photo", ("jpeg",), min_bytes=60 * KB, max_bytes=3 * MB - 1,
                           min_width=413, min_height=626),
}
# Collection proofs: the manuals ask for pictures (scans or photos of certificates); PDF only for CPE.
PROOF_POLICY = UploadPolicy("proof", ("jpeg", "png"), min_bytes=20 * KB, max_bytes=2 * MB)
# Manual §5.1: 小于200kb, JPG、JPEG、PNG.
TRANSFER_PROOF_POLICY = UploadPolicy("transfer_proof", ("jpeg", "png"), min_bytes=1, max_bytes=200 * KB)
# Manual §7: 大于20KB且不超过500KB, jpg/png.
QUALIFICATION_PROOF_POLICY = UploadPolicy("qualification_proof", ("jpeg", "png"), min_bytes=20 * KB,
                                          max_bytes=500 * KB)


def photo_policy(province_code: str | None) -> UploadPolicy:
    """The photo rule of the province a person belongs to (any code inside the province will do)."""
    code = (province_code or "")[:2] + "0000"
    return PHOTO_POLICIES.get(code, DEFAULT_PHOTO_POLICY)


# --- changes (manual §4) -------------------------------------------------------------------

def _flatten(value, prefix="") -> dict:
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        if isinstance(value, date):
            value = value.isoformat()
        return {prefix: None if value in ("", None) else value}
    out = {}
    for key, item in items:
        out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    return out


def diff_fields(before: dict, after: dict, ignore: tuple[str, ...] = ()) -> list[str]:
    """Leaf paths whose values differ (`address`, `posts.0.end_date`), in before's order then after's.

    Empty values (None, "", missing) count as equal; `ignore` drops top-level keys such as `id`.
    """
    old, new = _flatten(before or {}), _flatten(after or {})
    out = []
    for path in list(old) + [p for p in new if p not in old]:
        if path.split(".")[0] in ignore:
            continue
        if old.get(path) != new.get(path):
            out.append(path)
    return out


def change_review_mode(kind: str, before: dict, after: dict) -> str:
    """基本信息 changes are approved automatically unless 身份证明 changed; everything else is reviewed."""
    if kind not in CHANGE_KINDS:
        raise DomainError("CHANGE_KIND_INVALID", "变更类型不正确", "kind")
    if kind == "basic" and not any(p.split(".")[0] == "identity_proof" for p in diff_fields(before, after)):
        return "auto"
    return "manual"


OPERATIONS_FOR_KIND = {"basic": ("modify",), "scope": ("modify",), "education": tuple(CHANGE_OPERATIONS),
                       "work": tuple(CHANGE_OPERATIONS)}


def check_change_allowed(collection_status: str | None, pending_change_kinds, kind: str | None = None,
                         operation: str | None = None) -> list[Problem]:
    """Only an approved collection can change; one change per kind under review at a time."""
    out = []
    if collection_status != "approved":
        state = REVIEW_STATUSES.get(collection_status or "", "未开始")
        out.append(Problem("collection", "COLLECTION_NOT_APPROVED",
                           f"仅在信息采集审核通过状态下允许变更（当前状态：{state}）"))
    if kind is not None and kind not in CHANGE_KINDS:
        out.append(Problem("kind", "CHANGE_KIND_INVALID", "变更类型不正确"))
    elif kind is not None and kind in _pending(pending_change_kinds):
        out.append(Problem("kind", "CHANGE_PENDING",
                           f"已有审核中的{CHANGE_KINDS[kind]}申请，请等待审核完成后再提交"))
    if kind in OPERATIONS_FOR_KIND and operation is not None and operation not in OPERATIONS_FOR_KIND[kind]:
        allowed = "、".join(CHANGE_OPERATIONS[o] for o in OPERATIONS_FOR_KIND[kind])
        out.append(Problem("operation", "CHANGE_OPERATION_INVALID", f"{CHANGE_KINDS[kind]}只能{allowed}"))
    return out


def _pending(kinds) -> set[str]:
    """A set of kinds, or a mapping kind → number under review."""
    if isinstance(kinds, dict):
        return {k for k, n in kinds.items() if n}
    return set(kinds or ())


def apply_segment_change(segments: list, operation: str, index: int | None, segment=None) -> list:
    """The segment list after an add (appended), modify (replaced at index) or delete (removed at index)."""
    result = list(segments)
    if operation == "add":
        return result + [segment]
    if index is None or not 0 <= index < len(result):
        raise DomainError("CHANGE_SEGMENT_NOT_FOUND", "要变更的经历不存在，请刷新页面后重试", "index")
    if operation == "modify":
        result[index] = segment
    elif operation == "delete":
        del result[index]
    else:
        raise DomainError("CHANGE_OPERATION_INVALID", "变更方式不正确", "operation")
    return result


def check_segment_change(kind: str, operation: str, existing: list, index: int | None, segment,
                         birth_date: date | None, today: date, scope: str | None) -> list[Problem]:
    """An education or work change: the new segment's own rules, its overlap with the *other* existing
    segments, and the scope rules on the resulting list. Problems of untouched segments (approved
    earlier) are not repeated. The changed segment's fields are `<kind>.<its index in the result>.…`.
    """
    if kind not in ("education", "work"):
        raise DomainError("CHANGE_KIND_INVALID", "变更类型不正确", "kind")
    loader = education_from_dict if kind == "education" else work_from_dict
    existing, unreadable = _load(existing, loader)[0], []
    at = len(existing) if operation == "add" else index
    if isinstance(segment, dict):
        segment, unreadable = loader(segment, at or 0)
    result, out = apply_segment_change(existing, operation, index, segment), []
    if operation != "delete":
        rules = education_segment_problems if kind == "education" else work_segment_problems
        out += rules(segment, at, birth_date, today)
        noun = "教育经历" if kind == "education" else "工作经历"
        out += _period_problems(kind, noun, [(s.start_date, s.end_date) for s in result], only=at)
    scope_rules = education_scope_problems if kind == "education" else work_scope_problems
    return _merge(unreadable, out + scope_rules(result, scope))


def check_scope_change(scope: str | None, education: list, work: list) -> list[Problem]:
    """采集范围变更: the new scope must fit the record as it stands."""
    if scope not in SCOPES:
        return [Problem("scope", "SCOPE_REQUIRED", "请选择采集范围")]
    education = _load(education, education_from_dict)[0]
    work = _load(work, work_from_dict)[0]
    found = education_scope_problems(education, scope) + work_scope_problems(work, scope)
    return [p for p in found if p.code.startswith("SCOPE_")]


# --- transfers (manual §5) -----------------------------------------------------------------

TRANSFER_FIELDS = {
    "employer_moved": ("employer", "credit_code", "employer_type", "industry", "address", "phone", "start_date"),
    "school_moved": ("school", "major", "archive_mode", "enrollment_date"),
    "residence_moved": ("address",),
}
TRANSFER_LABELS = {"employer": "调入单位名称", "credit_code": "调入单位统一社会信用代码",
                   "employer_type": "调入单位经济类型", "industry": "调入单位所属行业", "address": "调入单位地址",
                   "phone": "调入单位电话", "start_date": "调入单位工作开始时间", "school": "调入学校名称",
                   "major": "所学专业", "archive_mode": "档案方式", "enrollment_date": "入学时间"}
TRANSFER_PROOF_HINTS = {"employer_moved": "统一社会信用代码证或工作单位证明",
                        "school_moved": "录取通知书、学生证或其他学习证明",
                        "residence_moved": "身份证、户籍证明或居住证明"}


def _department_label(code: str) -> str:
    try:
        return department_name(code)
    except DomainError:
        return code


def transfer_blockers(collection_status: str | None, pending: dict[str, int], current_department: str | None,
                      target_department: str | None) -> list[Problem]:
    """Why a transfer cannot be submitted now (manual §5.1's list), one problem per blocker."""
    out = []
    if collection_status != "approved":
        state = REVIEW_STATUSES.get(collection_status or "", "未开始")
        out.append(Problem("collection", "COLLECTION_NOT_APPROVED",
                           f"信息采集未完成或未通过审核（当前状态：{state}），不能申请调转"))
    for key, count in (pending or {}).items():
        if count:
            label = PENDING_KINDS.get(key, key)
            out.append(Problem(f"pending.{key}", "PENDING_APPLICATION",
                               f"存在审核中的{label}（{count}条），请等待审核完成后再申请调转"))
    if not target_department:
        out.append(Problem("target_department", "TARGET_DEPARTMENT_REQUIRED", "请选择调入会计管理机构"))
    elif target_department == current_department:
        out.append(Problem("target_department", "TRANSFER_SAME_DEPARTMENT",
                           f"调入地管理机构与当前所属管理机构相同（{_department_label(target_department)}），无需调转"))
    return out


def normalize_transfer(reason: str, fields: dict) -> dict:
    """Keep the reason's fields only, trimmed; the credit code in its 18-character form."""
    out = {key: _text((fields or {}).get(key)) for key in TRANSFER_FIELDS.get(reason, ())}
    if "credit_code" in out:
        out["credit_code"] = normalize_credit_code(out["credit_code"])
    return out


def check_transfer(reason: str | None, fields: dict, today: date) -> list[Problem]:
    """The 调档信息 of one reason (manual §5.1); phone is the only optional field."""
    if reason not in TRANSFER_REASONS:
        return [Problem("reason", "TRANSFER_REASON_REQUIRED", "请选择调档原因")]
    data, out = normalize_transfer(reason, fields), []
    labels = {**TRANSFER_LABELS, **({"address": "户籍所在地或居住地地址"} if reason == "residence_moved" else {})}
    for key in ("employer", "address", "school", "major"):
        if key in data:
            _required_text(out, key, data[key], labels[key], f"TRANSFER_{key.upper()}")
    if "credit_code" in data:
        out += _credit_code_problems("credit_code", data["credit_code"], "调入单位")
    choices = {"employer_type": EMPLOYER_TYPES, "industry": INDUSTRIES, "archive_mode": ARCHIVE_MODES}
    for key, options in choices.items():
        if key in data:
            _choice(out, key, data[key], options, TRANSFER_LABELS[key], f"TRANSFER_{key.upper()}")
    if data.get("phone") and not _PHONE.fullmatch(data["phone"]):
        out.append(Problem("phone", "TRANSFER_PHONE_INVALID", "调入单位电话格式不正确（5～20位数字，可含区号和“-”）"))
    for key in ("start_date", "enrollment_date"):
        if key in data:
            out += _required_date(data, key, TRANSFER_LABELS[key], today, "TRANSFER")
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


# --- departments (domain-rules §8) ------------------------------------------------------------

MUNICIPALITIES = ("110000", "120000", "310000", "500000")   # 北京、天津、上海、重庆: 财政局
NO_DEPARTMENT_PROVINCES = ("710000", "810000", "820000")    # 台湾、香港、澳门 are not on the platform


def department_level(code: str) -> str:
    """national, province, city or county."""
    return divisions.level_of(code or "")


def department_name(code: str) -> str:
    """浙江省财政厅, 北京市财政局, 杭州市财政局, 上城区财政局 (current GB/T 2260 names)."""
    code = _text(code)
    name = divisions.name_of(code) if re.fullmatch(r"\d{6}", code) else None
    if code == divisions.NATIONAL:
        return name
    if not name or name in divisions.PLACEHOLDERS or code[:2] + "0000" in NO_DEPARTMENT_PROVINCES:
        raise DomainError("DEPARTMENT_INVALID", "请选择有效的会计管理部门", "department_code")
    if department_level(code) == "province" and code not in MUNICIPALITIES:
        return f"{name}财政厅"
    return f"{name}财政局"
