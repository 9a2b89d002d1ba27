"""The profile API through the gateway: collection, review, a change, a transfer and a qualification,
with multipart uploads, masking and who may see what."""
import json

import psycopg2
import requests

from tests.e2e.helpers import staff_session, verified_person
from tests.support import images
from tests.support.people import mainland_id
from tests.support.profile_data import EDUCATION, NEW_EMPLOYER, WORK


def verified(stack):
    return verified_person(stack, id_number=mainland_id(region="330102"), name="周明")


def upload(browser, slot, data, name="proof.jpg"):
    response = browser.post("/api/v1/collection/files", data={"slot": slot}, files={"file": (name, data, "image/jpeg")})
    assert response.status_code == 200, response.text
    return response.json()


def staff(stack, code):
    return staff_session(stack, f"reviewer{code}")


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

    details = NEW_EMPLOYER
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


def test_malformed_change_and_transfer_bodies_are_4xx_not_500(stack):
    browser, person = verified(stack)
    change = browser.post("/api/v1/changes", json={"kind": "basic"})
    assert change.status_code == 422 and "operation" in change.json()["errors"]
    transfer = browser.post("/api/v1/transfers", data={"data": json.dumps({"reason": "employer_moved"})},
                            files={"proof": ("p.jpg", images.jpeg(300, 300, seed=90), "image/jpeg")})
    assert transfer.status_code == 422 and "to_department" in transfer.json()["errors"]
    broken = browser.post("/api/v1/transfers", data={"data": "{not json"},
                          files={"proof": ("p.jpg", images.jpeg(300, 300, seed=91), "image/jpeg")})
    assert broken.status_code == 400 and broken.json()["code"] == "BAD_JSON" and "data" in broken.json()["errors"]
    listed = browser.post("/api/v1/transfers", data={"data": "[1]"},
                          files={"proof": ("p.jpg", images.jpeg(300, 300, seed=92), "image/jpeg")})
    assert listed.status_code == 422 and listed.json()["code"] == "BODY_INVALID"
