"""职称管理: accounting qualifications (from the national library or entered by hand) and other
professional qualifications. Manual entries carry a proof and are reviewed by the person's department."""
from sqlalchemy import select

from ausm_common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ausm_common.uploads import check_upload

from . import departments, domain, review
from .exceptions import RuleViolations
from .models import Collection, Qualification

STATUS_LABELS = domain.REVIEW_STATUSES


def fetch_from_library(session, library, collection: Collection, now) -> dict:
    """自动获取: records already here (same certificate number) are not added twice."""
    person = collection.person
    records = library.lookup(person["id_number"], person["name"])
    if not records:
        return {"found": 0, "added": 0, "message": "未获取到数据"}
    have = {q.data.get("certificate_no") for q in session.scalars(select(Qualification).where(
        Qualification.account_id == collection.account_id, Qualification.category == "accounting"))}
    added = 0
    for record in records:
        if record.certificate_no in have:
            continue
        data = domain.normalize_qualification({"level": record.level, "way": record.way,
                                                "obtained_date": record.obtained_on.isoformat(),
                                                "certificate_no": record.certificate_no})
        data["issuer"] = record.issuer
        session.add(Qualification(account_id=collection.account_id, category="accounting", source="library",
                                  data=data, proof={}, status="approved",
                                  department_code=collection.department_code or "", submitted_at=now,
                                  decided_at=now))
        added += 1
    return {"found": len(records), "added": added, "message": f"已从全国会计资格职称库获取{len(records)}条记录"}


def _checked(store, collection: Collection, category: str, data: dict, today, proof_needed=True):
    """The cleaned data and the checked proof ({} when none was sent and none is needed); a refused proof is
    removed from the store."""
    proof_key = data.get("proof_key")
    try:
        if category == "accounting":
            problems = domain.check_qualification(data, today)
            clean = domain.normalize_qualification(data)
        elif category == "other":
            problems = domain.check_other_qualification(data, today)
            clean = {k: (data.get(k) or "").strip() for k in ("type", "level", "name", "obtained_date",
                                                                  "certificate_no")}
        else:
            raise ValidationFailed("CATEGORY_INVALID", "职称类别不正确", {"category": "职称类别不正确"})
        if problems:
            raise RuleViolations(problems)
        if not proof_key and not proof_needed:
            return clean, {}
        if not proof_key or not proof_key.startswith(f"incoming/{collection.account_id}/"):
            raise ValidationFailed("PROOF_REQUIRED",
                                   f"请上传证书或批文图片（{domain.QUALIFICATION_PROOF_POLICY.describe()}）",
                                   {"proof": "请上传证明材料"})
        info = check_upload(store.get(proof_key), domain.QUALIFICATION_PROOF_POLICY, field="proof", label="证明材料")
    except Exception:
        if proof_key and proof_key.startswith(f"incoming/{collection.account_id}/"):
            store.delete(proof_key)
        raise
    return clean, {"key": proof_key, "content_type": info.content_type, "size": info.size, "width": info.width,
                   "height": info.height}


def submit(session, store, collection: Collection, category: str, data: dict, today, now) -> Qualification:
    if collection.status != "approved":
        raise Forbidden("COLLECTION_NOT_APPROVED", "信息采集审核通过后才能登记职称信息")
    clean, proof = _checked(store, collection, category, data, today)
    row = Qualification(account_id=collection.account_id, category=category, source="manual", data=clean,
                        proof=proof, status="submitted", department_code=collection.department_code or "",
                        submitted_at=now)
    session.add(row)
    session.flush()
    return row


# --- the list's row actions (更新 删除 编辑 打印) -----------------------------------------------------

def mine(session, account_id: str, qualification_id: str, lock=False) -> Qualification:
    row = session.get(Qualification, qualification_id, with_for_update=lock)
    if row is None or row.account_id != account_id:
        raise NotFound("NOT_FOUND", "职称记录不存在")
    return row


def _allow(row: Qualification, action: str):
    reason = domain.row_actions(row.category, row.source, row.status, row.data)[action]
    if reason:
        raise Conflict("QUALIFICATION_ACTION_NOT_ALLOWED", f"不能{domain.ACTION_LABELS[action]}：{reason}",
                       {"qualification": reason})


def refresh(library, collection: Collection, row: Qualification, now) -> dict:
    """更新: ask the national library for this certificate number. A system record takes the library's data; a
    manual entry the library knows becomes a system record (obtained); otherwise nothing changes."""
    _allow(row, "update")
    number = row.data.get("certificate_no")
    person = collection.person
    record = next((r for r in library.lookup(person["id_number"], person["name"]) if r.certificate_no == number),
                  None)
    if record is None:
        return {"updated": False, "message": "未获取到数据，全国会计资格职称库中没有该证书号的记录"}
    data = domain.normalize_qualification({"level": record.level, "way": record.way,
                                            "obtained_date": record.obtained_on.isoformat(),
                                            "certificate_no": record.certificate_no})
    data["issuer"] = record.issuer
    if not (row.status == "approved" and row.decided_at):
        row.decided_at = now
    row.data, row.source, row.status, row.reasons = data, "library", "approved", {}
    return {"updated": True, "message": "获取更新成功，信息来源为系统记录"}


def delete(store, row: Qualification, session):
    """删除: one's own entry not yet approved, with its proof."""
    _allow(row, "delete")
    if row.proof.get("key"):
        store.delete(row.proof["key"])
    session.delete(row)


def edit(store, collection: Collection, row: Qualification, data: dict, today, now):
    """编辑: one's own entry not yet approved is corrected and goes to review again (a new proof is optional)."""
    _allow(row, "edit")
    clean, proof = _checked(store, collection, row.category, data, today, proof_needed=False)
    if proof and row.proof.get("key"):
        store.delete(row.proof["key"])
    row.data, row.proof = clean, proof or row.proof
    row.status, row.reasons, row.submitted_at, row.decided_at = "submitted", {}, now, None


def decide(session, caller, row: Qualification, decision: str, reasons: dict, note, now):
    departments.check_jurisdiction(caller, row.department_code)
    reasons = review.check_decision(row.status, decision, reasons)
    row.status = "approved" if decision == "approve" else "returned"
    row.reasons = reasons
    row.decided_at = now
    review.log(session, caller, "qualification", row.id, row.account_id, row.department_code, decision, now,
               reasons, note)


def view(row: Qualification, link) -> dict:
    d = row.data or {}
    labels = {"level_label": domain.QUAL_LEVELS.get(d.get("level", "")),
              "way_label": domain.QUAL_WAYS.get(d.get("way", "")),
              "title_label": domain.TITLES.get(d.get("title", "")),
              "type_label": domain.OTHER_QUAL_TYPES.get(d.get("type", ""))}
    actions = domain.row_actions(row.category, row.source, row.status, d)
    return {"id": row.id, "category": row.category, "source": row.source,
            "source_label": "全国会计资格职称库" if row.source == "library" else "本人填报",
            "origin_label": domain.ORIGIN_LABELS[row.source],
            "obtained": domain.is_obtained(row.source, row.status),
            "obtained_label": domain.OBTAINED_LABELS[domain.is_obtained(row.source, row.status)],
            "actions": {name: reason is None for name, reason in actions.items()},
            "action_notes": {name: reason for name, reason in actions.items() if reason},
            "action_labels": domain.ACTION_LABELS,
            "data": d, **{k: v for k, v in labels.items() if v}, "status": row.status,
            "status_label": STATUS_LABELS[row.status], "reasons": row.reasons or {},
            "proof": ({**{k: v for k, v in row.proof.items() if k != "key"}, "url": link(row.proof["key"])}
                      if row.proof.get("key") else None),
            "submitted_at": row.submitted_at.isoformat(),
            "decided_at": row.decided_at.isoformat() if row.decided_at else None}


def for_person(session, account_id, link) -> list[dict]:
    rows = session.scalars(select(Qualification).where(Qualification.account_id == account_id)
                           .order_by(Qualification.submitted_at.desc()))
    return [view(r, link) for r in rows]
