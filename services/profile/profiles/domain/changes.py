"""信息变更 (manual §4): what changed, how it is reviewed, whether it is allowed, and segment changes."""
from datetime import date

from ..exceptions import DomainError
from .codes import CHANGE_KINDS, CHANGE_OPERATIONS, REVIEW_STATUSES, SCOPES
from .experience import (_period_problems, education_scope_problems, education_segment_problems,
                         work_scope_problems, work_segment_problems)
from .problems import Problem, merge_problems
from .segments import _load, education_from_dict, work_from_dict


# --- changes (manual §4) -------------------------------------------------------------------

def _flatten(value, prefix="") -> dict:
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, (list, tuple)):
        items = ((str(i), v) for i, v in enumerate(value))
    else:
        if isinstance(value, date):
            value = value.isoformat()
        return {prefix: None if value in ("", None) else value}
    out = {}
    for key, item in items:
        out.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    return out


def diff_fields(before: dict, after: dict, ignore: tuple[str, ...] = ()) -> list[str]:
    """Leaf paths whose values differ (`address`, `posts.0.end_date`), in before's order then after's.

    Empty values (None, "", missing) count as equal; `ignore` drops top-level keys such as `id`.
    """
    old, new = _flatten(before or {}), _flatten(after or {})
    out = []
    for path in list(old) + [p for p in new if p not in old]:
        if path.split(".")[0] in ignore:
            continue
        if old.get(path) != new.get(path):
            out.append(path)
    return out


def change_review_mode(kind: str, before: dict, after: dict) -> str:
    """基本信息 changes are approved automatically unless 身份证明 changed; everything else is reviewed."""
    if kind not in CHANGE_KINDS:
        raise DomainError("CHANGE_KIND_INVALID", "变更类型不正确", "kind")
    if kind == "basic" and not any(p.split(".")[0] == "identity_proof" for p in diff_fields(before, after)):
        return "auto"
    return "manual"


OPERATIONS_FOR_KIND = {"basic": ("modify",), "scope": ("modify",), "education": tuple(CHANGE_OPERATIONS),
                       "work": tuple(CHANGE_OPERATIONS)}


def check_change_allowed(collection_status: str | None, pending_change_kinds, kind: str | None = None,
                         operation: str | None = None) -> list[Problem]:
    """Only an approved collection can change; one change per kind under review at a time."""
    out = []
    if collection_status != "approved":
        state = REVIEW_STATUSES.get(collection_status or "", "未开始")
        out.append(Problem("collection", "COLLECTION_NOT_APPROVED",
                           f"仅在信息采集审核通过状态下允许变更（当前状态：{state}）"))
    if kind is not None and kind not in CHANGE_KINDS:
        out.append(Problem("kind", "CHANGE_KIND_INVALID", "变更类型不正确"))
    elif kind is not None and kind in _pending(pending_change_kinds):
        out.append(Problem("kind", "CHANGE_PENDING",
                           f"已有审核中的{CHANGE_KINDS[kind]}申请，请等待审核完成后再提交"))
    if kind in OPERATIONS_FOR_KIND and operation is not None and operation not in OPERATIONS_FOR_KIND[kind]:
        allowed = "、".join(CHANGE_OPERATIONS[o] for o in OPERATIONS_FOR_KIND[kind])
        out.append(Problem("operation", "CHANGE_OPERATION_INVALID", f"{CHANGE_KINDS[kind]}只能{allowed}"))
    return out


def _pending(kinds) -> set[str]:
    """A set of kinds, or a mapping kind → number under review."""
    if isinstance(kinds, dict):
        return {k for k, n in kinds.items() if n}
    return set(kinds or ())


def apply_segment_change(segments: list, operation: str, index: int | None, segment=None) -> list:
    """The segment list after an add (appended), modify (replaced at index) or delete (removed at index)."""
    result = list(segments)
    if operation == "add":
        return result + [segment]
    if index is None or not 0 <= index < len(result):
        raise DomainError("CHANGE_SEGMENT_NOT_FOUND", "要变更的经历不存在，请刷新页面后重试", "index")
    if operation == "modify":
        result[index] = segment
    elif operation == "delete":
        del result[index]
    else:
        raise DomainError("CHANGE_OPERATION_INVALID", "变更方式不正确", "operation")
    return result


def check_segment_change(kind: str, operation: str, existing: list, index: int | None, segment,
                         birth_date: date | None, today: date, scope: str | None) -> list[Problem]:
    """An education or work change: the new segment's own rules, its overlap with the *other* existing
    segments, and the scope rules on the resulting list. Problems of untouched segments (approved
    earlier) are not repeated. The changed segment's fields are `<kind>.<its index in the result>.…`.
    """
    if kind not in ("education", "work"):
        raise DomainError("CHANGE_KIND_INVALID", "变更类型不正确", "kind")
    loader = education_from_dict if kind == "education" else work_from_dict
    existing, unreadable = _load(existing, loader)[0], []
    at = len(existing) if operation == "add" else index
    if isinstance(segment, dict):
        segment, unreadable = loader(segment, at or 0)
    result, out = apply_segment_change(existing, operation, index, segment), []
    if operation != "delete":
        rules = education_segment_problems if kind == "education" else work_segment_problems
        out += rules(segment, at, birth_date, today)
        noun = "教育经历" if kind == "education" else "工作经历"
        out += _period_problems(kind, noun, [(s.start_date, s.end_date) for s in result], only=at)
    scope_rules = education_scope_problems if kind == "education" else work_scope_problems
    return merge_problems(unreadable, out + scope_rules(result, scope))


def check_scope_change(scope: str | None, education: list, work: list) -> list[Problem]:
    """采集范围变更: the new scope must fit the record as it stands."""
    if scope not in SCOPES:
        return [Problem("scope", "SCOPE_REQUIRED", "请选择采集范围")]
    education = _load(education, education_from_dict)[0]
    work = _load(work, work_from_dict)[0]
    found = education_scope_problems(education, scope) + work_scope_problems(work, scope)
    return [p for p in found if p.code.startswith("SCOPE_")]
