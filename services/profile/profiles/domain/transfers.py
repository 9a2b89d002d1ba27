"""属地关系调转 (manual §5): what blocks a transfer, and the 调档信息 of each reason."""
from datetime import date

from ..exceptions import DomainError
from .codes import ARCHIVE_MODES, EMPLOYER_TYPES, INDUSTRIES, PENDING_KINDS, REVIEW_STATUSES, TRANSFER_REASONS
from .credit_codes import _credit_code_problems, normalize_credit_code
from .departments import department_name
from .problems import _PHONE, Problem, _choice, _required_date, _required_text, _text


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
