"""职称管理: accounting qualifications (from the national library or entered by hand) and other
professional qualifications. Manual entries carry a proof and are reviewed by the person's department."""
from sqlalchemy import select

from ausm_common.errors import Forbidden, ValidationFailed
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


def submit(session, store, collection: Collection, category: str, data: dict, today, now) -> Qualification:
    if collection.status != "approved":
        raise Forbidden("COLLECTION_NOT_APPROVED", "信息采集审核通过后才能登记职称信息")
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
        if not proof_key or not proof_key.startswith(f"incoming/{collection.account_id}/"):
            raise ValidationFailed("PROOF_REQUIRED",
                                   f"请上传证书或批文图片（{domain.QUALIFICATION_PROOF_POLICY.describe()}）",
                                   {"proof": "请上传证明材料"})
        info = check_upload(store.get(proof_key), domain.QUALIFICATION_PROOF_POLICY, field="proof", label="证明材料")
    except Exception:
        if proof_key and proof_key.startswith(f"incoming/{collection.account_id}/"):
            store.delete(proof_key)
        raise
    row = Qualification(account_id=collection.account_id, category=category, source="manual", data=clean,
                        proof={"key": proof_key, "content_type": info.content_type, "size": info.size,
                               "width": info.width, "height": info.height},
                        status="submitted", department_code=collection.department_code or "", submitted_at=now)
    session.add(row)
    session.flush()
    return row


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
    return {"id": row.id, "category": row.category, "source": row.source,
            "source_label": "全国会计资格职称库" if row.source == "library" else "本人填报",
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
