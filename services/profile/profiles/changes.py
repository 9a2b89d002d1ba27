"""信息变更: change requests against an approved collection, with history.

The approved record changes only when its change is approved. Basic-info changes are approved at
once unless the identity proof changes; education, work and scope changes wait for the department.
"""
import copy
import uuid

from sqlalchemy import func, select

from ausm_common.errors import Conflict, NotFound, ValidationFailed
from ausm_common.uploads import check_upload

from . import departments, domain, review
from .collection import BASIC_FIELDS, _birth
from .exceptions import RuleViolations
from .models import ChangeRequest, Collection, Transfer

IGNORED = ("id", "proofs", "checks", "locked")
STATUS_LABELS = domain.REVIEW_STATUSES


def pending_counts(session, account_id: str) -> dict[str, int]:
    changes = session.scalar(select(func.count()).select_from(ChangeRequest).where(
        ChangeRequest.account_id == account_id, ChangeRequest.status == "submitted"))
    transfers = session.scalar(select(func.count()).select_from(Transfer).where(
        Transfer.account_id == account_id, Transfer.status == "submitted"))
    return {"change": changes, "transfer": transfers}


def _pending_kinds(session, account_id):
    return {k: n for k, n in session.execute(
        select(ChangeRequest.kind, func.count()).where(ChangeRequest.account_id == account_id,
                                                       ChangeRequest.status == "submitted")
        .group_by(ChangeRequest.kind)).all()}


def _index_of(segments: list, segment_id: str | None) -> int | None:
    for i, segment in enumerate(segments):
        if segment.get("id") == segment_id:
            return i
    return None


def _take_proofs(store, account_id: str, keys: dict, slots: dict[str, str]) -> dict:
    """Check each new proof (incoming/<account>/…) by content; refuse, and delete them all, on any failure."""
    taken = {}
    try:
        for name, key in (keys or {}).items():
            if not key:
                continue
            if name not in slots or not key.startswith(f"incoming/{account_id}/"):
                raise ValidationFailed("PROOF_NOT_NEEDED", "该项无需上传证明材料", {f"proofs.{name}": "无需上传"})
            info = check_upload(store.get(key), domain.PROOF_POLICY, field=f"proofs.{name}", label="证明材料")
            taken[name] = {"key": key, "content_type": info.content_type, "size": info.size,
                           "width": info.width, "height": info.height}
    except Exception:
        for key in (keys or {}).values():
            if key and key.startswith(f"incoming/{account_id}/"):
                store.delete(key)
        raise
    return taken


def submit(session, store, collection: Collection, kind: str, operation: str, data: dict, today, now) -> ChangeRequest:
    problems = domain.check_change_allowed(collection.status, _pending_kinds(session, collection.account_id),
                                           kind, operation)
    if problems:
        raise RuleViolations(problems)
    segment_id = None
    if kind == "basic":
        before = {k: (collection.basic or {}).get(k) for k in BASIC_FIELDS + ("identity_proof",)}
        after = {k: (data.get(k) or "").strip() if isinstance(data.get(k), str) else data.get(k) for k in BASIC_FIELDS}
        found = domain.check_basic(after)
        if found:
            raise RuleViolations(found)
        proof = _take_proofs(store, collection.account_id, {"identity_proof": data.get("identity_proof_key")},
                             {"identity_proof": "身份证明"})
        after["identity_proof"] = proof.get("identity_proof") or before.get("identity_proof")
    elif kind == "scope":
        before, after = {"scope": collection.scope}, {"scope": data.get("scope")}
        found = domain.check_scope_change(after["scope"], collection.education or [], collection.work or [])
        if found:
            raise RuleViolations(found)
    else:
        segments = list(getattr(collection, kind) or [])
        segment_id = data.get("segment_id")
        index = None if operation == "add" else _index_of(segments, segment_id)
        if operation != "add" and index is None:
            raise NotFound("CHANGE_SEGMENT_NOT_FOUND", "要变更的经历不存在，请刷新页面后重试")
        new = {k: v for k, v in (data.get("segment") or {}).items() if k not in IGNORED}
        found = domain.check_segment_change(kind, operation, segments, index,
                                            new if operation != "delete" else None,
                                            _birth(collection), today, collection.scope)
        if found:
            raise RuleViolations(found)
        before = copy.deepcopy(segments[index]) if index is not None else {}
        if operation == "delete":
            after = {}
        else:
            after = {**new, "id": segment_id if operation == "modify" else uuid.uuid4().hex,
                     "proofs": copy.deepcopy(before.get("proofs", {})), "locked": []}
            parse = domain.education_from_dict if kind == "education" else domain.work_from_dict
            parsed, _ = parse(after, 0)
            needed = {slot.split(".", 2)[2]: text for slot, text in domain.required_proofs(
                [parsed] if kind == "education" else [], [parsed] if kind == "work" else [], collection.scope,
                identity_proof_needed=False, degree_checks={}).items()}
            after["proofs"].update(_take_proofs(store, collection.account_id, data.get("proofs") or {}, needed))
            missing = [domain.Problem(f"proofs.{name}", "PROOF_REQUIRED", f"请上传{text}")
                       for name, text in needed.items() if name not in after["proofs"]]
            if missing:
                raise RuleViolations(missing)
            segment_id = after["id"]
    changed = domain.diff_fields(before, after, ignore=IGNORED)
    if operation in ("add", "delete") and kind in ("education", "work"):
        changed = changed or ["*"]
    if not changed and not (kind == "basic" and after.get("identity_proof") != before.get("identity_proof")):
        raise ValidationFailed("CHANGE_EMPTY", "没有修改任何内容", {})
    mode = domain.change_review_mode(kind, before, after)
    request = ChangeRequest(account_id=collection.account_id, kind=kind, operation=operation, segment_id=segment_id,
                            before=before, after=after, changed_fields=changed, review_mode=mode,
                            status="submitted", department_code=collection.department_code or "", submitted_at=now)
    session.add(request)
    session.flush()
    if mode == "auto":
        apply(collection, request, now)
    return request


def apply(collection: Collection, request: ChangeRequest, now):
    """Write an approved change into the record."""
    if request.kind == "basic":
        collection.basic = {**copy.deepcopy(collection.basic or {}),
                            **{k: v for k, v in request.after.items() if v is not None or k != "identity_proof"}}
    elif request.kind == "scope":
        collection.scope = request.after["scope"]
    else:
        segments = copy.deepcopy(getattr(collection, request.kind) or [])
        index = _index_of(segments, request.segment_id)
        if request.operation == "add":
            segments.append(copy.deepcopy(request.after))
        elif index is None:
            raise Conflict("CHANGE_STALE", "要变更的经历已不存在，请退回该申请")
        elif request.operation == "modify":
            segments[index] = copy.deepcopy(request.after)
        else:
            del segments[index]
        segments.sort(key=lambda s: s.get("start_date") or "")
        setattr(collection, request.kind, segments)
    request.status = "approved"
    request.decided_at = now
    collection.updated_at = now
    collection.version = (collection.version or 0) + 1


def withdraw(request: ChangeRequest, now):
    if request.status != "submitted":
        raise Conflict("CHANGE_NOT_PENDING", "只有审核中的变更申请可以撤回")
    request.status = "withdrawn"
    request.decided_at = now


def decide(session, caller, collection: Collection, request: ChangeRequest, decision: str, reasons: dict, note, now):
    departments.check_jurisdiction(caller, request.department_code)
    reasons = review.check_decision(request.status, decision, reasons)
    if decision == "approve":
        apply(collection, request, now)
    else:
        request.status, request.reasons, request.decided_at = "returned", reasons, now
    review.log(session, caller, "change", request.id, request.account_id, request.department_code, decision, now,
               reasons, note)


def view(request: ChangeRequest, link=None) -> dict:
    return {"id": request.id, "kind": request.kind, "kind_label": domain.CHANGE_KINDS[request.kind],
            "operation": request.operation, "operation_label": domain.CHANGE_OPERATIONS[request.operation],
            "review_mode": request.review_mode, "review_mode_label": domain.REVIEW_MODES[request.review_mode],
            "status": request.status, "status_label": STATUS_LABELS[request.status],
            "segment_id": request.segment_id, "before": _public(request.before, link),
            "after": _public(request.after, link),
            "changed_fields": request.changed_fields, "reasons": request.reasons or {},
            "submitted_at": request.submitted_at.isoformat(),
            "decided_at": request.decided_at.isoformat() if request.decided_at else None}


def _file(meta: dict, link) -> dict:
    out = {k: v for k, v in meta.items() if k != "key"}
    if link and meta.get("key"):
        out["url"] = link(meta["key"])
    return out


def _public(data: dict, link=None) -> dict:
    """File metadata without object keys; short-lived links when the caller may see the files."""
    out = {}
    for key, value in (data or {}).items():
        if key == "proofs":          # names for the lists, files (with links) beside them
            out[key] = sorted(value or {})
            out["proof_files"] = {name: _file(meta, link) for name, meta in (value or {}).items()}
        elif isinstance(value, dict) and "key" in value:
            out[key] = _file(value, link)
        else:
            out[key] = value
    return out


def history(session, account_id: str, kind: str | None = None, link=None) -> list[dict]:
    query = select(ChangeRequest).where(ChangeRequest.account_id == account_id)
    if kind:
        query = query.where(ChangeRequest.kind == kind)
    return [view(r, link) for r in session.scalars(query.order_by(ChangeRequest.submitted_at.desc()))]
