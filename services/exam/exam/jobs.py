"""Bulk score imports by a province's system, as jobs: the file waits in object storage, the job is queued by
an event in the same transaction, and the exam service's own handler runs the very import staff use
(grading.import_file) with the client as importer. Good rows land; each refused row is named with its field
and reason; a row is saved whole or not at all. The handler is idempotent: a job that is done or failed is left
alone. A job ends `failed` with a reason when its body is gone or unreadable or the kit gives up on it."""
from sqlalchemy import select

from ausm_common import jobs as common
from ausm_common.outbox import record_event

from . import catalog, grading
from .domain import scores as score_rules
from .models import ImportJob, Outbox


def importer(client: dict) -> dict:
    """The client as grading's importer: its province is the region it manages."""
    return {"id": client["client_id"], "name": f"接口客户端 {client.get('name') or client['client_id']}",
            "department_code": client["province_code"], "roles": []}


def create(session, client: dict, exam_id: str, key: str, file_format: str, now) -> ImportJob:
    common.check_new(client, key, file_format, "请提交要导入的成绩数据")
    catalog.plan(session, exam_id)
    job = ImportJob(kind="scores", client_id=client["client_id"], region_code=client["province_code"],
                    exam_id=exam_id, file_key=key, file_format=file_format, status="queued", created_at=now)
    session.add(job)
    session.flush()
    record_event(session, Outbox, "score_import_queued", {"job_id": job.id})
    return job


def run(session, storage, job_id: str, now):
    """The queue event's handler (common.run): a done or failed job is left alone; a body that is gone or
    unreadable, or an exam that no longer exists, fails the job at once with its reason."""
    def work(job):
        data, early = common.body(storage, job), []
        if job.file_format == "jsonl":
            data, early = score_rules.jsonl_to_csv(data)
        result = grading.import_file(session, importer(common.as_client(job)), job.exam_id, job.region_code, data,
                                     now, max_rows=score_rules.JOB_MAX_ROWS)
        common.finish(job, result["saved"], result["errors"], early, now)
    return common.run(session, ImportJob, Outbox, job_id, now, work, storage)


parked = common.when_parked(ImportJob)    # the kit gave up on the queue event: the job fails


def owned(session, client: dict, job_id: str) -> ImportJob:
    return common.owned(session, ImportJob, client, job_id)


def view(job: ImportJob) -> dict:
    return common.view(job, exam_id=job.exam_id)


def result(job: ImportJob) -> dict:
    return common.result(job, exam_id=job.exam_id)


def province_enrollments(session, client: dict, exam_id: str | None, status: str | None, page: int,
                         per_page: int):
    from sqlalchemy import func
    from .models import Enrollment
    from . import views
    query = select(Enrollment).where(Enrollment.region_code.like(client["province_code"][:2] + "%"),
                                     Enrollment.status != "draft")
    if exam_id:
        query = query.where(Enrollment.exam_id == exam_id)
    if status:
        query = query.where(Enrollment.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(query.order_by(Enrollment.id).offset((page - 1) * per_page).limit(per_page))
    return {"items": [views.queue_item(e) for e in rows], "total": total, "page": page, "per_page": per_page}


def reads_for_person(session, account_id: str) -> list[dict]:
    """Staff opening a person's enrollment for review see it unmasked (audited as `view`): what the person is
    shown in 个人中心 → 信息查看记录."""
    from ausm_common import divisions
    from .models import AuditLog, Enrollment
    rows = session.execute(select(AuditLog, Enrollment.enrollment_no).join(
        Enrollment, Enrollment.id == AuditLog.subject_id).where(
        Enrollment.account_id == account_id, AuditLog.action == "view", AuditLog.subject_kind == "enrollment")
        .order_by(AuditLog.at.desc()).limit(200))
    return [{"id": log.id, "at": log.at.isoformat(), "reader_kind": "staff", "reader_kind_label": "管理部门工作人员",
             "reader": f"{divisions.department_name(log.department_code) or log.department_code}工作人员",
             "fields": ["name", "id_number", "phone"], "fields_label": "报名信息（姓名、证件号码、手机号码）",
             "purpose": f"考试报名资格审核（报名注册号 {number or '—'}）"} for log, number in rows]
