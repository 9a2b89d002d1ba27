"""Reads of a person's unmasked data (architecture: personal data is masked by default; every full view is
recorded). Staff unmask a field as an explicit act with a reason; a province client unmasks with the scope
`candidates:unmask` and a stated purpose; staff opening a record for review read it for that review. The person
sees every such read in 个人中心."""
from sqlalchemy import select

from ausm_common import divisions
from ausm_common.errors import DomainError
from ausm_common.masking import mask_id_number, mask_name, mask_phone

from .models import DataRead

UNMASKABLE = {"name": "姓名", "id_number": "证件号码", "phone": "手机号码"}
MASKS = {"name": mask_name, "id_number": mask_id_number, "phone": mask_phone}
PURPOSE_MAX = 200


def check_request(fields, purpose) -> tuple[list[str], str]:
    """Plain rule: which fields, and a purpose of 2–200 characters."""
    fields = [f for f in dict.fromkeys(fields or [])]
    unknown = [f for f in fields if f not in UNMASKABLE]
    if not fields or unknown:
        raise DomainError("UNMASK_FIELD_INVALID", "请选择要查看的字段（姓名、证件号码、手机号码）", "fields")
    purpose = (purpose or "").strip()
    if len(purpose) < 2 or len(purpose) > PURPOSE_MAX:
        raise DomainError("UNMASK_PURPOSE_REQUIRED", "查看未脱敏信息须填写事由（2～200字）", "purpose")
    return fields, purpose


def masked(person: dict) -> dict:
    return {f: MASKS[f](person.get(f)) for f in UNMASKABLE}


def reader_of(caller: dict) -> dict:
    if caller.get("kind") == "client":
        return {"reader_kind": "client", "reader_id": caller["client_id"], "reader_name": caller.get("name") or "",
                "organisation_code": caller["province_code"]}
    return {"reader_kind": "staff", "reader_id": caller["id"], "reader_name": caller.get("name") or "",
            "organisation_code": caller["department_code"]}


def record(session, caller: dict, account_id: str, fields: list[str], purpose: str, now) -> DataRead:
    row = DataRead(account_id=account_id, fields=list(fields), purpose=purpose, at=now, **reader_of(caller))
    session.add(row)
    return row


def view(row: DataRead) -> dict:
    if row.reader_kind == "client":
        who = f"{divisions.name_of(row.organisation_code) or row.organisation_code}接口客户端（{row.reader_name}）"
    else:
        who = f"{divisions.department_name(row.organisation_code) or row.organisation_code}工作人员"
    return {"id": row.id, "at": row.at.isoformat(), "reader_kind": row.reader_kind,
            "reader_kind_label": "省级系统" if row.reader_kind == "client" else "管理部门工作人员",
            "reader": who, "fields": list(row.fields or []),
            "fields_label": "、".join(UNMASKABLE.get(f, f) for f in row.fields or []), "purpose": row.purpose}


def for_person(session, account_id: str, limit: int = 200) -> list[dict]:
    rows = session.scalars(select(DataRead).where(DataRead.account_id == account_id)
                           .order_by(DataRead.at.desc()).limit(limit))
    return [view(r) for r in rows]
