"""After an approved collection, in Chromium: 信息变更 (a basic change approved at once, a work change that
ends the current job and waits for the department), 属地关系调转 (first blocked by the pending change, then
submitted with a proof image and approved by the receiving province) and 职称管理's 自动获取.
The person and the reviewers' decisions are prepared over HTTP; the pages are what is tested."""
import os
import random
from datetime import datetime, timedelta, timezone

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.browser import person_login
from tests.e2e.helpers import approved_person as approved
from tests.e2e.helpers import staff_session as staff
from tests.support import images
from tests.support.profile_data import NEW_EMPLOYER as TRANSFER

SHOTS = os.environ.get("E2E_SCREENSHOTS")


def id_without_library_records(region="330102") -> str:
    """A valid ID whose sequence digits 15-16 are 99: the sandbox qualification library holds nothing for it."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    rng = random.Random()
    birth = f"19{rng.randrange(80, 96)}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}"
    body = f"{region}{birth}99{rng.choice('13579')}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


def approved_person(stack, name="王立信"):
    """An approved person whose ID the sandbox library has nothing for (自动获取 → 未获取到数据)."""
    return approved(stack, id_number=id_without_library_records(), name=name)


@pytest.fixture
def shot(tmp_path):
    """E2E_SCREENSHOTS set: a full-page picture of each step, for a look at the layout (in that directory
    when it is an absolute path, else in the test's tmp_path)."""
    folder = SHOTS if SHOTS and os.path.isabs(SHOTS) else str(tmp_path)

    def take(page, name):
        if SHOTS:
            os.makedirs(folder, exist_ok=True)
            page.screenshot(path=os.path.join(folder, f"changes-{name}.png"), full_page=True)
    return take


def beijing_today():
    return (datetime.now(timezone.utc) + timedelta(hours=8)).date()


def fill_transfer(page, proof_path):
    dialog = page.get_by_test_id("transfer-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_test_id("transfer-reason").select_option("employer_moved")
    for name in ("employer", "credit_code", "address", "start_date"):
        dialog.get_by_test_id(f"transfer-{name}").fill(TRANSFER[name])
    dialog.get_by_test_id("transfer-employer_type").select_option(TRANSFER["employer_type"])
    dialog.get_by_test_id("transfer-industry").select_option(TRANSFER["industry"])
    dialog.get_by_test_id("dept-province").select_option("110000")       # 北京市: its districts sit right below
    dialog.get_by_test_id("dept-city").select_option("110105")
    expect(dialog.get_by_test_id("dept-chosen")).to_contain_text("朝阳区财政局")
    dialog.get_by_test_id("transfer-proof").set_input_files(str(proof_path))
    return dialog


def test_changes_transfer_and_titles_in_the_browser(page, stack, tmp_path, shot):
    _, person = approved_person(stack)
    person_login(page, stack, person["id_number"])
    expect(page.get_by_test_id("user-name")).to_have_text("王**")

    # --- 基本信息变更: a bad e-mail is refused at its field; a good one is approved at once ---------------
    page.goto("/changes")
    expect(page.get_by_test_id("collection-status")).to_contain_text("审核通过")
    expect(page.get_by_test_id("person-name")).to_have_text("王**")                  # masked
    expect(page.get_by_test_id("person-id_number")).to_contain_text("*****")
    page.get_by_test_id("basic-change").click()
    dialog = page.get_by_test_id("basic-dialog")
    dialog.get_by_test_id("email").fill("wang.lixin@")
    dialog.get_by_test_id("basic-save").click()
    expect(dialog.locator(".field-error[data-for='basic.email']")).to_contain_text("邮箱格式不正确")
    dialog.get_by_test_id("email").fill("wang.lixin@example.com")
    dialog.get_by_test_id("basic-save").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("panel-alert")).to_contain_text("自动审核通过")
    expect(page.get_by_test_id("basic-email")).to_have_text("wang.lixin@example.com")
    page.get_by_test_id("tab-history").click()
    row = page.get_by_test_id("change-row").first
    expect(row.get_by_test_id("change-mode")).to_have_text("自动审核")
    expect(row.get_by_test_id("change-status")).to_contain_text("审核通过")
    expect(row).to_contain_text("基本信息变更")
    row.get_by_test_id("change-detail").click()
    detail = page.get_by_test_id("change-detail-dialog")
    email = detail.locator("[data-testid='diff-row'][data-field='email']")
    expect(email).to_have_attribute("data-changed", "true")
    expect(email.locator("td.after")).to_have_text("wang.lixin@example.com")
    assert email.locator("td.after").evaluate("e => getComputedStyle(e).color") == "rgb(192, 38, 45)"   # red
    expect(detail.locator("[data-testid='diff-row'][data-field='address']")).to_have_attribute("data-changed", "false")
    shot(page, "1-basic-detail")
    detail.get_by_test_id("detail-close").click()

    # --- 工作经历变更: ending the current job waits for the department ---------------------------------
    end = (beijing_today() - timedelta(days=60)).isoformat()
    page.get_by_test_id("nav-work").click()
    page.get_by_test_id("work-row").first.get_by_test_id("work-change").click()
    dialog = page.get_by_test_id("work-dialog")
    dialog.get_by_test_id("work-until_now").uncheck()
    dialog.get_by_test_id("work-end_date").fill(end)
    dialog.get_by_test_id("work-save").click()
    # the accounting post is still 至今: refused next to the post's end date
    expect(dialog.locator(".field-error[data-for='posts.0.end_date']")).to_contain_text("不能晚于该单位工作结束时间")
    shot(page, "2-work-refused")
    dialog.get_by_test_id("post-until_now").uncheck()
    dialog.get_by_test_id("post-end_date").fill(end)
    dialog.get_by_test_id("work-save").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_test_id("panel-alert")).to_contain_text("等待所属会计管理部门审核")
    expect(page.get_by_test_id("pending-note")).to_be_visible()
    expect(page.get_by_test_id("work-change")).to_be_disabled()
    page.get_by_test_id("tab-history").click()
    row = page.get_by_test_id("change-row").first
    expect(row.get_by_test_id("change-mode")).to_have_text("人工审核")
    expect(row.get_by_test_id("change-status")).to_contain_text("审核中")
    change_id = row.get_attribute("data-id")
    row.get_by_test_id("change-detail").click()
    detail = page.get_by_test_id("change-detail-dialog")
    expect(detail.locator("[data-testid='diff-row'][data-field='end_date']")).to_have_attribute("data-changed", "true")
    expect(detail.locator("[data-testid='diff-row'][data-field='end_date'] td.after")).to_have_text(end)
    expect(detail.locator("[data-testid='diff-row'][data-field='employer']")).to_have_attribute("data-changed", "false")
    shot(page, "3-work-detail")
    detail.get_by_test_id("detail-close").click()

    # --- 调转申请 while that change is under review: refused, naming it ----------------------------------
    proof = tmp_path / "transfer-proof.jpg"
    proof.write_bytes(images.jpeg(300, 300, seed=81))
    page.goto("/transfers")
    expect(page.get_by_test_id("current-dept-name")).to_contain_text("上城区财政局")
    page.get_by_test_id("transfer-new").click()
    dialog = fill_transfer(page, proof)
    dialog.get_by_test_id("transfer-submit").click()
    expect(dialog.get_by_test_id("transfer-alert")).to_contain_text("存在审核中的信息变更申请")
    shot(page, "4-transfer-blocked")
    dialog.get_by_test_id("transfer-cancel").click()
    expect(page.get_by_test_id("transfer-empty")).to_be_visible()

    # --- 上城区 approves the work change; the page shows it and the new end date -----------------------
    decided = staff(stack, "reviewer330102").post(f"/api/v1/staff/reviews/change/{change_id}/decision",
                                                  json={"decision": "approve"})
    assert decided.status_code == 200 and decided.json()["status"] == "approved", decided.text
    page.goto("/changes#work")
    expect(page.get_by_test_id("work-period").first).to_have_text(f"2012-07-01 至 {end}")
    expect(page.get_by_test_id("pending-note")).to_have_count(0)
    page.get_by_test_id("tab-history").click()
    expect(page.get_by_test_id("change-row").first.get_by_test_id("change-status")).to_contain_text("审核通过")

    # --- now the transfer goes through; 北京市财政局 approves it --------------------------------------------
    page.goto("/transfers")
    page.get_by_test_id("transfer-new").click()
    dialog = fill_transfer(page, proof)
    dialog.get_by_test_id("transfer-submit").click()
    expect(dialog).to_be_hidden()
    row = page.get_by_test_id("transfer-row").first
    expect(row.get_by_test_id("transfer-status")).to_contain_text("审核中")
    expect(row.get_by_test_id("transfer-to")).to_contain_text("朝阳区财政局")
    transfer_id = row.get_attribute("data-id")
    decided = staff(stack, "reviewer110000").post(f"/api/v1/staff/reviews/transfer/{transfer_id}/decision",
                                                  json={"decision": "approve"})
    assert decided.status_code == 200 and decided.json()["status"] == "approved", decided.text
    page.reload()
    row = page.get_by_test_id("transfer-row").first
    expect(row.get_by_test_id("transfer-status")).to_contain_text("审核通过")
    expect(row.get_by_test_id("transfer-from")).to_contain_text("上城区财政局")
    expect(page.get_by_test_id("current-dept-name")).to_contain_text("朝阳区财政局")
    row.get_by_test_id("transfer-proof-preview").click()
    lightbox = page.get_by_test_id("lightbox")
    expect(lightbox).to_be_visible()
    src = lightbox.locator("img").get_attribute("src")
    assert requests.get(stack.url(src), timeout=10).content == proof.read_bytes()
    page.keyboard.press("Escape")
    shot(page, "5-transfers")

    # --- 职称管理: 自动获取 finds nothing for this person; a manual 初级 entry defaults to 助理会计师 -------------
    page.goto("/qualifications")
    page.get_by_test_id("qual-fetch").click()
    expect(page.get_by_test_id("qual-fetch-result")).to_contain_text("未获取到数据")
    page.get_by_test_id("qual-add").click()
    dialog = page.get_by_test_id("qual-dialog")
    dialog.get_by_test_id("qual-level").select_option("junior")
    expect(dialog.get_by_test_id("qual-title")).to_have_value("title_assistant")
    dialog.get_by_test_id("qual-obtained_date").fill("2014-06-15")
    dialog.get_by_test_id("qual-certificate_no").fill("3314100012345")
    certificate = tmp_path / "certificate.jpg"
    certificate.write_bytes(images.jpeg(600, 400, 30 * 1024, seed=90))
    dialog.get_by_test_id("qual-proof").set_input_files(str(certificate))
    dialog.get_by_test_id("qual-save").click()
    expect(dialog).to_be_hidden()
    row = page.get_by_test_id("qual-row").first
    expect(row.get_by_test_id("qual-status")).to_contain_text("审核中")
    expect(row.get_by_test_id("qual-title-cell")).to_have_text("助理会计师")
    shot(page, "6-qualifications")

    # --- 个人档案: everything, masked ----------------------------------------------------------------------
    page.goto("/archive")
    expect(page.get_by_test_id("archive-name")).to_have_text("王**")
    expect(page.get_by_test_id("archive-id-number")).to_contain_text("*****")
    expect(page.get_by_test_id("archive-department")).to_have_text("朝阳区财政局")
    expect(page.get_by_test_id("archive-change-row")).to_have_count(2)
    expect(page.get_by_test_id("archive-transfer-row").first).to_contain_text("审核通过")
    expect(page.get_by_test_id("archive-qual-row")).to_have_count(1)
    assert person["id_number"] not in page.content() and person["phone"] not in page.content()
    shot(page, "7-archive")
