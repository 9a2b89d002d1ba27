"""Management departments (domain-rules §8): level and name of a division code's 财政厅/财政局."""
from datetime import date

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


def division_change(code: str) -> dict | None:
    """The recorded merger or renaming of a division that the current dataset no longer has."""
    return next((c for c in divisions.changes() if c["old_code"] == code), None)


def abolished_on(change: dict | None, dataset_as_of: str | None) -> date:
    """When a division ended: the recorded date, else (not recorded) the date the dataset is as of."""
    return date.fromisoformat((change or {}).get("effective") or dataset_as_of)


def abolished_message(name: str, successor_name: str | None) -> str:
    """Said when someone chooses the department of a division that no longer exists."""
    if successor_name:
        return f"{name}已撤销（并入或更名为{successor_name}），请选择{successor_name}"
    return f"{name}已撤销，请选择现行的会计管理部门"
