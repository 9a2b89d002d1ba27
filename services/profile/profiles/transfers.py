"""属地关系调转: moving a person to another management department, reviewed by the receiving one."""
from sqlalchemy import or_, select, update

from ausm_common.errors import Conflict, ValidationFailed
from ausm_common.masking import mask_id_number, mask_name
from ausm_common.uploads import check_upload

from . import departments, domain, review
from .changes import pending_counts
from .exceptions import RuleViolations
from .models import Collection, Qualification, Transfer

STATUS_LABELS = domain.REVIEW_STATUSES


def submit(session, store, collection: Collection | None, data: dict, today, now) -> Transfer:
    account_id = collection.account_id if collection else data["account_id"]
    proof_key = data.get("proof_key")
    try:
        target = data.get("to_department")
        problems = domain.transfer_blockers(collection.status if collection else None,
                                            pending_counts(session, account_id),
                                            collection.department_code if collection else None, target)
        if not problems:
            departments.get(session, target, field="to_department")
            problems = domain.check_transfer(data.get("reason"), data.get("details") or {}, today)
        if problems:   # the request names the target `to_department`; so do the errors
            raise RuleViolations([domain.Problem("to_department", p.code, p.message)
                                  if p.field == "target_department" else p for p in problems])
        if not proof_key or not proof_key.startswith(f"incoming/{account_id}/"):
            hint = domain.TRANSFER_PROOF_HINTS[data["reason"]]
            raise ValidationFailed("PROOF_REQUIRED", f"请上传调转证明材料（{hint}）", {"proof": "请上传证明材料"})
        info = check_upload(store.get(proof_key), domain.TRANSFER_PROOF_POLICY, field="proof", label="证明材料")
    except Exception:
        if proof_key and proof_key.startswith(f"incoming/{account_id}/"):
            store.delete(proof_key)
        raise
    transfer = Transfer(account_id=account_id, reason=data["reason"],
                        details=domain.normalize_transfer(data["reason"], data.get("details") or {}),
                        from_department=collection.department_code, to_department=target,
                        proof={"key": proof_key, "content_type": info.content_type, "size": info.size,
                               "width": info.width, "height": info.height},
                        status="submitted", submitted_at=now)
    session.add(transfer)
    session.flush()
    return transfer


def decide(session, caller, collection: Collection, transfer: Transfer, decision: str, reasons: dict, note, now):
    """The receiving department decides; on approval the person belongs to it from now on."""
    departments.check_jurisdiction(caller, transfer.to_department)
    reasons = review.check_decision(transfer.status, decision, reasons)
    if decision == "approve":
        if collection.department_code != transfer.from_department:
            raise Conflict("TRANSFER_STALE", "该人员的管理部门已发生变化，请退回此申请")
        collection.department_code = transfer.to_department
        # titles still waiting follow the person to the department that now reviews them
        session.execute(update(Qualification).where(Qualification.account_id == transfer.account_id,
                                                    Qualification.status == "submitted")
                        .values(department_code=transfer.to_department))
        collection.version = (collection.version or 0) + 1
        collection.updated_at = now
    transfer.status = "approved" if decision == "approve" else "returned"
    transfer.reasons = reasons
    transfer.decided_at = now
    review.log(session, caller, "transfer", transfer.id, transfer.account_id, transfer.to_department, decision,
               now, reasons, note)


def view(session, transfer: Transfer, link) -> dict:
    names = {d.code: d.name for d in session.scalars(select(departments.Department).where(
        departments.Department.code.in_([transfer.from_department, transfer.to_department])))}
    return {"id": transfer.id, "reason": transfer.reason, "reason_label": domain.TRANSFER_REASONS[transfer.reason],
            "details": transfer.details, "from_department": transfer.from_department,
            "from_path": "/".join(d["name"] for d in departments.path(session, transfer.from_department)),
            "to_department": transfer.to_department,
            "to_path": "/".join(d["name"] for d in departments.path(session, transfer.to_department)),
            "from_name": names.get(transfer.from_department), "to_name": names.get(transfer.to_department),
            "status": transfer.status, "status_label": STATUS_LABELS[transfer.status], "reasons": transfer.reasons,
            "proof": {**{k: v for k, v in transfer.proof.items() if k != "key"}, "url": link(transfer.proof["key"])},
            "submitted_at": transfer.submitted_at.isoformat(),
            "decided_at": transfer.decided_at.isoformat() if transfer.decided_at else None}


def for_person(session, account_id, link) -> list[dict]:
    rows = session.scalars(select(Transfer).where(Transfer.account_id == account_id)
                           .order_by(Transfer.submitted_at.desc()))
    return [view(session, t, link) for t in rows]


def for_department(session, caller, link, status: str | None = None) -> list[dict]:
    """Both ends see a transfer: the department it leaves and the one it joins (with whose it is, masked)."""
    query = select(Transfer).where(or_(departments.jurisdiction_filter(Transfer.from_department, caller),
                                       departments.jurisdiction_filter(Transfer.to_department, caller)))
    if status:
        query = query.where(Transfer.status == status)
    rows = session.scalars(query.order_by(Transfer.submitted_at.desc()).limit(500)).all()
    people = {c.account_id: c.person or {} for c in session.scalars(
        select(Collection).where(Collection.account_id.in_({t.account_id for t in rows})))} if rows else {}
    out = []
    for transfer in rows:
        person = people.get(transfer.account_id, {})
        out.append({**view(session, transfer, link), "name": mask_name(person.get("name")),
                    "id_number": mask_id_number(person.get("id_number"))})
    return out
