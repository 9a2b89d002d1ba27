"""The directory of management departments and who may see what in it."""
from sqlalchemy import select

from ausm_common import divisions
from ausm_common.errors import Forbidden, ValidationFailed
from ausm_common.outbox import record_event

from .models import Department, Outbox

REFERENCE_DATA_CHANGED = "reference_data_changed"   # the gateway drops its cached copies on this event

from . import domain


def ensure_directory(session) -> dict:
    """Apply the divisions data file: add new departments, rename changed ones, close those whose division is gone
    (merged or renamed; recorded in division-changes.csv) without touching their records; in the caller's
    transaction. When anything changed, the gateways are told (through the outbox, in the same transaction)."""
    existing = {d.code: d for d in session.scalars(select(Department))}
    counts = {"added": 0, "renamed": 0, "abolished": 0, "reopened": 0}
    current = set()
    for code, name, level, parent in divisions.current_divisions():
        full = divisions.department_name(code)
        if full is None:          # HK, Macau, Taiwan: no department on the platform
            continue
        current.add(code)
        row = existing.get(code)
        if row is None:
            session.add(Department(code=code, name=full, division_name=name, level=level, parent_code=parent,
                                   province_code=code[:2] + "0000"))
            counts["added"] += 1
            continue
        if (row.name, row.division_name, row.parent_code) != (full, name, parent):
            row.name, row.division_name, row.parent_code = full, name, parent
            counts["renamed"] += 1
        if row.abolished_on is not None:
            row.abolished_on = row.successor_code = None
            counts["reopened"] += 1
    for code, row in existing.items():
        if code not in current and row.abolished_on is None and row.level != "national":
            change = domain.division_change(code)
            row.abolished_on = domain.abolished_on(change, divisions.dataset()["as_of"])
            row.successor_code = change["new_code"] if change else None
            counts["abolished"] += 1
    if counts["added"] or counts["renamed"] or counts["abolished"] or counts["reopened"]:
        record_event(session, Outbox, REFERENCE_DATA_CHANGED, {"kind": "departments", **counts})
    counts["total"] = len(existing) + counts["added"]
    counts["dataset"] = divisions.dataset()
    return counts


def get(session, code: str | None, field: str = "department_code") -> Department:
    """A department that can be chosen today (not one of a merged or renamed division)."""
    row = session.get(Department, code) if code else None
    if row is None:
        raise ValidationFailed("DEPARTMENT_INVALID", "请选择有效的会计管理部门", {field: "请选择会计管理部门"})
    if row.abolished_on is not None:
        successor = session.get(Department, row.successor_code) if row.successor_code else None
        message = domain.abolished_message(row.name, successor.name if successor else None)
        raise ValidationFailed("DEPARTMENT_ABOLISHED", message, {field: message})
    return row


def children(session, parent_code: str | None) -> list[dict]:
    query = select(Department).where(Department.abolished_on.is_(None)).order_by(Department.code)
    query = query.where(Department.parent_code == parent_code) if parent_code \
        else query.where(Department.level == "province")
    return [view(d) for d in session.scalars(query)]


def view(d: Department | None) -> dict | None:
    if d is None:
        return None
    out = {"code": d.code, "name": d.name, "division_name": d.division_name, "level": d.level,
           "parent_code": d.parent_code}
    if d.abolished_on is not None:
        out.update(abolished_on=d.abolished_on.isoformat(), successor_code=d.successor_code)
    return out


def path(session, code: str | None) -> list[dict]:
    """Province → city → county of a department, for display (浙江省财政厅 / 杭州市财政局 / 上城区财政局)."""
    out = []
    while code:
        row = session.get(Department, code)
        if row is None:
            break
        out.insert(0, view(row))
        code = row.parent_code
    return out


def require_reviewer(caller: dict | None) -> dict:
    """Staff with the reviewer role; their department bounds what they see."""
    if not caller or caller.get("kind") != "staff":
        raise Forbidden("STAFF_ONLY", "请使用管理部门工作人员账号登录")
    if "reviewer" not in (caller.get("roles") or []):
        raise Forbidden("ROLE_REQUIRED", "您的账号没有审核权限")
    return caller


def in_jurisdiction(caller: dict, department_code: str | None) -> bool:
    """A department's staff see their own department and everything below it."""
    return bool(department_code) and divisions.within(department_code, caller["department_code"])


def check_jurisdiction(caller: dict, department_code: str | None):
    if not in_jurisdiction(caller, department_code):
        raise Forbidden("OUT_OF_JURISDICTION", "该记录不属于您所在管理部门的管辖范围")


def jurisdiction_filter(column, caller: dict):
    """The same rule as `in_jurisdiction`, as SQL (national: all; province: 33%; city: 3301%; county: exact)."""
    code = caller["department_code"]
    level = divisions.level_of(code)
    if level == "national":
        return column.isnot(None)
    if level == "province":
        return column.like(code[:2] + "%")
    if level == "city":
        return column.like(code[:4] + "%")
    return column.in_((code, *divisions.predecessors(code)))   # and the divisions merged into it
