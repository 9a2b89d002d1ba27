"""The cpe service (continuing education, 继续教育; on the kit's ServiceBase, imported as `kit.` so `nameko run`
finds only this class): the person's yearly record and applications, the department's review, the provinces'
rule versions and training institutions' reports. Rules live in rules.py, the database side in records.py."""
import logging
import uuid
from datetime import date

from sqlalchemy import exc as sa_exc
from sqlalchemy import select

from ausm_common import divisions, jobs
from ausm_common import service as kit
from ausm_common.clock import beijing
from ausm_common.config import file_link_secret
from ausm_common.errors import Conflict, Forbidden, NotFound, ValidationFailed
from ausm_common.outbox import record_event
from ausm_common.service import entrypoint, handle_event, load
from ausm_common.storage import ObjectMissing, Storage
from ausm_common.tokens import file_link
from ausm_common.upload_policies import CPE_PROOF
from ausm_common.uploads import check_upload

from . import records, rules, schemas
from .models import KIT, Application, Institution, Outbox, Person, ReportBatch, ReportJob, RuleVersion
from .rules import Problem

log = logging.getLogger(__name__)

QUALIFICATION_EXAM = "全国会计专业技术资格考试"
EXAM_LEVELS = {"junior": "初级", "intermediate": "中级", "senior": "高级"}
EXAM_SUBJECTS = {"junior_practice": "初级会计实务", "economic_law_basics": "经济法基础",
                 "intermediate_practice": "中级会计实务", "financial_management": "财务管理",
                 "economic_law": "经济法", "senior_practice": "高级会计实务"}
REPORT_FILE_MAX = 5 * 1024 * 1024


NOT_FORM_FIELDS = ("attachment", "status", "application_id", "form")


def refuse(problem: Problem):
    """A broken rule as the AppError of its status; a form's own field is named as the API takes it (data.x)."""
    field = problem.field
    if field and field not in NOT_FORM_FIELDS:
        field = f"data.{field}"
    errors = {field: problem.message} if field else {}
    cls = {409: Conflict, 403: Forbidden, 404: NotFound}.get(problem.status, ValidationFailed)
    return cls(problem.code, problem.message, errors)


class CpeService(kit.ServiceBase):
    name = "cpe"
    tables = KIT

    storage = Storage()

    # --- helpers ----------------------------------------------------------------------------
    def _today(self) -> date:
        return beijing(self.clock.now()).date()

    def _link(self, key: str) -> str:
        return file_link(file_link_secret(), key, ttl_seconds=600)

    def _person(self, account_id: str) -> Person:
        """The person with an approved 信息采集 (read from profile once, then kept current by events)."""
        with self.db.get_session() as session:
            found = session.get(Person, account_id)
            if found is not None and found.department_code and found.name:
                return found
        info = self.services.profile.get_cpe_person(account_id)
        if not info.get("approved"):
            raise ValidationFailed("COLLECTION_REQUIRED", "请先完成信息采集并通过审核，再申请继续教育学分",
                                   {"collection": "信息采集尚未审核通过"})
        with self.db.get_session() as session:
            if found is not None and found.department_code and found.department_code != info["department_code"]:
                info = {**info, "department_code": found.department_code, "department_name": ""}   # a newer transfer
            return records.upsert_person(session, info, self.clock.now())

    def _reviewer(self) -> dict:
        staff = self.caller.staff()
        if "reviewer" not in (staff.get("roles") or []):
            raise Forbidden("ROLE_REQUIRED", "您的账号没有审核权限")
        return staff

    def _own(self, session, application_id, lock=False) -> Application:
        application_id = load(schemas.IdIn(), {"id": application_id})["id"]
        found = session.get(Application, application_id, with_for_update=lock)
        if found is None or found.account_id != self.caller.person_id():
            raise NotFound("NOT_FOUND", "继续教育申请不存在或无权查看", {"application_id": "继续教育申请不存在或无权查看"})
        return found

    def _reviewable(self, session, application_id, staff, lock=False) -> tuple[Application, Person]:
        application_id = load(schemas.IdIn(), {"id": application_id})["id"]
        found = session.get(Application, application_id, with_for_update=lock)
        person = session.get(Person, found.account_id) if found else None
        if found is None or found.status == "draft" or person is None:
            raise NotFound("NOT_FOUND", "继续教育申请不存在", {"application_id": "继续教育申请不存在"})
        if not records.in_jurisdiction(staff, person.department_code):
            raise Forbidden("OUT_OF_JURISDICTION", "该申请人不属于您所在管理部门的管辖范围",
                            {"application_id": "不属于本部门管辖"})
        return found, person

    # --- reference ----------------------------------------------------------------------------
    @entrypoint
    def cpe_options(self):
        """Forms, labels and choices the pages show (manual §8.2), and the national standard."""
        return {"forms": [{"code": c, "label": label, "kind": rules.kind_of(c), "year_field": rules.YEAR_SOURCE[c][0],
                           "year_label": rules.YEAR_SOURCE[c][1]} for c, label in rules.FORMS.items()],
                "author_ranks": [{"code": c, "label": label} for c, label in rules.AUTHOR_RANKS.items()],
                "journal_no_kinds": list(rules.JOURNAL_NO_KINDS), "subject_types": list(rules.SUBJECT_TYPES),
                "exam_types": list(rules.EXAM_TYPES), "educations": list(rules.EDUCATIONS),
                "methods": rules.METHODS, "standard": rules.DEFAULT_RULES, "upload": CPE_PROOF.view()}

    # --- the person's record ---------------------------------------------------------------------
    @entrypoint
    def my_years(self):
        """继续教育记录: every year with credits (and the current one), met or what is missing."""
        account_id = self.caller.person_id()
        with self.db.get_session() as session:
            return records.years(session, session.get(Person, account_id), account_id, self._today().year)

    @entrypoint
    def my_year(self, year):
        """某年度继续教育明细: 通过时间, 学分, 获得方式, 获得原因; whether the year is met."""
        account_id = self.caller.person_id()
        year = load(schemas.YearIn(), {"year": year})["year"]
        with self.db.get_session() as session:
            return records.year_detail(session, session.get(Person, account_id), account_id, year)

    # --- applications ---------------------------------------------------------------------------
    @entrypoint
    def my_applications(self):
        account_id = self.caller.person_id()
        with self.db.get_session() as session:
            rows = session.scalars(select(Application).where(Application.account_id == account_id)
                                   .order_by(Application.updated_at.desc()).limit(500))
            return [records.application_view(a) for a in rows]

    @entrypoint
    def get_application(self, application_id):
        with self.db.get_session() as session:
            found = self._own(session, application_id)
            return records.application_view(found, self._link)

    @entrypoint
    def preview_application(self, data):
        """Before submitting: "计为 2026 年专业科目 30 学分；提交后 2026 年共 72/90 学分"."""
        data = load(schemas.ApplicationIn(), data)
        person = self._person(self.caller.person_id())
        with self.db.get_session() as session:
            try:
                return records.preview(session, person, data["form"], data["data"], self._today())
            except Problem as problem:
                raise refuse(problem)

    @entrypoint
    def save_application(self, data, application_id=None):
        """A new draft, or a draft / returned application changed (年度 and credits derived, never typed)."""
        data = load(schemas.ApplicationIn(), data)
        if application_id:
            with self.db.get_session() as session:
                self._own(session, application_id)          # someone else's id: 404 before anything else
        person = self._person(self.caller.person_id())
        try:
            with self.db.get_session() as session:
                existing = self._own(session, application_id, lock=True) if application_id else None
                if existing is not None and existing.form != data["form"]:
                    raise Problem("FORM_CHANGED", "申请提交后不能更换继续教育形式，请新建申请", "form")
                found = records.save(session, person, data["form"], data["data"], self._today(), self.clock.now(),
                                     existing)
                if existing is None:
                    records.log(found, self.caller.user, "create", self.clock.now())
                return records.application_view(found, self._link)
        except Problem as problem:
            raise refuse(problem)
        except sa_exc.IntegrityError:
            raise Conflict("DUPLICATE_CLAIM", rules.duplicate_message(data["form"]),
                           {rules.CLAIM_FIELD.get(data["form"], "form"): rules.duplicate_message(data["form"])})

    @entrypoint
    def attach_application_file(self, application_id, key):
        """继续教育个人申请附件: one PDF ≤ 2 MB, checked by content; a new one replaces the old."""
        key = load(schemas.KeyIn(), {"key": key})["key"]
        account_id = self.caller.person_id()
        prefix = f"incoming/{account_id}/"
        try:
            with self.db.get_session() as session:
                found = self._own(session, application_id, lock=True)
                if found.status not in records.EDITABLE:
                    raise Conflict("NOT_EDITABLE", "该申请不能再修改附件", {"attachment": "该申请不能再修改附件"})
                if not key.startswith(prefix):
                    raise ValidationFailed("UPLOAD_EMPTY", "请上传证明附件", {"attachment": "请上传证明附件"})
                try:
                    content = self.storage.get(key)
                except ObjectMissing:
                    raise ValidationFailed("UPLOAD_EMPTY", "请上传证明附件", {"attachment": "请上传证明附件"})
                info = check_upload(content, CPE_PROOF, field="attachment", label="继续教育个人申请附件")
                old = (found.attachment or {}).get("key")
                found.attachment = {"key": key, "size": info.size, "pages": info.pages,
                                    "uploaded_at": self.clock.now().isoformat()}
                found.updated_at = self.clock.now()
                view = records.application_view(found, self._link)
        except Exception:
            if key.startswith(prefix):
                try:
                    current = None
                    with self.db.get_session() as session:
                        row = session.get(Application, application_id) if len(str(application_id)) == 32 else None
                        current = (row.attachment or {}).get("key") if row else None
                    if current != key:
                        self.storage.delete(key)
                except Exception:
                    log.warning("could not remove refused upload %s", key)
            raise
        if old and old != key:
            try:
                self.storage.delete(old)
            except Exception:
                log.warning("could not remove replaced attachment %s", old)
        return view

    @entrypoint
    def submit_application(self, application_id):
        """提交审核: the attachment is there, the year still open, the claim not taken (held under 50 at once)."""
        with self.db.get_session() as session:
            self._own(session, application_id)
        person = self._person(self.caller.person_id())
        now = self.clock.now()
        try:
            with self.db.get_session() as session:
                found = self._own(session, application_id, lock=True)
                if found.status not in records.EDITABLE:
                    raise Problem("NOT_EDITABLE", f"{records.STATUS_LABELS[found.status]}的申请不能提交", "status", 409)
                if not found.attachment:
                    raise Problem("ATTACHMENT_REQUIRED", "请上传继续教育个人申请附件（PDF，不超过2MB）", "attachment")
                data = schemas.FORM_SCHEMAS[found.form]().load(found.data)
                records.save(session, person, found.form, data, self._today(), now, found)   # recomputed now
                found.status, found.submitted_at, found.return_reason = "pending", now, None
                records.log(found, self.caller.user, "submit", now)
                session.flush()
                return records.application_view(found, self._link)
        except Problem as problem:
            raise refuse(problem)
        except sa_exc.IntegrityError:
            raise Conflict("DUPLICATE_CLAIM", "该项目已申请过继续教育学分，不能重复申请", {"application_id": "重复申请"})

    @entrypoint
    def withdraw_application(self, application_id):
        """撤回: a draft, or a submitted application while it waits for review."""
        now = self.clock.now()
        with self.db.get_session() as session:
            found = self._own(session, application_id, lock=True)
            if found.status not in ("draft", "pending"):
                raise Conflict("NOT_WITHDRAWABLE", "只有草稿或待审核的申请可以撤回", {"status": "当前状态不能撤回"})
            found.status, found.updated_at = "withdrawn", now
            records.log(found, self.caller.user, "withdraw", now)
            return records.application_view(found, self._link)

    # --- review by the person's management department -----------------------------------------------
    @entrypoint
    def review_queue(self, query=None):
        staff = self._reviewer()
        query = load(schemas.QueueIn(), query)
        with self.db.get_session() as session:
            statement = (select(Application, Person).join(Person, Person.account_id == Application.account_id)
                         .where(records.jurisdiction_filter(Person.department_code, staff),
                                Application.status != "draft")
                         .order_by(Application.submitted_at.asc()).limit(500))
            if query["status"] != "all":
                statement = statement.where(Application.status == query["status"])
            return [records.application_view(a, None, p) for a, p in session.execute(statement)]

    @entrypoint
    def get_application_for_review(self, application_id):
        staff = self._reviewer()
        with self.db.get_session() as session:
            found, person = self._reviewable(session, application_id, staff)
            return records.application_view(found, self._link, person)

    @entrypoint
    def decide_application(self, application_id, data):
        """审核通过 (the credits appear in the year's detail) or 退回 with a reason."""
        staff = self._reviewer()
        data = load(schemas.DecisionIn(), data)
        now = self.clock.now()
        with self.db.get_session() as session:
            found, person = self._reviewable(session, application_id, staff, lock=True)
            if found.status != "pending":
                raise Conflict("NOT_PENDING", "该申请不在待审核状态", {"application_id": "该申请不在待审核状态"})
            found.decided_at, found.updated_at = now, now
            if data["decision"] == "return":
                found.status, found.return_reason = "returned", data["reason"].strip()
                records.log(found, staff, "return", now, found.return_reason)
                return records.application_view(found, self._link, person)
            found.status = "approved"
            records.log(found, staff, "approve", now)
            reason = "公需科目申请" if found.form == "public_training" else f"{rules.FORMS[found.form]}申请"
            records.credit(session, account_id=found.account_id, year=found.year, kind=found.kind,
                           amount=found.credits, method="personal", reason=reason,
                           claim_key=found.claim_key or f"application:{found.id}", now=now, application_id=found.id)
            records.announce(session, found.account_id, found.year, person, "personal", now)
            return records.application_view(found, self._link, person)

    @entrypoint
    def correct_year(self, data):
        """学分更正: a line added to any year (a frozen one included) by a reviewer of the person's department,
        saying who and why; a year's credits of a kind never go below zero."""
        staff = self._reviewer()
        data = load(schemas.CorrectionIn(), data)
        id_number = data["id_number"].upper()
        if data["year"] > self._today().year:
            raise ValidationFailed("FUTURE_YEAR", f"继续教育年度{data['year']}年尚未到来", {"year": "年度不能晚于今年"})
        with self.db.get_session() as session:
            person = session.scalars(select(Person).where(Person.id_number == id_number)).first()
        if person is None:
            found = [p for p in self.services.profile.find_cpe_people([id_number]) if p.get("approved")]
            if not found:
                raise NotFound("NOT_FOUND", "未找到该证件号码已审核通过的信息采集", {"id_number": "未找到该人员"})
            with self.db.get_session() as session:
                person = records.upsert_person(session, found[0], self.clock.now())
        if not records.in_jurisdiction(staff, person.department_code):
            raise Forbidden("OUT_OF_JURISDICTION", "该人员不属于您所在管理部门的管辖范围", {"id_number": "不属于本部门管辖"})
        now = self.clock.now()
        with self.db.get_session() as session:
            records.lock_person(session, person.account_id)
            prof, pub = records.year_sums(session, person.account_id).get(data["year"], (0, 0))
            have = prof if data["kind"] == "professional" else pub
            if have + data["credits"] < 0:
                raise ValidationFailed("CORRECTION_BELOW_ZERO", f"更正后{data['year']}年{rules.KIND_LABELS[data['kind']]}学分"
                                       f"不能小于0（现有{rules.fmt(have)}）", {"credits": "更正后学分不能小于0"})
            who = staff.get("name") or staff["id"]
            entry = records.credit(session, account_id=person.account_id, year=data["year"], kind=data["kind"],
                                   amount=data["credits"], method="correction",
                                   reason=f"管理部门更正（{who}）：{data['reason']}",
                                   claim_key=f"correction:{uuid.uuid4().hex}", now=now, source=f"staff:{staff['id']}")
            records.announce(session, person.account_id, data["year"], person, "correction", now)
            return {**records.entry_view(entry), "person": {"name": person.name, "department_code": person.department_code}}

    # --- rule versions (per province, from a date on) --------------------------------------------------
    @entrypoint
    def list_rule_versions(self, province_code=None):
        self.caller.staff()
        with self.db.get_session() as session:
            statement = select(RuleVersion).order_by(RuleVersion.province_code, RuleVersion.effective_from)
            if province_code:
                statement = statement.where(RuleVersion.province_code.in_([str(province_code), rules.NATIONAL]))
            return {"standard": rules.DEFAULT_RULES,
                    "versions": [records.version_view(v) for v in session.scalars(statement)]}

    @entrypoint
    def save_rule_version(self, data):
        """A province's rates from a date on (not before today: past years keep the version they were computed with)."""
        staff = self.caller.staff()
        data = load(schemas.RuleVersionIn(), data)
        if not (staff["department_code"] == rules.NATIONAL or staff["department_code"] == data["province_code"]):
            raise Forbidden("OUT_OF_JURISDICTION", "只能设置本省的继续教育折算规则", {"province_code": "不属于本部门"})
        if data["effective_from"] < self._today():
            raise ValidationFailed("EFFECTIVE_IN_PAST", "生效日期不能早于今天", {"effective_from": "生效日期不能早于今天"})
        with self.db.get_session() as session:
            row = session.scalars(select(RuleVersion).where(RuleVersion.province_code == data["province_code"],
                                                            RuleVersion.effective_from == data["effective_from"])
                                  .with_for_update()).first()
            if row is None:
                row = RuleVersion(province_code=data["province_code"], effective_from=data["effective_from"])
                session.add(row)
            row.rules, row.created_by, row.created_at = data["rules"], staff.get("name") or staff["id"], self.clock.now()
            session.flush()
            return records.version_view(row)

    # --- training institutions ------------------------------------------------------------------------
    @entrypoint
    def list_institutions(self):
        staff = self.caller.staff()
        with self.db.get_session() as session:
            rows = session.scalars(select(Institution).where(
                records.jurisdiction_filter(Institution.province_code, {**staff, "department_code":
                                            staff["department_code"][:2] + "0000"
                                            if staff["department_code"] != rules.NATIONAL else rules.NATIONAL}))
                                   .order_by(Institution.created_at))
            return [{"code": i.code, "name": i.name, "province_code": i.province_code} for i in rows]

    @entrypoint
    def register_institution(self, data):
        staff = self.caller.staff()
        data = load(schemas.InstitutionIn(), data)
        if staff["department_code"] not in (rules.NATIONAL, data["province_code"]):
            raise Forbidden("OUT_OF_JURISDICTION", "培训机构由省级会计管理部门登记", {"province_code": "不属于本部门"})
        with self.db.get_session() as session:
            row = Institution(name=data["name"], province_code=data["province_code"],
                              registered_by=staff.get("name") or staff["id"], created_at=self.clock.now())
            session.add(row)
            session.flush()
            return {"code": row.code, "name": row.name, "province_code": row.province_code}

    @entrypoint
    def report_trainings(self, institution_code, key):
        """机构报送 (CSV): every row checked; accepted rows credited without an application, the rest come back
        with the line, the column and the reason; a training already reported is refused."""
        staff = self.caller.staff()
        key = load(schemas.KeyIn(), {"key": key})["key"]
        if not key.startswith(f"incoming/{staff['id']}/"):
            raise ValidationFailed("UPLOAD_EMPTY", "请选择要报送的文件（CSV）", {"file": "请选择要报送的文件（CSV）"})
        try:
            content = self.storage.get(key)
        except ObjectMissing:
            raise ValidationFailed("UPLOAD_EMPTY", "请选择要报送的文件（CSV）", {"file": "请选择要报送的文件（CSV）"})
        finally:
            try:
                self.storage.delete(key)
            except Exception:
                pass
        if len(content) > REPORT_FILE_MAX:
            raise ValidationFailed("UPLOAD_TOO_LARGE", "报送文件不能超过5MB", {"file": "报送文件不能超过5MB"})
        with self.db.get_session() as session:
            institution = session.get(Institution, str(institution_code or ""))
            if institution is None:
                raise NotFound("NOT_FOUND", "培训机构不存在", {"institution_code": "培训机构不存在"})
            if not records.in_jurisdiction(staff, institution.province_code) and \
                    staff["department_code"] not in (rules.NATIONAL,) and \
                    staff["department_code"][:2] != institution.province_code[:2]:
                raise Forbidden("OUT_OF_JURISDICTION", "该培训机构不属于本省", {"institution_code": "不属于本省"})
            name = institution.name
        rows, errors = records.parse_report(content)
        people = self._report_people(rows)
        now = self.clock.now()
        with self.db.get_session() as session:
            institution = session.get(Institution, institution.code)
            province = None if staff["department_code"] == rules.NATIONAL else \
                divisions.province_code(staff["department_code"])          # a province's staff report its own people
            accepted, errors = self._report_rows(session, institution, rows, errors, people, now, province=province)
            batch = ReportBatch(institution_code=institution.code, staff_id=staff["id"], accepted=accepted,
                                refused=len(errors), errors=errors, created_at=now)
            session.add(batch)
            session.flush()
            return {"batch_id": batch.id, "institution": name, "accepted": accepted, "refused": len(errors),
                    "errors": errors}

    def _report_people(self, rows) -> dict:
        """The approved people the rows name, by ID number (asked of profile 5,000 at a time)."""
        ids = sorted({r["证件号码"].upper() for r in rows if r["证件号码"]})
        people = {}
        for start in range(0, len(ids), 5000):
            people.update({p["id_number"].upper(): p for p in self.services.profile.find_cpe_people(
                ids[start:start + 5000]) if p.get("approved")})
        return people

    def _report_rows(self, session, institution, rows, errors, people, now, province=None):
        """机构报送's one operation (the staff page and province clients' jobs): each row credited whole or
        refused with its line, field and reason; each year touched announced once (credits_changed)."""
        today, accepted, touched, errors = self._today(), 0, set(), list(errors)
        for p in people.values():
            records.upsert_person(session, p, now) if session.get(Person, p["account_id"]) is None else None
        seen = set()
        for row in rows:
            with session.begin_nested():
                outcome = records.report_row(session, row, people, institution, today, now, seen, province)
            if "account_id" in outcome:
                accepted += 1
                touched.add((outcome["account_id"], outcome["year"]))
            else:
                errors.append({"line": row["line"], "id_number": row["证件号码"], **outcome})
        for account_id, year in sorted(touched):
            records.announce(session, account_id, year, session.get(Person, account_id), "institution", now)
        return accepted, sorted(errors, key=lambda e: e["line"])

    # --- provinces' systems (API clients): reports as jobs ------------------------------------------------
    @entrypoint
    def create_report_job(self, institution_code, key, file_format="csv"):
        """A province client's report for one of its province's institutions, queued (cpe_report_queued)."""
        client = self.caller.client("cpe:report")
        jobs.check_new(client, str(key), str(file_format), "请提交要报送的培训数据")
        now = self.clock.now()
        with self.db.get_session() as session:
            institution = session.get(Institution, str(institution_code or "")[:32])
            if institution is None or not divisions.within(institution.province_code, client["province_code"]):
                raise NotFound("NOT_FOUND", "培训机构不存在", {"institution_code": "培训机构不存在或不属于本省"})
            job = ReportJob(kind="cpe", client_id=client["client_id"], region_code=client["province_code"],
                            institution_code=institution.code, file_key=str(key), file_format=str(file_format),
                            status="queued", created_at=now)
            session.add(job)
            session.flush()
            record_event(session, Outbox, "cpe_report_queued", {"job_id": job.id}, now)
            return jobs.view(job, institution_code=job.institution_code)

    @handle_event("cpe", "cpe_report_queued", on_parked=jobs.when_parked(ReportJob))
    def handle_report_queued(self, session, event):
        """Runs the report (jobs.run): a done or failed job is left alone (the handler may run twice); a body that
        is gone or unreadable fails the job at once with its reason."""
        def work(job):
            data, early = jobs.body(self.storage, job), []
            if job.file_format == "jsonl":
                data, early = jobs.jsonl_to_csv(data, records.REPORT_KEYS, records.REPORT_COLUMNS)
            rows, errors = records.parse_report(data, jobs.MAX_ROWS)
            now = self.clock.now()
            accepted, errors = self._report_rows(session, session.get(Institution, job.institution_code), rows,
                                                 errors, self._report_people(rows), now, province=job.region_code)
            jobs.finish(job, accepted, errors, early, now)
        jobs.run(session, ReportJob, Outbox, event.get("job_id"), self.clock.now(), work, self.storage)

    @entrypoint
    def get_report_job(self, job_id, with_result=False):
        client = self.caller.client("cpe:report")
        with self.db.get_session() as session:
            job = jobs.owned(session, ReportJob, client, str(job_id))
            return (jobs.result if with_result else jobs.view)(job, institution_code=job.institution_code)

    # --- events in --------------------------------------------------------------------------------------
    @handle_event("profile", "transfer_approved")
    def handle_transfer_approved(self, session, event):
        """The new department reviews from now on (pending applications included)."""
        records.follow_department(session, str(event.get("account_id") or ""), event.get("to_department"),
                                  self.clock.now())

    @handle_event("profile", "collection_approved")
    def handle_collection_approved(self, session, event):
        records.follow_department(session, str(event.get("account_id") or ""), event.get("department_code"),
                                  self.clock.now())

    @handle_event("exam", "scores_published")
    def handle_scores_published(self, session, event):
        """A passed subject of the qualification exam is 90 professional credits of the exam year (系统折算),
        without an application; the same subject is never credited twice."""
        account_id, year = str(event.get("account_id") or ""), int(event.get("year") or 0)
        level = EXAM_LEVELS.get(event.get("level"), "")
        now, changed = self.clock.now(), False
        person = session.get(Person, account_id)
        for subject in event.get("subjects") or []:
            if not subject.get("passed"):
                continue
            name = EXAM_SUBJECTS.get(subject.get("code"), str(subject.get("code")))
            version = records.rules_for(session, person.department_code if person else event.get("province_code"),
                                        date(year, 12, 31))
            entry = records.credit(session, account_id=account_id, year=year, kind="professional",
                                   amount=version.rules["exam_per_subject"], method="system",
                                   reason=f"{QUALIFICATION_EXAM}（{level}）{name}通过",
                                   claim_key=rules.exam_claim_key(QUALIFICATION_EXAM, name), now=now,
                                   source=str(event.get("enrollment_id") or ""))
            changed = changed or entry is not None
        if changed:
            records.announce(session, account_id, year, person, "system", now)
