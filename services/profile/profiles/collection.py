"""信息采集: the wizard's steps, its proofs, submission and review, around the rules in the domain package.

Each step is saved whole or not at all; a step that breaks a rule is refused with every problem
named by its field path, so the page can show them next to the fields.
"""
import copy
import uuid

from sqlalchemy import select

from ausm_common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ausm_common.storage import ObjectStore
from ausm_common.upload_policies import collection_purpose
from ausm_common.uploads import check_upload

from . import departments, domain, review
from .models import Collection

STEPS = ("notice", "basic", "education", "work", "department")
STEP_LABELS = {"notice": "采集须知", "basic": "基本信息", "education": "教育经历", "work": "工作经历",
               "department": "会计管理部门", "result": "审核告知"}
EDITABLE = ("draft", "returned")
STATUS_LABELS = domain.REVIEW_STATUSES


# --- loading -------------------------------------------------------------------------------

def for_person(session, account_id: str, lock: bool = False) -> Collection | None:
    return session.scalars(select(Collection).where(Collection.account_id == account_id)
                           .with_for_update(of=Collection) if lock else
                           select(Collection).where(Collection.account_id == account_id)).first()


def approved_by_id_numbers(session, id_numbers) -> list[Collection]:
    """Approved collections of these ID numbers (the registration copy holds the full number)."""
    wanted = sorted({str(n).strip().upper() for n in id_numbers if n})
    if not wanted:
        return []
    return list(session.scalars(select(Collection).where(Collection.status == "approved",
                                                         Collection.person["id_number"].as_string().in_(wanted))))


def follow_phone_change(session, account_id: str, phone: str):
    """Keep the registration copy current; setting (not adding) makes a repeat harmless."""
    found = for_person(session, account_id, lock=True)
    if found is not None and (found.person or {}).get("phone") != phone:
        found.person = {**(found.person or {}), "phone": phone}


def require_editable(collection: Collection | None) -> Collection:
    if collection is None:
        raise NotFound("COLLECTION_NOT_STARTED", "请先开始信息采集")
    if collection.status not in EDITABLE:
        message = "信息采集已提交，审核期间不能修改" if collection.status == "submitted" else \
            "信息采集已审核通过，如需修改请使用“信息变更”"
        raise Conflict("COLLECTION_LOCKED", message)
    return collection


def person_snapshot(person: dict) -> dict:
    """What the collection keeps of the registration data (shown read-only in 基本信息)."""
    return {"id_type": person["id_type"], "id_type_label": person.get("id_type_label"),
            "id_number": person["full_id_number"], "name": person["full_name"], "gender": person.get("gender"),
            "birth_date": person.get("birth_date"), "phone": person["full_phone"]}


def start(session, account_id: str, person: dict, now) -> Collection:
    if person.get("realname_status") != "verified":
        raise Forbidden("REALNAME_REQUIRED", "请先完成实名认证，再进行信息采集")
    existing = for_person(session, account_id)
    if existing is not None:
        return existing
    collection = Collection(account_id=account_id, person=person_snapshot(person), created_at=now, updated_at=now)
    session.add(collection)
    from . import legacy
    legacy.claim(session, collection, now)
    session.flush()
    return collection


def _touch(collection: Collection, step: str, now):
    collection.steps_done = sorted(set(collection.steps_done or []) | {step}, key=STEPS.index)
    collection.updated_at = now
    collection.version = (collection.version or 0) + 1


# --- steps ---------------------------------------------------------------------------------

def save_notice(collection: Collection, scope: str, qualification_library, now) -> dict:
    if scope not in domain.SCOPES:
        raise ValidationFailed("SCOPE_REQUIRED", "请选择采集范围", {"scope": "请选择采集范围"})
    checked = False
    if scope == "qualified_non_accountant":
        person = collection.person
        checked = qualification_library.verify(person["id_number"], person["name"])
    collection.scope = scope
    collection.qualification_checked = checked
    _touch(collection, "notice", now)
    return {"qualification_checked": checked}


BASIC_FIELDS = ("political_status", "ethnicity", "email", "address", "postcode", "alt_id_type", "alt_id_number")


def save_basic(collection: Collection, data: dict, now):
    basic = {k: (data.get(k) or "").strip() if isinstance(data.get(k), str) else data.get(k) for k in BASIC_FIELDS}
    domain.raise_if(domain.check_basic(basic))
    keep = {k: v for k, v in (collection.basic or {}).items() if k in ("photo", "identity_proof")}
    collection.basic = {**basic, **keep}
    _touch(collection, "basic", now)


def _with_ids(new_segments: list[dict], old_segments: list[dict], kind: str) -> list[dict]:
    """Keep each segment's id and proofs across saves; new segments get a fresh id."""
    old = {s["id"]: s for s in old_segments or [] if s.get("id")}
    out = []
    for raw in new_segments:
        segment = dict(raw)
        previous = old.get(segment.get("id"))
        segment["id"] = previous["id"] if previous else uuid.uuid4().hex
        segment["proofs"] = copy.deepcopy(previous.get("proofs", {})) if previous else {}
        segment["locked"] = list(previous.get("locked", [])) if previous else []
        for field in segment["locked"]:          # fields imported from an old provincial platform
            segment[field] = previous[field]
        if kind == "education":
            segment["checks"] = copy.deepcopy(previous.get("checks", {})) if previous else {}
        out.append(segment)
    return out


def _parse(kind, segments):
    parse = domain.education_from_dict if kind == "education" else domain.work_from_dict
    parsed, problems = [], []
    for i, raw in enumerate(segments or []):
        segment, found = parse(raw, i)
        parsed.append(segment)
        problems += found
    return parsed, problems


def _birth(collection):
    from datetime import date
    raw = (collection.person or {}).get("birth_date")
    return date.fromisoformat(raw) if raw else None


def save_education(collection: Collection, segments: list[dict], degrees, today, now):
    segments = _with_ids(segments, collection.education, "education")
    parsed, problems = _parse("education", segments)
    domain.raise_if(domain.merge_problems(problems, domain.check_education(parsed, _birth(collection), today, collection.scope)))
    person = collection.person
    for raw, segment in zip(segments, parsed):   # 学信网 checks for 大专 and above, once per certificate number
        if domain.EDUCATION_LEVEL_ORDER.index(segment.education_level) < domain.EDUCATION_LEVEL_ORDER.index("associate"):
            raw["checks"] = {}
            continue
        checks = raw.get("checks") or {}
        for kind, number in (("education", segment.education_cert_no), ("degree", segment.degree_cert_no)):
            if kind == "degree" and (not number or segment.degree in (None, "", "none")):
                continue
            if checks.get(kind, {}).get("number") != number:
                result = degrees.verify(person["name"], person["id_number"], segment.education_level, number,
                                        kind=kind)
                checks[kind] = {"number": number, "status": result.status, "message": result.message}
        raw["checks"] = checks
    collection.education = segments
    follow_anchors(collection, "education")
    _touch(collection, "education", now)


def save_work(collection: Collection, segments: list[dict], today, now):
    segments = _with_ids(segments, collection.work, "work")
    parsed, problems = _parse("work", segments)
    domain.raise_if(domain.merge_problems(problems, domain.check_work(parsed, _birth(collection), today, collection.scope)))
    for raw, segment in zip(segments, parsed):
        raw["credit_code"] = segment.credit_code
    collection.work = segments
    follow_anchors(collection, "work")
    _touch(collection, "work", now)


def save_department(session, collection: Collection, code: str, now):
    department = departments.get(session, code)
    collection.department_code = department.code
    _touch(collection, "department", now)


# --- proofs ----------------------------------------------------------------------------------

def degree_checks(collection: Collection) -> dict[int, bool]:
    out = {}
    for i, segment in enumerate(collection.education or []):
        checks = segment.get("checks") or {}
        if checks:
            out[i] = all(c.get("status") == "verified" for c in checks.values())
    return out


def proof_slots(collection: Collection) -> dict[str, str]:
    """Index-based slots (`education.0.degree_certificate`) that this record needs, with their text."""
    parsed_edu, _ = _parse("education", collection.education or [])
    parsed_work, _ = _parse("work", collection.work or [])
    slots = domain.required_proofs(parsed_edu, parsed_work, collection.scope,
                                   identity_proof_needed=domain.needs_identity_proof(parsed_edu, parsed_work),
                                   degree_checks=degree_checks(collection))
    slots = dict(slots)
    if collection.scope == "qualified_non_accountant" and not collection.qualification_checked:
        slots["scope.qualification_certificate"] = "会计专业技术资格证书（全国证书库未核验到时上传）"
    return slots


def uploaded_slots(collection: Collection) -> set[str]:
    out = {f"basic.{k}" for k in ("photo", "identity_proof") if (collection.basic or {}).get(k)}
    for kind in ("education", "work"):
        for i, segment in enumerate(getattr(collection, kind) or []):
            out |= {f"{kind}.{i}.{name}" for name in (segment.get("proofs") or {})}
    if (collection.basic or {}).get("qualification_certificate"):
        out.add("scope.qualification_certificate")
    return out


def _slot_target(collection: Collection, slot: str):
    """Where a slot's file lives: (container dict, name). Slots name segments by index."""
    parts = slot.split(".")
    if parts[0] == "basic" and len(parts) == 2 and parts[1] in ("photo", "identity_proof"):
        return collection.basic, parts[1]
    if slot == "scope.qualification_certificate":
        return collection.basic, "qualification_certificate"
    if parts[0] in ("education", "work") and len(parts) == 3 and parts[1].isdigit():
        segments = getattr(collection, parts[0]) or []
        index = int(parts[1])
        if index < len(segments):
            return segments[index].setdefault("proofs", {}), parts[2]
    raise ValidationFailed("PROOF_SLOT_INVALID", "附件类型不正确", {"slot": "附件类型不正确"})


def attach(collection: Collection, store: ObjectStore, slot: str, key: str, account_id: str, now) -> dict:
    """Check an uploaded object by content for its slot; keep it, or delete it and refuse."""
    try:
        if not key or not key.startswith(f"incoming/{account_id}/"):
            raise ValidationFailed("UPLOAD_EMPTY", "请选择要上传的文件", {slot: "请选择要上传的文件"})
        if collection_purpose(slot) == "photo":
            policy, label = domain.photo_policy(collection.department_code), "照片"
        else:
            needed = proof_slots(collection)
            if slot not in needed and slot != "basic.identity_proof":
                raise ValidationFailed("PROOF_NOT_NEEDED", "该项无需上传证明材料", {slot: "该项无需上传证明材料"})
            policy, label = domain.PROOF_POLICY, "证明材料"
        info = check_upload(store.get(key), policy, field=slot, label=label)
        # JSON columns are compared by value: work on copies, then assign them back
        collection.basic = copy.deepcopy(collection.basic or {})
        collection.education = copy.deepcopy(collection.education or [])
        collection.work = copy.deepcopy(collection.work or [])
        container, name = _slot_target(collection, slot)
    except Exception:
        if key and key.startswith(f"incoming/{account_id}/"):
            store.delete(key)
        raise
    old = container.get(name)
    container[name] = {"key": key, "content_type": info.content_type, "size": info.size,
                       "width": info.width, "height": info.height, "uploaded_at": now.isoformat()}
    collection.updated_at = now
    if old and old.get("key") != key:
        store.delete(old["key"])
    return container[name]


# --- submission and review -------------------------------------------------------------------

def problems(collection: Collection, today, pledged: bool = True) -> list:
    """Everything a machine can check, by field path (the pledge only counts at submission)."""
    data = {"scope": collection.scope, "basic": collection.basic or {}, "education": collection.education or [],
            "work": collection.work or [], "department_code": collection.department_code, "pledged": pledged}
    found = domain.check_collection(data, _birth(collection), today, degree_checks(collection),
                                    uploaded_slots(collection))
    photo = (collection.basic or {}).get("photo")
    if photo and collection.department_code:   # the photo rule is the department's province's
        policy = domain.photo_policy(collection.department_code[:2] + "0000")
        if photo["size"] < policy.min_bytes or photo["size"] > policy.max_bytes \
                or photo["width"] < policy.min_width or photo["height"] < policy.min_height:
            found.append(domain.Problem("basic.photo", "PHOTO_POLICY",
                                        f"所选管理部门要求照片：{policy.describe()}，请重新上传"))
    if collection.scope == "qualified_non_accountant" and not collection.qualification_checked \
            and "scope.qualification_certificate" not in uploaded_slots(collection):
        found.append(domain.Problem("scope.qualification_certificate", "PROOF_REQUIRED",
                                    "全国会计资格职称库未核验到您的证书，请上传会计专业技术资格证书"))
    return found


def submit(session, collection: Collection, pledged: bool, now, today):
    if not pledged:
        raise ValidationFailed("PLEDGE_REQUIRED", "请勾选“承诺所提供信息真实有效”", {"pledge": "请勾选承诺"})
    if not collection.department_code:
        raise ValidationFailed("DEPARTMENT_REQUIRED", "请选择会计管理部门", {"department_code": "请选择会计管理部门"})
    domain.raise_if(problems(collection, today, pledged=True))
    log(session, {"id": collection.account_id, "name": "本人"}, collection,
        review.submission_action(collection.decided_at), now)
    collection.status = "submitted"
    collection.pledged_at = now
    collection.submitted_at = now
    collection.return_reasons = {}
    collection.return_anchors = {}
    collection.updated_at = now
    collection.version = (collection.version or 0) + 1


def log(session, caller: dict, collection: Collection, action: str, now, reasons=None, note=None):
    review.log(session, caller, "collection", collection.id, collection.account_id, collection.department_code,
               action, now, reasons, note)


def anchors_for(collection: Collection, reasons: dict) -> dict:
    """For each reason on a segment (`education.1.major`), the id of that segment."""
    out = {}
    for path in reasons:
        kind, _, rest = path.partition(".")
        index = rest.split(".", 1)[0]
        segments = getattr(collection, kind, None) if kind in ("education", "work") else None
        if segments is not None and index.isdigit() and int(index) < len(segments):
            out[path] = segments[int(index)].get("id")
    return out


def follow_anchors(collection: Collection, kind: str):
    """After the person edits a step, move each reason to its segment's new index (drop it if deleted)."""
    anchors = collection.return_anchors or {}
    if not anchors or collection.status != "returned":
        return
    where = {s.get("id"): i for i, s in enumerate(getattr(collection, kind) or [])}
    reasons, moved = {}, {}
    for path, reason in (collection.return_reasons or {}).items():
        segment_id = anchors.get(path)
        if not path.startswith(kind + ".") or segment_id is None:
            reasons[path] = reason
            if segment_id is not None:
                moved[path] = segment_id
            continue
        if segment_id in where:
            rest = path.split(".", 2)[2] if path.count(".") >= 2 else ""
            new_path = f"{kind}.{where[segment_id]}" + (f".{rest}" if rest else "")
            reasons[new_path] = reason
            moved[new_path] = segment_id
    collection.return_reasons, collection.return_anchors = reasons, moved


def decide(session, caller: dict, collection: Collection, decision: str, reasons: dict, note, now):
    departments.check_jurisdiction(caller, collection.department_code)
    reasons = review.check_decision(collection.status, decision, reasons)
    collection.status = "approved" if decision == "approve" else "returned"
    collection.return_reasons = reasons
    collection.return_anchors = anchors_for(collection, reasons)
    collection.decided_at = now
    collection.version = (collection.version or 0) + 1
    log(session, caller, collection, decision, now, reasons, note)
