"""The profile service (on the kit's ServiceBase, imported as `kit.` so `nameko run` finds only this
class): thin entrypoints over collection, departments and review modules."""
from nameko.extensions import DependencyProvider

from ausm_common.clock import beijing
from ausm_common.config import file_link_secret
from ausm_common.errors import NotFound, ValidationFailed
from ausm_common.outbox import record_event
from ausm_common import jobs
from ausm_common import service as kit
from ausm_common.service import entrypoint, handle_event, load
from ausm_common.storage import Storage
from ausm_common.tokens import file_link

from . import (changes, data_reads, departments, domain, field_checks, legacy, qualifications, questions, review, schemas,
               transfers, views)
from . import collection as coll
from . import province
from .adapters import build_degree_checker, build_employer_directory, build_qualification_library
from .models import KIT, ChangeRequest, Collection, LegacyImportJob, Outbox, Qualification, Transfer


class Providers(DependencyProvider):
    """External providers (national qualification library, 学信网, employer lookup), chosen by config."""

    def setup(self):
        config = self.container.config
        self.sandbox = bool(config.get("SANDBOX"))
        self.qualifications = build_qualification_library(config)
        self.degrees = build_degree_checker(config)
        self.employers = build_employer_directory(config)

    def get_dependency(self, worker_ctx):
        return self


REVIEW_PURPOSES = {"change": "审核信息变更", "transfer": "审核调转申请", "qualification": "审核职称信息"}


class ProfileService(kit.ServiceBase):
    name = "profile"
    tables = KIT

    storage = Storage()
    providers = Providers()

    # --- helpers --------------------------------------------------------------------
    def _now(self):
        return self.clock.now()

    def _person_id(self) -> str:
        return self.caller.person_id()

    def _reviewer(self) -> dict:
        return departments.require_reviewer(self.caller.user)

    def _today(self):
        return beijing(self._now()).date()

    def _link(self, key: str) -> str:
        return file_link(file_link_secret(), key, ttl_seconds=600)

    def _person(self, account_id: str) -> dict:
        return self.services.identity.get_person(account_id)

    def _mine(self, session, lock=False) -> Collection:
        found = coll.for_person(session, self._person_id(), lock=lock)
        if found is None:
            raise NotFound("COLLECTION_NOT_STARTED", "请先开始信息采集")
        return found

    def _view(self, session, collection: Collection, for_staff=False) -> dict:
        return views.collection_view(session, collection, self._link, self._today(), for_staff=for_staff)

    @entrypoint
    def collection_options(self):
        return views.options()

    @entrypoint
    def get_exam_profile(self, account_id):
        """For the exam service only: the approved collection it snapshots into an enrollment."""
        self.caller.service("exam")
        account_id = load(schemas.RecordIdIn(), {"id": account_id})["id"]
        with self.db.get_session() as session:
            return views.exam_profile(session, coll.for_person(session, account_id))

    @entrypoint
    def get_cpe_person(self, account_id):
        """For the cpe service only: the person's name, ID number and management department (approved collection)."""
        self.caller.service("cpe")
        account_id = load(schemas.RecordIdIn(), {"id": account_id})["id"]
        with self.db.get_session() as session:
            return views.cpe_person(session, coll.for_person(session, account_id))

    @entrypoint
    def find_cpe_people(self, id_numbers):
        """For the cpe service only: the people with an approved collection among these ID numbers (institution
        reports name people by 证件号码)."""
        self.caller.service("cpe")
        id_numbers = load(schemas.IdNumbersIn(), {"id_numbers": id_numbers})["id_numbers"]
        with self.db.get_session() as session:
            return [views.cpe_person(session, c) for c in coll.approved_by_id_numbers(session, id_numbers)]

    @handle_event("identity", "phone_changed")
    def handle_phone_changed(self, session, event):
        """Keep the registration copy in the collection current (the event carries the new phone)."""
        coll.follow_phone_change(session, event["account_id"], event["phone"])

    # --- departments ------------------------------------------------------------------
    @entrypoint
    def list_departments(self, parent_code=None):
        parent_code = load(schemas.DepartmentChildrenIn(), {"parent_code": parent_code})["parent_code"]
        with self.db.get_session() as session:
            return departments.children(session, parent_code)

    @entrypoint
    def get_department_path(self, code):
        code = load(schemas.DepartmentPathIn(), {"code": code})["code"]
        with self.db.get_session() as session:
            return departments.path(session, code)

    # --- the person's collection ---------------------------------------------------------
    @entrypoint
    def get_collection(self):
        account_id = self._person_id()
        with self.db.get_session() as session:
            found = coll.for_person(session, account_id)
            if found is None:
                person = self._person(account_id)
                return views.not_started(person)
            return self._view(session, found)

    @entrypoint
    def start_collection(self):
        account_id = self._person_id()
        person = self._person(account_id)
        with self.db.get_session() as session:
            found = coll.start(session, account_id, person, self._now())
            return self._view(session, found)

    @entrypoint
    def save_collection_step(self, step, data):
        step = load(schemas.StepIn(), {"step": step})["step"]
        data = load(schemas.STEPS[step](), data)
        with self.db.get_session() as session:
            found = coll.require_editable(self._mine(session, lock=True))
            now = self._now()
            if step == "notice":
                coll.save_notice(found, data.get("scope"), self.providers.qualifications, now)
            elif step == "basic":
                coll.save_basic(found, data, now)
            elif step == "education":
                coll.save_education(found, list(data.get("segments") or []), self.providers.degrees,
                                    self._today(), now)
            elif step == "work":
                coll.save_work(found, list(data.get("segments") or []), self._today(), now)
            elif step == "department":
                coll.save_department(session, found, data.get("department_code"), now)
            else:
                raise ValidationFailed("STEP_INVALID", "采集步骤不正确", {"step": "采集步骤不正确"})
            return self._view(session, found)

    @entrypoint
    def attach_collection_file(self, slot, key):
        slot, key = (load(schemas.AttachIn(), {"slot": slot, "key": key})[k] for k in ("slot", "key"))
        with self.db.get_session() as session:
            found = coll.require_editable(self._mine(session, lock=True))
            coll.attach(found, self.storage, slot, key, found.account_id, self._now())
            return self._view(session, found)

    @entrypoint
    def submit_collection(self, data):
        data = load(schemas.SubmitIn(), data)
        with self.db.get_session() as session:
            found = coll.require_editable(self._mine(session, lock=True))
            if data.get("department_code"):
                coll.save_department(session, found, data["department_code"], self._now())
            coll.submit(session, found, bool(data.get("pledge")), self._now(), self._today())
            record_event(session, Outbox, "collection_submitted",
                         {"account_id": found.account_id, "department_code": found.department_code})
            return self._view(session, found)

    @entrypoint
    def check_field(self, field, value=None, context=None):
        """One field of the segment editor under the rules its step applies (the gateway's field checks)."""
        data = load(schemas.FieldCheckIn(), {"field": field, "value": value, "context": context or {}})
        birth = None
        if self.caller.kind == "person" and data["field"] in field_checks.FIELDS and data["field"] != "credit_code":
            birth = domain.parse_date(self._person(self._person_id()).get("birth_date"))
        return field_checks.check_field(data["field"], data["value"], data["context"], birth, self._today())

    @entrypoint
    def lookup_employer(self, credit_code):
        credit_code = load(schemas.EmployerIn(), {"credit_code": credit_code})["credit_code"]
        code = domain.validate_credit_code(credit_code)
        employer = self.providers.employers.lookup(code)
        if employer is None:
            raise NotFound("EMPLOYER_NOT_FOUND", "未查询到该统一社会信用代码对应的单位，请手动填写单位信息")
        return views.employer_view(employer)

    @entrypoint
    def import_legacy_records(self, records):
        """Province staff load records approved on the old provincial platform (up to 1,000, all or nothing)."""
        records = load(schemas.LegacyIn(), {"records": records})["records"]
        with self.db.get_session() as session:
            return legacy.load(session, self.caller.user, legacy.check_records(records), self._today(), self._now())

    # --- provinces' systems (API clients): legacy imports as jobs ------------------------------------------
    @entrypoint
    def create_legacy_import_job(self, key, file_format="csv"):
        """A province client's batch of old-platform records (scope legacy:import), queued (legacy_import_queued)."""
        client = self.caller.client("legacy:import")
        data = load(schemas.LegacyJobIn(), {"key": key, "file_format": file_format})
        key, file_format = data["key"], data["file_format"]
        jobs.check_new(client, key, file_format, "请提交要导入的原省平台数据")
        now = self._now()
        with self.db.get_session() as session:
            job = LegacyImportJob(kind="legacy", client_id=client["client_id"], region_code=client["province_code"],
                                  file_key=key, file_format=file_format, status="queued", created_at=now)
            session.add(job)
            session.flush()
            record_event(session, Outbox, "legacy_import_queued", {"job_id": job.id}, now)
            return jobs.view(job)

    @handle_event("profile", "legacy_import_queued", on_parked=jobs.when_parked(LegacyImportJob))
    def handle_legacy_import_queued(self, session, event):
        """Runs the import (jobs.run: an ended job is left alone, the handler may run twice; its end announced)."""
        def work(job):
            rows, early = legacy.parse_batch(jobs.body(self.storage, job), job.file_format, jobs.MAX_ROWS)
            now = self._now()
            saved, errors = legacy.import_rows(session, job.region_code, rows, self._today(), now,
                                               csv_paths=job.file_format == "csv")
            jobs.finish(job, saved, errors, early, now, lines_as_sent=True)
        jobs.run(session, LegacyImportJob, Outbox, event.get("job_id"), self._now(), work, self.storage)

    @entrypoint
    def get_legacy_import_job(self, job_id, with_result=False):
        client = self.caller.client("legacy:import")
        data = load(schemas.JobIdIn(), {"job_id": job_id, "with_result": with_result})
        with self.db.get_session() as session:
            job = jobs.owned(session, LegacyImportJob, client, data["job_id"])
            return (jobs.result if data["with_result"] else jobs.view)(job)

    # --- review ----------------------------------------------------------------------
    @entrypoint
    def review_queue(self, kind="collection", status="submitted"):
        kind, status = (load(schemas.QueueIn(), {"kind": kind, "status": status})[k] for k in ("kind", "status"))
        caller = self._reviewer()
        with self.db.get_session() as session:
            return views.review_queue(session, caller, kind, status)

    @entrypoint
    def get_collection_for_review(self, collection_id):
        collection_id = load(schemas.RecordIdIn(), {"id": collection_id})["id"]
        caller = self._reviewer()
        with self.db.get_session() as session:
            found = session.get(Collection, collection_id)
            if found is None or found.status == "draft":
                raise NotFound("NOT_FOUND", "记录不存在")
            departments.check_jurisdiction(caller, found.department_code)
            coll.log(session, caller, found, "view", self._now())
            data_reads.record(session, caller, found.account_id, list(data_reads.UNMASKABLE), "审核信息采集",
                              self._now())
            return self._view(session, found, for_staff=True)

    # --- reads of unmasked personal data (province clients, staff; the person sees them) ------------
    @entrypoint
    def province_candidates(self, data=None):
        caller = self.caller.client("candidates:read")
        data = load(schemas.ProvinceCandidatesIn(), data or {})
        with self.db.get_session() as session:
            return province.listing(session, caller, data)

    @entrypoint
    def province_candidate(self, data):
        """One person of the client's province; fields listed in `fields` unmasked (scope candidates:unmask,
        a purpose), each such read recorded."""
        caller = self.caller.client("candidates:read")
        data = load(schemas.UnmaskIn(), data)
        if data["fields"]:
            self.caller.client("candidates:unmask")
        with self.db.get_session() as session:
            found = province.in_province(session, caller, data["account_id"])
            return province.read(session, caller, found, data["fields"], data["purpose"], self._now())

    @entrypoint
    def unmask_person_fields(self, data):
        """Staff see a person's masked fields in full only by asking, with a reason; the read is recorded."""
        caller = self._reviewer()
        data = load(schemas.UnmaskIn(), data)
        fields, purpose = data_reads.check_request(data["fields"], data["purpose"])
        with self.db.get_session() as session:
            found = coll.for_person(session, data["account_id"])
            if found is None:
                raise NotFound("NOT_FOUND", "记录不存在")
            departments.check_jurisdiction(caller, found.department_code)
            data_reads.record(session, caller, found.account_id, fields, purpose, self._now())
            return {"account_id": found.account_id, **{f: (found.person or {}).get(f) for f in fields}}

    @entrypoint
    def my_data_reads(self):
        with self.db.get_session() as session:
            return data_reads.for_person(session, self._person_id())

    # --- changes (信息变更) -------------------------------------------------------------
    @entrypoint
    def submit_change(self, data):
        data = load(schemas.ChangeIn(), data)
        with self.db.get_session() as session:
            found = self._mine(session, lock=True)
            request = changes.submit(session, self.storage, found, data.get("kind"), data.get("operation"),
                                     data, self._today(), self._now())
            record_event(session, Outbox, "profile_change_submitted",
                         {"account_id": found.account_id, "change_id": request.id, "kind": request.kind,
                          "review_mode": request.review_mode})
            if request.status == "approved":
                record_event(session, Outbox, "profile_changed",
                             {"account_id": found.account_id, "change_id": request.id, "kind": request.kind})
            return changes.view(request)

    @entrypoint
    def list_changes(self, kind=None):
        kind = load(schemas.ChangeListIn(), {"kind": kind})["kind"]
        with self.db.get_session() as session:
            return changes.history(session, self._person_id(), kind, self._link)

    @entrypoint
    def withdraw_change(self, change_id):
        change_id = load(schemas.RecordIdIn(), {"id": change_id})["id"]
        with self.db.get_session() as session:
            request = session.get(ChangeRequest, change_id, with_for_update=True)
            if request is None or request.account_id != self._person_id():
                raise NotFound("NOT_FOUND", "变更申请不存在")
            changes.withdraw(request, self._now())
            return changes.view(request)

    # --- transfers (属地关系调转) ------------------------------------------------------------
    @entrypoint
    def submit_transfer(self, data):
        data = load(schemas.TransferIn(), data)
        account_id = self._person_id()
        with self.db.get_session() as session:
            found = coll.for_person(session, account_id, lock=True)
            transfer = transfers.submit(session, self.storage, found, {**data, "account_id": account_id},
                                        self._today(), self._now())
            return transfers.view(session, transfer, self._link)

    @entrypoint
    def list_transfers(self):
        with self.db.get_session() as session:
            if self.caller.kind == "staff":
                return transfers.for_department(session, self._reviewer(), self._link)
            return transfers.for_person(session, self._person_id(), self._link)

    # --- qualifications (职称管理) --------------------------------------------------------
    @entrypoint
    def fetch_qualifications(self):
        with self.db.get_session() as session:
            found = self._mine(session, lock=True)
            result = qualifications.fetch_from_library(session, self.providers.qualifications, found, self._now())
            session.flush()
            return {**result, "items": qualifications.for_person(session, found.account_id, self._link)}

    @entrypoint
    def submit_qualification(self, category, data):
        category = load(schemas.QualificationCategoryIn(), {"category": category})["category"]
        data = load(schemas.QualificationIn(), data)
        with self.db.get_session() as session:
            found = self._mine(session, lock=True)
            row = qualifications.submit(session, self.storage, found, category, data, self._today(), self._now())
            return qualifications.view(row, self._link)

    @entrypoint
    def get_qualification(self, qualification_id):
        qualification_id = load(schemas.RecordIdIn(), {"id": qualification_id})["id"]
        with self.db.get_session() as session:
            row = qualifications.mine(session, self._person_id(), qualification_id)
            found = coll.for_person(session, row.account_id)
            return {**qualifications.view(row, self._link),
                    "person": views.person_view(found.person, full=False) if found else None}

    @entrypoint
    def refresh_qualification(self, qualification_id):
        qualification_id = load(schemas.RecordIdIn(), {"id": qualification_id})["id"]
        with self.db.get_session() as session:
            found = self._mine(session)
            row = qualifications.mine(session, found.account_id, qualification_id, lock=True)
            result = qualifications.refresh(self.providers.qualifications, found, row, self._now())
            return {**result, "item": qualifications.view(row, self._link)}

    @entrypoint
    def delete_qualification(self, qualification_id):
        qualification_id = load(schemas.RecordIdIn(), {"id": qualification_id})["id"]
        with self.db.get_session() as session:
            row = qualifications.mine(session, self._person_id(), qualification_id, lock=True)
            qualifications.delete(self.storage, row, session)
            return {"id": qualification_id, "deleted": True}

    @entrypoint
    def edit_qualification(self, qualification_id, data):
        qualification_id = load(schemas.RecordIdIn(), {"id": qualification_id})["id"]
        data = load(schemas.QualificationIn(), data)
        with self.db.get_session() as session:
            found = self._mine(session, lock=True)
            row = qualifications.mine(session, found.account_id, qualification_id, lock=True)
            qualifications.edit(self.storage, found, row, data, self._today(), self._now())
            return qualifications.view(row, self._link)

    @entrypoint
    def list_qualifications(self):
        with self.db.get_session() as session:
            return qualifications.for_person(session, self._person_id(), self._link)

    # --- 咨询答疑 and the help center ------------------------------------------------------------
    @entrypoint
    def ask_question(self, data):
        data = load(schemas.QuestionIn(), data)
        account_id = self._person_id()
        with self.db.get_session() as session:
            found = coll.for_person(session, account_id)
            name = (found.person or {}).get("name") if found else self._person(account_id).get("full_name")
            question = questions.ask(session, account_id, name, found.department_code if found else None, data,
                                     self._now())
            return questions.view(session, question)

    @entrypoint
    def list_my_questions(self):
        with self.db.get_session() as session:
            return questions.mine(session, self._person_id())

    @entrypoint
    def follow_up_question(self, question_id, data):
        question_id = load(schemas.RecordIdIn(), {"id": question_id})["id"]
        data = load(schemas.ReplyIn(), data)
        with self.db.get_session() as session:
            question = questions.own(session, self._person_id(), question_id, lock=True)
            questions.follow_up(session, question, data.get("text"), self._now())
            return questions.view(session, question)

    @entrypoint
    def question_queue(self, status=None):
        status = load(schemas.QuestionQueueIn(), {"status": status})["status"]
        caller = self._reviewer()
        with self.db.get_session() as session:
            return questions.queue(session, caller, status)

    @entrypoint
    def get_question_for_staff(self, question_id):
        question_id = load(schemas.RecordIdIn(), {"id": question_id})["id"]
        caller = self._reviewer()
        with self.db.get_session() as session:
            return questions.view(session, questions.for_staff(session, caller, question_id), for_staff_view=True)

    @entrypoint
    def answer_question(self, question_id, data):
        question_id = load(schemas.RecordIdIn(), {"id": question_id})["id"]
        data = load(schemas.ReplyIn(), data)
        caller = self._reviewer()
        with self.db.get_session() as session:
            question = questions.for_staff(session, caller, question_id, lock=True)
            questions.answer(session, caller, question, data.get("text"), self._now())
            return questions.view(session, question, for_staff_view=True)

    @entrypoint
    def publish_help_article(self, data):
        data = load(schemas.ArticleIn(), data)
        caller = self._reviewer()
        with self.db.get_session() as session:
            return questions.article_view(session, questions.publish(session, caller, data, self._now()))

    @entrypoint
    def list_help_articles(self, module=None):
        module = load(schemas.ArticlesIn(), {"module": module})["module"]
        with self.db.get_session() as session:
            return questions.articles(session, module)

    # --- personal archive (个人中心 档案) ------------------------------------------------------
    @entrypoint
    def get_archive(self):
        account_id = self._person_id()
        with self.db.get_session() as session:
            found = coll.for_person(session, account_id)
            return {"collection": self._view(session, found) if found else None,
                    "changes": changes.history(session, account_id, link=self._link),
                    "transfers": transfers.for_person(session, account_id, self._link),
                    "qualifications": qualifications.for_person(session, account_id, self._link)}

    # --- review of changes, transfers and qualifications ---------------------------------------
    def _review_item(self, session, kind, item_id, lock=False):
        model = {"change": ChangeRequest, "transfer": Transfer, "qualification": Qualification}.get(kind)
        if model is None:
            raise ValidationFailed("KIND_INVALID", "审核类型不正确", {"kind": "审核类型不正确"})
        row = session.get(model, item_id, with_for_update=lock)
        if row is None:
            raise NotFound("NOT_FOUND", "记录不存在")
        return row

    @entrypoint
    def get_review_item(self, kind, item_id):
        kind, item_id = (load(schemas.ReviewItemIn(), {"kind": kind, "id": item_id})[k] for k in ("kind", "id"))
        caller = self._reviewer()
        with self.db.get_session() as session:
            row = self._review_item(session, kind, item_id)
            department = row.to_department if kind == "transfer" else row.department_code
            if not (kind == "transfer" and departments.in_jurisdiction(caller, row.from_department)):
                departments.check_jurisdiction(caller, department)   # the sending end may read, not decide
            found = coll.for_person(session, row.account_id)
            review.log(session, caller, kind, row.id, row.account_id, department, "view", self._now())
            if found:
                data_reads.record(session, caller, row.account_id, list(data_reads.UNMASKABLE),
                                  REVIEW_PURPOSES[kind], self._now())
            item = {"change": lambda: changes.view(row, self._link), "transfer": lambda: transfers.view(session, row, self._link),
                    "qualification": lambda: qualifications.view(row, self._link)}[kind]()
            history = review.history(session, row.id)
            return {"kind": kind, "item": item, "history": history, "person": views.person_view(found.person, full=True) if found else None,
                    "collection": self._view(session, found, for_staff=True) if found else None}

    @entrypoint
    def decide_review_item(self, kind, item_id, data):
        kind, item_id = (load(schemas.ReviewItemIn(), {"kind": kind, "id": item_id})[k] for k in ("kind", "id"))
        data = load(schemas.DecisionIn(), data)
        caller = self._reviewer()
        with self.db.get_session() as session:
            row = self._review_item(session, kind, item_id, lock=True)
            found = coll.for_person(session, row.account_id, lock=True)
            decision, reasons, note, now = data.get("decision"), data.get("reasons") or {}, data.get("note"), self._now()
            if kind == "change":
                changes.decide(session, caller, found, row, decision, reasons, note, now)
                if row.status == "approved":
                    record_event(session, Outbox, "profile_changed",
                                 {"account_id": row.account_id, "change_id": row.id, "kind": row.kind})
                return changes.view(row)
            if kind == "transfer":
                transfers.decide(session, caller, found, row, decision, reasons, note, now)
                if row.status == "approved":
                    record_event(session, Outbox, "transfer_approved",
                                 {"account_id": row.account_id, "from_department": row.from_department,
                                  "to_department": row.to_department})
                return transfers.view(session, row, self._link)
            qualifications.decide(session, caller, row, decision, reasons, note, now)
            return qualifications.view(row, self._link)

    @entrypoint
    def decide_collection(self, collection_id, data):
        collection_id = load(schemas.RecordIdIn(), {"id": collection_id})["id"]
        data = load(schemas.DecisionIn(), data)
        caller = self._reviewer()
        with self.db.get_session() as session:
            found = session.get(Collection, collection_id, with_for_update=True)
            if found is None or found.status == "draft":
                raise NotFound("NOT_FOUND", "记录不存在")
            coll.decide(session, caller, found, data.get("decision"), data.get("reasons") or {}, data.get("note"),
                        self._now())
            if found.status == "approved":
                record_event(session, Outbox, "collection_approved",
                             {"account_id": found.account_id, "department_code": found.department_code})
            return self._view(session, found, for_staff=True)
