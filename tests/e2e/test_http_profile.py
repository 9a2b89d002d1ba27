"""The profile API through the gateway: collection, review, a change, a transfer and a qualification,
with multipart uploads, masking and who may see what."""
from urllib.parse import parse_qs, urlparse

import psycopg2
import requests

from tests.e2e.helpers import Browser, login, new_person, register
from tests.support import images
from tests.support.people import mainland_id

EDUCATION = {"study_mode": "full_time", "school": "浙江财经大学", "start_date": "2008-09-01",
             "end_date": "2012-06-30", "education_level": "bachelor", "degree": "bachelor", "major": "会计学",
             "education_cert_no": "103211201205000123", "degree_cert_no": "1032142012000123", "studied_abroad": False}
WORK = {"start_date": "2012-07-01", "end_date": None, "employer": "杭州清波数智科技有限公司",
        "credit_code": "91330102MA2H7KQ398", "employer_type": "private", "industry": "I",
        "address": "杭州市上城区清波街道1号", "phone": "0571-88886666", "has_accounting_work": True,
        "posts": [{"post_level": "general", "post": "cashier", "start_date": "2012-07-01", "end_date": None}],
        "title": "title_assistant", "title_date": "2014-06-01"}


def verified(stack):
    browser = Browser(stack)
    person = new_person(id_number=mainland_id(region="330102"), name="周明")
    assert register(browser, person).status_code == 201
    assert login(browser, person["id_number"]).status_code == 200
    start = browser.post("/api/v1/me/realname/alipay").json()
    query = {k: v[0] for k, v in parse_qs(urlparse(start["redirect_url"]).query).items()}
    done = browser.post("/sandbox/alipay/certify", data={**query, "cert_name": person["name"],
                                                         "cert_no": person["id_number"]})
    assert done.status_code == 200
    assert browser.get("/api/v1/me").json()["realname_status"] == "verified"
    return browser, person


def upload(browser, slot, data, name="proof.jpg"):
    response = browser.post("/api/v1/collection/files", data={"slot": slot}, files={"file": (name, data, "image/jpeg")})
    assert response.status_code == 200, response.text
    return response.json()


def staff(stack, code):
    browser = Browser(stack)
    assert login(browser, f"reviewer{code}", "Review@2025", path="/api/v1/staff/sessions").status_code == 200
    return browser


def test_collection_to_transfer_over_http(stack):
    browser, person = verified(stack)
    assert browser.post("/api/v1/collection").status_code == 201
    assert browser.put("/api/v1/collection/steps/notice", json={"scope": "accountant"}).status_code == 200
    basic = {"political_status": "masses", "ethnicity": "han", "address": "杭州市上城区解放路100号", "postcode": "310002"}
    assert browser.put("/api/v1/collection/steps/basic", json=basic).status_code == 200
    fake = browser.post("/api/v1/collection/files", data={"slot": "basic.photo"},
                        files={"file": ("photo.jpg", b"GIF89a" + bytes(70000), "image/jpeg")})
    assert fake.status_code == 422 and fake.json()["code"] == "UPLOAD_TYPE" and "basic.photo" in fake.json()["errors"]
    upload(browser, "basic.photo", images.jpeg(480, 680, 61 * 1024, seed=61))
    assert browser.put("/api/v1/collection/steps/education", json={"segments": [EDUCATION]}).status_code == 200
    employer = browser.get("/api/v1/employers/91330102MA2H7KQ398").json()
    assert employer["name"] == WORK["employer"]
    view = browser.put("/api/v1/collection/steps/work", json={"segments": [WORK]}).json()
    assert set(view["required_proofs"]) >= {"work.0.accounting_proof", "work.0.title_proof"}
    for i, slot in enumerate(sorted(s for s in view["required_proofs"] if s.startswith("work."))):
        view = upload(browser, slot, images.jpeg(800, 600, 20 * 1024, seed=70 + i))
    assert view["person"]["id_number"].count("*") == 5                      # masked for the page
    early = browser.post("/api/v1/collection/submission", json={"pledge": True})
    assert early.status_code == 422 and "department_code" in early.json()["errors"]
    submitted = browser.post("/api/v1/collection/submission", json={"pledge": True, "department_code": "330102"})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted", submitted.text
    collection_id = submitted.json()["id"]

    assert browser.get(f"/api/v1/staff/collections/{collection_id}").status_code == 403
    assert collection_id not in [r["id"] for r in staff(stack, "110000").get("/api/v1/staff/reviews").json()]
    reviewer = staff(stack, "330100")
    detail = reviewer.get(f"/api/v1/staff/collections/{collection_id}").json()
    assert detail["person"]["id_number"] == person["id_number"]
    photo = requests.get(stack.url(detail["files"]["photo"]["url"]), timeout=10)
    assert photo.status_code == 200 and photo.content == images.jpeg(480, 680, 61 * 1024, seed=61)
    approved = reviewer.post(f"/api/v1/staff/collections/{collection_id}/decision", json={"decision": "approve"})
    assert approved.json()["status"] == "approved"

    change = browser.post("/api/v1/changes", json={"kind": "basic", "operation": "modify", **basic,
                                                    "email": "zhou@example.com"})
    assert change.status_code == 201 and change.json()["review_mode"] == "auto"
    assert browser.get("/api/v1/changes").json()[0]["changed_fields"] == ["email"]

    details = {"employer": "北京朝阳恒信会计师事务所（普通合伙）", "credit_code": "91110105MA01C8RT4D",
               "employer_type": "accounting_firm", "industry": "L", "address": "北京市朝阳区建国路1号",
               "start_date": "2024-01-02"}
    import json
    too_big = browser.post("/api/v1/transfers", data={"data": json.dumps({"reason": "employer_moved",
                                                                         "to_department": "110105",
                                                                         "details": details})},
                           files={"proof": ("p.jpg", images.jpeg(900, 900, 201 * 1024, seed=80), "image/jpeg")})
    assert too_big.status_code == 422 and too_big.json()["code"] == "UPLOAD_TOO_LARGE"
    transfer = browser.post("/api/v1/transfers", data={"data": json.dumps({"reason": "employer_moved",
                                                                          "to_department": "110105",
                                                                          "details": details})},
                            files={"proof": ("p.jpg", images.jpeg(300, 300, seed=81), "image/jpeg")})
    assert transfer.status_code == 201, transfer.text
    receiving = staff(stack, "110000")
    decided = receiving.post(f"/api/v1/staff/reviews/transfer/{transfer.json()['id']}/decision",
                             json={"decision": "approve"})
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    archive = browser.get("/api/v1/archive").json()
    assert archive["collection"]["department"]["code"] == "110105"
    assert archive["transfers"][0]["proof"]["url"].startswith("/files/")

    conn = psycopg2.connect(stack.profile_database_url.replace("postgresql+psycopg2", "postgresql"))
    try:
        with conn.cursor() as cur:
            cur.execute("select count(*) from transfers where account_id = (select account_id from collections "
                        "where id = %s)", (collection_id,))
            assert cur.fetchone()[0] == 1                                       # the refused one left nothing
    finally:
        conn.close()


def test_malformed_change_and_transfer_bodies_are_422_not_500(stack):
    import json
    browser, person = verified(stack)
    change = browser.post("/api/v1/changes", json={"kind": "basic"})
    assert change.status_code == 422 and "operation" in change.json()["errors"]
    transfer = browser.post("/api/v1/transfers", data={"data": json.dumps({"reason": "employer_moved"})},
                            files={"proof": ("p.jpg", images.jpeg(300, 300, seed=90), "image/jpeg")})
    assert transfer.status_code == 422 and "to_department" in transfer.json()["errors"]
    broken = browser.post("/api/v1/transfers", data={"data": "{not json"},
                          files={"proof": ("p.jpg", images.jpeg(300, 300, seed=91), "image/jpeg")})
    assert broken.status_code == 422 and broken.json()["code"] == "BODY_INVALID"
