"""The profile service with identity over real RabbitMQ, PostgreSQL and S3: real-name gating,
the collection wizard, review within a jurisdiction, events."""
import random

import pytest
from sqlalchemy import select

from ausm_common.errors import AppError, Forbidden
from profiles.models import Collection, Outbox, ReviewLog
from tests.integration.test_identity_rpc import caller_for, login, register, staff_login
from tests.support import images
from tests.support.people import mainland_id
from tests.support.profile_data import BASIC, EDUCATION, WORK

def verified_person(rpc, **overrides):
    overrides.setdefault("id_number", mainland_id(region="330102"))
    data, account = register(rpc, **overrides)
    person = caller_for(rpc, login(rpc, data["id_number"])["token"])
    started = rpc.as_caller(person).identity.start_alipay_realname("http://gw/realname/alipay/return")
    params = rpc.identity.sandbox_alipay_authorize(started["state"], data["name"], data["id_number"])
    assert rpc.identity.complete_alipay_realname(params)["status"] == "approved"
    return data, person


def staff(rpc, db, code):
    return staff_login(rpc, db, code)


def upload(rpc, store, person, slot, data):
    key = store.new_key(f"incoming/{person['id']}")
    store.put(key, data, "application/octet-stream")
    return key, rpc.as_caller(person).profile.attach_collection_file(slot, key)


def fill(rpc, store, person):
    rpc.as_caller(person).profile.start_collection()
    rpc.as_caller(person).profile.save_collection_step("notice", {"scope": "accountant"})
    rpc.as_caller(person).profile.save_collection_step("basic", BASIC)
    upload(rpc, store, person, "basic.photo", images.jpeg(480, 680, 61 * 1024, seed=21))
    rpc.as_caller(person).profile.save_collection_step("education", {"segments": [EDUCATION]})
    rpc.as_caller(person).profile.save_collection_step("work", {"segments": [WORK]})
    for i, slot in enumerate(("work.0.accounting_proof", "work.0.title_proof", "work.0.employment_proof")):
        upload(rpc, store, person, slot, images.jpeg(800, 600, 20 * 1024, seed=30 + i))
    return rpc.as_caller(person).profile.save_collection_step("department", {"department_code": "330102"})


def app_error(fn, *args):
    with pytest.raises(AppError) as info:
        fn(*args)
    return info.value


def test_collection_needs_real_name(rpc, profile):
    data, account = register(rpc)
    person = caller_for(rpc, login(rpc, data["id_number"])["token"])
    assert rpc.as_caller(person).profile.get_collection()["realname_verified"] is False
    assert app_error(rpc.as_caller(person).profile.start_collection).code == "REALNAME_REQUIRED"


def test_bad_steps_are_refused_whole_with_field_paths(rpc, profile, profile_db):
    data, person = verified_person(rpc)
    rpc.as_caller(person).profile.start_collection()
    rpc.as_caller(person).profile.save_collection_step("notice", {"scope": "accountant"})
    overlapping = {**EDUCATION, "start_date": "2011-09-01", "end_date": "2014-06-30", "education_level": "master",
                   "degree": "master", "education_cert_no": "103211201402000124", "degree_cert_no": "1032132014000124"}
    err = app_error(rpc.as_caller(person).profile.save_collection_step, "education", {"segments": [EDUCATION, overlapping]})
    assert err.status == 422 and any(k.startswith("education.1") for k in err.errors), err.errors
    no_accounting = {**WORK, "has_accounting_work": False, "posts": [], "title": None, "title_date": None}
    err = app_error(rpc.as_caller(person).profile.save_collection_step, "work", {"segments": [no_accounting]})
    assert err.status == 422, err.errors
    early_title = {**WORK, "title_date": "2011-01-01"}
    err = app_error(rpc.as_caller(person).profile.save_collection_step, "work", {"segments": [early_title]})
    assert "work.0.title_date" in err.errors
    with profile_db.get_session() as session:
        row = session.scalars(select(Collection).where(Collection.account_id == person["id"])).one()
        assert row.education == [] and row.work == [] and row.steps_done == ["notice"]


def test_non_image_proof_is_refused_and_removed(rpc, profile, store):
    data, person = verified_person(rpc)
    fill(rpc, store, person)
    key = store.new_key(f"incoming/{person['id']}")
    store.put(key, b"%PDF-1.4 this is not a picture" * 1000, "image/jpeg")
    err = app_error(rpc.as_caller(person).profile.attach_collection_file, "work.0.accounting_proof", key)
    assert err.code == "UPLOAD_TYPE" and not store.exists(key)
    other = verified_person(rpc)[1]
    foreign_key = store.new_key(f"incoming/{other['id']}")
    store.put(foreign_key, images.jpeg(800, 600, 20 * 1024, seed=5), "image/jpeg")
    assert app_error(rpc.as_caller(person).profile.attach_collection_file, "work.0.title_proof", foreign_key).code == \
        "UPLOAD_EMPTY"          # another person's upload cannot be attached


def test_submit_review_return_fix_approve(rpc, profile, store, profile_db, db):
    data, person = verified_person(rpc)
    view = fill(rpc, store, person)
    assert view["suggested_department"]["code"] == "330102" and view["suggested_department"]["source"] == "employer"
    assert view["problems"] == [], view["problems"]
    assert app_error(rpc.as_caller(person).profile.submit_collection, {"pledge": False}).code == "PLEDGE_REQUIRED"
    submitted = rpc.as_caller(person).profile.submit_collection({"pledge": True})
    assert submitted["status"] == "submitted"
    assert app_error(rpc.as_caller(person).profile.save_collection_step, "basic", BASIC).code == "COLLECTION_LOCKED"

    outsider = staff(rpc, db, "110000")
    assert submitted["id"] not in [r["id"] for r in rpc.as_caller(outsider).profile.review_queue()]
    with pytest.raises(Forbidden):
        rpc.as_caller(outsider).profile.get_collection_for_review(submitted["id"])
    sibling = {"kind": "staff", "id": "x", "name": "拱墅区审核员", "department_code": "330105", "roles": ["reviewer"]}
    assert submitted["id"] not in [r["id"] for r in rpc.as_caller(sibling).profile.review_queue()]
    with pytest.raises(Forbidden):
        rpc.as_caller(person).profile.review_queue()

    county = staff(rpc, db, "330102")
    assert submitted["id"] in [r["id"] for r in rpc.as_caller(county).profile.review_queue()]
    detail = rpc.as_caller(county).profile.get_collection_for_review(submitted["id"])
    assert detail["person"]["id_number"] == data["id_number"] and detail["files"]["photo"]["url"].startswith("/files/")
    assert app_error(rpc.as_caller(county).profile.decide_collection, submitted["id"], {"decision": "return"}).code == \
        "REASON_REQUIRED"
    returned = rpc.as_caller(county).profile.decide_collection(submitted["id"], {
        "decision": "return", "reasons": {"education.0.major": "所学专业与学历证书不一致，请按证书填写"}})
    assert returned["status"] == "returned"

    mine = rpc.as_caller(person).profile.get_collection()
    assert mine["return_reasons"] == {"education.0.major": "所学专业与学历证书不一致，请按证书填写"}
    assert mine["person"]["id_number"] != data["id_number"]          # masked for the page
    assert [s["state"] for s in mine["steps"] if s["step"] == "education"] == ["returned"]
    fixed = dict(mine["education"][0], major="财务管理")
    rpc.as_caller(person).profile.save_collection_step("education", {"segments": [fixed]})
    assert rpc.as_caller(person).profile.submit_collection({"pledge": True})["status"] == "submitted"

    province = staff(rpc, db, "330000")
    history = rpc.as_caller(province).profile.get_collection_for_review(submitted["id"])["history"]
    assert [h["action_label"] for h in history] == ["提交", "查看", "退回", "再次提交", "查看"]   # in time order
    assert [h["at"] for h in history] == sorted(h["at"] for h in history)
    approved = rpc.as_caller(province).profile.decide_collection(submitted["id"], {"decision": "approve"})
    assert approved["status"] == "approved"
    assert app_error(rpc.as_caller(province).profile.decide_collection, submitted["id"], {"decision": "approve"}).code == \
        "ALREADY_DECIDED"
    with profile_db.get_session() as session:
        actions = [r.action for r in session.scalars(select(ReviewLog).where(ReviewLog.subject_id == submitted["id"])
                                                     .order_by(ReviewLog.at))]
        assert actions == ["submit", "view", "return", "resubmit", "view", "approve"]
        events = [o.event_type for o in session.scalars(select(Outbox).where(
            Outbox.payload["account_id"].as_string() == person["id"]))]
        assert events.count("collection_submitted") == 2 and events.count("collection_approved") == 1


def test_employer_lookup_and_departments(rpc, profile):
    found = rpc.profile.lookup_employer("91330102ma2h7kq398")
    assert found["name"] == "杭州清波数智科技有限公司"
    assert app_error(rpc.profile.lookup_employer, "91330102MA2H7KQ399").code == "CREDIT_CODE_CHECKSUM"
    cities = rpc.profile.list_departments("330000")
    assert {"code": "330100", "name": "杭州市财政局"}.items() <= next(c for c in cities if c["code"] == "330100").items()
    assert [d["name"] for d in rpc.profile.get_department_path("330102")] == ["浙江省财政厅", "杭州市财政局", "上城区财政局"]


def approved_person(rpc, store, db, **overrides):
    data, person = verified_person(rpc, **overrides)
    fill(rpc, store, person)
    collection = rpc.as_caller(person).profile.submit_collection({"pledge": True})
    rpc.as_caller(staff(rpc, db, "330102")).profile.decide_collection(collection["id"], {"decision": "approve"})
    return data, person, collection


def test_changes_auto_and_manual_with_history_and_withdrawal(rpc, profile, store, profile_db, db):
    data, person = verified_person(rpc)
    rpc.as_caller(person).profile.start_collection()
    assert app_error(rpc.as_caller(person).profile.submit_change, {"kind": "basic", "operation": "modify", **BASIC}).code == \
        "COLLECTION_NOT_APPROVED"
    data, person, collection = approved_person(rpc, store, db)

    auto = rpc.as_caller(person).profile.submit_change({"kind": "basic", "operation": "modify", **BASIC,
                                              "address": "浙江省杭州市上城区望江路8号"})
    assert (auto["review_mode"], auto["status"], auto["changed_fields"]) == ("auto", "approved", ["address"])
    assert rpc.as_caller(person).profile.get_collection()["basic"]["address"] == "浙江省杭州市上城区望江路8号"

    current = rpc.as_caller(person).profile.get_collection()["work"][0]
    overlapping = {**WORK, "start_date": "2011-01-01", "end_date": "2012-12-31", "employer": "杭州拱宸财务代理记账有限公司",
                   "credit_code": "91330105MA2CJ8W6X4", "has_accounting_work": False, "posts": [], "title": None,
                   "title_date": None}
    err = app_error(rpc.as_caller(person).profile.submit_change, {"kind": "work", "operation": "add", "segment": overlapping})
    assert any(k.startswith("work.") for k in err.errors), err.errors
    ended = {**{k: v for k, v in current.items() if k not in ("proofs", "locked")}, "end_date": "2020-12-31",
             "posts": [{**WORK["posts"][0], "end_date": "2020-12-31"}]}
    manual = rpc.as_caller(person).profile.submit_change({"kind": "work", "operation": "modify", "segment_id": current["id"],
                                                "segment": ended})
    assert manual["review_mode"] == "manual" and manual["status"] == "submitted"
    assert "end_date" in manual["changed_fields"] and manual["before"]["end_date"] is None
    assert rpc.as_caller(person).profile.get_collection()["work"][0]["end_date"] is None      # unchanged until approved
    assert app_error(rpc.as_caller(person).profile.submit_change, {"kind": "work", "operation": "modify",
                                                          "segment_id": current["id"], "segment": ended}).code == \
        "CHANGE_PENDING"
    assert rpc.as_caller(person).profile.withdraw_change(manual["id"])["status"] == "withdrawn"
    again = rpc.as_caller(person).profile.submit_change({"kind": "work", "operation": "modify", "segment_id": current["id"],
                                               "segment": ended})
    county = staff(rpc, db, "330102")
    assert again["id"] in [r["id"] for r in rpc.as_caller(county).profile.review_queue("change")]
    assert rpc.as_caller(county).profile.decide_review_item("change", again["id"], {"decision": "approve"})["status"] == \
        "approved"
    assert rpc.as_caller(person).profile.get_collection()["work"][0]["end_date"] == "2020-12-31"
    history = rpc.as_caller(person).profile.list_changes()
    assert [h["status"] for h in history] == ["approved", "withdrawn", "approved"]
    other = verified_person(rpc)[1]
    assert rpc.as_caller(other).profile.list_changes() == []
    with pytest.raises(AppError):
        rpc.as_caller(other).profile.withdraw_change(again["id"])


def test_transfer_blockers_then_receiving_department_approves(rpc, profile, store, profile_db, db):
    data, person, collection = approved_person(rpc, store, db)
    proof_key = store.new_key(f"incoming/{person['id']}")
    store.put(proof_key, images.jpeg(300, 300, seed=40), "image/jpeg")
    details = {"employer": "北京朝阳恒信会计师事务所（普通合伙）", "credit_code": "91110105MA01C8RT4D",
               "employer_type": "accounting_firm", "industry": "L", "address": "北京市朝阳区建国路1号",
               "start_date": "2024-01-02"}
    same = app_error(rpc.as_caller(person).profile.submit_transfer, {"reason": "employer_moved", "details": details,
                                                            "to_department": "330102", "proof_key": proof_key})
    assert same.code == "TRANSFER_SAME_DEPARTMENT" and not store.exists(proof_key)
    big = store.new_key(f"incoming/{person['id']}")
    store.put(big, images.jpeg(900, 900, 201 * 1024, seed=41), "image/jpeg")
    assert app_error(rpc.as_caller(person).profile.submit_transfer, {"reason": "employer_moved", "details": details,
                                                            "to_department": "110105", "proof_key": big}).code == \
        "UPLOAD_TOO_LARGE"
    proof_key = store.new_key(f"incoming/{person['id']}")
    store.put(proof_key, images.jpeg(300, 300, seed=40), "image/jpeg")
    transfer = rpc.as_caller(person).profile.submit_transfer({"reason": "employer_moved", "details": details,
                                                    "to_department": "110105", "proof_key": proof_key})
    assert transfer["status"] == "submitted" and transfer["to_path"].endswith("朝阳区财政局")
    second = store.new_key(f"incoming/{person['id']}")
    store.put(second, images.jpeg(300, 300, seed=42), "image/jpeg")
    blocked = app_error(rpc.as_caller(person).profile.submit_transfer, {"reason": "employer_moved", "details": details,
                                                               "to_department": "110105", "proof_key": second})
    assert blocked.code == "PENDING_APPLICATION" and "调转申请" in blocked.message

    leaving = staff(rpc, db, "330102")
    assert transfer["id"] not in [r["id"] for r in rpc.as_caller(leaving).profile.review_queue("transfer")]
    with pytest.raises(Forbidden):
        rpc.as_caller(leaving).profile.decide_review_item("transfer", transfer["id"], {"decision": "approve"})
    receiving = staff(rpc, db, "110000")
    assert transfer["id"] in [r["id"] for r in rpc.as_caller(receiving).profile.review_queue("transfer")]
    assert rpc.as_caller(receiving).profile.decide_review_item("transfer", transfer["id"], {"decision": "approve"})["status"] \
        == "approved"
    assert rpc.as_caller(person).profile.get_collection()["department"]["code"] == "110105"
    assert transfer["id"] in [t["id"] for t in rpc.as_caller(leaving).profile.list_transfers()]     # both ends see it
    assert rpc.as_caller(person).profile.list_transfers()[0]["status_label"] == "审核通过"
    assert collection["id"] not in [r["id"] for r in rpc.as_caller(leaving).profile.review_queue("collection", "approved")]


def _id_with_sequence(prefix: str) -> str:
    """A valid ID number in 上城区 whose sequence digits (15–17) start with `prefix`, born on a random day of
    1970–1984: apart from tests.support.people.mainland_id's numbers (born 1990-03-15 onwards), so that the few
    numbers a prefix leaves are not ones another test of the run has registered."""
    from datetime import date, timedelta
    born = date(1970, 1, 1) + timedelta(days=random.randrange(15 * 365))
    body = f"330102{born:%Y%m%d}{prefix}{random.randrange(10 ** (3 - len(prefix))):0{3 - len(prefix)}d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10,
                                                                           5, 8, 4, 2))) % 11]


def test_qualifications_from_library_and_by_hand(rpc, profile, store, db):
    from datetime import date

    from profiles.adapters.qualifications import derived_records

    # the sandbox library holds nothing for sequence digits "99": the manual's 未获取到数据
    data, nobody, _ = approved_person(rpc, store, db, id_number=_id_with_sequence("99"))
    empty = rpc.as_caller(nobody).profile.fetch_qualifications()
    assert (empty["found"], empty["added"], empty["message"], empty["items"]) == (0, 0, "未获取到数据", [])

    id_number = next(n for n in (_id_with_sequence(f"{i:02d}") for i in range(90)) if derived_records(n, date.today()))
    expected = derived_records(id_number, date.today())
    data, person, collection = approved_person(rpc, store, db, id_number=id_number)
    fetched = rpc.as_caller(person).profile.fetch_qualifications()
    assert fetched["found"] == fetched["added"] == len(expected)
    assert {q["data"]["certificate_no"] for q in fetched["items"]} == {r.certificate_no for r in expected}
    assert all(q["source"] == "library" and q["status"] == "approved" for q in fetched["items"])
    again = rpc.as_caller(person).profile.fetch_qualifications()
    assert again["added"] == 0 and len(again["items"]) == len(expected)          # not added twice

    proof = store.new_key(f"incoming/{person['id']}")
    store.put(proof, images.jpeg(500, 400, 25 * 1024, seed=50), "image/jpeg")
    entry = {"level": "intermediate", "way": "exam", "obtained_date": "2016-10-15", "certificate_no": "Z1633010200123",
             "proof_key": proof}
    row = rpc.as_caller(person).profile.submit_qualification("accounting", entry)
    assert row["data"]["title"] == "title_accountant" and row["title_label"] == "会计师" and row["status"] == "submitted"
    small = store.new_key(f"incoming/{person['id']}")
    store.put(small, images.jpeg(120, 100, seed=51), "image/jpeg")
    cpa = {"type": "cpa", "obtained_date": "2018-01-01", "certificate_no": "330000123456", "proof_key": small}
    assert app_error(rpc.as_caller(person).profile.submit_qualification, "other", {**cpa, "level": "intermediate"}).code == \
        "OTHER_QUALIFICATION_LEVEL_UNEXPECTED"                           # 注册会计师 has no level
    assert not store.exists(small)                                      # a refused upload is removed
    small = store.new_key(f"incoming/{person['id']}")
    store.put(small, images.jpeg(120, 100, seed=51), "image/jpeg")
    assert app_error(rpc.as_caller(person).profile.submit_qualification, "other", {**cpa, "proof_key": small}).code == \
        "UPLOAD_TOO_SMALL"                                              # proofs are 20–500 KB
    assert len(rpc.as_caller(person).profile.list_qualifications()) == len(expected) + 1   # nothing half-saved
    county = staff(rpc, db, "330102")
    decided = rpc.as_caller(county).profile.decide_review_item("qualification", row["id"], {
        "decision": "return", "reasons": {"certificate_no": "证书号与证书图片不一致"}})
    assert decided["status"] == "returned" and decided["reasons"] == {"certificate_no": "证书号与证书图片不一致"}
    archive = rpc.as_caller(person).profile.get_archive()
    assert archive["collection"]["status"] == "approved" and archive["qualifications"]


def test_phone_change_in_identity_reaches_the_collection_by_event(rpc, profile, profile_db):
    import time

    from tests.support.people import phone as new_phone
    data, person = verified_person(rpc)
    rpc.as_caller(person).profile.start_collection()
    number = new_phone()
    rpc.identity.send_sms_code({"phone": number, "purpose": "change_phone", "client": "it"})
    code = rpc.identity.sandbox_recent_sms(number)[0]["code"]
    rpc.as_caller(person).identity.change_phone({"phone": number, "sms_code": code})
    deadline = time.time() + 15
    while time.time() < deadline:
        with profile_db.get_session() as session:
            row = session.scalars(select(Collection).where(Collection.account_id == person["id"])).one()
            if row.person["phone"] == number:
                break
        time.sleep(0.3)
    assert row.person["phone"] == number


def test_imported_record_is_locked_where_filled_and_editable_where_missing(rpc, profile, db):
    id_number = mainland_id(region="330102")
    legacy_education = {**EDUCATION, "degree_cert_no": "", "major": "会计学"}
    legacy_work = {**WORK, "credit_code": "", "phone": ""}
    record = {"id_number": id_number, "name": "李晓明", "department_code": "330102", "scope": "accountant",
              "basic": {"political_status": "masses", "ethnicity": "han", "address": "杭州市上城区解放路1号"},
              "education": [legacy_education], "work": [legacy_work]}
    assert app_error(rpc.as_caller(staff(rpc, db, "330102")).profile.import_legacy_records, [record]).code == "PROVINCE_ONLY"
    with pytest.raises(Forbidden):
        rpc.as_caller(staff(rpc, db, "110000")).profile.import_legacy_records([record])
    bad = {**record, "id_number": id_number[:-1] + ("0" if id_number[-1] != "0" else "1"),
           "education": [{**legacy_education, "end_date": "2001-01-01"}]}
    refused = app_error(rpc.as_caller(staff(rpc, db, "330000")).profile.import_legacy_records, [record, bad])
    assert refused.code == "LEGACY_RECORDS_INVALID"                        # all or nothing, every problem named
    assert set(refused.errors) == {"records.1.id_number", "records.1.education.0.end_date"}, refused.errors
    assert rpc.as_caller(staff(rpc, db, "330000")).profile.import_legacy_records([record]) == {"loaded": 1, "skipped": 0}

    data, person = verified_person(rpc, id_number=id_number)
    started = rpc.as_caller(person).profile.start_collection()
    assert started["imported"] is True and started["scope"] == "accountant"
    segment = started["education"][0]
    assert "school" in segment["locked"] and "degree_cert_no" not in segment["locked"]
    edited = {**{k: v for k, v in segment.items() if k not in ("proofs",)}, "school": "别的大学",
              "degree_cert_no": "1032142012000123"}
    saved = rpc.as_caller(person).profile.save_collection_step("education", {"segments": [edited]})
    assert saved["education"][0]["school"] == "浙江财经大学"               # locked: kept as imported
    assert saved["education"][0]["degree_cert_no"] == "1032142012000123"   # missing: filled in
    assert rpc.as_caller(staff(rpc, db, "330000")).profile.import_legacy_records([record]) == {"loaded": 0, "skipped": 1}


def test_profile_migrations_match_the_models(profile_database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from profiles.models import Base

    engine = create_engine(profile_database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_demo_legacy_seed_is_idempotent(profile_database_url):
    import subprocess
    import sys
    env = {"PROFILE_DATABASE_URL": profile_database_url, "PATH": "/usr/bin:/bin"}
    first = subprocess.run([sys.executable, "-m", "profiles.seed"], env=env, capture_output=True, text=True, check=True)
    second = subprocess.run([sys.executable, "-m", "profiles.seed"], env=env, capture_output=True, text=True,
                            check=True)
    assert '"added": 0' in second.stdout and '"demo_legacy_record_added": false' in second.stdout, (first.stdout,
                                                                                                     second.stdout)


def test_an_unreachable_provider_is_a_clear_503_and_saves_nothing(rpc, profile, profile_db):
    data, person = verified_person(rpc)
    rpc.as_caller(person).profile.start_collection()
    rpc.as_caller(person).profile.save_collection_step("notice", {"scope": "accountant"})
    outage = {**EDUCATION, "education_cert_no": "103211201205000503"}    # the 学信网 sandbox's outage number
    err = app_error(rpc.as_caller(person).profile.save_collection_step, "education", {"segments": [outage]})
    assert err.status == 503 and err.code == "PROVIDER_UNAVAILABLE" and "稍后" in err.message
    with profile_db.get_session() as session:
        assert session.scalars(select(Collection).where(Collection.account_id == person["id"])).one().education == []


def test_review_details_for_both_ends_of_a_transfer_and_change_proof_links(rpc, profile, store, db):
    data, person, collection = approved_person(rpc, store, db)
    current = rpc.as_caller(person).profile.get_collection()["work"][0]
    ended = {**{k: v for k, v in current.items() if k not in ("proofs", "locked")}, "end_date": "2021-12-31",
             "posts": [{**WORK["posts"][0], "end_date": "2021-12-31"}]}
    change = rpc.as_caller(person).profile.submit_change({"kind": "work", "operation": "modify", "segment_id": current["id"],
                                                "segment": ended})
    county = staff(rpc, db, "330102")
    detail = rpc.as_caller(county).profile.get_review_item("change", change["id"])
    assert set(detail["item"]["after"]["proof_files"]) == set(detail["item"]["after"]["proofs"])
    assert all(f["url"].startswith("/files/") for f in detail["item"]["after"]["proof_files"].values())
    assert [h["action"] for h in detail["history"]] == ["view"]
    rpc.as_caller(county).profile.decide_review_item("change", change["id"], {"decision": "approve"})

    proof = store.new_key(f"incoming/{person['id']}")
    store.put(proof, images.jpeg(300, 300, seed=43), "image/jpeg")
    transfer = rpc.as_caller(person).profile.submit_transfer({
        "reason": "residence_moved", "details": {"address": "北京市朝阳区建国路2号"}, "to_department": "110105",
        "proof_key": proof})
    assert rpc.as_caller(county).profile.get_review_item("transfer", transfer["id"])["item"]["to_department"] == "110105"
    with pytest.raises(Forbidden):                       # the sending end reads, only the receiving end decides
        rpc.as_caller(county).profile.decide_review_item("transfer", transfer["id"], {"decision": "approve"})
    listed = [t for t in rpc.as_caller(county).profile.list_transfers() if t["id"] == transfer["id"]][0]
    assert listed["name"].endswith("*") and "*" in listed["id_number"]
    with pytest.raises(Forbidden):
        rpc.as_caller(staff(rpc, db, "120000")).profile.get_review_item("transfer", transfer["id"])


def test_return_reasons_follow_their_segment_when_segments_are_deleted(rpc, profile, store, db):
    data, person = verified_person(rpc)
    fill(rpc, store, person)
    master = {**EDUCATION, "start_date": "2012-09-01", "end_date": "2015-06-30", "education_level": "master",
              "degree": "master", "education_cert_no": "103211201502000124", "degree_cert_no": "1032132015000124",
              "study_mode": "part_time"}
    rpc.as_caller(person).profile.save_collection_step("education", {"segments": [EDUCATION, master]})
    submitted = rpc.as_caller(person).profile.submit_collection({"pledge": True})
    county = staff(rpc, db, "330102")
    rpc.as_caller(county).profile.decide_collection(submitted["id"], {"decision": "return", "reasons": {
        "education.1.major": "硕士专业与证书不符", "basic.address": "地址不完整"}})
    mine = rpc.as_caller(person).profile.get_collection()
    first, second = mine["education"]
    strip = lambda s: {k: v for k, v in s.items() if k != "proofs"}          # noqa: E731
    moved = rpc.as_caller(person).profile.save_collection_step("education", {"segments": [strip(second)]})
    assert moved["return_reasons"] == {"education.0.major": "硕士专业与证书不符", "basic.address": "地址不完整"}
    gone = rpc.as_caller(person).profile.save_collection_step("education", {"segments": [strip(first)]})
    assert gone["return_reasons"] == {"basic.address": "地址不完整"}
