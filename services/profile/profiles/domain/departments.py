"""Management departments (domain-rules §8): level and name of a division code's 财政厅/财政局."""
import re

from ausm_common import divisions

from ..exceptions import DomainError
from .problems import _text


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
