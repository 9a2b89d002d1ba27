"""What a province's system reads of the people of its province (scope candidates:read), masked; unmasked
fields only with candidates:unmask and a purpose, and every such read recorded for the person to see."""
from sqlalchemy import func, select

from ausm_common.errors import NotFound

from . import data_reads, departments
from .models import Collection, Department

LISTED = ("submitted", "approved", "returned")


def _query(caller: dict, status: str | None, id_number: str | None):
    query = select(Collection).where(departments.jurisdiction_filter(Collection.department_code, caller),
                                     Collection.status.in_((status,) if status else LISTED))
    if id_number:
        query = query.where(Collection.person["id_number"].as_string() == id_number.strip().upper())
    return query


def candidate_view(session, collection: Collection) -> dict:
    person = collection.person or {}
    department = session.get(Department, collection.department_code) if collection.department_code else None
    return {"account_id": collection.account_id, **data_reads.masked(person),
            "id_type": person.get("id_type"), "gender": person.get("gender"),
            "collection_status": collection.status, "scope": collection.scope,
            "department_code": collection.department_code,
            "department_name": department.name if department else None,
            "decided_at": collection.decided_at.isoformat() if collection.decided_at else None,
            "education_levels": [s.get("education_level") for s in collection.education or []],
            "employers": [s.get("employer") for s in collection.work or []]}


def listing(session, caller: dict, data: dict) -> dict:
    query = _query(caller, data.get("status"), data.get("id_number"))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Collection.account_id).offset((data["page"] - 1) * data["per_page"])
                           .limit(data["per_page"]))
    return {"items": [candidate_view(session, c) for c in rows], "total": total, "page": data["page"],
            "per_page": data["per_page"]}


def in_province(session, caller: dict, account_id: str) -> Collection:
    found = session.scalars(select(Collection).where(Collection.account_id == account_id)).first()
    if found is None or found.status not in LISTED or not departments.in_jurisdiction(caller, found.department_code):
        raise NotFound("NOT_FOUND", "该人员不存在或不属于本省")   # another province's people do not exist here
    return found


def read(session, caller: dict, collection: Collection, fields: list[str], purpose: str | None, now) -> dict:
    view = candidate_view(session, collection)
    if fields:
        fields, purpose = data_reads.check_request(fields, purpose)
        data_reads.record(session, caller, collection.account_id, fields, purpose, now)
        person = collection.person or {}
        view.update({f: person.get(f) for f in fields})
        view["unmasked"] = fields
    return view
