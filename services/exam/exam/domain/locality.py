"""属地化原则 (domain-rules §6.3): register in the region of one's management department, or say why not.

The exam regions are provinces plus the separately listed cities (大连, 宁波, 厦门, 青岛, 深圳), so a department
in 大连 belongs to the 大连市 region, not 辽宁省.
"""
from .codes import LOCALITY_REASONS, SEPARATE_CITIES
from .problems import Refused


def region_of(department_code: str | None) -> str | None:
    if not department_code or len(department_code) != 6:
        return None
    city = department_code[:4] + "00"
    return city if city in SEPARATE_CITIES else department_code[:2] + "0000"


def matches(department_code: str | None, region_code: str) -> bool | None:
    """None when there is no department to compare (a new candidate without an approved collection)."""
    region = region_of(department_code)
    return None if region is None else region == region_code


def check_reason(department_code: str | None, region_code: str, reason: str | None) -> dict:
    """What the enrollment records; outside one's region a reason is required and a proof becomes due."""
    match = matches(department_code, region_code)
    if match is False:
        if reason not in LOCALITY_REASONS:
            raise Refused("LOCALITY_REASON_REQUIRED", "报考省份与您的会计管理部门所在地不一致，请选择在此报考的原因"
                          "（工作单位所在地、学籍所在地或户籍或居住地）并上传证明材料", "locality_reason", status=422)
        return {"matches": False, "department_code": department_code, "reason": reason,
                "reason_label": LOCALITY_REASONS[reason], "proof_required": True}
    return {"matches": match, "department_code": department_code, "reason": None, "reason_label": None,
            "proof_required": False}
