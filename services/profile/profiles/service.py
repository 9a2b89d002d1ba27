"""The profile service: thin entrypoints over collection, departments and review modules."""
import functools

from nameko.events import EventDispatcher, event_handler
from nameko.extensions import DependencyProvider
from nameko.rpc import rpc
from nameko.timer import timer
from sqlalchemy import select, text

from ausm_common.clock import beijing, utcnow
from ausm_common.config import file_link_secret
from ausm_common.db import Database
from ausm_common.errors import AppError, NotAuthenticated, NotFound, Unavailable, ValidationFailed
from ausm_common.outbox import record_event, relay
from ausm_common.rpc import ServiceRpcProvider
from ausm_common.storage import Storage
from ausm_common.tokens import file_link

from . import changes, departments, domain, legacy, qualifications, review, transfers, views
from . import collection as coll
from .adapters import (ProviderUnavailable, build_degree_checker, build_employer_directory,
                       build_qualification_library)
from .exceptions import DomainError, RuleViolations
from .models import ChangeRequest, Collection, Outbox, Qualification, ReviewLog, Transfer


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


def as_app_error(exc: DomainError) -> AppError:
    if isinstance(exc, RuleViolations):
        errors = {}
        for problem in exc.problems:
            errors.setdefault(problem.field, problem.message)
        return ValidationFailed(exc.problems[0].code if len(exc.problems) == 1 else exc.code,
                                exc.problems[0].message if len(exc.problems) == 1 else exc.message, errors,
                                {"problems": [p.__dict__ for p in exc.problems]})
    return ValidationFailed(exc.code, exc.message, {exc.field: exc.message} if exc.field else {}, exc.extra)


def entrypoint(fn):
    """An RPC whose rule failures become AppErrors (expected: no traceback in the log)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DomainError as exc:
            raise as_app_error(exc)
        except ProviderUnavailable as exc:
            raise Unavailable("PROVIDER_UNAVAILABLE", exc.message or "外部核验服务暂时无法访问，请稍后再试")
    return rpc(expected_exceptions=AppError)(wrapper)


def person_id(caller: dict | None) -> str:
    if not caller or caller.get("kind") != "person":
        raise NotAuthenticated("NOT_AUTHENTICATED", "请先登录")
    return caller["id"]


class ProfileService:
    name = "profile"

    db = Database("PROFILE_DATABASE_URL")
    storage = Storage()
    providers = Providers()
    services = ServiceRpcProvider()
    dispatch = EventDispatcher()

    # --- helpers --------------------------------------------------------------------
    def _now(self):
        return utcnow()

    def _today(self):
        return beijing(self._now()).date()

    def _link(self, key: str) -> str:
        return file_link(file_link_secret(), key, ttl_seconds=600)

    def _person(self, account_id: str) -> dict:
        return self.services.identity.get_person(account_id)

    def _mine(self, session, caller, lock=False) -> Collection:
        found = coll.for_person(session, person_id(caller), lock=lock)
        if found is None:
            raise NotFound("COLLECTION_NOT_STARTED", "请先开始信息采集")
        return found

    def _view(self, session, collection: Collection, for_staff=False) -> dict:
        return views.collection_view(session, collection, self._link, self._today(), for_staff=for_staff)

    # --- health and events ------------------------------------------------------------
    @rpc
    def ping(self):
        with self.db.get_session() as session:
            session.execute(text("SELECT 1"))
        return {"ok": True, "service": self.name}

    @timer(interval=1)
    def relay_events(self):
        relay(self.db, Outbox, self.dispatch)

    @entrypoint
    def collection_options(self):
        return views.options()

    @event_handler("identity", "phone_changed")
    def on_phone_changed(self, payload):
        """Keep the registration copy in the collection current; safe to run twice (it sets, not adds)."""
        person = self._person(payload["account_id"])
        with self.db.get_session() as session:
            found = coll.for_person(session, payload["account_id"], lock=True)
            if found is not None and (found.person or {}).get("phone") != person["full_phone"]:
                found.person = {**(found.person or {}), "phone": person["full_phone"]}

    # --- departments ------------------------------------------------------------------
    @entrypoint
    def list_departments(self, parent_code=None):
        with self.db.get_session() as session:
            return departments.children(session, parent_code)

    @entrypoint
    def get_department_path(self, code):
        with self.db.get_session() as session:
            return departments.path(session, code)

    # --- the person's collection ---------------------------------------------------------
    @entrypoint
    def get_collection(self, caller):
        account_id = person_id(caller)
        with self.db.get_session() as session:
            found = coll.for_person(session, account_id)
            if found is None:
                person = self._person(account_id)
                return views.not_started(person)
            return self._view(session, found)

    @entrypoint
    def start_collection(self, caller):
        account_id = person_id(caller)
        person = self._person(account_id)
        with self.db.get_session() as session:
            found = coll.start(session, account_id, person, self._now())
            return self._view(session, found)

    @entrypoint
    def save_collection_step(self, caller, step, data):
        with self.db.get_session() as session:
            found = coll.require_editable(self._mine(session, caller, lock=True))
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
    def attach_collection_file(self, caller, slot, key):
        with self.db.get_session() as session:
            found = coll.require_editable(self._mine(session, caller, lock=True))
            coll.attach(found, self.storage, slot, key, found.account_id, self._now())
            return self._view(session, found)

    @entrypoint
    def submit_collection(self, caller, data):
        with self.db.get_session() as session:
            found = coll.require_editable(self._mine(session, caller, lock=True))
            if data.get("department_code"):
                coll.save_department(session, found, data["department_code"], self._now())
            coll.submit(session, found, bool(data.get("pledge")), self._now(), self._today())
            record_event(session, Outbox, "collection_submitted",
                         {"account_id": found.account_id, "department_code": found.department_code})
            return self._view(session, found)

    @entrypoint
    def lookup_employer(self, credit_code):
        code = domain.validate_credit_code(credit_code)
        employer = self.providers.employers.lookup(code)
        if employer is None:
            raise NotFound("EMPLOYER_NOT_FOUND", "未查询到该统一社会信用代码对应的单位，请手动填写单位信息")
        return views.employer_view(employer)

    @entrypoint
    def import_legacy_records(self, caller, records):
        """Province staff (or a province's system) load records approved on the old provincial platform."""
        with self.db.get_session() as session:
            return legacy.load(session, caller, legacy.check_records(records), self._now())

    # --- review ----------------------------------------------------------------------
    @entrypoint
    def review_queue(self, caller, kind="collection", status="submitted"):
        caller = departments.require_reviewer(caller)
        with self.db.get_session() as session:
            return views.review_queue(session, caller, kind, status)

    @entrypoint
    def get_collection_for_review(self, caller, collection_id):
        caller = departments.require_reviewer(caller)
        with self.db.get_session() as session:
            found = session.get(Collection, collection_id)
            if found is None or found.status == "draft":
                raise NotFound("NOT_FOUND", "记录不存在")
            departments.check_jurisdiction(caller, found.department_code)
            coll.log(session, caller, found, "view", self._now())
            return self._view(session, found, for_staff=True)

    # --- changes (信息变更) -------------------------------------------------------------
    @entrypoint
    def submit_change(self, caller, data):
        with self.db.get_session() as session:
            found = self._mine(session, caller, lock=True)
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
    def list_changes(self, caller, kind=None):
        with self.db.get_session() as session:
            return changes.history(session, person_id(caller), kind, self._link)

    @entrypoint
    def withdraw_change(self, caller, change_id):
        with self.db.get_session() as session:
            request = session.get(ChangeRequest, change_id, with_for_update=True)
            if request is None or request.account_id != person_id(caller):
                raise NotFound("NOT_FOUND", "变更申请不存在")
            changes.withdraw(request, self._now())
            return changes.view(request)

    # --- transfers (属地关系调转) ------------------------------------------------------------
    @entrypoint
    def submit_transfer(self, caller, data):
        account_id = person_id(caller)
        with self.db.get_session() as session:
            found = coll.for_person(session, account_id, lock=True)
            transfer = transfers.submit(session, self.storage, found, {**data, "account_id": account_id},
                                        self._today(), self._now())
            return transfers.view(session, transfer, self._link)

    @entrypoint
    def list_transfers(self, caller):
        with self.db.get_session() as session:
            if caller and caller.get("kind") == "staff":
                return transfers.for_department(session, departments.require_reviewer(caller), self._link)
            return transfers.for_person(session, person_id(caller), self._link)

    # --- qualifications (职称管理) --------------------------------------------------------
    @entrypoint
    def fetch_qualifications(self, caller):
        with self.db.get_session() as session:
            found = self._mine(session, caller, lock=True)
            result = qualifications.fetch_from_library(session, self.providers.qualifications, found, self._now())
            session.flush()
            return {**result, "items": qualifications.for_person(session, found.account_id, self._link)}

    @entrypoint
    def submit_qualification(self, caller, category, data):
        with self.db.get_session() as session:
            found = self._mine(session, caller, lock=True)
            row = qualifications.submit(session, self.storage, found, category, data, self._today(), self._now())
            return qualifications.view(row, self._link)

    @entrypoint
    def list_qualifications(self, caller):
        with self.db.get_session() as session:
            return qualifications.for_person(session, person_id(caller), self._link)

    # --- personal archive (个人中心 档案) ------------------------------------------------------
    @entrypoint
    def get_archive(self, caller):
        account_id = person_id(caller)
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
    def get_review_item(self, caller, kind, item_id):
        caller = departments.require_reviewer(caller)
        with self.db.get_session() as session:
            row = self._review_item(session, kind, item_id)
            department = row.to_department if kind == "transfer" else row.department_code
            if not (kind == "transfer" and departments.in_jurisdiction(caller, row.from_department)):
                departments.check_jurisdiction(caller, department)   # the sending end may read, not decide
            found = coll.for_person(session, row.account_id)
            review.log(session, caller, kind, row.id, row.account_id, department, "view", self._now())
            item = {"change": lambda: changes.view(row, self._link), "transfer": lambda: transfers.view(session, row, self._link),
                    "qualification": lambda: qualifications.view(row, self._link)}[kind]()
            history = [{"action": r.action, "staff_name": r.staff_name, "at": r.at.isoformat(), "reasons": r.reasons,
                        "note": r.note} for r in session.scalars(select(ReviewLog).where(
                            ReviewLog.subject_id == row.id).order_by(ReviewLog.at))]
            return {"kind": kind, "item": item, "history": history, "person": views.person_view(found.person, full=True) if found else None,
                    "collection": self._view(session, found, for_staff=True) if found else None}

    @entrypoint
    def decide_review_item(self, caller, kind, item_id, data):
        caller = departments.require_reviewer(caller)
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
    def decide_collection(self, caller, collection_id, data):
        caller = departments.require_reviewer(caller)
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
