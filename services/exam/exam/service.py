"""The exam service (on the kit's ServiceBase, imported as `kit.` so `nameko run` finds only this class): thin
entrypoints over catalog (plans, windows, notices, sites), enrollments, review, grading, forms and the payment
seam. Rules live in exam/domain."""
from nameko.timer import timer

from ausm_common import service as kit
from ausm_common.config import file_link_secret, secret_key
from ausm_common.outbox import record_event
from ausm_common.service import entrypoint, handle_event, load
from ausm_common.storage import Storage
from ausm_common.tokens import file_link

from . import attachments, catalog, enrollments, forms, grading, jobs, payments, review, schemas, views
from . import staff as staff_rules
from .domain import numbers
from .domain.problems import Refused
from .models import KIT, Enrollment, Outbox, Site


class ExamService(kit.ServiceBase):
    name = "exam"
    tables = KIT

    storage = Storage()

    # --- helpers --------------------------------------------------------------------
    def _link(self, key: str) -> str:
        return file_link(file_link_secret(), key, ttl_seconds=600)

    def _staff(self) -> dict:
        return staff_rules.require_staff(self.caller)

    def _person(self, account_id: str) -> dict:
        return self.services.identity.get_person(account_id)

    def _profile(self, account_id: str) -> dict:
        return self.services.profile.get_exam_profile(account_id)

    def _own(self, session, enrollment_id, lock=False):
        return enrollments.own(session, enrollment_id, self.caller.person_id(), lock=lock)

    def _view(self, session, enrollment, options=True):
        return views.enrollment_view(session, enrollment, self._link, self.clock.now(), options=options)

    # --- reference data: the exam list and the province table -----------------------------------
    @entrypoint
    def list_exams(self):
        with self.db.get_session() as session:
            return catalog.list_exams(session)

    @entrypoint
    def province_table(self, exam_id):
        with self.db.get_session() as session:
            return catalog.province_table(session, exam_id, self.clock.now())

    @entrypoint
    def get_region(self, exam_id, region_code):
        with self.db.get_session() as session:
            plan, w = catalog.plan(session, exam_id), catalog.window(session, exam_id, region_code)
            return catalog.region_view(session, plan, w, self.clock.now())

    # --- the candidate's enrollment ---------------------------------------------------------
    @entrypoint
    def my_enrollments(self):
        with self.db.get_session() as session:
            return [views.summary(e) for e in enrollments.mine(session, self.caller.person_id())]

    @entrypoint
    def start_enrollment(self, exam_id, region_code, data):
        data, account_id = load(schemas.StartIn(), data), self.caller.person_id()
        person, profile = self._person(account_id), self._profile(account_id)
        with self.db.get_session() as session:
            plan, w = catalog.plan(session, exam_id), catalog.window(session, exam_id, region_code)
            notice = catalog.current_notice(session, exam_id, region_code, "notice")
            found = enrollments.start(session, plan, w, account_id, person, profile, data,
                                      notice.version if notice else None, self.clock.now())
            return self._view(session, found)

    @entrypoint
    def get_enrollment(self, enrollment_id):
        with self.db.get_session() as session:
            return self._view(session, self._own(session, enrollment_id))

    @entrypoint
    def read_announcement(self, enrollment_id, data):
        data = load(schemas.AnnouncementIn(), data)
        with self.db.get_session() as session:
            found = self._own(session, enrollment_id, lock=True)
            current = catalog.current_notice(session, found.exam_id, found.region_code, "announcement")
            enrollments.read_announcement(found, current.version if current else None, data, self.clock.now())
            return self._view(session, found)

    @entrypoint
    def choose_route(self, enrollment_id, data):
        data = load(schemas.RouteIn(), data)
        with self.db.get_session() as session:
            found = self._own(session, enrollment_id, lock=True)
            enrollments.require_open(catalog.window(session, found.exam_id, found.region_code), self.clock.now())
            enrollments.choose_route(found, data, self.clock.now())
            return self._view(session, found)

    @entrypoint
    def save_enrollment_info(self, enrollment_id, data):
        data = load(schemas.InfoIn(), data)
        with self.db.get_session() as session:
            found = self._own(session, enrollment_id, lock=True)
            w = catalog.window(session, found.exam_id, found.region_code)
            enrollments.require_open(w, self.clock.now())
            enrollments.save_info(session, found, w, data, self.clock.today(), self.clock.now())
            return self._view(session, found)

    @entrypoint
    def attach_enrollment_file(self, enrollment_id, slot, key):
        with self.db.get_session() as session:
            found = self._own(session, enrollment_id, lock=True)
            w = catalog.window(session, found.exam_id, found.region_code)
            attachments.attach(found, w, self.storage, str(slot or ""), key, self.clock.now())
            return self._view(session, found)

    @entrypoint
    def submit_enrollment(self, enrollment_id):
        account_id = self.caller.person_id()
        person, profile = self._person(account_id), self._profile(account_id)
        with self.db.get_session() as session:
            found = self._own(session, enrollment_id, lock=True)
            w = catalog.window(session, found.exam_id, found.region_code)
            enrollments.submit(session, found, w, person, profile, self.storage, self.clock.now())
            return self._view(session, found)

    @entrypoint
    def delete_enrollment(self, enrollment_id, data):
        data = load(schemas.DeleteIn(), data)
        with self.db.get_session() as session:
            found = self._own(session, enrollment_id, lock=True)
            enrollments.delete(session, found, data["reason"], self.clock.now())
            return self._view(session, found, options=False)

    @entrypoint
    def submit_post_review(self, enrollment_id, key):
        with self.db.get_session() as session:
            found = self._own(session, enrollment_id, lock=True)
            review.submit_post_review(session, found, self.storage, key, self.clock.now())
            return self._view(session, found, options=False)

    # --- 报名表打印 and its verification --------------------------------------------------------
    @entrypoint
    def registration_form(self, enrollment_id):
        """{key}: the stored PDF of this version of the enrollment (built when missing)."""
        with self.db.get_session() as session:
            found = self._own(session, enrollment_id, lock=True)
            if not found.enrollment_no or found.status in ("draft", "deleted"):
                raise Refused("FORM_NOT_AVAILABLE", "提交报名后才能打印报名表")
            if found.form_key and found.form_version == found.version and self.storage.exists(found.form_key):
                return {"key": found.form_key, "enrollment_no": found.enrollment_no}
            plan = catalog.plan(session, found.exam_id)
            site = session.get(Site, found.site_id)
            photo = self.storage.get(found.photo["key"]) if (found.photo or {}).get("key") else None
            code = numbers.verification_code(secret_key(), found.enrollment_no, found.id)
            url = f"{self.config.get('PUBLIC_BASE_URL', '').rstrip('/')}/exam/verify/{found.enrollment_no}?code={code}"
            pdf = forms.render(found, plan.name, catalog.window(session, found.exam_id, found.region_code).region_name,
                               catalog.site_view(site) if site else None, photo, url)
            key = self.storage.new_key(f"exam/forms/{found.account_id}")
            self.storage.put(key, pdf, "application/pdf")
            if found.form_key:
                self.storage.delete(found.form_key)
            found.form_key, found.form_version = key, found.version
            return {"key": key, "enrollment_no": found.enrollment_no}

    @entrypoint
    def verify_form(self, enrollment_no, code):
        """Anyone holding the printed form: is it genuine, and what is its state (masked)."""
        with self.db.get_session() as session:
            from sqlalchemy import select
            found = session.scalars(select(Enrollment).where(Enrollment.enrollment_no == str(enrollment_no))).first()
            if found is None or not numbers.check_code(secret_key(), found.enrollment_no, found.id, str(code or "")):
                raise Refused("FORM_NOT_GENUINE", "未查询到该报名信息，请核对报名表是否真实有效", "code", status=404)
            return {"genuine": True, **views.summary(found), "name": views.person_view(found, False)["name"],
                    "id_number": views.person_view(found, False)["id_number"],
                    "exam_name": catalog.plan(session, found.exam_id).name}

    # --- the payment seam ---------------------------------------------------------------------
    @entrypoint
    def payable(self, enrollment_id):
        self.caller.service("payment")
        with self.db.get_session() as session:
            found = session.get(Enrollment, str(enrollment_id))
            if found is None or (self.caller.kind == "person" and found.account_id != self.caller.person_id()):
                raise Refused("ENROLLMENT_NOT_FOUND", "报名记录不存在", "enrollment_id", status=404)
            w = catalog.window(session, found.exam_id, found.region_code)
            return payments.payable(session, found, w, self.clock.now())

    @handle_event("payment", "payment_succeeded")
    def handle_payment_succeeded(self, session, event):
        payments.handle_succeeded(session, event, self.clock.now())

    @handle_event("payment", "payment_refunded")
    def handle_payment_refunded(self, session, event):
        payments.handle_refunded(session, event, self.clock.now())

    @timer(interval=5)
    def abandon_unpaid(self):
        """Unpaid enrollments of closed payment windows become 已放弃 and give their seats back."""
        with self.db.get_session() as session:
            enrollments.abandon_unpaid(session, self.clock.now())

    # --- staff: configuration ------------------------------------------------------------------
    @entrypoint
    def save_plan(self, data):
        data, staff = load(schemas.PlanIn(), data), self._staff()
        with self.db.get_session() as session:
            return catalog.plan_view(catalog.save_plan(session, staff, data, self.clock.now()))

    @entrypoint
    def staff_region(self, exam_id, region_code):
        staff = staff_rules.require_region(self._staff(), region_code)
        with self.db.get_session() as session:
            plan, w = catalog.plan(session, exam_id), catalog.window(session, exam_id, region_code)
            return {**catalog.region_view(session, plan, w, self.clock.now(), for_staff=True),
                    "can_edit": staff_rules.manages_region(staff, region_code)}

    @entrypoint
    def save_window(self, exam_id, region_code, data):
        data, staff = load(schemas.WindowIn(), data), self._staff()
        with self.db.get_session() as session:
            w = catalog.save_window(session, staff, exam_id, str(region_code), data, self.clock.now())
            record_event(session, Outbox, "exam_reference_changed", {"exam_id": exam_id, "region_code": w.region_code})
            return catalog.region_view(session, catalog.plan(session, exam_id), w, self.clock.now(), for_staff=True)

    @entrypoint
    def publish_notice(self, exam_id, region_code, data):
        data, staff = load(schemas.NoticeIn(), data), self._staff()
        with self.db.get_session() as session:
            notice = catalog.publish_notice(session, staff, exam_id, str(region_code), data, self.clock.now())
            record_event(session, Outbox, "exam_reference_changed",
                         {"exam_id": exam_id, "region_code": notice.region_code})
            return catalog.notice_view(notice)

    @entrypoint
    def save_site(self, exam_id, region_code, data):
        data, staff = load(schemas.SiteIn(), data), self._staff()
        with self.db.get_session() as session:
            return catalog.site_view(catalog.save_site(session, staff, exam_id, str(region_code), data,
                                                       self.clock.now()))

    @entrypoint
    def staff_regions(self):
        """The regions (and exams) this staff member may configure or review."""
        staff = self._staff()
        with self.db.get_session() as session:
            return {"exams": catalog.list_exams(session), "national": staff_rules.is_national_admin(staff),
                    "department_code": staff.get("department_code")}

    # --- staff: 资格审核, scores, post-exam review ----------------------------------------------------
    @entrypoint
    def review_queue(self, status="submitted", exam_id=None):
        staff = self._staff()
        with self.db.get_session() as session:
            return [views.queue_item(e) for e in review.queue(session, staff, str(status), exam_id)]

    @entrypoint
    def get_enrollment_for_review(self, enrollment_id):
        staff = self._staff()
        with self.db.get_session() as session:
            found = review.for_review(session, staff, enrollment_id, self.clock.now())
            staff_rules.audit(session, staff, "view", "enrollment", found.id, self.clock.now())
            return views.staff_view(session, found, self._link, self.clock.now())

    @entrypoint
    def decide_enrollment(self, enrollment_id, data):
        data, staff = load(schemas.DecisionIn(), data), self._staff()
        with self.db.get_session() as session:
            found = review.for_review(session, staff, enrollment_id, self.clock.now(), lock=True)
            review.decide(session, staff, found, data, self.clock.now())
            return views.staff_view(session, found, self._link, self.clock.now())

    @entrypoint
    def import_scores(self, exam_id, region_code, key):
        staff = staff_rules.require_region(self._staff(), str(region_code))
        if not str(key or "").startswith(f"incoming/{staff['id']}/"):
            raise Refused("UPLOAD_EMPTY", "请选择要导入的成绩文件（CSV）", "file", status=422)
        data = self.storage.get(key)
        self.storage.delete(key)
        with self.db.get_session() as session:
            catalog.plan(session, exam_id)
            return grading.import_file(session, staff, exam_id, str(region_code), data, self.clock.now())

    # --- provinces' systems (API clients) --------------------------------------------
    @entrypoint
    def create_score_import_job(self, exam_id, key, file_format="csv"):
        client = self.caller.client("scores:import")
        with self.db.get_session() as session:
            return jobs.view(jobs.create(session, client, str(exam_id), str(key), str(file_format),
                                         self.clock.now()))

    @handle_event("exam", "score_import_queued", on_parked=jobs.parked)
    def handle_score_import_queued(self, session, event):
        jobs.run(session, self.storage, event["job_id"], self.clock.now())

    @entrypoint
    def get_import_job(self, job_id, with_result=False):
        client = self.caller.client("scores:import")
        with self.db.get_session() as session:
            job = jobs.owned(session, client, str(job_id))
            return jobs.result(job) if with_result else jobs.view(job)

    @entrypoint
    def my_data_reads(self):
        with self.db.get_session() as session:
            return jobs.reads_for_person(session, self.caller.person_id())

    @entrypoint
    def province_enrollments(self, exam_id=None, status=None, page=1, per_page=50):
        client = self.caller.client("enrollments:read")
        page, per_page = max(int(page or 1), 1), min(max(int(per_page or 50), 1), 200)
        with self.db.get_session() as session:
            return jobs.province_enrollments(session, client, exam_id, status, page, per_page)

    @entrypoint
    def decide_post_review(self, enrollment_id, data):
        data, staff = load(schemas.PostReviewDecisionIn(), data), self._staff()
        with self.db.get_session() as session:
            found = review.for_review(session, staff, enrollment_id, self.clock.now(), lock=True)
            review.decide_post_review(session, staff, found, data, self.clock.now())
            return views.staff_view(session, found, self._link, self.clock.now())
