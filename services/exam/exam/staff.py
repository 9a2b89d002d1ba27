"""Who among the staff may do what with the exam, and the audit line every staff change leaves.

National staff with the admin role manage exam plans and may act for any region. A region's own finance
department (省财政厅, or the bureau of a separately listed city such as 大连市财政局) configures its window,
notices, fees, cities and sites, imports its scores and reviews its enrollments; a city's department reviews the
enrollments of its own sites. Nobody changes another region.
"""
from sqlalchemy import false, or_

from ausm_common.errors import Forbidden

from .models import AuditLog

NATIONAL = "000000"


def require_staff(caller) -> dict:
    return caller.staff()


def is_national_admin(staff: dict) -> bool:
    return staff.get("department_code") == NATIONAL and "admin" in (staff.get("roles") or [])


def require_national_admin(staff: dict) -> dict:
    if not is_national_admin(staff):
        raise Forbidden("NATIONAL_ADMIN_ONLY", "考试计划由财政部会计财务评价中心管理")
    return staff


def manages_region(staff: dict, region_code: str) -> bool:
    return is_national_admin(staff) or staff.get("department_code") == region_code


def require_region(staff: dict, region_code: str) -> dict:
    if not manages_region(staff, region_code):
        raise Forbidden("OUT_OF_JURISDICTION", "只能管理本省（本市）的考试报名设置和数据")
    return staff


def require_reviewer(staff: dict) -> dict:
    if "reviewer" not in (staff.get("roles") or []) and not is_national_admin(staff):
        raise Forbidden("ROLE_REQUIRED", "您的账号没有审核权限")
    return staff


def reviews(staff: dict, region_code: str, city_code: str | None) -> bool:
    """Region staff review the whole region; a city's department its own cities' sites."""
    code = staff.get("department_code") or ""
    if code == NATIONAL or code == region_code:
        return True
    return bool(city_code) and code.endswith("00") and city_code[:4] == code[:4]


def require_reviews(staff: dict, region_code: str, city_code: str | None):
    require_reviewer(staff)
    if not reviews(staff, region_code, city_code):
        raise Forbidden("OUT_OF_JURISDICTION", "该报名不属于您所在管理部门的审核范围")


def queue_filter(model, staff: dict):
    """`reviews` as SQL on Enrollment."""
    code = staff.get("department_code") or ""
    if code == NATIONAL:
        return model.region_code.isnot(None)
    return or_(model.region_code == code, model.city_code.like(code[:4] + "%") if code.endswith("00") else false())


def audit(session, staff: dict, action: str, kind: str, subject_id: str, now, **details):
    session.add(AuditLog(staff_id=staff.get("id") or "", staff_name=staff.get("name") or "",
                         department_code=staff.get("department_code") or "", action=action, subject_kind=kind,
                         subject_id=str(subject_id), details=details, at=now))
