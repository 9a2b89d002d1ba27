"""The exam service with identity and profile over real RabbitMQ, PostgreSQL and S3: profile data read through
RPC and snapshotted, review with per-field reasons, the payment seam (events in and out, duplicates, out of
order), seats under 50 concurrent submissions, abandonment when the payment window closes, staff configuration
within a jurisdiction, score import and post-exam review."""
import io
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from ausm_common.clock import build_clock, iso
from ausm_common.config import secret_key
from ausm_common.errors import AppError, Forbidden
from exam.domain import numbers
from exam.models import AuditLog, Enrollment, Outbox, PaymentRecord, Score, Site
from tests.integration import exam_helpers as h

pytestmark = pytest.mark.usefixtures("exam")


def app_error(fn, *args):
    with pytest.raises(AppError) as info:
        fn(*args)
    return info.value


def wait_for(check, timeout=15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("condition not reached in time")


def status_of(exam_db, enrollment_id):
    with exam_db.get_session() as session:
        return session.get(Enrollment, enrollment_id).status


def events(exam_db, event_type, enrollment_id=None):
    with exam_db.get_session() as session:
        rows = session.scalars(select(Outbox).where(Outbox.event_type == event_type)).all()
        return [r.payload for r in rows if enrollment_id is None or r.payload.get("enrollment_id") == enrollment_id
                or r.payload.get("ref_id") == enrollment_id]


def now():
    return build_clock(True).now()


def test_prefilled_enrollment_from_review_to_payment(rpc, store, exam_db):
    data, person = h.approved_candidate(rpc, store)
    exam_id = h.plans(exam_db)["intermediate"]
    exam = rpc.as_caller(person).exam
    view = h.start(rpc, person, exam_id, h.ZHEJIANG)
    assert view["source"] == "collection" and view["status"] == "draft" and view["notice"]["version"] == 1
    assert view["person"]["name"] == data["name"][0] + "*" * (len(data["name"]) - 1)
    routes = {r["route"]: r for r in view["options"]["routes"]}
    assert routes["bachelor_4"]["eligible"] and routes["master_1"]["outcome"] == "ineligible"
    err = app_error(exam.choose_route, view["id"], {"route": "master_1"})
    assert err.status == 422 and err.code == "ROUTE_NOT_MET" and "硕士学位" in err.message and "route" in err.errors
    view = exam.choose_route(view["id"], {"route": "bachelor_4"})
    site = view["options"]["sites"][0]["id"]
    err = app_error(exam.save_enrollment_info, view["id"], {"site_id": site, "subjects": ["junior_practice"]})
    assert err.status == 422 and "subjects" in err.errors
    view = exam.save_enrollment_info(view["id"], {"site_id": site, "subjects": ["economic_law", "intermediate_practice"]})
    assert view["amount_fen"] == 14000 and [s["code"] for s in view["subjects"]] == ["intermediate_practice", "economic_law"]
    err = app_error(exam.submit_enrollment, view["id"])
    assert err.status == 422 and "work_certificate" in err.errors
    with exam_db.get_session() as session:
        assert session.get(Enrollment, view["id"]).seat_held is False
    view = exam.attach_enrollment_file(view["id"], "work_certificate", h.upload(store, person, h.proof()))
    view = exam.submit_enrollment(view["id"])
    assert view["status"] == "submitted" and view["step"] == 4 and len(view["enrollment_no"]) == 16
    assert view["accepting_department"] == "浙江省财政厅" and view["textbook_url"]
    enrollment_id = view["id"]
    assert events(exam_db, "enrollment_submitted", enrollment_id)[0]["province_code"] == h.ZHEJIANG
    with exam_db.get_session() as session:
        row = session.get(Enrollment, enrollment_id)
        assert row.person["name"] == data["name"] and row.person["id_number"] == data["id_number"]
        assert row.profile["education"][0]["school"] == "浙江财经大学" and row.profile["department_code"] == "330102"
        assert row.photo["key"].startswith("exam/photos/") and row.seat_held
    payment = rpc.as_service("payment").exam
    assert app_error(payment.payable, enrollment_id).code == "NOT_PAYABLE"

    beijing = h.BEIJING_STAFF
    assert enrollment_id not in [e["id"] for e in rpc.as_caller(beijing).exam.review_queue("submitted")]
    with pytest.raises(Forbidden):
        rpc.as_caller(beijing).exam.get_enrollment_for_review(enrollment_id)
    staff = rpc.as_caller(h.ZHEJIANG_STAFF).exam
    assert enrollment_id in [e["id"] for e in staff.review_queue("submitted")]
    detail = staff.get_enrollment_for_review(enrollment_id)
    assert detail["person"]["id_number"] == data["id_number"] and detail["proofs"]["work_certificate"]["url"]
    assert app_error(staff.decide_enrollment, enrollment_id, {"decision": "return"}).code == "REASON_REQUIRED"
    staff.decide_enrollment(enrollment_id, {"decision": "return",
                                            "reasons": {"work_certificate": "证明未加盖单位公章，请重新上传"}})
    view = exam.get_enrollment(enrollment_id)
    assert view["status"] == "returned" and view["return_reasons"] == {"work_certificate": "证明未加盖单位公章，请重新上传"}
    view = exam.attach_enrollment_file(enrollment_id, "work_certificate", h.upload(store, person, h.proof(95)))
    assert view["return_reasons"] == {}
    assert exam.submit_enrollment(enrollment_id)["status"] == "submitted"
    assert staff.decide_enrollment(enrollment_id, {"decision": "approve"})["status"] == "approved"
    assert events(exam_db, "enrollment_approved", enrollment_id)

    payable = payment.payable(enrollment_id)
    assert payable["amount_fen"] == 14000 and payable["ref"] == f"exam:{enrollment_id}"
    assert payable["description"] == "2027年度中级会计专业技术资格考试报名费（中级会计实务、经济法）".replace(
        "2027", str(view["year"]))
    assert payable["payer_id"] == person["id"] and payable["summary"]["site"] and payable["deadline"]
    stranger = h.new_candidate(rpc)[1]
    with pytest.raises(AppError):
        rpc.as_caller(stranger, via="payment").exam.payable(enrollment_id)
    with pytest.raises(Forbidden):
        rpc.as_caller(person).exam.payable(enrollment_id)          # the gateway is not payment

    paid_at = iso(now())
    h.emit(rpc.amqp_uri, "payment_succeeded", h.payment_event(enrollment_id, "P001", 14000, paid_at))
    wait_for(lambda: status_of(exam_db, enrollment_id) == "paid")
    h.emit(rpc.amqp_uri, "payment_succeeded", h.payment_event(enrollment_id, "P001", 14000, paid_at))
    h.emit(rpc.amqp_uri, "payment_succeeded", h.payment_event(enrollment_id, "P001", 14000, paid_at, "evt-again"))
    h.emit(rpc.amqp_uri, "payment_succeeded", h.payment_event(enrollment_id, "P002", 14000, paid_at))
    rejected = wait_for(lambda: events(exam_db, "enrollment_payment_rejected", enrollment_id))
    assert [r["order_no"] for r in rejected] == ["P002"] and "重复缴费" in rejected[0]["reason"]
    assert len(events(exam_db, "enrollment_registered", enrollment_id)) == 1
    view = exam.get_enrollment(enrollment_id)
    assert view["status"] == "paid" and view["step"] == 6 and view["order_no"] == "P001"
    assert app_error(exam.delete_enrollment, enrollment_id, {"reason": "改报"}).code == "ENROLLMENT_PAID"
    assert app_error(exam.save_enrollment_info, enrollment_id, {"site_id": site, "subjects": ["economic_law"]}).code \
        == "ENROLLMENT_PAID"

    form = exam.registration_form(enrollment_id)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(store.get(form["key"]))).pages)
    assert view["enrollment_no"] in text and data["name"] in text and "报名注册号" in text and "中级会计实务" in text
    assert exam.registration_form(enrollment_id)["key"] == form["key"]          # unchanged: not rebuilt
    code = numbers.verification_code(secret_key(), view["enrollment_no"], enrollment_id)
    verified = rpc.exam.verify_form(view["enrollment_no"], code)
    assert verified["genuine"] and verified["status"] == "paid" and "*" in verified["name"]
    assert app_error(rpc.exam.verify_form, view["enrollment_no"], "0" * 16).status == 404
    other = h.new_candidate(rpc)[1]
    assert app_error(rpc.as_caller(other).exam.get_enrollment, enrollment_id).status == 404


def test_new_candidate_types_their_record_and_a_post_exam_province_warns(rpc, store, exam_db):
    data, person = h.new_candidate(rpc)
    plans = h.plans(exam_db)
    exam = rpc.as_caller(person).exam
    short = {**h.ENTERED, "accounting_started_on": "2024-07-01"}
    view = h.start(rpc, person, plans["intermediate"], h.BEIJING)
    assert view["source"] == "entered" and view["options"]["region_match"] is None
    view = exam.choose_route(view["id"], {"route": "bachelor_4"})
    site = view["options"]["sites"][0]["id"]
    err = app_error(exam.save_enrollment_info, view["id"], {"site_id": site, "subjects": ["economic_law"],
                                                            "entered": {"education_level": "bachelor"}})
    assert err.status == 422 and {"entered.school", "entered.degree", "entered.graduated_on"} <= set(err.errors)
    with exam_db.get_session() as session:
        assert session.get(Enrollment, view["id"]).entered == {}
    view = exam.save_enrollment_info(view["id"], {"site_id": site, "subjects": ["economic_law"], "entered": short})
    assert view["eligibility"]["outcome"] == "short"
    for slot in view["missing_proofs"]:
        exam.attach_enrollment_file(view["id"], slot, h.upload(store, person, h.photo(h.BEIJING)))
    view = exam.submit_enrollment(view["id"])
    assert view["status"] == "approved" and view["status_label"] == "待缴费" and view["payable"]
    assert any("还差" in w and "考后资格审核" in w for w in view["warnings"])
    assert rpc.as_service("payment").exam.payable(view["id"])["warnings"] == view["warnings"]

    err = app_error(exam.start_enrollment, plans["intermediate"], h.ZHEJIANG,
                    {"notice_version": 1, "agree": True, "acknowledged": True})
    assert err.code == "ONE_REGION_PER_EXAM" and err.status == 409
    with exam_db.get_session() as session:
        taken = session.get(Site, site).taken
    exam.delete_enrollment(view["id"], {"reason": "报名点选错，重新报名"})
    assert events(exam_db, "enrollment_deleted", view["id"])[0]["reason"] == "报名点选错，重新报名"
    with exam_db.get_session() as session:
        assert session.get(Site, site).taken == taken - 1
    again = h.start(rpc, person, plans["intermediate"], h.BEIJING)
    assert again["id"] != view["id"] and again["entered"]["school"] == h.ENTERED["school"]     # last entry prefilled


def test_payment_events_out_of_order_unknown_and_wrong_amount(rpc, store, exam_db):
    person = h.new_candidate(rpc)[1]
    exam_id = h.plans(exam_db)["junior"]
    view = h.ready_to_submit(rpc, store, person, exam_id, h.JIANGSU, "high_school",
                             ["junior_practice", "economic_law_basics"], entered=h.ENTERED)
    view = rpc.as_caller(person).exam.submit_enrollment(view["id"])
    enrollment_id, amount, paid_at = view["id"], view["amount_fen"], iso(now())
    assert view["status"] == "approved" and amount == 12000
    h.emit(rpc.amqp_uri, "payment_refunded", {"event_id": "r-A", "order_no": "A", "refund_no": "RA",
                                              "ref": f"exam:{enrollment_id}", "ref_service": "exam",
                                              "ref_id": enrollment_id, "amount_fen": amount, "refunded_fen": amount,
                                              "full": True, "reason": "用户取消", "refunded_at": paid_at})
    h.emit(rpc.amqp_uri, "payment_succeeded", h.payment_event(enrollment_id, "A", amount, paid_at))
    h.emit(rpc.amqp_uri, "payment_succeeded", h.payment_event(enrollment_id, "W", amount - 1, paid_at))
    h.emit(rpc.amqp_uri, "payment_succeeded", h.payment_event("0" * 32, "U", amount, paid_at))
    rejected = wait_for(lambda: events(exam_db, "enrollment_payment_rejected", enrollment_id))
    assert rejected[0]["order_no"] == "W" and "不一致" in rejected[0]["reason"]
    with exam_db.get_session() as session:
        wait_for(lambda: session.get(PaymentRecord, "A") is not None)
    with exam_db.get_session() as session:
        assert session.get(PaymentRecord, "A").state == "refunded" and session.get(PaymentRecord, "U") is None
    assert status_of(exam_db, enrollment_id) == "approved"
    h.emit(rpc.amqp_uri, "payment_succeeded", h.payment_event(enrollment_id, "B", amount, paid_at))
    wait_for(lambda: status_of(exam_db, enrollment_id) == "paid")
    h.emit(rpc.amqp_uri, "payment_refunded", {"event_id": "r-B", "order_no": "B", "refund_no": "RB",
                                              "ref": f"exam:{enrollment_id}", "ref_service": "exam",
                                              "ref_id": enrollment_id, "amount_fen": amount, "refunded_fen": amount,
                                              "full": True, "reason": "退费", "refunded_at": paid_at})
    wait_for(lambda: status_of(exam_db, enrollment_id) == "abandoned")
    with exam_db.get_session() as session:
        assert session.get(Enrollment, enrollment_id).seat_held is False
    with exam_db.get_session() as session:
        from exam.models import KIT
        assert session.scalar(select(func.count()).select_from(KIT.dead_letter)) == 0


def test_fifty_concurrent_submissions_never_overbook_the_last_seats(rpc, store, exam_db):
    exam_id, seats_left, clients = h.plans(exam_db)["junior"], 5, 52
    site = rpc.as_caller(h.JIANGSU_STAFF).exam.save_site(exam_id, h.JIANGSU, {
        "city_code": "320100", "city_name": "南京市", "name": "玄武区报名点（并发测试）", "quota": seats_left})
    with ThreadPoolExecutor(8) as pool:
        people = list(pool.map(lambda _: h.new_candidate(rpc, "320102")[1], range(clients)))
        views = list(pool.map(lambda p: h.ready_to_submit(rpc, store, p, exam_id, h.JIANGSU, "high_school",
                                                          ["junior_practice", "economic_law_basics"],
                                                          site_id=site["id"], entered=h.ENTERED), people))

    def submit(pair):
        person, view = pair
        try:
            return rpc.as_caller(person).exam.submit_enrollment(view["id"])["status"]
        except AppError as exc:
            return exc.code

    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        outcomes = list(pool.map(submit, zip(people, views)))
    settled = time.perf_counter() - started
    assert outcomes.count("approved") == seats_left, outcomes
    assert outcomes.count("SITE_FULL") == clients - seats_left, outcomes
    with exam_db.get_session() as session:
        assert session.get(Site, site["id"]).taken == seats_left
        assert session.scalar(select(func.count()).select_from(Enrollment).where(
            Enrollment.site_id == site["id"], Enrollment.seat_held.is_(True))) == seats_left
    winner = next(v for v, o in zip(views, outcomes) if o == "approved")
    loser_person, loser = next((p, v) for p, v, o in zip(people, views, outcomes) if o == "SITE_FULL")
    assert status_of(exam_db, loser["id"]) == "draft"                # refused whole: nothing half-saved
    rpc.as_caller(people[views.index(winner)]).exam.delete_enrollment(winner["id"], {"reason": "重新报名"})
    assert rpc.as_caller(loser_person).exam.submit_enrollment(loser["id"])["status"] == "approved"
    with exam_db.get_session() as session:
        assert session.get(Site, site["id"]).taken == seats_left
    print(f"\nseat contention: {clients} submissions for the last {seats_left} seats settled in {settled:.2f}s")


def test_unpaid_enrollment_is_abandoned_when_the_payment_window_closes(rpc, store, exam_db):
    exam_id, region = h.plans(exam_db)["intermediate"], "210200"
    dalian = {**h.ZHEJIANG_STAFF, "id": "it-210200", "department_code": region}
    staff = rpc.as_caller(dalian).exam
    current = staff.staff_region(exam_id, region)
    person = h.new_candidate(rpc, "210202")[1]
    start_at = now()
    window = {"registration_opens_at": iso(start_at - timedelta(days=1)),
              "registration_closes_at": iso(start_at + timedelta(seconds=12)),
              "payment_opens_at": iso(start_at - timedelta(days=1)),
              "payment_closes_at": iso(start_at + timedelta(seconds=13)), "review_mode": "pre_exam",
              "fees": {f["code"]: f["fee_fen"] for f in current["fees"]}}
    staff.save_window(exam_id, region, window)
    view = h.ready_to_submit(rpc, store, person, exam_id, region, "bachelor_4", ["financial_management"],
                             entered=h.ENTERED)
    view = rpc.as_caller(person).exam.submit_enrollment(view["id"])
    assert view["status"] == "submitted"
    wait_for(lambda: status_of(exam_db, view["id"]) == "abandoned", timeout=30)
    abandoned = events(exam_db, "enrollment_abandoned", view["id"])
    assert abandoned and "缴费时间已结束" in abandoned[0]["reason"]
    with exam_db.get_session() as session:
        assert session.get(Enrollment, view["id"]).seat_held is False
    err = app_error(rpc.as_caller(person).exam.submit_enrollment, view["id"])
    assert err.status == 409
    h.emit(rpc.amqp_uri, "payment_succeeded", h.payment_event(view["id"], "LATE", view["amount_fen"], iso(now())))
    late = wait_for(lambda: events(exam_db, "enrollment_payment_rejected", view["id"]))
    assert late[0]["order_no"] == "LATE" and "已放弃" in late[0]["reason"]


def test_staff_configuration_stays_in_its_region_and_is_audited(rpc, exam_db):
    exam_id = h.plans(exam_db)["junior"]
    zhejiang = rpc.as_caller(h.ZHEJIANG_STAFF).exam
    region = zhejiang.staff_region(exam_id, h.ZHEJIANG)
    assert region["can_edit"] and region["sites"] and region["notices"]
    with pytest.raises(Forbidden):
        zhejiang.staff_region(exam_id, h.BEIJING)
    with pytest.raises(Forbidden):
        zhejiang.save_site(exam_id, h.BEIJING, {"city_code": "110100", "city_name": "北京市", "name": "x", "quota": 1})
    err = app_error(zhejiang.save_site, exam_id, h.ZHEJIANG,
                    {"city_code": "110100", "city_name": "北京市", "name": "越界报名点", "quota": 1})
    assert err.status == 422 and "city_code" in err.errors
    assert app_error(zhejiang.save_site, exam_id, h.ZHEJIANG, {"city_code": "330100", "name": "", "quota": -1}).status == 422
    bad = {"registration_opens_at": "2027-01-08 00:00:00", "registration_closes_at": "2027-01-24 12:00:00",
           "payment_opens_at": "2027-01-08 00:00:00", "payment_closes_at": "2027-01-20 00:00:00",
           "review_mode": "post_exam", "fees": {"junior_practice": 5000}}
    err = app_error(zhejiang.save_window, exam_id, h.ZHEJIANG, bad)
    assert {"payment_closes_at", "fees.economic_law_basics"} <= set(err.errors)
    notice = zhejiang.publish_notice(exam_id, h.ZHEJIANG, {"kind": "notice", "title": "浙江省阅读须知（修订）",
                                                          "body": "新的须知"})
    assert notice["version"] == 2 and rpc.exam.get_region(exam_id, h.ZHEJIANG)["notice"]["version"] == 2
    person = h.new_candidate(rpc)[1]
    err = app_error(rpc.as_caller(person).exam.start_enrollment, exam_id, h.ZHEJIANG,
                    {"notice_version": 1, "agree": True, "acknowledged": True})
    assert "notice_version" in err.errors
    assert app_error(rpc.as_caller(person).exam.start_enrollment, exam_id, h.ZHEJIANG,
                     {"notice_version": 2, "agree": False, "acknowledged": True}).errors.keys() == {"agree"}
    with pytest.raises(Forbidden):
        zhejiang.save_plan({"year": 2030, "level": "junior"})
    assert rpc.as_caller(h.NATIONAL_ADMIN).exam.save_plan({"year": 2030, "level": "senior"})["name"] == \
        "2030年全国会计专业技术资格考试（高级）"
    with exam_db.get_session() as session:
        actions = set(session.scalars(select(AuditLog.action)))
    assert {"publish_notice", "save_plan"} <= actions


def test_scores_imported_with_row_errors_then_post_exam_review(rpc, store, exam_db):
    person = h.new_candidate(rpc)[1]
    exam_id = h.plans(exam_db)["junior"]
    view = h.ready_to_submit(rpc, store, person, exam_id, h.BEIJING, "high_school",
                             ["junior_practice", "economic_law_basics"], entered=h.ENTERED)
    view = rpc.as_caller(person).exam.submit_enrollment(view["id"])
    h.emit(rpc.amqp_uri, "payment_succeeded", h.payment_event(view["id"], f"S-{view['id'][:8]}", view["amount_fen"],
                                                              iso(now())))
    wait_for(lambda: status_of(exam_db, view["id"]) == "paid")
    number = view["enrollment_no"]
    csv = (f"报名注册号,科目,成绩\n{number},初级会计实务,75\n{number},经济法基础,61.5\n{number},中级会计实务,80\n"
           "9999999999999999,经济法基础,60\n").encode()
    key = store.new_key(f"incoming/{h.BEIJING_STAFF['id']}")
    store.put(key, csv, "text/csv")
    with pytest.raises(Forbidden):
        rpc.as_caller(h.ZHEJIANG_STAFF).exam.import_scores(exam_id, h.BEIJING, key)
    key = store.new_key(f"incoming/{h.BEIJING_STAFF['id']}")
    store.put(key, csv, "text/csv")
    report = rpc.as_caller(h.BEIJING_STAFF).exam.import_scores(exam_id, h.BEIJING, key)
    assert report["saved"] == 2 and [(e["line"], e["field"]) for e in report["errors"]] == \
        [(4, "subject"), (5, "enrollment_no")]
    published = wait_for(lambda: [e for e in events(exam_db, "scores_published") if e["account_id"] == person["id"]])
    assert {s["code"]: s["passed"] for s in published[0]["subjects"]} == {"junior_practice": True,
                                                                           "economic_law_basics": True}
    exam = rpc.as_caller(person).exam
    assert [s["score"] for s in exam.get_enrollment(view["id"])["scores"]] == [61.5, 75.0]
    view = exam.submit_post_review(view["id"], h.upload(store, person, h.proof(97)))
    assert view["post_review_status"] == "submitted"
    staff = rpc.as_caller(h.BEIJING_STAFF).exam
    assert app_error(staff.decide_post_review, view["id"], {"decision": "void"}).code == "REASON_REQUIRED"
    staff.decide_post_review(view["id"], {"decision": "void", "reason": "会计工作年限证明不实"})
    with exam_db.get_session() as session:
        assert all(s.voided for s in session.scalars(select(Score).where(Score.enrollment_id == view["id"])))
    assert exam.get_enrollment(view["id"])["post_review_label"] == "考后审核未通过，成绩无效"


def test_profile_gives_the_approved_record_to_the_exam_service_only(rpc, store):
    data, person = h.new_candidate(rpc)
    with pytest.raises(Forbidden):
        rpc.as_caller(person).profile.get_exam_profile(person["id"])
    with pytest.raises(Forbidden):
        rpc.as_service("gateway").profile.get_exam_profile(person["id"])
    assert rpc.as_service("exam").profile.get_exam_profile(person["id"]) == {"approved": False, "status": "not_started"}
    data, person = h.approved_candidate(rpc, store)
    record = rpc.as_service("exam").profile.get_exam_profile(person["id"])
    assert record["approved"] and record["department_code"] == "330102" and record["photo"]["key"]
    assert record["education"][0]["education_level"] == "bachelor" and record["work"][0]["posts"]
    assert "proofs" not in record["work"][0]
