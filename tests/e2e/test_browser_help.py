"""帮助中心, 咨询答疑, the 职称 row actions and the current divisions in Chromium: a person asks 上城区 a question
and sees the answer of 杭州市's reviewer, follows up; the reviewer publishes the answer to the help center; the
help center's search understands a Chinese question; each 职称 row action (更新 删除 编辑 打印) as the rules allow;
临平区 (created 2021) is a department one can choose."""
import json
import random
from datetime import date

from playwright.sync_api import expect

from profiles.adapters.qualifications import derived_records
from tests.e2e.browser import new_page, person_login, staff_login
from tests.e2e.helpers import approved_person, verified_person
from tests.support import images
from tests.support.people import mainland_id


def logged_in(browser, stack, person, path):
    page = new_page(browser, stack)
    person_login(page, stack, person["id_number"], next_path=path)
    page.wait_for_url(f"**{path}")
    return page


def test_ask_a_question_and_see_the_staff_answer(browser, stack):
    _, person = approved_person(stack, name="问询人")
    page = logged_in(browser, stack, person, "/questions")
    expect(page.get_by_test_id("ask-module").locator("option")).not_to_have_count(0)
    expect(page.locator("#ask-department")).to_be_hidden()        # the collection's department answers
    page.get_by_test_id("ask-submit").click()                      # empty: refused at the fields
    expect(page.locator("#ask-form .field-error[data-for='title']")).not_to_be_empty()
    page.get_by_test_id("ask-module").select_option("collection")
    page.get_by_test_id("ask-title").fill("证件照被退回怎么办")
    page.get_by_test_id("ask-text").fill("审核退回说照片不清晰，需要重新采集吗？")
    page.get_by_test_id("ask-submit").click()
    question = page.get_by_test_id("question").filter(has_text="证件照被退回怎么办")
    expect(question.get_by_test_id("question-status")).to_have_text("待答复")

    staff = new_page(browser, stack)
    staff_login(staff, stack, "reviewer330100", next_path="/staff/questions")   # 杭州市: above 上城区
    item = staff.get_by_test_id("staff-question").filter(has_text="证件照被退回怎么办")
    expect(item).to_contain_text("问*")                              # the name is masked
    item.get_by_test_id("answer-text").fill("不需要重新采集，在信息采集中重新上传合格的证件照后再次提交即可。")
    item.get_by_test_id("answer-submit").click()
    expect(staff.get_by_test_id("staff-question").filter(has_text="证件照被退回怎么办")).to_have_count(0)
    staff.get_by_test_id("questions-answered").click()
    answered = staff.get_by_test_id("staff-question").filter(has_text="证件照被退回怎么办")
    answered.get_by_test_id("publish-toggle").click()
    expect(answered.get_by_test_id("publish-answer")).to_have_value("不需要重新采集，在信息采集中重新上传合格的证件照后再次提交即可。")
    answered.get_by_test_id("publish-submit").click()
    expect(staff.get_by_test_id("page-alert")).to_contain_text("已发布到帮助中心")

    page.reload()
    question = page.get_by_test_id("question").filter(has_text="证件照被退回怎么办")
    expect(question.get_by_test_id("question-status")).to_have_text("已答复")
    expect(question.get_by_test_id("message-staff")).to_contain_text("不需要重新采集")
    question.get_by_test_id("follow-text").fill("重新上传后需要多久审核？")
    question.get_by_test_id("follow-submit").click()
    question = page.get_by_test_id("question").filter(has_text="证件照被退回怎么办")
    expect(question.get_by_test_id("question-status")).to_have_text("待答复")
    expect(question.get_by_test_id("message-person")).to_have_count(2)

    page.goto("/help")
    expect(page.get_by_test_id("answer-item").filter(has_text="证件照被退回怎么办")).to_have_count(1)
    page.context.close()
    staff.context.close()


def test_search_the_help_center_in_chinese(page):
    page.goto("/help")
    expect(page.get_by_test_id("guide-link-collection")).to_have_text("信息采集")
    page.get_by_test_id("help-center-q").fill("照片不合格怎么办")
    page.get_by_test_id("help-center-submit").click()
    page.wait_for_url("**/help/search?q=*")
    results = page.get_by_test_id("search-result")
    expect(results.first).to_contain_text("照片")
    expect(results.first.locator("mark").first).to_have_text("照片")
    expect(page.get_by_test_id("search-results")).to_contain_text("3.3. 基本信息")
    page.get_by_test_id("search-result").filter(has_text="3.3. 基本信息").locator("a").click()
    page.wait_for_url("**/help/guides/collection#s3-3")
    expect(page.locator("#s3-3")).to_contain_text("295 × 413")
    page.goto("/help/search?q=" + "忘记密码")
    expect(page.get_by_test_id("search-result").first).to_contain_text("忘记密码")


def _library_id_number() -> tuple[str, object]:
    """An ID number of 上城区 that the library sandbox holds a certificate for."""
    while True:
        number = mainland_id(region="330102")
        records = derived_records(number, date.today())
        if records and number[14:16] not in ("98", "99"):
            return number, records[0]


def test_each_qualification_row_action(browser, stack):
    number, record = _library_id_number()
    http, person = approved_person(stack, id_number=number, name="职称人")
    proof = images.jpeg(400, 300, 20 * 1024, seed=91)
    own = {"category": "accounting", "level": "intermediate", "way": "exam", "obtained_date": "2016-10-15",
           "certificate_no": f"Z16330102{random.randrange(10 ** 5):05d}"}
    known = {"category": "accounting", "level": record.level, "way": record.way,
             "obtained_date": record.obtained_on.isoformat(), "certificate_no": record.certificate_no}
    for entry in (own, known):
        sent = http.post("/api/v1/qualifications", data={"data": json.dumps(entry)},
                         files={"proof": ("certificate.jpg", proof, "image/jpeg")})
        assert sent.status_code == 201, sent.text

    page = logged_in(browser, stack, person, "/qualifications")
    mine = page.get_by_test_id("qual-row").filter(has_text=own["certificate_no"])
    expect(mine.get_by_test_id("qual-obtained")).to_have_text("未获取")
    expect(mine.get_by_test_id("qual-origin")).to_contain_text("人工审核")
    expect(mine.get_by_test_id("qual-print")).to_be_disabled()
    expect(mine.get_by_test_id("qual-print")).to_have_attribute("title", "职称获取（审核通过）后才能打印")

    # 编辑: the dialog holds the entry; a corrected number goes to review again
    mine.get_by_test_id("qual-edit").click()
    dialog = page.get_by_test_id("qual-dialog")
    expect(page.get_by_test_id("qual-dialog-title")).to_have_text("编辑会计专业技术资格")
    expect(dialog.locator("input[name='certificate_no']")).to_have_value(own["certificate_no"])
    corrected = own["certificate_no"][:-1] + str((int(own["certificate_no"][-1]) + 1) % 10)
    dialog.locator("input[name='certificate_no']").fill(corrected)
    dialog.locator("button[type='submit']").click()
    expect(dialog).to_be_hidden()
    mine = page.get_by_test_id("qual-row").filter(has_text=corrected)
    expect(mine).to_have_count(1)

    # 更新: the library knows the other certificate: it becomes a system record, obtained, printable
    known_row = page.get_by_test_id("qual-row").filter(has_text=record.certificate_no)
    known_row.get_by_test_id("qual-update").click()
    expect(page.get_by_test_id("page-alert")).to_contain_text("获取更新成功")
    known_row = page.get_by_test_id("qual-row").filter(has_text=record.certificate_no)
    expect(known_row.get_by_test_id("qual-obtained")).to_have_text("已获取")
    expect(known_row.get_by_test_id("qual-origin")).to_contain_text("系统记录")
    expect(known_row.get_by_test_id("qual-delete")).to_be_disabled()
    expect(known_row.get_by_test_id("qual-edit")).to_be_disabled()

    # 打印: a printable record in a new tab
    with page.context.expect_page() as opened:
        known_row.get_by_test_id("qual-print").click()
    printed = opened.value
    printed.wait_for_load_state()
    expect(printed.get_by_test_id("print-certificate")).to_have_text(record.certificate_no)
    expect(printed.get_by_test_id("print-obtained")).to_have_text("已获取")
    expect(printed.get_by_test_id("print-button")).to_be_visible()
    printed.close()

    # 删除: after confirming, the own entry is gone
    mine.get_by_test_id("qual-delete").click()
    page.get_by_test_id("confirm-ok").click()
    expect(page.get_by_test_id("qual-row").filter(has_text=corrected)).to_have_count(0)
    expect(page.get_by_test_id("page-alert")).to_contain_text("已删除")
    page.context.close()


def test_linping_is_selectable(browser, stack):
    http, person = verified_person(stack)
    assert http.post("/api/v1/collection").status_code == 201
    page = logged_in(browser, stack, person, "/collection")
    page.get_by_test_id("nav-department").click()
    page.get_by_test_id("dept-province").select_option("330000")
    page.get_by_test_id("dept-city").select_option("330100")
    counties = page.get_by_test_id("dept-county")
    expect(counties.locator("option[value='330113']")).to_have_text("临平区")
    expect(counties.locator("option[value='330114']")).to_have_text("钱塘区")
    counties.select_option("330113")
    expect(page.get_by_test_id("dept-chosen")).to_contain_text("临平区财政局")
    page.context.close()
