"""Records from old provincial platforms (manual §3.4(1), §3.5(1)).

A province loads the records it approved before; when the person starts 信息采集 the record is
copied in, its filled-in fields locked (shown, not editable) and the missing ones left to fill.
A wrong imported segment can be deleted and entered anew, never edited in its locked fields."""
import uuid

from sqlalchemy import select

from ausm_common import divisions
from ausm_common.errors import Forbidden, ValidationFailed

from . import departments
from .collection import BASIC_FIELDS
from .models import Collection, LegacyRecord

SEGMENT_FIELDS = {
    "education": ("study_mode", "school", "start_date", "end_date", "education_level", "degree", "major",
                  "education_cert_no", "degree_cert_no", "studied_abroad"),
    "work": ("start_date", "end_date", "employer", "credit_code", "employer_type", "industry", "address", "phone",
             "has_accounting_work", "posts", "title", "title_date"),
}


def _filled(value) -> bool:
    return value not in (None, "", [], {})


def load(session, caller: dict, records: list[dict], now) -> dict:
    """Province staff load their province's records; a record already claimed is left alone."""
    departments.require_reviewer(caller)
    loaded = skipped = 0
    for record in records:
        id_number = (record.get("id_number") or "").strip().upper()
        department = record.get("department_code") or ""
        if not id_number or not departments.in_jurisdiction(caller, department):
            raise Forbidden("OUT_OF_JURISDICTION", f"记录 {id_number[:3]}…{id_number[-4:]} 不属于您的管辖范围")
        if divisions.level_of(caller["department_code"]) not in ("national", "province"):
            raise Forbidden("PROVINCE_ONLY", "只有省级管理部门可以导入原省平台数据")
        existing = session.get(LegacyRecord, id_number)
        if existing is not None and existing.claimed_at is not None:
            skipped += 1
            continue
        data = {"basic": {k: record.get("basic", {}).get(k) for k in BASIC_FIELDS if record.get("basic", {}).get(k)},
                "education": [{k: s.get(k) for k in SEGMENT_FIELDS["education"]} for s in record.get("education", [])],
                "work": [{k: s.get(k) for k in SEGMENT_FIELDS["work"]} for s in record.get("work", [])],
                "department_code": department, "scope": record.get("scope")}
        if existing is None:
            session.add(LegacyRecord(id_number=id_number, province_code=department[:2] + "0000", data=data,
                                     imported_at=now))
        else:
            existing.data, existing.imported_at = data, now
        loaded += 1
    return {"loaded": loaded, "skipped": skipped}


def claim(session, collection: Collection, now):
    """Copy the person's legacy record (if any) into a new collection, locking what it filled in."""
    record = session.scalars(select(LegacyRecord).where(
        LegacyRecord.id_number == collection.person["id_number"], LegacyRecord.claimed_at.is_(None))
        .with_for_update()).first()
    if record is None:
        return
    data = record.data
    for kind in ("education", "work"):
        segments = []
        for raw in data.get(kind, []):
            segment = {**raw, "id": uuid.uuid4().hex, "proofs": {}, "checks": {}, "imported": True}
            segment["locked"] = [k for k in SEGMENT_FIELDS[kind] if _filled(raw.get(k))]
            segments.append(segment)
        setattr(collection, kind, segments)
    collection.basic = dict(data.get("basic") or {})
    collection.scope = data.get("scope") or None
    if data.get("department_code"):
        collection.department_code = data["department_code"]
    collection.imported = True
    record.claimed_at = now


def check_records(records) -> list[dict]:
    if not isinstance(records, list) or not records:
        raise ValidationFailed("RECORDS_REQUIRED", "请提供要导入的记录", {"records": "请提供要导入的记录"})
    return records
