"""统一社会信用代码 (GB 32100-2015) and the 组织机构代码 (GB 11714) inside it."""
import re

from ausm_common import divisions

from ..exceptions import DomainError
from .problems import Problem, _text


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
