"""信息采集 in Chromium: a verified person goes through the wizard (a refused overlapping education
segment shows its error next to the field and saves nothing), uploads the photo and proofs, submits to
上城区; the district reviewer returns it with a reason on the education major, the person sees the reason
next to the field, fixes it and resubmits, the reviewer approves and the person sees 审核通过; the same
person then ends their job by a reviewed work change (history shows it) and moves to 北京市朝阳区 by a
transfer that only the receiving department can approve. Other departments' reviewers and people do not
get the record."""
import os

import requests
from playwright.sync_api import expect

from tests.e2e import browser as chromium
from tests.e2e.browser import STAFF_PASSWORD, new_page, staff_login
from tests.e2e.helpers import Browser, login, new_person, register
from tests.support import images
from tests.support.people import mainland_id

SHOTS = os.environ.get("E2E_SHOT_DIR")          # set to a directory to keep a screenshot of each step


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def person_login(page, stack, login_name):
    chromium.person_login(page, stack, login_name)
    expect(page.get_by_test_id("user-name")).to_be_visible()


def collection(page):
    response = page.request.get("/api/v1/collection")
    assert response.ok, response.text()
    return response.json()


def current_step(page, step):
    expect(page.get_by_test_id(f"nav-{step}")).to_have_attribute("aria-current", "step")
    expect(page.get_by_test_id(f"panel-{step}")).to_be_visible()


def upload(page, slot, path):
    page.get_by_test_id(f"upload-{slot}").set_input_files(str(path))
    expect(page.get_by_test_id(f"uploaded-{slot}")).to_be_visible()


def fill_education(dialog, **values):
    for name in ("study_mode", "education_level", "degree"):
        if name in values:
            dialog.get_by_test_id(f"edu-{name}").select_option(values[name])
    for name in ("school", "start_date", "end_date", "major", "education_cert_no", "degree_cert_no"):
        if name in values:
            dialog.get_by_test_id(f"edu-{name}").fill(values[name])


def test_collection_wizard_return_and_approval(browser, page, stack, tmp_path):
    person = new_person(name="周清波", id_number=mainland_id(region="330102", birth="19900315"))
    assert register(Browser(stack), person).status_code == 201
    photo = tmp_path / "photo.jpg"               # Zhejiang: JPEG, > 60 KB, at least 413×626
    photo.write_bytes(images.jpeg(480, 680, 61 * 1024, seed=21))
    proof = tmp_path / "proof.jpg"
    proof.write_bytes(images.jpeg(800, 560, 21 * 1024, seed=22))

    # --- log in, verify the real name with the Alipay sandbox, open 信息采集 from the home page ---
    person_login(page, stack, person["phone"])
    page.goto("/realname")
    page.get_by_test_id("alipay-start").click()
    page.wait_for_url("**/sandbox/alipay/certify**")
    page.get_by_test_id("alipay-authorize").click()
    expect(page.get_by_test_id("realname-result-ok")).to_be_visible()
    page.goto("/")
    page.get_by_test_id("tile-collect").click()
    page.wait_for_url("**/collection**")
    current_step(page, "notice")
    shot(page, "1-notice")

    # --- 采集须知 ---
    page.get_by_test_id("next").click()                         # nothing chosen: refused at the field
    expect(page.locator("#notice-form .field-error[data-for='scope']")).to_contain_text("请选择采集范围")
    page.get_by_test_id("scope-accountant").click()
    page.get_by_test_id("next").click()
    current_step(page, "basic")
    expect(page.get_by_test_id("nav-notice")).to_have_attribute("data-state", "done")

    # --- 基本信息: registration data read-only, the rest typed in, the photo uploaded ---
    expect(page.get_by_test_id("basic-person")).to_contain_text("周清波")
    expect(page.get_by_test_id("basic-person")).to_contain_text(person["id_number"][-4:])
    expect(page.get_by_test_id("photo-rule")).to_contain_text("413×626")
    page.get_by_test_id("political_status").select_option(label="群众")
    page.get_by_test_id("ethnicity").select_option(label="汉族")
    page.get_by_test_id("email").fill("zhou.qingbo@example.com")
    page.get_by_test_id("postcode").fill("31000")               # five digits: refused by field path
    page.get_by_test_id("address").fill("浙江省杭州市上城区河坊街218号")
    page.get_by_test_id("next").click()
    expect(page.locator("#basic-form .field-error[data-for='basic.postcode']")).to_contain_text("6位数字")
    current_step(page, "basic")
    assert not collection(page)["basic"]
    page.get_by_test_id("postcode").fill("310002")
    upload(page, "basic.photo", photo)
    expect(page.get_by_test_id("preview-basic.photo")).to_be_visible()
    shot(page, "2-basic")
    page.get_by_test_id("next").click()
    current_step(page, "education")
    saved = collection(page)
    assert saved["basic"]["postcode"] == "310002" and saved["files"]["photo"]["width"] == 480

    # --- 教育经历: one segment checked by the 学信网 sandbox, then an overlapping one refused ---
    page.get_by_test_id("edu-add").click()
    dialog = page.get_by_test_id("edu-dialog")
    fill_education(dialog, study_mode="full_time", school="浙江财经大学", start_date="2008-09-01", end_date="2012-06-30",
                   education_level="bachelor", degree="bachelor", major="会记学",
                   education_cert_no="103211201205000123", degree_cert_no="1032142012000123")
    dialog.get_by_test_id("edu-save").click()
    expect(dialog).to_be_hidden()
    rows = page.get_by_test_id("edu-row")
    expect(rows).to_have_count(1)
    expect(rows.first.get_by_test_id("check-education")).to_contain_text("学历已核验")
    expect(rows.first.get_by_test_id("check-degree")).to_contain_text("学位已核验")

    page.get_by_test_id("edu-add").click()
    fill_education(dialog, study_mode="part_time", school="浙江广播电视大学", start_date="2011-09-01", end_date="2014-01-15",
                   education_level="associate", degree="none", major="财务管理", education_cert_no="510641201406000321")
    dialog.get_by_test_id("edu-save").click()
    expect(dialog.locator(".field-error[data-for='start_date']")).to_contain_text("重叠")
    expect(dialog.get_by_test_id("edu-alert")).to_contain_text("尚未保存")
    expect(dialog).to_be_visible()
    shot(page, "3-education-overlap")
    assert len(collection(page)["education"]) == 1               # the step is saved whole or not at all
    dialog.get_by_test_id("edu-cancel").click()
    expect(rows).to_have_count(1)
    shot(page, "3-education")
    page.get_by_test_id("next").click()
    current_step(page, "work")

    # --- 工作经历: 至今 at an employer found by its credit code, with an accounting post and a title ---
    page.get_by_test_id("work-add").click()
    work = page.get_by_test_id("work-dialog")
    work.get_by_test_id("work-start_date").fill("2012-07-01")
    work.get_by_test_id("work-until_now").check()
    expect(work.get_by_test_id("work-end_date")).to_be_disabled()
    work.get_by_test_id("work-credit_code").fill("91330102MA2H7KQ398")
    work.get_by_test_id("employer-lookup").click()
    expect(work.get_by_test_id("lookup-status")).to_contain_text("已获取单位信息")
    expect(work.get_by_test_id("work-employer")).to_have_value("杭州清波数智科技有限公司")
    expect(work.get_by_test_id("work-employer_type")).to_have_value("private")
    expect(work.get_by_test_id("work-address")).to_have_value("浙江省杭州市上城区清波街道河坊街218号")
    work.get_by_test_id("work-phone").fill("0571-87654321")
    work.get_by_test_id("work-has_accounting_work-yes").check()
    post = work.get_by_test_id("post-row")
    expect(post).to_have_count(1)
    post.get_by_test_id("post-post_level").select_option(label="一般会计人员")
    post.get_by_test_id("post-post").select_option(label="出纳")
    post.get_by_test_id("post-start_date").fill("2012-07-01")
    post.get_by_test_id("post-until_now").check()
    work.get_by_test_id("work-title").select_option(label="助理会计师")
    work.get_by_test_id("work-title_date").fill("2014-06-01")
    shot(page, "4-work-dialog")
    work.get_by_test_id("work-save").click()
    expect(work).to_be_hidden()
    expect(page.get_by_test_id("work-row")).to_have_count(1)
    expect(page.get_by_test_id("work-row")).to_contain_text("杭州清波数智科技有限公司")
    for slot in ("work.0.accounting_proof", "work.0.title_proof", "work.0.employment_proof"):
        upload(page, slot, proof)
    shot(page, "4-work")
    page.get_by_test_id("next").click()
    current_step(page, "department")

    # --- 会计管理部门: 浙江省 / 杭州市 / 上城区, nothing left for the machine to find, pledge, submit ---
    page.get_by_test_id("dept-province").select_option("330000")
    page.get_by_test_id("dept-city").select_option("330100")
    page.get_by_test_id("dept-county").select_option("330102")
    expect(page.get_by_test_id("dept-chosen")).to_contain_text("上城区财政局")
    expect(page.get_by_test_id("pre-submit-ok")).to_be_visible()
    for step in ("notice", "basic", "education", "work", "department"):
        expect(page.get_by_test_id(f"nav-{step}")).to_have_attribute("data-state", "done")
    page.get_by_test_id("submit").click()                        # the pledge is not ticked yet
    expect(page.locator("#department-form .field-error[data-for='pledge']")).to_contain_text("承诺")
    page.get_by_test_id("pledge").check()
    shot(page, "5-department")
    page.get_by_test_id("submit").click()
    current_step(page, "result")
    expect(page.get_by_test_id("result-status")).to_have_text("审核中")
    expect(page.get_by_test_id("result-department")).to_have_text("上城区财政局")
    expect(page.get_by_test_id("edu-add")).to_be_hidden()
    shot(page, "6-submitted")
    record_id = collection(page)["id"]

    # --- people cannot use the staff API; another province's reviewer does not see the record ---
    assert page.request.get(f"/api/v1/staff/collections/{record_id}").status == 403
    outsider = Browser(stack)
    assert login(outsider, "reviewer110000", STAFF_PASSWORD, path="/api/v1/staff/sessions").status_code == 200
    queue = outsider.get("/api/v1/staff/reviews", params={"kind": "collection", "status": "submitted"})
    assert queue.status_code == 200 and record_id not in [r["id"] for r in queue.json()]
    assert outsider.get(f"/api/v1/staff/collections/{record_id}").status_code == 403

    # --- the 上城区 reviewer sees the whole record with its images and returns it (reason on the major) ---
    reviewer = new_page(browser, stack)
    staff_login(reviewer, stack, "reviewer330102")
    row = reviewer.get_by_test_id("review-row").filter(has_text=person["id_number"][-4:])
    expect(row).to_have_count(1)
    expect(row).to_contain_text("上城区财政局")
    row.get_by_test_id("open-review").click()
    detail = reviewer.get_by_test_id("detail-dialog")
    expect(detail.get_by_test_id("review-basic")).to_contain_text(person["id_number"])     # unmasked for staff
    shot(reviewer, "7-review-open")
    expect(detail.get_by_test_id("review-education-0")).to_contain_text("会记学")
    expect(detail.locator("img")).to_have_count(4)                 # photo + three work proofs
    photo_src = detail.get_by_test_id("image-basic.photo").get_attribute("src")
    assert requests.get(stack.url(photo_src), timeout=10).content == photo.read_bytes()
    detail.get_by_test_id("image-basic.photo").click()
    expect(reviewer.get_by_test_id("lightbox")).to_be_visible()
    reviewer.get_by_test_id("lightbox").click()
    reviewer.get_by_test_id("return").click()                      # no reason yet: refused on the page
    expect(reviewer.get_by_test_id("decision-alert")).to_contain_text("退回原因")
    detail.get_by_test_id("reason-toggle-education.0.major").click()
    reason = "所学专业与学历证书不一致，请按证书填写“会计学”"
    detail.get_by_test_id("reason-education.0.major").fill(reason)
    expect(reviewer.get_by_test_id("reason-count")).to_contain_text("已填写 1 项")
    shot(reviewer, "7-review")
    reviewer.get_by_test_id("return").click()
    expect(detail).to_be_hidden()
    expect(reviewer.get_by_test_id("review-row").filter(has_text=person["id_number"][-4:])).to_have_count(0)
    reviewer.get_by_test_id("tab-returned").click()
    expect(reviewer.get_by_test_id("review-row").filter(has_text=person["id_number"][-4:])).to_have_count(1)

    # --- the person sees the reason next to the field, fixes it and resubmits ---
    page.goto("/collection")
    current_step(page, "education")                                # the first returned step
    expect(page.get_by_test_id("collection-banner")).to_contain_text("退回")
    expect(page.get_by_test_id("nav-education")).to_have_attribute("data-state", "returned")
    expect(page.get_by_test_id("edu-row").first.locator("xpath=following-sibling::tr[1]")).to_contain_text(reason)
    page.get_by_test_id("edu-edit").first.click()
    expect(dialog.locator(".return-reason[data-for='major']")).to_contain_text(reason)
    shot(page, "8-returned")
    dialog.get_by_test_id("edu-major").fill("会计学")
    dialog.get_by_test_id("edu-save").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("edu-major-cell")).to_have_text("会计学")
    page.get_by_test_id("nav-department").click()
    current_step(page, "department")
    expect(page.get_by_test_id("dept-county")).to_have_value("330102")
    expect(page.get_by_test_id("pre-submit-ok")).to_be_visible()
    page.get_by_test_id("pledge").check()
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("result-status")).to_have_text("审核中")

    # --- the reviewer approves; the person sees 审核通过 and a read-only record ---
    reviewer.get_by_test_id("tab-submitted").click()
    row = reviewer.get_by_test_id("review-row").filter(has_text=person["id_number"][-4:])
    row.get_by_test_id("open-review").click()
    expect(detail.get_by_test_id("review-education-0")).to_contain_text("会计学")
    expect(detail.get_by_test_id("history")).to_contain_text("退回")
    reviewer.get_by_test_id("approve").click()
    expect(detail).to_be_hidden()
    reviewer.get_by_test_id("tab-approved").click()
    expect(reviewer.get_by_test_id("review-row").filter(has_text=person["id_number"][-4:])).to_have_count(1)
    reviewer.context.close()

    page.goto("/collection")
    current_step(page, "result")
    expect(page.get_by_test_id("result-status")).to_have_text("审核通过")
    expect(page.get_by_test_id("collection-status")).to_contain_text("审核通过")
    page.get_by_test_id("nav-education").click()
    expect(page.get_by_test_id("edu-add")).to_be_hidden()
    expect(page.get_by_test_id("edu-edit")).to_have_count(0)
    shot(page, "9-approved")
    assert collection(page)["status"] == "approved"

    # --- the same person goes on: a work change (reviewed, with history), then a transfer to 北京 ---
    from datetime import timedelta

    from tests.e2e.test_browser_changes import beijing_today, fill_transfer, staff
    end = (beijing_today() - timedelta(days=30)).isoformat()
    page.goto("/changes#work")
    page.get_by_test_id("work-row").first.get_by_test_id("work-change").click()
    dialog = page.get_by_test_id("work-dialog")
    dialog.get_by_test_id("work-until_now").uncheck()
    dialog.get_by_test_id("work-end_date").fill(end)
    dialog.get_by_test_id("post-until_now").uncheck()
    dialog.get_by_test_id("post-end_date").fill(end)
    dialog.get_by_test_id("work-save").click()
    expect(dialog).to_be_hidden()
    page.get_by_test_id("tab-history").click()
    row = page.get_by_test_id("change-row").first
    expect(row.get_by_test_id("change-mode")).to_have_text("人工审核")
    change_id = row.get_attribute("data-id")
    assert staff(stack, "reviewer330102").post(f"/api/v1/staff/reviews/change/{change_id}/decision",
                                               json={"decision": "approve"}).json()["status"] == "approved"
    page.reload()
    page.get_by_test_id("tab-history").click()
    expect(page.get_by_test_id("change-row").first.get_by_test_id("change-status")).to_contain_text("审核通过")

    proof = tmp_path / "transfer-proof.jpg"
    proof.write_bytes(images.jpeg(300, 300, seed=82))
    page.goto("/transfers")
    page.get_by_test_id("transfer-new").click()
    dialog = fill_transfer(page, proof)
    dialog.get_by_test_id("transfer-submit").click()
    expect(dialog).to_be_hidden()
    transfer_id = page.get_by_test_id("transfer-row").first.get_attribute("data-id")
    assert staff(stack, "reviewer330102").post(f"/api/v1/staff/reviews/transfer/{transfer_id}/decision",
                                               json={"decision": "approve"}).status_code == 403   # not the receiver
    assert staff(stack, "reviewer110000").post(f"/api/v1/staff/reviews/transfer/{transfer_id}/decision",
                                               json={"decision": "approve"}).json()["status"] == "approved"
    page.reload()
    expect(page.get_by_test_id("transfer-row").first.get_by_test_id("transfer-status")).to_contain_text("审核通过")
    expect(page.get_by_test_id("current-dept-name")).to_contain_text("朝阳区财政局")
