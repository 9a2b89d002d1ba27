"""Management departments (domain-rules §8): level and name of a division code's 财政厅/财政局."""
from ausm_common import divisions

from ..exceptions import DomainError
from .problems import _text


MUNICIPALITIES = divisions.MUNICIPALITIES
NO_DEPARTMENT_PROVINCES = divisions.NO_DEPARTMENT_PROVINCES


def department_level(code: str) -> str:
    """national, province, city or county."""
    return divisions.level_of(code or "")


def department_name(code: str) -> str:
    """浙江省财政厅, 北京市财政局, 杭州市财政局, 上城区财政局 (current GB/T 2260 names)."""
    name = divisions.department_name(_text(code))
    if not name:
        raise DomainError("DEPARTMENT_INVALID", "请选择有效的会计管理部门", "department_code")
    return name
