"""成绩导入: a region's staff upload a CSV; good rows are saved, every other row comes back with its reason.

A row is refused when its 报名注册号 is unknown or outside the importer's region, the enrollment was never
paid (only 报名成功 candidates sit the exam), or the subject is not one it took. Re-importing a row corrects its
score. Each person whose scores changed gets one `scores_published` event.
"""
import uuid

from sqlalchemy import select

from ausm_common.outbox import record_event

from . import staff as staff_rules
from .domain import scores as score_rules
from .domain.codes import SUBJECT_NAMES
from .domain.subjects import passed
from .models import Enrollment, Outbox, Score


def import_file(session, staff: dict, exam_id: str, region_code: str, data: bytes, now,
                max_rows: int = score_rules.MAX_ROWS) -> dict:
    staff_rules.require_region(staff, region_code)
    rows, errors = score_rules.parse(data, max_rows)
    numbers = {row.enrollment_no for row in rows}
    found = {e.enrollment_no: e for e in session.scalars(select(Enrollment).where(
        Enrollment.enrollment_no.in_(numbers)))} if numbers else {}
    batch, changed, saved = uuid.uuid4().hex, {}, 0
    for row in rows:
        enrollment = found.get(row.enrollment_no)
        problem = _row_problem(row, enrollment, exam_id, region_code)
        if problem:
            errors.append({"line": row.line, **problem})
            continue
        _save(session, enrollment, row, batch, now)
        changed.setdefault(enrollment.id, enrollment)
        saved += 1
    session.flush()
    for enrollment in changed.values():
        record_event(session, Outbox, "scores_published", published(session, enrollment))
    errors.sort(key=lambda e: e["line"])
    staff_rules.audit(session, staff, "import_scores", "score_batch", batch, now, exam_id=exam_id,
                      region_code=region_code, saved=saved, refused=len(errors))
    return {"batch_id": batch, "saved": saved, "refused": len(errors), "people": len(changed), "errors": errors}


def _row_problem(row, enrollment, exam_id, region_code) -> dict | None:
    if enrollment is None or enrollment.exam_id != exam_id:
        return {"field": "enrollment_no", "message": f"报名注册号{row.enrollment_no}不存在于本次考试"}
    if enrollment.region_code != region_code:
        return {"field": "enrollment_no", "message": f"报名注册号{row.enrollment_no}不属于本省（本市）"}
    if enrollment.status != "paid":
        return {"field": "enrollment_no", "message": f"报名注册号{row.enrollment_no}未报名成功（未缴费），不能录入成绩"}
    if row.subject not in (enrollment.subjects or []):
        return {"field": "subject", "message": f"该考生未报考{SUBJECT_NAMES[row.subject]}"}
    return None


def _save(session, enrollment, row, batch, now):
    score = session.scalars(select(Score).where(Score.enrollment_id == enrollment.id,
                                                Score.subject == row.subject)).first()
    if score is None:
        score = Score(enrollment_id=enrollment.id, account_id=enrollment.account_id, year=enrollment.year,
                      level=enrollment.level, region_code=enrollment.region_code, subject=row.subject)
        session.add(score)
    score.score, score.passed, score.batch_id, score.imported_at = row.score, passed(row.score), batch, now


def view(scores: list[Score]) -> list[dict]:
    return [{"code": s.subject, "name": SUBJECT_NAMES[s.subject], "score": float(s.score), "passed": s.passed,
             "voided": s.voided} for s in sorted(scores, key=lambda s: s.subject)]


def published(session, enrollment: Enrollment) -> dict:
    scores = list(session.scalars(select(Score).where(Score.enrollment_id == enrollment.id)))
    return {"account_id": enrollment.account_id, "enrollment_id": enrollment.id, "year": enrollment.year,
            "level": enrollment.level, "province_code": enrollment.region_code,
            "subjects": [{"code": s["code"], "score": s["score"], "passed": s["passed"]} for s in view(scores)]}
