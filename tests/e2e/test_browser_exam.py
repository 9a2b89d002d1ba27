"""会计专业技术资格考试 in Chromium, one journey per review mode, paid for real: the 网上缴费 page, the channels'
sandbox payer page standing for the phone, the payment service's events registering the enrollment.

考前 (浙江): a candidate with an approved 信息采集 goes 首页 → 选择考试 → 省份 → 阅读须知 → 通知公告 → a 报考条件 that
fails (and says why) → one that passes → 报名点 and 科目 → 证明材料 → 信息确认 → 审核告知; 浙江's reviewer returns
it with a reason on the proof; the candidate sees the reason in place, replaces the file and resubmits; the
reviewer approves; the candidate pays by QR (支付宝); the page says 报名成功 and the downloaded form carries the text.
考后 (北京): a new candidate types their record and is warned before paying that the work years are short;
重新报名 (deletes with a reason) and starts again with the last entry prefilled, is warned again on the exam page and
on the payment page, pays (微信) and downloads the form. Closed windows show their dates and refuse entry.
"""
import io
import re

from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e import exam_flow as flow
from tests.e2e.browser import new_page, pay_by_qr, person_login, staff_login
from tests.e2e.helpers import approved_person, verified_person
from tests.support import images
from tests.support.people import mainland_id


def to_province(page, level_label, region_code):
    page.goto("/")
    page.get_by_test_id("tile-exam").click()
    page.get_by_test_id("exam-row").filter(has_text=level_label).get_by_test_id("exam-enter").click()
    page.get_by_test_id(f"enter-{region_code}").click()
    accept_notices(page)


def accept_notices(page):
    expect(page.get_by_test_id("notice-body")).to_contain_text("网上报名承诺")
    page.get_by_test_id("notice-agree").check()
    page.get_by_test_id("notice-accept").click()
    expect(page.get_by_test_id("sec-announcement")).to_be_visible()
    expect(page.get_by_test_id("ann-body")).to_contain_text("报考人员必读事项")
    page.get_by_test_id("ann-accept").click()
    expect(page.get_by_test_id("sec-route")).to_be_visible()


def upload(page, slot, data):
    page.get_by_test_id(f"proof-file-{slot}").set_input_files({"name": f"{slot}.jpg", "mimeType": "image/jpeg",
                                                               "buffer": data})
    page.get_by_test_id(f"proof-upload-{slot}").click()
    expect(page.get_by_test_id("toast").filter(has_text="已上传")).to_be_visible()
    expect(page.get_by_test_id(f"proof-link-{slot}")).to_be_visible()


def test_pre_exam_province_from_exam_list_to_printed_form(browser, stack):
    http, person = approved_person(stack, client_ip=True, id_number=mainland_id(region="330102"),
                                   name="孙报考")
    page = new_page(browser, stack)
    person_login(page, stack, person["id_number"])
    expect(page.get_by_test_id("user-name")).to_be_visible()
    to_province(page, "中级", "330000")
    expect(page.get_by_test_id("route-info")).to_contain_text("浙江省")
    expect(page.get_by_test_id("route-why-master_1")).to_contain_text("未找到已取得的硕士学位")
    page.get_by_test_id("route-master_1").locator("input").check()
    page.get_by_test_id("route-next").click()
    expect(page.get_by_test_id("sec-route").locator(".form-alert")).to_contain_text("硕士学位")
    page.get_by_test_id("route-bachelor_4").locator("input").check()
    page.get_by_test_id("route-next").click()

    expect(page.get_by_test_id("sec-info")).to_be_visible()
    expect(page.get_by_test_id("exam-steps").locator("li.current")).to_contain_text("填写报名信息")
    expect(page.get_by_test_id("profile-education")).to_contain_text("浙江财经大学")
    expect(page.get_by_test_id("person-box")).to_contain_text("孙*")
    site = page.get_by_test_id("site").locator("option", has_text="上城区报名点")
    expect(site).to_contain_text("剩余名额")
    page.get_by_test_id("site").select_option(site.get_attribute("value"))
    page.get_by_test_id("subject-intermediate_practice").check()
    page.get_by_test_id("subject-financial_management").check()
    page.get_by_test_id("info-next").click()

    expect(page.get_by_test_id("sec-proofs")).to_be_visible()
    expect(page.get_by_test_id("exam-steps").locator("li.current")).to_contain_text("证明材料上传")
    upload(page, "work_certificate", images.jpeg(800, 600, 20 * 1024, seed=91))
    page.get_by_test_id("proofs-next").click()
    expect(page.get_by_test_id("confirm-subjects")).to_have_text("中级会计实务、财务管理")
    expect(page.get_by_test_id("confirm-amount")).to_have_text("140.00 元")
    page.get_by_test_id("submit-enrollment").click()

    expect(page.get_by_test_id("sec-result")).to_be_visible()
    expect(page.get_by_test_id("result-status")).to_have_text("待审核")
    expect(page.get_by_test_id("accepting-department")).to_have_text("浙江省财政厅")
    expect(page.get_by_test_id("exam-steps").locator("li.current")).to_contain_text("资格审核")
    expect(page.get_by_test_id("textbook-qr")).to_be_visible()
    number = page.get_by_test_id("enrollment-no").inner_text()
    assert re.fullmatch(r"\d{16}", number)
    expect(page.get_by_test_id("pay-link")).to_be_hidden()

    reviewer = new_page(browser, stack)
    staff_login(reviewer, stack, flow.STAFF["330000"], next_path="/staff/exam/reviews")
    reviewer.get_by_test_id("queue-row").filter(has_text=number).get_by_test_id("queue-open").click()
    expect(reviewer.get_by_test_id("detail-name")).to_have_text("孙报考")
    reviewer.get_by_test_id("reason-work_certificate").fill("证明未加盖单位公章，请重新上传")
    reviewer.get_by_test_id("decide-return").click()
    expect(reviewer.get_by_test_id("detail-status")).to_have_text("审核退回")

    page.reload()
    expect(page.get_by_test_id("result-status")).to_have_text("审核退回")
    expect(page.get_by_test_id("result-reasons")).to_contain_text("证明未加盖单位公章")
    page.get_by_test_id("edit-enrollment").click()
    page.get_by_test_id("info-next").click()
    expect(page.get_by_test_id("proof-reason-work_certificate")).to_contain_text("证明未加盖单位公章")
    upload(page, "work_certificate", images.jpeg(800, 600, 21 * 1024, seed=92))
    expect(page.get_by_test_id("proof-reason-work_certificate")).to_have_count(0)
    page.get_by_test_id("proofs-next").click()
    page.get_by_test_id("submit-enrollment").click()
    expect(page.get_by_test_id("result-status")).to_have_text("待审核")

    reviewer.get_by_test_id("q-returned").click()
    reviewer.get_by_test_id("q-submitted").click()
    reviewer.get_by_test_id("queue-row").filter(has_text=number).get_by_test_id("queue-open").click()
    reviewer.get_by_test_id("decide-approve").click()
    expect(reviewer.get_by_test_id("detail-status")).to_have_text("审核通过，待缴费")
    reviewer.context.close()

    page.reload()
    expect(page.get_by_test_id("pay-link")).to_be_visible()
    enrollment_id = page.url.rsplit("/", 1)[-1]
    pay_by_qr(page, stack, "alipay")
    expect(page.get_by_test_id("paid-info")).to_contain_text("已通过支付宝支付 ¥140.00")
    page.goto(f"/exam/enrollments/{enrollment_id}")
    expect(page.get_by_test_id("result-status")).to_have_text("报名成功")
    expect(page.get_by_test_id("exam-steps").locator("li.current")).to_contain_text("报名成功")
    expect(page.get_by_test_id("restart")).to_be_hidden()
    with page.expect_download() as download:
        page.get_by_test_id("form-pdf").click()
    pdf = download.value
    assert pdf.suggested_filename == f"报名表-{number}.pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(open(pdf.path(), "rb").read())).pages)
    for expected in (number, "孙报考", "浙江省", "上城区报名点", "中级会计实务、财务管理", "140.00元", "报名成功"):
        assert expected in text, (expected, text)


def fill_post_exam_enrollment(page, fill_entered):
    """报考条件 本科4年, 报名点, 经济法 and, for a new candidate, the record typed in (short work years)."""
    if fill_entered:
        expect(page.get_by_test_id("route-bachelor_4")).to_contain_text("填写报名信息后核验")
    page.get_by_test_id("route-bachelor_4").locator("input").check()
    page.get_by_test_id("route-next").click()
    expect(page.get_by_test_id("entered-box")).to_be_visible()
    page.get_by_test_id("site").select_option(index=1)
    page.get_by_test_id("subject-economic_law").check()
    if fill_entered:
        page.get_by_test_id("info-next").click()
        expect(page.get_by_test_id("sec-info").locator('.field-error[data-for="entered.school"]')).to_have_text(
            "请填写毕业院校")
        page.get_by_test_id("e-education_level").select_option("bachelor")
        page.get_by_test_id("e-degree").select_option("bachelor")
        page.get_by_test_id("e-study_mode").select_option("full_time")
        page.get_by_test_id("e-school").fill("首都经济贸易大学")
        page.get_by_test_id("e-major").fill("会计学")
        page.get_by_test_id("e-graduated_on").fill("2020-06-30")
        page.get_by_test_id("e-accounting_started_on").fill("2024-07-01")
    else:                                                       # 重新报名: the last entry is prefilled
        expect(page.get_by_test_id("e-school")).to_have_value("首都经济贸易大学")
        expect(page.get_by_test_id("e-accounting_started_on")).to_have_value("2024-07-01")
    page.get_by_test_id("info-next").click()
    expect(page.get_by_test_id("sec-proofs")).to_be_visible()
    upload(page, "photo", images.jpeg(320, 440, 12 * 1024, seed=82))
    page.get_by_test_id("proofs-next").click()
    expect(page.get_by_test_id("confirm-warnings")).to_contain_text("还差")
    page.get_by_test_id("submit-enrollment").click()
    expect(page.get_by_test_id("result-status")).to_have_text("待缴费")
    expect(page.get_by_test_id("result-warnings")).to_contain_text("缴费前请注意")
    expect(page.get_by_test_id("result-warnings")).to_contain_text("考后资格审核")
    expect(page.get_by_test_id("pay-link")).to_be_visible()
    expect(page.get_by_test_id("exam-steps").locator("li.current")).to_contain_text("网上缴费")


def test_post_exam_province_warns_before_paying_restarts_and_pays(browser, stack):
    http, person = verified_person(stack, client_ip=True, id_number=mainland_id(region="110105"),
                                   name="周新考")
    page = new_page(browser, stack)
    person_login(page, stack, person["id_number"])
    expect(page.get_by_test_id("user-name")).to_be_visible()
    to_province(page, "中级", "110000")
    fill_post_exam_enrollment(page, fill_entered=True)

    page.get_by_test_id("restart").click()
    page.get_by_test_id("restart-reason").fill("报名点选错")
    page.get_by_test_id("restart-confirm").click()
    page.wait_for_url("**/provinces")
    page.get_by_test_id("enter-110000").click()
    accept_notices(page)
    fill_post_exam_enrollment(page, fill_entered=False)
    enrollment_id = page.url.rsplit("/", 1)[-1]
    number = page.get_by_test_id("enrollment-no").inner_text()

    page.get_by_test_id("pay-link").click()
    page.wait_for_url("**/payment")
    expect(page.get_by_test_id("payment-warnings")).to_contain_text("缴费前请注意")     # warned again before paying
    expect(page.get_by_test_id("payment-warnings")).to_contain_text("还差")
    page.goto(f"/exam/enrollments/{enrollment_id}")
    pay_by_qr(page, stack, "wechat")
    expect(page.get_by_test_id("payment-warnings")).to_be_hidden()
    page.goto(f"/exam/enrollments/{enrollment_id}")
    expect(page.get_by_test_id("result-status")).to_have_text("报名成功")
    expect(page.get_by_test_id("restart")).to_be_hidden()                # after payment nothing can change
    with page.expect_download() as download:
        page.get_by_test_id("form-pdf").click()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(open(download.value.path(), "rb").read())).pages)
    for expected in (number, "周新考", "北京市", "经济法", "60.00元", "报名成功"):
        assert expected in text, (expected, text)
    mine = http.get("/api/v1/exam/enrollments").json()
    assert [(e["region_code"], e["status"]) for e in mine] == [("110000", "paid"), ("110000", "deleted")]


def test_closed_and_unopened_windows_show_their_dates_and_refuse_entry(browser, stack):
    http, person = verified_person(stack, client_ip=True)
    exam_id = flow.plans(http)["junior"]
    page = new_page(browser, stack)
    page.goto(f"/exam/{exam_id}/provinces")
    expect(page.get_by_test_id("state-120000")).to_have_text("已结束")
    expect(page.get_by_test_id("state-310000")).to_have_text("未开始")
    expect(page.get_by_test_id("enter-120000")).to_have_count(0)
    row = page.locator('tr[data-region="120000"]')
    expect(row).to_contain_text(" 至 ")
    page.get_by_test_id("phone-120000").click()
    expect(page.get_by_test_id("phone-dialog-text")).to_contain_text("天津市咨询电话：022-12345")
    person_login(page, stack, person["id_number"], next_path=f"/exam/{exam_id}/provinces/120000/notice")
    expect(page.get_by_test_id("user-name")).to_be_visible()
    page.wait_for_url("**/notice")
    expect(page.get_by_test_id("notice-body")).to_contain_text("网上报名承诺")
    page.get_by_test_id("notice-agree").check()
    page.get_by_test_id("notice-accept").click()
    expect(page.get_by_test_id("notice-form").locator(".form-alert")).to_contain_text("报名时间已结束")
    assert http.get("/api/v1/exam/enrollments").json() == []
