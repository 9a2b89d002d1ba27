"""The staff review page (/staff/reviews) in Chromium, beyond 信息采集: a person with an approved collection
(prepared over HTTP) ends the current job (信息变更), enters a 中级 qualification by hand (职称) and, once the
change is through, asks to move to 北京市朝阳区 (属地关系调转). 上城区's reviewer sees the changed fields in
red, cannot return the change without a reason, approves it (the record gets the end date) and returns the
qualification with a reason on its certificate number; 北京's reviewer (the receiving end) approves the
transfer after looking at its proof; 上城区 then finds it under 调转记录 as 审核通过."""
import json
import os
import re

from playwright.sync_api import expect

from tests.e2e.browser import new_page, staff_login
from tests.e2e.helpers import approved_person as approved
from tests.e2e.helpers import staff_session as staff
from tests.support import images
from tests.support.people import mainland_id
from tests.support.profile_data import NEW_EMPLOYER

SHOTS = os.environ.get("E2E_SHOT_DIR")          # set to a directory to keep a screenshot of each step
RED = "rgb(192, 38, 45)"                        # --err
QUALIFICATION = {"category": "accounting", "level": "intermediate", "way": "exam", "obtained_date": "2016-10-15",
                 "certificate_no": "Z1633010200123"}
JOB_ENDED = "2023-12-31"


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"reviews-{name}.png"), full_page=True)


def approved_person(stack):
    return approved(stack, id_number=mainland_id(region="330102"), name="钱立信")


def row_of(page, text):
    return page.get_by_test_id("review-row").filter(has_text=text)


def test_staff_review_change_qualification_and_transfer(browser, stack):
    http, person = approved_person(stack)
    tail = person["id_number"][-4:]                                 # the queue shows masked IDs: 330*****1234

    # --- over HTTP: end the current job (waits for the department) and enter a qualification by hand ---
    job = http.get("/api/v1/collection").json()["work"][0]
    ended = {**{k: v for k, v in job.items() if k not in ("proofs", "locked", "checks")}, "end_date": JOB_ENDED,
             "until_now": False, "posts": [{**p, "end_date": JOB_ENDED, "until_now": False} for p in job["posts"]]}
    change = http.post("/api/v1/changes", json={"kind": "work", "operation": "modify", "segment_id": job["id"],
                                                "segment": ended})
    assert change.status_code == 201 and change.json()["status"] == "submitted", change.text
    proof = images.jpeg(400, 300, 20 * 1024, seed=90)              # 20 KB–500 KB
    qualification = http.post("/api/v1/qualifications", data={"data": json.dumps(QUALIFICATION)},
                              files={"proof": ("certificate.jpg", proof, "image/jpeg")})
    assert qualification.status_code == 201 and qualification.json()["status"] == "submitted", qualification.text

    # --- 上城区: 信息变更 — the changed fields in red, a return without a reason refused, then approved ---
    reviewer = new_page(browser, stack)
    staff_login(reviewer, stack, "reviewer330102")
    expect(reviewer.get_by_test_id("kind-collection")).to_have_attribute("aria-selected", "true")
    reviewer.get_by_test_id("kind-change").click()
    expect(reviewer.get_by_test_id("kind-change")).to_have_attribute("aria-selected", "true")
    expect(reviewer.locator("[data-count='change']")).not_to_be_empty()
    row = row_of(reviewer, tail)
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("row-kind")).to_have_text("工作经历变更（修改）")
    expect(row.get_by_test_id("row-department")).to_have_text("上城区财政局")
    shot(reviewer, "1-change-queue")
    row.get_by_test_id("open-review").click()
    detail = reviewer.get_by_test_id("detail-dialog")
    expect(reviewer.locator("#detail-title")).to_have_text("信息变更详情")
    expect(detail.get_by_test_id("review-person")).to_contain_text(person["id_number"])      # unmasked for staff
    end_row = detail.locator("[data-testid='diff-row'][data-field='end_date']")
    expect(end_row).to_have_attribute("data-changed", "true")
    expect(end_row.locator("td.before")).to_have_text("至今")
    expect(end_row.locator("td.after")).to_have_text(JOB_ENDED)
    expect(end_row.locator("td.after")).to_have_css("color", RED)
    expect(end_row).to_contain_text("已变更")
    employer_row = detail.locator("[data-testid='diff-row'][data-field='employer']")
    expect(employer_row).to_have_attribute("data-changed", "false")
    expect(employer_row.locator("td.after")).not_to_have_css("color", RED)
    expect(detail.locator("[data-testid='diff-row'][data-changed='true']")).to_have_count(2)      # 结束时间, 会计工作岗位
    expect(detail.get_by_test_id("image-segment-employment_proof")).to_be_visible()
    shot(reviewer, "2-change-detail")

    reviewer.get_by_test_id("return").click()                      # no reason: refused in the dialog
    expect(reviewer.get_by_test_id("decision-alert")).to_contain_text("退回原因")
    expect(detail).to_be_visible()
    expect(detail.get_by_test_id("reason-general")).to_be_focused()
    shot(reviewer, "3-change-no-reason")
    assert http.get("/api/v1/changes").json()[0]["status"] == "submitted"
    refused = staff(stack, "reviewer330102").post(f"/api/v1/staff/reviews/change/{change.json()['id']}/decision",
                                                  json={"decision": "return", "reasons": {"end_date": "  "}})
    assert refused.status_code == 422 and refused.json()["code"] == "REASON_REQUIRED"
    detail.get_by_test_id("reason-toggle-end_date").click()       # a per-field box opens under its row
    expect(detail.get_by_test_id("reason-end_date")).to_be_visible()
    detail.get_by_test_id("reason-end_date").fill("离职日期请与离职证明一致")
    expect(reviewer.get_by_test_id("reason-count")).to_contain_text("已填写 1 项")
    detail.get_by_test_id("reason-toggle-end_date").click()       # closed again: the reason is dropped
    expect(reviewer.get_by_test_id("reason-count")).not_to_contain_text("已填写")
    reviewer.get_by_test_id("approve").click()
    expect(detail).to_be_hidden()
    expect(row_of(reviewer, tail)).to_have_count(0)
    reviewer.get_by_test_id("tab-approved").click()
    expect(row_of(reviewer, tail)).to_have_count(1)
    record = http.get("/api/v1/collection").json()
    assert record["work"][0]["end_date"] == JOB_ENDED and record["work"][0]["posts"][0]["end_date"] == JOB_ENDED
    assert http.get("/api/v1/changes").json()[0]["status"] == "approved"

    # --- 上城区: 职称 — the data and the proof (enlarged), returned with a reason on the certificate number ---
    reviewer.get_by_test_id("kind-qualification").click()
    reviewer.get_by_test_id("tab-submitted").click()
    row = row_of(reviewer, tail)
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("row-kind")).to_have_text("会计专业技术资格")
    row.get_by_test_id("open-review").click()
    expect(reviewer.locator("#detail-title")).to_have_text("职称信息详情")
    data = detail.get_by_test_id("review-qualification")
    for text in ("中级", "考试", "2016-10-15", "Z1633010200123", "会计师", "本人填报"):
        expect(data).to_contain_text(text)
    detail.get_by_test_id("image-proof").click()
    expect(reviewer.get_by_test_id("lightbox")).to_be_visible()
    shot(reviewer, "4-qualification-proof")
    reviewer.get_by_test_id("lightbox").click()
    expect(reviewer.get_by_test_id("lightbox")).to_have_count(0)
    expect(detail).to_be_visible()
    reason = "证书编号与证书图片不一致，请核对后重新填报"
    detail.get_by_test_id("reason-toggle-certificate_no").click()
    detail.get_by_test_id("reason-certificate_no").fill(reason)
    expect(reviewer.get_by_test_id("reason-count")).to_contain_text("已填写 1 项")
    shot(reviewer, "5-qualification-return")
    reviewer.get_by_test_id("return").click()
    expect(detail).to_be_hidden()
    expect(row_of(reviewer, tail)).to_have_count(0)
    reviewer.get_by_test_id("tab-returned").click()
    row_of(reviewer, tail).get_by_test_id("open-review").click()
    expect(detail.get_by_test_id("review-result")).to_contain_text(reason)
    expect(detail.get_by_test_id("decision-form")).to_be_hidden()
    detail.locator("[data-close]").first.click()
    mine = [q for q in http.get("/api/v1/qualifications").json() if q["id"] == qualification.json()["id"]][0]
    assert mine["status"] == "returned" and mine["reasons"] == {"certificate_no": reason}

    # --- over HTTP: the transfer to 朝阳区 with its proof (the change is through, so nothing blocks it) ---
    asked = {"reason": "employer_moved", "to_department": "110105", "details": NEW_EMPLOYER}
    transfer = http.post("/api/v1/transfers", data={"data": json.dumps(asked)},
                         files={"proof": ("licence.jpg", images.jpeg(300, 300, seed=91), "image/jpeg")})
    assert transfer.status_code == 201, transfer.text
    transfer_id = transfer.json()["id"]
    sender = staff(stack, "reviewer330102")             # the sending end may read it, only the receiving end decides
    assert sender.get(f"/api/v1/staff/reviews/transfer/{transfer_id}").status_code == 200
    refused = sender.post(f"/api/v1/staff/reviews/transfer/{transfer_id}/decision", json={"decision": "approve"})
    assert refused.status_code == 403 and refused.json()["code"] == "OUT_OF_JURISDICTION"

    # --- 北京 (the receiving end): reason, details, 上城区 → 朝阳区 and the proof; approved ---
    receiving = new_page(browser, stack)
    staff_login(receiving, stack, "reviewer110000")
    receiving.get_by_test_id("kind-transfer").click()
    row = row_of(receiving, tail)
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("row-kind")).to_have_text("调转：工作单位所在地变动")
    expect(row.get_by_test_id("row-department")).to_have_text("朝阳区财政局")
    expect(receiving.locator("#dept-head")).to_have_text("调入管理部门")
    row.get_by_test_id("open-review").click()
    detail = receiving.get_by_test_id("detail-dialog")
    expect(receiving.locator("#detail-title")).to_have_text("属地关系调转详情")
    expect(detail.get_by_test_id("route-from")).to_have_text("上城区财政局")
    expect(detail.get_by_test_id("route-to")).to_have_text("朝阳区财政局")
    info = detail.get_by_test_id("review-transfer")
    for text in ("工作单位所在地变动", NEW_EMPLOYER["employer"], NEW_EMPLOYER["credit_code"], "会计师事务所", "2024-01-02"):
        expect(info).to_contain_text(text)
    shot(receiving, "6-transfer-detail")
    detail.get_by_test_id("image-proof").click()
    expect(receiving.get_by_test_id("lightbox")).to_be_visible()
    receiving.get_by_test_id("lightbox").click()
    receiving.get_by_test_id("approve").click()
    expect(detail).to_be_hidden()
    expect(row_of(receiving, tail)).to_have_count(0)
    assert http.get("/api/v1/archive").json()["collection"]["department"]["code"] == "110105"

    # --- 北京 now reviews the person's qualifications; one decided elsewhere meanwhile: the error in the dialog ---
    other = {"category": "other", "type": "cpa", "name": "注册会计师", "obtained_date": "2019-12-20",
             "certificate_no": "110001234567"}
    cpa = http.post("/api/v1/qualifications", data={"data": json.dumps(other)},
                    files={"proof": ("cpa.jpg", images.jpeg(400, 300, 20 * 1024, seed=92), "image/jpeg")})
    assert cpa.status_code == 201, cpa.text
    receiving.get_by_test_id("kind-qualification").click()
    row = row_of(receiving, tail)
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("row-kind")).to_have_text("其他职业资格")
    row.get_by_test_id("open-review").click()
    expect(detail.get_by_test_id("review-qualification")).to_contain_text("注册会计师")
    expect(detail.get_by_test_id("review-person")).to_contain_text("朝阳区财政局")
    elsewhere = staff(stack, "reviewer110000").post(f"/api/v1/staff/reviews/qualification/{cpa.json()['id']}/decision",
                                                    json={"decision": "approve"})
    assert elsewhere.status_code == 200, elsewhere.text
    detail.get_by_test_id("reason-general").fill("证书图片不完整")
    receiving.get_by_test_id("return").click()
    expect(receiving.get_by_test_id("decision-alert")).to_contain_text("已处理")
    expect(detail).to_be_visible()
    expect(row_of(receiving, tail)).to_have_count(0)                # the list was refreshed behind the dialog
    shot(receiving, "6b-already-decided")
    receiving.context.close()

    # --- 上城区: 调转记录 lists the transfer that left its jurisdiction, approved, with its proof ---
    reviewer.get_by_test_id("kind-transfer-log").click()
    expect(reviewer.get_by_test_id("transfer-log")).to_be_visible()
    expect(reviewer.locator("#review-panel")).to_be_hidden()
    log_row = reviewer.locator(f"[data-log-id='{transfer_id}']")
    expect(log_row).to_have_count(1)
    expect(log_row.get_by_test_id("log-type")).to_have_text("工作单位所在地变动")
    expect(log_row.get_by_test_id("log-direction-badge")).to_have_text("调出")
    expect(log_row.get_by_test_id("log-from")).to_contain_text("上城区财政局")
    expect(log_row.get_by_test_id("log-to")).to_contain_text("朝阳区财政局")
    expect(log_row.get_by_test_id("log-status-cell")).to_have_text("审核通过")
    expect(log_row.get_by_test_id("log-review")).to_have_count(0)      # decided, and not ours to decide
    thumb = log_row.get_by_test_id("log-proof").locator("img")
    expect(thumb).to_be_visible()
    assert reviewer.evaluate("img => img.naturalWidth", thumb.element_handle()) == 300
    shot(reviewer, "7-transfer-log")
    log_row.get_by_test_id("log-proof").click()
    expect(reviewer.get_by_test_id("lightbox")).to_be_visible()
    reviewer.get_by_test_id("lightbox").click()
    log_row.get_by_test_id("log-view").click()
    expect(detail_of(reviewer).get_by_test_id("route-to")).to_have_text("朝阳区财政局")
    expect(detail_of(reviewer).get_by_test_id("decision-form")).to_be_hidden()
    detail_of(reviewer).locator("[data-close]").first.click()
    expect(detail_of(reviewer)).to_be_hidden()
    reviewer.get_by_test_id("log-status").select_option("returned")
    expect(reviewer.locator(f"[data-log-id='{transfer_id}']")).to_have_count(0)
    assert re.search(r"kind=transfer-log", reviewer.url)
    reviewer.context.close()


def detail_of(page):
    return page.get_by_test_id("detail-dialog")
