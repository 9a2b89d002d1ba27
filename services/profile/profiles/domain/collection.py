"""信息采集 as a whole (manual §3): required proofs, basic info, and every check before 提交审核."""
import re
from datetime import date

from ..exceptions import DomainError
from .codes import ALT_ID_TYPES, DEGREES, ETHNICITIES, POLITICAL_STATUSES, SCOPES
from .departments import department_name
from .experience import _level_rank, check_education, check_work
from .problems import Problem, _choice, merge_problems, _required_text, _text
from .segments import EducationSegment, WorkSegment, _load, education_from_dict, work_from_dict


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
    out += merge_problems(found, check_education(education, birth_date, today, scope))
    out += merge_problems(found_work, check_work(work, birth_date, today, scope))
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


def _department_problems(code) -> list[Problem]:
    if not code:
        return [Problem("department_code", "DEPARTMENT_REQUIRED", "请选择所在会计管理部门（省、市、区县）")]
    try:
        department_name(code)
    except DomainError as exc:
        return [Problem("department_code", exc.code, exc.message)]
    return []
