"""What the pages and the API see of the profile records (masked unless staff may see more)."""
from sqlalchemy import select

from ausm_common.masking import mask_id_number as mask_id
from ausm_common.masking import mask_name, mask_phone

from . import collection as coll
from . import departments, domain, review
from .models import ChangeRequest, Collection, Department, Qualification, Transfer


def person_view(person: dict, full: bool) -> dict:
    out = dict(person)
    if not full:
        out.update(id_number=mask_id(person.get("id_number")), phone=mask_phone(person.get("phone")))
    return out


def not_started(person: dict) -> dict:
    return {"status": "not_started", "status_label": "未开始",
            "realname_verified": person.get("realname_status") == "verified",
            "steps": [{"step": s, "label": coll.STEP_LABELS[s], "state": "todo"} for s in coll.STEPS]}


def _files(container: dict, link, names) -> dict:
    out = {}
    for name in names:
        meta = (container or {}).get(name)
        if meta:
            out[name] = {**{k: v for k, v in meta.items() if k != "key"}, "url": link(meta["key"])}
    return out


def _segment(segment: dict, link) -> dict:
    out = {k: v for k, v in segment.items() if k != "proofs"}
    out["proofs"] = _files(segment.get("proofs") or {}, link, list((segment.get("proofs") or {}).keys()))
    return out


def step_states(collection: Collection, problems) -> list[dict]:
    done = set(collection.steps_done or [])
    prefix = {"notice": ("scope",), "basic": ("basic",), "education": ("education",), "work": ("work",),
              "department": ("department_code", "pledge")}
    out = []
    for step in coll.STEPS:
        flagged = [p for p in problems if p.field.split(".")[0] in prefix[step]]
        returned = [k for k in (collection.return_reasons or {}) if k.split(".")[0] in prefix[step]]
        if returned and collection.status == "returned":
            state = "returned"
        elif step in done and not flagged:
            state = "done"
        elif step in done:
            state = "attention"
        else:
            state = "todo"
        out.append({"step": step, "label": coll.STEP_LABELS[step], "state": state,
                    "problems": len(flagged)})
    return out


def collection_view(session, collection: Collection, link, today, for_staff=False) -> dict:
    problems = coll.problems(collection, today) if collection.status in coll.EDITABLE else []
    basic = {k: v for k, v in (collection.basic or {}).items()
             if k not in ("photo", "identity_proof", "qualification_certificate")}
    view = {
        "id": collection.id, "status": collection.status, "status_label": coll.STATUS_LABELS[collection.status],
        "scope": collection.scope, "scope_label": domain.SCOPES.get(collection.scope) if collection.scope else None,
        "qualification_checked": collection.qualification_checked, "imported": collection.imported,
        "person": person_view(collection.person or {}, full=for_staff),
        "basic": basic,
        "files": _files(collection.basic or {}, link, ("photo", "identity_proof", "qualification_certificate")),
        "education": [_segment(s, link) for s in collection.education or []],
        "work": [_segment(s, link) for s in collection.work or []],
        "department": departments.view(session.get(Department, collection.department_code))
        if collection.department_code else None,
        "department_path": departments.path(session, collection.department_code),
        "suggested_department": suggested_department(session, collection),
        "required_proofs": coll.proof_slots(collection),
        "problems": [p.__dict__ for p in problems],
        "return_reasons": collection.return_reasons or {},
        "steps": step_states(collection, problems),
        "submitted_at": collection.submitted_at.isoformat() if collection.submitted_at else None,
        "decided_at": collection.decided_at.isoformat() if collection.decided_at else None,
        "updated_at": collection.updated_at.isoformat() if collection.updated_at else None,
        "version": collection.version,
    }
    if for_staff:
        view["history"] = review.history(session, collection.id)
    return view


def suggested_department(session, collection: Collection) -> dict | None:
    """As Zhejiang does: the department where the current employer is registered (credit code characters
    3–8 are its division code), else where the person's ID was issued; the nearest one that exists."""
    candidates = [(s.get("credit_code") or "")[2:8] for s in collection.work or [] if not s.get("end_date")]
    sources = ["employer"] * len(candidates) + ["residence"]
    candidates.append(((collection.person or {}).get("id_number") or "")[:6])
    for code, source in zip(candidates, sources):
        if len(code) != 6 or not code.isdigit():
            continue
        for probe in (code, code[:4] + "00", code[:2] + "0000"):
            department = session.get(Department, probe)
            if department is not None:
                return {"code": department.code, "path": departments.path(session, department.code),
                        "source": source}
    return None


def employer_view(employer) -> dict:
    return {k: getattr(employer, k) for k in ("credit_code", "name", "employer_type", "industry", "address",
                                              "region_code") if hasattr(employer, k)}


def review_queue(session, caller: dict, kind: str, status: str) -> list[dict]:
    if kind != "collection":
        return other_queue(session, caller, kind, status)
    rows = session.scalars(select(Collection).where(
        Collection.status == status, departments.jurisdiction_filter(Collection.department_code, caller))
        .order_by(Collection.submitted_at if status == "submitted" else Collection.decided_at.desc())
        .limit(500)).all()
    out = []
    for row in rows:
        person = row.person or {}
        out.append({"id": row.id, "kind": "collection", "kind_label": "信息采集", "status": row.status,
                    "status_label": coll.STATUS_LABELS[row.status], "name": mask_name(person.get("name")),
                    "id_number": mask_id(person.get("id_number")),
                    "scope_label": domain.SCOPES.get(row.scope) if row.scope else None,
                    "department_code": row.department_code,
                    "department_name": department_name(session, row.department_code),
                    "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None})
    return out


def cpe_person(session, collection: Collection | None) -> dict:
    """What the cpe service reads of a person (service-only RPC)."""
    if collection is None or collection.status != "approved":
        return {"approved": False, "status": collection.status if collection else "not_started"}
    return {"approved": True, "account_id": collection.account_id, "name": (collection.person or {}).get("name") or "",
            "id_number": (collection.person or {}).get("id_number") or "",
            "department_code": collection.department_code,
            "department_name": department_name(session, collection.department_code) or ""}


def department_name(session, code: str | None) -> str | None:
    row = session.get(Department, code) if code else None
    return row.name if row else None


def options() -> dict:
    """Choices for the collection pages, from the rules module (one source of labels)."""
    def pairs(mapping):
        return [{"code": k, "label": v} for k, v in mapping.items()]
    names = ("SCOPES", "STUDY_MODES", "EDUCATION_LEVELS", "DEGREES", "POLITICAL_STATUSES", "ETHNICITIES",
             "EMPLOYER_TYPES", "INDUSTRIES", "ACCOUNTING_POST_LEVELS", "ACCOUNTING_POSTS", "TITLES", "QUAL_LEVELS",
             "QUAL_WAYS", "OTHER_QUAL_TYPES", "TRANSFER_REASONS", "ARCHIVE_MODES", "ALT_ID_TYPES", "MODULES",
             "QUESTION_STATUSES")
    return {name.lower(): pairs(getattr(domain, name)) for name in names if hasattr(domain, name)}


def other_queue(session, caller: dict, kind: str, status: str) -> list[dict]:
    """Changes and qualifications wait at the person's department; transfers at the receiving one."""
    model, column = {"change": (ChangeRequest, ChangeRequest.department_code),
                     "transfer": (Transfer, Transfer.to_department),
                     "qualification": (Qualification, Qualification.department_code)}[kind]
    rows = session.scalars(select(model).where(model.status == status,
                                               departments.jurisdiction_filter(column, caller))
                           .order_by(model.submitted_at if status == "submitted" else model.decided_at.desc())
                           .limit(500)).all()
    people = {c.account_id: c.person or {} for c in session.scalars(
        select(Collection).where(Collection.account_id.in_({r.account_id for r in rows})))} if rows else {}
    labels = {"change": lambda r: f"{domain.CHANGE_KINDS[r.kind]}（{domain.CHANGE_OPERATIONS[r.operation]}）",
              "transfer": lambda r: f"调转：{domain.TRANSFER_REASONS[r.reason]}",
              "qualification": lambda r: "会计专业技术资格" if r.category == "accounting" else "其他职业资格"}
    out = []
    for row in rows:
        person = people.get(row.account_id, {})
        out.append({"id": row.id, "kind": kind, "kind_label": labels[kind](row), "status": row.status,
                    "status_label": domain.REVIEW_STATUSES.get(row.status, row.status),
                    "name": mask_name(person.get("name")), "id_number": mask_id(person.get("id_number")),
                    "department_code": getattr(row, "department_code", None) or getattr(row, "to_department", None),
                    "department_name": department_name(session, getattr(row, "department_code", None)
                                                       or getattr(row, "to_department", None)),
                    "submitted_at": row.submitted_at.isoformat() if row.submitted_at else None})
    return out


def exam_profile(session, collection: Collection | None) -> dict:
    """What the exam service reads of a person (service-only RPC): the approved collection's education, work,
    department, photo and approved qualifications; only `approved` and `status` when there is none."""
    if collection is None or collection.status != "approved":
        return {"approved": False, "status": collection.status if collection else "not_started"}
    qualifications = session.scalars(select(Qualification).where(Qualification.account_id == collection.account_id,
                                                                 Qualification.status == "approved"))
    photo = (collection.basic or {}).get("photo")
    return {"approved": True, "status": "approved", "collection_id": collection.id,
            "department_code": collection.department_code,
            "department_name": department_name(session, collection.department_code),
            "education": [{k: v for k, v in s.items() if k not in ("proofs", "locked")} for s in collection.education or []],
            "work": [{k: v for k, v in s.items() if k not in ("proofs", "locked")} for s in collection.work or []],
            "basic": {k: v for k, v in (collection.basic or {}).items()
                      if k not in ("photo", "identity_proof", "qualification_certificate")},
            "photo": {k: photo.get(k) for k in ("key", "content_type", "size", "width", "height")} if photo else None,
            "qualifications": [{"category": q.category, "status": q.status, "data": q.data} for q in qualifications]}
