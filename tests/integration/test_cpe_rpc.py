"""Continuing education over RabbitMQ: the cpe service with identity and profile (the person's management
department decides who reviews; a transfer moves it), events from exam (a passed subject credited once),
institution reports, rule versions, and the claims that hold under 50 concurrent submits."""
import time
import uuid
from datetime import date

import eventlet
import pytest
from nameko.standalone.events import event_dispatcher
from sqlalchemy import func, select

from ausm_common.errors import AppError
from cpe.models import Application, CreditEntry, Outbox, Person
from tests.integration.exam_helpers import BEIJING_STAFF, COUNTY_REVIEWER, ZHEJIANG_STAFF, approved_candidate
from tests.support import images

pytestmark = pytest.mark.usefixtures("cpe")

YEAR = date.today().year
OFFLINE = {"start_date": f"{YEAR}-03-02", "end_date": f"{YEAR}-03-03", "institution": "浙江省会计继续教育中心",
           "rows": [{"subject_type": "管理会计", "subject": "管理会计实务", "sub_subject": "成本管理", "minutes": 450,
                     "content": "成本管理工具"},
                    {"subject_type": "税收法规", "subject": "税法", "sub_subject": "增值税", "minutes": 225,
                     "content": "增值税新规"}]}
PAPER = {"published_on": f"{YEAR}-01-10", "title": "管理会计在制造业的应用", "authors": "张三、李四",
         "journal": "会计研究", "issue": f"{YEAR}年第1期", "journal_no_kind": "CN", "journal_no": "CN11-1078/F",
         "author_rank": "other"}


def app_error(fn, *args):
    with pytest.raises(AppError) as info:
        fn(*args)
    return info.value


def wait_for(check, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def pdf_key(store, person, data=None) -> str:
    key = store.new_key(f"incoming/{person['id']}")
    store.put(key, data if data is not None else images.pdf(), "application/pdf")
    return key


def draft(rpc, store, person, form, data):
    cpe = rpc.as_caller(person).cpe
    created = cpe.save_application({"form": form, "data": data})
    cpe.attach_application_file(created["id"], pdf_key(store, person))
    return created


def count(cpe_db, model, **where):
    with cpe_db.get_session() as session:
        statement = select(func.count()).select_from(model)
        for key, value in where.items():
            statement = statement.where(getattr(model, key) == value)
        return session.scalar(statement)


def test_apply_preview_review_return_fix_and_yearly_record(rpc, store, cpe_db):
    _, person = approved_candidate(rpc, store)
    cpe = rpc.as_caller(person).cpe
    preview = cpe.preview_application({"form": "offline_training", "data": OFFLINE})
    assert preview["text"] == f"计为 {YEAR} 年专业科目 45 学分；提交后 {YEAR} 年共 45/90 学分"
    assert preview["row_credits"] == [30, 15]
    training = draft(rpc, store, person, "offline_training", {**OFFLINE, "year": 1999})
    assert training["year"] == YEAR and training["credits"] == 45 and training["status"] == "draft"
    paper = draft(rpc, store, person, "paper", PAPER)
    assert paper["credits"] == 10
    assert cpe.submit_application(training["id"])["status"] == "pending"
    assert cpe.submit_application(paper["id"])["status"] == "pending"

    queue = [a["id"] for a in rpc.as_caller(COUNTY_REVIEWER).cpe.review_queue({"status": "pending"})]
    assert training["id"] in queue and paper["id"] in queue
    assert paper["id"] not in [a["id"] for a in rpc.as_caller(BEIJING_STAFF).cpe.review_queue({})]
    assert app_error(rpc.as_caller(BEIJING_STAFF).cpe.get_application_for_review, paper["id"]).code == \
        "OUT_OF_JURISDICTION"
    seen = rpc.as_caller(COUNTY_REVIEWER).cpe.get_application_for_review(paper["id"])
    assert seen["attachment"]["url"].startswith("/files/") and seen["person"]["department_code"] == "330102"

    empty = app_error(rpc.as_caller(COUNTY_REVIEWER).cpe.decide_application, paper["id"], {"decision": "return"})
    assert "reason" in empty.errors
    returned = rpc.as_caller(COUNTY_REVIEWER).cpe.decide_application(paper["id"], {"decision": "return",
                                                                               "reason": "请补充论文封面和目录"})
    assert returned["status"] == "returned"
    approved = rpc.as_caller(COUNTY_REVIEWER).cpe.decide_application(training["id"], {"decision": "approve"})
    assert approved["status"] == "approved"
    year = cpe.my_year(YEAR)
    assert (year["total"], year["professional"], year["public"], year["met"]) == (45, 45, 0, False)
    assert year["entries"][0]["method_label"] == "个人申请" and year["entries"][0]["reason"] == "线下培训申请"
    assert "还差45学分" in year["message"]

    fixed = cpe.save_application({"form": "paper", "data": {**PAPER, "author_rank": "first"}}, paper["id"])
    assert fixed["credits"] == 30 and fixed["status"] == "returned"
    cpe.attach_application_file(paper["id"], pdf_key(store, person))
    assert cpe.submit_application(paper["id"])["status"] == "pending"
    rpc.as_caller(COUNTY_REVIEWER).cpe.decide_application(paper["id"], {"decision": "approve"})
    years = cpe.my_years()
    assert years[0]["year"] == YEAR and years[0]["total"] == 75 and years[0]["missing_total"] == 15
    with cpe_db.get_session() as session:
        events = [o.payload for o in session.scalars(select(Outbox).where(Outbox.event_type == "credits_changed"))
                  if o.payload["account_id"] == person["id"]]
    assert [e["total"] for e in events] == [45, 75]
    again = app_error(cpe.save_application, {"form": "paper", "data": PAPER})
    assert again.code == "DUPLICATE_CLAIM" and "data.title" in again.errors


def test_bad_input_is_refused_with_the_field_and_nothing_saved(rpc, store, cpe_db):
    _, person = approved_candidate(rpc, store)
    _, other = approved_candidate(rpc, store)
    cpe = rpc.as_caller(person).cpe
    before = count(cpe_db, Application, account_id=person["id"])
    end_first = app_error(cpe.save_application, {"form": "offline_training",
                                                 "data": {**OFFLINE, "end_date": f"{YEAR}-03-01"}})
    assert end_first.code == "END_BEFORE_START" and "data.end_date" in end_first.errors
    future = app_error(cpe.save_application, {"form": "paper", "data": {**PAPER, "published_on": f"{YEAR + 1}-01-10"}})
    assert future.code == "FUTURE_YEAR" and "data.published_on" in future.errors
    missing = app_error(cpe.save_application, {"form": "conference", "data": {"start_date": f"{YEAR}-01-10"}})
    assert "data.place" in missing.errors and missing.status == 422
    assert count(cpe_db, Application, account_id=person["id"]) == before

    created = cpe.save_application({"form": "paper", "data": PAPER})
    big = app_error(cpe.attach_application_file, created["id"], pdf_key(store, person, images.pdf() + b" " * (2 * 1024 * 1024)))
    assert big.code == "UPLOAD_TOO_LARGE" and "attachment" in big.errors
    renamed = app_error(cpe.attach_application_file, created["id"], pdf_key(store, person, images.jpeg(400, 300)))
    assert renamed.code == "UPLOAD_TYPE" and "attachment" in renamed.errors
    assert cpe.get_application(created["id"])["attachment"] is None
    assert app_error(cpe.submit_application, created["id"]).code == "ATTACHMENT_REQUIRED"

    theirs = rpc.as_caller(other).cpe
    for call, args in ((theirs.get_application, (created["id"],)), (theirs.submit_application, (created["id"],)),
                       (theirs.withdraw_application, (created["id"],)),
                       (theirs.save_application, ({"form": "paper", "data": PAPER}, created["id"]))):
        refused = app_error(call, *args)
        assert refused.status == 404 and "application_id" in refused.errors
    assert cpe.get_application(created["id"])["status"] == "draft"


def test_fifty_concurrent_submits_of_one_paper_give_one_claim(rpc, store, cpe_db):
    _, person = approved_candidate(rpc, store)
    paper = {**PAPER, "title": f"并发论文{uuid.uuid4().hex[:6]}"}
    drafts = [draft(rpc, store, person, "paper", paper)["id"] for _ in range(50)]
    cpe = rpc.as_caller(person).cpe

    def submit(application_id):
        try:
            return cpe.submit_application(application_id)["status"]
        except AppError as exc:
            return exc.code

    outcomes = list(eventlet.GreenPool(50).imap(submit, drafts))
    assert outcomes.count("pending") == 1, outcomes
    assert set(outcomes) == {"pending", "DUPLICATE_CLAIM"}
    assert count(cpe_db, Application, account_id=person["id"], status="pending") == 1


def test_transfer_moves_the_review_to_the_new_department(rpc, store, cpe_db, amqp_uri):
    _, person = approved_candidate(rpc, store)
    pending = draft(rpc, store, person, "offline_training", OFFLINE)
    rpc.as_caller(person).cpe.submit_application(pending["id"])
    proof = store.new_key(f"incoming/{person['id']}")
    store.put(proof, images.jpeg(300, 300, seed=40), "image/jpeg")
    details = {"employer": "北京朝阳恒信会计师事务所（普通合伙）", "credit_code": "91110105MA01C8RT4D",
               "employer_type": "accounting_firm", "industry": "L", "address": "北京市朝阳区建国路1号",
               "start_date": "2024-01-02"}
    transfer = rpc.as_caller(person).profile.submit_transfer({"reason": "employer_moved", "details": details,
                                                              "to_department": "110105", "proof_key": proof})
    rpc.as_caller(BEIJING_STAFF).profile.decide_review_item("transfer", transfer["id"], {"decision": "approve"})

    def department():
        with cpe_db.get_session() as session:
            return session.get(Person, person["id"]).department_code
    wait_for(lambda: department() == "110105")
    assert pending["id"] in [a["id"] for a in rpc.as_caller(BEIJING_STAFF).cpe.review_queue({})]
    assert pending["id"] not in [a["id"] for a in rpc.as_caller(COUNTY_REVIEWER).cpe.review_queue({})]

    # the same event again (a redelivery) changes nothing
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    dispatch("profile", "transfer_approved", {"event_id": f"replay-{uuid.uuid4().hex}", "account_id": person["id"],
                                              "from_department": "330102", "to_department": "110105"})
    time.sleep(1)
    assert department() == "110105"


def test_a_passed_exam_subject_is_credited_once_without_an_application(rpc, store, cpe_db, amqp_uri):
    _, person = approved_candidate(rpc, store)
    event = {"event_id": f"scores-{uuid.uuid4().hex}", "account_id": person["id"], "enrollment_id": "e1",
             "year": YEAR, "level": "junior", "province_code": "330000",
             "subjects": [{"code": "junior_practice", "score": 72, "passed": True},
                          {"code": "economic_law_basics", "score": 55, "passed": False}]}
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    dispatch("exam", "scores_published", event)
    wait_for(lambda: count(cpe_db, CreditEntry, account_id=person["id"]) == 1)
    dispatch("exam", "scores_published", event)                                       # redelivered
    dispatch("exam", "scores_published", {**event, "event_id": f"scores-{uuid.uuid4().hex}"})   # re-published
    time.sleep(1.5)
    assert count(cpe_db, CreditEntry, account_id=person["id"]) == 1
    year = rpc.as_caller(person).cpe.my_year(YEAR)
    assert year["professional"] == 90 and year["entries"][0]["method_label"] == "系统折算"
    assert "初级会计实务" in year["entries"][0]["reason"]
    claim = app_error(rpc.as_caller(person).cpe.save_application, {"form": "exam", "data": {
        "exam_type": "全国会计专业技术资格考试", "subject": "初级会计实务", "exam_date": f"{YEAR}-05-17", "score": 72}})
    assert claim.code == "DUPLICATE_CLAIM"


def test_institution_report_credits_rows_and_refuses_the_rest(rpc, store, cpe_db):
    data, person = approved_candidate(rpc, store)
    staff = {**ZHEJIANG_STAFF, "id": f"it-zj-{uuid.uuid4().hex[:6]}"}
    institution = rpc.as_caller(staff).cpe.register_institution({"name": "杭州会计培训学校", "province_code": "330000"})
    assert app_error(rpc.as_caller(BEIJING_STAFF).cpe.register_institution,
                     {"name": "x", "province_code": "330000"}).code == "OUT_OF_JURISDICTION"
    header = "证件号码,姓名,科目类型,课程名称,培训开始日期,培训结束日期,培训时长（分钟）\n"
    good = f"{data['id_number']},{data['name']},公需科目,职业道德,{YEAR}-04-01,{YEAR}-04-01,90\n"
    lines = (header + good + good
             + f"{data['id_number']},{data['name']},专业科目,内部控制,{YEAR}-04-09,{YEAR}-04-08,90\n"
             + f"110101199001011237,无名,专业科目,内部控制,{YEAR}-04-01,{YEAR}-04-01,90\n")

    def report(text):
        key = store.new_key(f"incoming/{staff['id']}")
        store.put(key, text.encode(), "text/csv")
        return rpc.as_caller(staff).cpe.report_trainings(institution["code"], key)
    result = report(lines)
    assert result["accepted"] == 1 and result["refused"] == 3
    assert [(e["line"], e["field"]) for e in result["errors"]] == [(3, "证件号码"), (4, "培训结束日期"), (5, "证件号码")]
    again = report(header + good)
    assert again["accepted"] == 0 and "重复报送" in again["errors"][0]["message"]
    year = rpc.as_caller(person).cpe.my_year(YEAR)
    assert year["public"] == 6 and year["entries"][0]["method_label"] == "机构报送"
    # a province's staff report their own province's people only (as a province's API client does)
    beijing = rpc.as_caller(BEIJING_STAFF).cpe.register_institution({"name": "北京会计培训学校", "province_code": "110000"})
    key = store.new_key(f"incoming/{BEIJING_STAFF['id']}")
    store.put(key, (header + good.replace("职业道德", "会计法")).encode(), "text/csv")
    elsewhere = rpc.as_caller(BEIJING_STAFF).cpe.report_trainings(beijing["code"], key)
    assert elsewhere["accepted"] == 0 and elsewhere["errors"][0]["message"] == "该人员不属于本省管辖"
    assert rpc.as_caller(person).cpe.my_year(YEAR)["public"] == 6


def test_rule_versions_apply_from_their_date(rpc, store):
    _, person = approved_candidate(rpc, store)
    today = date.today().isoformat()
    past = app_error(rpc.as_caller(ZHEJIANG_STAFF).cpe.save_rule_version,
                     {"province_code": "330000", "effective_from": "2020-01-01", "rules": {}})
    assert past.code == "EFFECTIVE_IN_PAST" and "effective_from" in past.errors
    assert app_error(rpc.as_caller(BEIJING_STAFF).cpe.save_rule_version,
                     {"province_code": "330000", "effective_from": today, "rules": {}}).code == "OUT_OF_JURISDICTION"
    rpc.as_caller(ZHEJIANG_STAFF).cpe.save_rule_version(
        {"province_code": "330000", "effective_from": today, "rules": {"training": {"credits_per_class_hour": 6}}})
    row = {"minutes": 45, "content": "宪法"}
    older = rpc.as_caller(person).cpe.preview_application({"form": "public_training", "data": {
        "start_date": f"{YEAR}-01-05", "end_date": f"{YEAR}-01-05", "institution": "某单位", "rows": [row]}})
    newer = rpc.as_caller(person).cpe.preview_application({"form": "public_training", "data": {
        "start_date": today, "end_date": today, "institution": "某单位", "rows": [row]}})
    assert (older["credits"], newer["credits"]) == (3, 6)


def test_scores_imported_by_the_real_exam_service_become_credits(rpc, store, exam, exam_db, cpe_db):
    """exam imports a score CSV and publishes scores_published; cpe credits each passed subject (系统折算)."""
    from ausm_common.clock import iso
    from tests.integration import exam_helpers as h
    from tests.integration.test_exam_rpc import now, status_of

    person = h.new_candidate(rpc)[1]
    exam_id = h.plans(exam_db)["junior"]
    view = h.ready_to_submit(rpc, store, person, exam_id, h.BEIJING, "high_school",
                             ["junior_practice", "economic_law_basics"], entered=h.ENTERED)
    view = rpc.as_caller(person).exam.submit_enrollment(view["id"])
    h.emit(rpc.amqp_uri, "payment_succeeded", h.payment_event(view["id"], f"C-{view['id'][:8]}", view["amount_fen"],
                                                              iso(now())))
    wait_for(lambda: status_of(exam_db, view["id"]) == "paid", timeout=15)
    number = view["enrollment_no"]
    key = store.new_key(f"incoming/{h.BEIJING_STAFF['id']}")
    store.put(key, f"报名注册号,科目,成绩\n{number},初级会计实务,75\n{number},经济法基础,52\n".encode(), "text/csv")
    assert rpc.as_caller(h.BEIJING_STAFF).exam.import_scores(exam_id, h.BEIJING, key)["saved"] == 2
    wait_for(lambda: count(cpe_db, CreditEntry, account_id=person["id"]) == 1, timeout=15)
    with cpe_db.get_session() as session:
        entry = session.scalars(select(CreditEntry).where(CreditEntry.account_id == person["id"])).one()
    assert (entry.method, float(entry.professional), entry.year) == ("system", 90.0, view["year"])
    assert "初级会计实务" in entry.reason


def test_a_frozen_year_changes_only_by_an_audited_correction(rpc, store, cpe_db):
    data, person = approved_candidate(rpc, store)
    past = YEAR - 2
    closed = app_error(rpc.as_caller(person).cpe.save_application, {"form": "paper", "data": {
        **PAPER, "published_on": f"{past}-05-01", "title": "往年论文"}})
    assert closed.code == "YEAR_CLOSED" and "data.published_on" in closed.errors
    body = {"id_number": data["id_number"], "year": past, "kind": "professional", "credits": 30,
            "reason": "补录往年省级培训（档案核实）"}
    assert app_error(rpc.as_caller(BEIJING_STAFF).cpe.correct_year, body).code == "OUT_OF_JURISDICTION"
    below = app_error(rpc.as_caller(COUNTY_REVIEWER).cpe.correct_year, {**body, "credits": -1})
    assert below.code == "CORRECTION_BELOW_ZERO" and "credits" in below.errors
    entry = rpc.as_caller(COUNTY_REVIEWER).cpe.correct_year(body)
    assert entry["method_label"] == "管理部门更正" and "上城区审核员" in entry["reason"] and "档案核实" in entry["reason"]
    year = rpc.as_caller(person).cpe.my_year(past)
    assert year["professional"] == 30 and year["entries"][0]["method"] == "correction"
