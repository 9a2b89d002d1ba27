"""继续教育 in Chromium (manual 004 §8): a person with an approved collection adds an offline training with two
training rows and a paper as second author, sees each preview, submits; 上城区's reviewer returns the paper with a
reason (the PDF inline) and approves the training; the person fixes the paper (first author) and resubmits; after
approval the yearly table and the year's detail show the totals and what is still missing. Bad input over HTTP:
a PDF over 2 MB, a renamed image, an end before a start, a future year, another person's application — 4xx with
the field named and nothing saved."""
import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.e2e.browser import new_page, person_login, staff_login
from tests.e2e.helpers import approved_person, verified_person
from tests.support import images
from tests.support.people import mainland_id

TODAY = date.today()
YEAR = TODAY.year
START = max(date(YEAR, 1, 1), TODAY - timedelta(days=3))
END = min(TODAY, START + timedelta(days=1))
PAPER = {"published_on": START.isoformat(), "title": "数字化转型下的管理会计", "authors": "李明、王芳", "journal": "会计研究",
         "issue": f"{YEAR}年第2期", "journal_no_kind": "CN", "journal_no": "CN11-1078/F", "author_rank": "other"}


def pdf_file(name="证明.pdf"):
    return {"name": name, "mimeType": "application/pdf", "buffer": images.pdf(2)}


def add_row(page, subject_type, subject, sub_subject, minutes, content):
    page.get_by_test_id("cpe-add-row").click()
    editor = page.get_by_test_id("cpe-row-editor")
    editor.get_by_test_id("cpe-subject_type").select_option(subject_type)
    editor.get_by_test_id("cpe-subject").fill(subject)
    editor.get_by_test_id("cpe-sub_subject").fill(sub_subject)
    editor.get_by_test_id("cpe-minutes").fill(str(minutes))
    editor.get_by_test_id("cpe-content").fill(content)
    editor.get_by_test_id("cpe-row-ok").click()


def test_cpe_journey_in_the_browser(browser, stack):
    http, person = approved_person(stack, id_number=mainland_id(region="330102"), name="孙继学")
    page = new_page(browser, stack)
    person_login(page, stack, person["id_number"], next_path="/cpe")
    expect(page.get_by_test_id("cpe-current-status")).to_contain_text("还差90学分")

    # --- 线下培训 with two 培训经历, the end before the start refused at its field first ---------------------
    page.goto("/cpe/applications")
    page.get_by_test_id("cpe-new-professional").click()
    page.get_by_test_id("cpe-form-select").select_option("offline_training")
    page.get_by_test_id("cpe-start_date").fill(START.isoformat())
    expect(page.get_by_test_id("cpe-year")).to_have_value(str(YEAR))             # 年度 derived, not editable
    expect(page.get_by_test_id("cpe-year")).to_have_attribute("readonly", "")
    page.get_by_test_id("cpe-end_date").fill((START - timedelta(days=1)).isoformat())
    page.get_by_test_id("cpe-institution").fill("浙江省会计人员继续教育示范培训中心")
    add_row(page, "管理会计", "管理会计实务", "成本管理", 450, "成本管理工具与方法")
    add_row(page, "税收法规", "税法", "增值税", 225, "增值税新规解读")
    expect(page.get_by_test_id("cpe-row")).to_have_count(2)
    page.get_by_test_id("cpe-preview-btn").click()
    expect(page.locator('.field-error[data-for="data.end_date"]')).to_contain_text("结束时间不能早于开始时间")
    page.get_by_test_id("cpe-end_date").fill(END.isoformat())
    page.get_by_test_id("cpe-attachment").set_input_files(pdf_file("培训证明.pdf"))
    page.get_by_test_id("cpe-preview-btn").click()
    expect(page.get_by_test_id("cpe-preview")).to_have_text(f"计为 {YEAR} 年专业科目 45 学分；提交后 {YEAR} 年共 45/90 学分")
    expect(page.get_by_test_id("cpe-row").first).to_contain_text("30")
    page.get_by_test_id("cpe-submit").click()
    page.wait_for_url("**/cpe/applications?submitted=1")

    # --- 论文 as the second author (其他作者: 10) -------------------------------------------------------------
    page.get_by_test_id("cpe-new-professional").click()
    page.get_by_test_id("cpe-form-select").select_option("paper")
    for key in ("published_on", "title", "authors", "journal", "issue", "journal_no"):
        page.get_by_test_id(f"cpe-{key}").fill(PAPER[key])
    page.get_by_test_id("cpe-author_rank").select_option("other")
    expect(page.get_by_test_id("cpe-year")).to_have_value(str(YEAR))
    page.get_by_test_id("cpe-attachment").set_input_files(pdf_file("论文.pdf"))
    page.get_by_test_id("cpe-preview-btn").click()
    expect(page.get_by_test_id("cpe-preview")).to_have_text(f"计为 {YEAR} 年专业科目 10 学分；提交后 {YEAR} 年共 10/90 学分")
    page.get_by_test_id("cpe-submit").click()
    page.wait_for_url("**/cpe/applications?submitted=1")
    expect(page.get_by_test_id("cpe-app-row").filter(has_text="待审核")).to_have_count(2)

    # --- 上城区 returns the paper with a reason (PDF inline) and approves the training ---------------------
    reviewer = new_page(browser, stack)
    staff_login(reviewer, stack, "reviewer330102", next_path="/staff/cpe")
    expect(reviewer.get_by_test_id("staff-name")).to_be_visible()
    mine = reviewer.get_by_test_id("cpe-queue-row").filter(has_text="孙")
    expect(mine).to_have_count(2)
    mine.filter(has_text="论文").get_by_test_id("cpe-queue-open").click()
    detail = reviewer.get_by_test_id("cpe-review-detail")
    expect(detail).to_contain_text("数字化转型下的管理会计")
    frame = reviewer.get_by_test_id("cpe-pdf-frame")
    expect(frame).to_be_visible()
    pdf = reviewer.request.get(frame.get_attribute("src"))
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    reviewer.get_by_test_id("cpe-return").click()
    expect(reviewer.locator('.field-error[data-for="reason"]')).to_contain_text("请填写退回原因")
    reviewer.get_by_test_id("cpe-reason").fill("论文第二作者只计10学分；如为第一作者请上传期刊目录页证明")
    reviewer.get_by_test_id("cpe-return").click()
    expect(mine).to_have_count(1)
    mine.get_by_test_id("cpe-queue-open").click()
    expect(detail).to_contain_text("成本管理工具与方法")
    reviewer.get_by_test_id("cpe-approve").click()
    expect(reviewer.get_by_test_id("cpe-queue-row").filter(has_text="孙")).to_have_count(0)

    # --- the person fixes the paper and resubmits ------------------------------------------------------------
    page.goto("/cpe/applications")
    returned = page.get_by_test_id("cpe-app-row").filter(has_text="已退回")
    expect(returned).to_contain_text("期刊目录页")
    returned.get_by_test_id("cpe-app-open").click()
    expect(page.get_by_test_id("cpe-return-reason")).to_contain_text("期刊目录页")
    page.get_by_test_id("cpe-author_rank").select_option("first")
    page.get_by_test_id("cpe-attachment").set_input_files(pdf_file("期刊目录页.pdf"))
    page.get_by_test_id("cpe-preview-btn").click()
    expect(page.get_by_test_id("cpe-preview")).to_have_text(f"计为 {YEAR} 年专业科目 30 学分；提交后 {YEAR} 年共 75/90 学分")
    page.get_by_test_id("cpe-submit").click()
    page.wait_for_url("**/cpe/applications?submitted=1")
    reviewer.get_by_test_id("cq-pending").click()
    reviewer.get_by_test_id("cpe-queue-row").filter(has_text="孙").get_by_test_id("cpe-queue-open").click()
    reviewer.get_by_test_id("cpe-approve").click()
    expect(reviewer.get_by_test_id("cpe-queue-row").filter(has_text="孙")).to_have_count(0)

    # --- the yearly table and the year's detail -----------------------------------------------------------------
    page.goto("/cpe")
    row = page.get_by_test_id("cpe-year-row").filter(has_text=str(YEAR))
    expect(row.locator("td")).to_have_text(["1", str(YEAR), "75", "0", "75", "查看"])
    expect(page.get_by_test_id("cpe-current-status")).to_contain_text("还差15学分")
    row.get_by_test_id("cpe-year-view").click()
    page.wait_for_url(f"**/cpe/years/{YEAR}")
    expect(page.get_by_test_id("cpe-entry-row")).to_have_count(2)
    expect(page.get_by_test_id("cpe-year-table")).to_contain_text("个人申请")
    expect(page.get_by_test_id("cpe-year-table")).to_contain_text("线下培训申请")
    expect(page.get_by_test_id("cpe-year-table")).to_contain_text("论文申请")
    expect(page.get_by_test_id("cpe-year-status")).to_contain_text(re.compile("未达标：还差15学分.*线上培训"))
    reviewer.context.close()
    page.context.close()


def test_cpe_bad_input_is_refused_with_the_field(stack):
    http, person = approved_person(stack, id_number=mainland_id(region="330102"), name="周校验")
    base = {"form": "offline_training", "data": {
        "start_date": START.isoformat(), "end_date": (START - timedelta(days=1)).isoformat(), "institution": "某机构",
        "rows": [{"subject_type": "管理会计", "subject": "管理会计", "sub_subject": "预算", "minutes": 90, "content": "预算"}]}}
    end_first = http.post("/api/v1/cpe/applications", json=base)
    assert end_first.status_code == 422 and "data.end_date" in end_first.json()["errors"], end_first.text
    future = http.post("/api/v1/cpe/applications", json={"form": "paper", "data": {
        **PAPER, "published_on": f"{YEAR + 1}-01-05"}})
    assert future.status_code == 422 and future.json()["code"] == "FUTURE_YEAR"
    assert "data.published_on" in future.json()["errors"]
    assert http.get("/api/v1/cpe/applications").json() == []                          # nothing saved

    draft = http.post("/api/v1/cpe/applications", json={"form": "paper", "data": PAPER})
    assert draft.status_code == 201, draft.text
    app_id = draft.json()["id"]
    big = http.post(f"/api/v1/cpe/applications/{app_id}/attachment",
                    files={"file": ("big.pdf", images.pdf() + b" " * (2 * 1024 * 1024), "application/pdf")})
    assert big.status_code in (413, 422) and "attachment" in big.json()["errors"], big.text
    renamed = http.post(f"/api/v1/cpe/applications/{app_id}/attachment",
                        files={"file": ("scan.pdf", images.jpeg(600, 400, seed=5), "application/pdf")})
    assert renamed.status_code == 422 and renamed.json()["code"] == "UPLOAD_TYPE"
    assert "attachment" in renamed.json()["errors"]
    assert http.get(f"/api/v1/cpe/applications/{app_id}").json()["attachment"] is None
    unsent = http.post(f"/api/v1/cpe/applications/{app_id}/submission")
    assert unsent.status_code == 422 and "attachment" in unsent.json()["errors"]

    other, _ = verified_person(stack)
    for method, path in (("GET", ""), ("POST", "/submission"), ("POST", "/withdrawal")):
        refused = other.request(method, f"/api/v1/cpe/applications/{app_id}{path}")
        assert refused.status_code == 404 and "application_id" in refused.json()["errors"], refused.text
    assert other.put(f"/api/v1/cpe/applications/{app_id}", json={"form": "paper", "data": PAPER}).status_code == 404
    assert http.get(f"/api/v1/cpe/applications/{app_id}").json()["status"] == "draft"


def test_cpe_pages_keep_the_policy_and_institutions_report_by_csv(browser, stack):
    """Every 继续教育 page under the strict CSP with named buttons, and 机构报送 in the browser: the province's staff
    register an institution and upload a CSV; good rows are credited as 机构报送, the rest listed by line."""
    from tests.e2e.test_browser_csp import Watch

    http, person = approved_person(stack, id_number=mainland_id(region="330102"), name="吴报送")
    watch = Watch(browser, stack)
    person_login(watch.page, stack, person["id_number"], next_path="/cpe")
    expect(watch.page.get_by_test_id("cpe-current-status")).to_be_visible()
    watch.settle()
    for path in (f"/cpe/years/{YEAR}", "/cpe/applications", "/cpe/applications/new?kind=professional",
                 "/cpe/applications/new?kind=public"):
        watch.visit(path)
    expect(watch.page.get_by_test_id("cpe-form-select")).to_be_hidden()          # 公需科目: no form to choose
    watch.page.get_by_test_id("cpe-add-row").click()
    expect(watch.page.get_by_test_id("cpe-row-editor")).to_be_visible()
    watch.check()
    watch.page.context.close()

    staff = Watch(browser, stack)
    staff_login(staff.page, stack, "reviewer330000", next_path="/staff/cpe/reports")
    expect(staff.page.get_by_test_id("staff-name")).to_be_visible()        # the login went through
    staff.visit("/staff/cpe")
    staff.visit("/staff/cpe/reports")
    staff.page.get_by_test_id("cpe-institution-name").fill("杭州会计人员培训学校")
    staff.page.get_by_test_id("cpe-institution-province").fill("330000")
    staff.page.get_by_test_id("cpe-institution-submit").click()
    expect(staff.page.get_by_test_id("cpe-institution").locator("option", has_text="杭州会计人员培训学校")).to_have_count(1)
    staff.page.get_by_test_id("cpe-institution").select_option(label="杭州会计人员培训学校")
    csv = ("证件号码,姓名,科目类型,课程名称,培训开始日期,培训结束日期,培训时长（分钟）\n"
           f"{person['id_number']},吴报送,专业科目,内部控制实务,{START.isoformat()},{START.isoformat()},270\n"
           f"{person['id_number']},吴报送,专业科目,内部控制实务,{START.isoformat()},{START.isoformat()},270\n"
           f"{person['id_number']},吴报送,其他,财税,{START.isoformat()},{START.isoformat()},90\n")
    staff.page.get_by_test_id("cpe-report-file").set_input_files({"name": "report.csv", "mimeType": "text/csv",
                                                                   "buffer": csv.encode()})
    staff.page.get_by_test_id("cpe-report-submit").click()
    expect(staff.page.get_by_test_id("cpe-report-summary")).to_contain_text("计入 1 行，未计入 2 行")
    expect(staff.page.get_by_test_id("cpe-report-error")).to_have_count(2)
    expect(staff.page.get_by_test_id("cpe-report-error").nth(1)).to_contain_text("科目类型")
    correction = staff.page.get_by_test_id("cpe-correction-form")
    correction.get_by_test_id("cpe-correction-id").fill(person["id_number"])
    correction.get_by_test_id("cpe-correction-year").fill(str(YEAR - 2))
    correction.get_by_test_id("cpe-correction-credits").fill("-5")
    correction.get_by_test_id("cpe-correction-reason").fill("往年学分核减")
    correction.get_by_test_id("cpe-correction-submit").click()
    expect(correction.locator('.field-error[data-for="credits"]')).to_contain_text("不能小于0")
    correction.get_by_test_id("cpe-correction-credits").fill("20")
    correction.get_by_test_id("cpe-correction-submit").click()
    expect(correction).to_contain_text("往年学分核减，20 学分")
    rules = staff.page.get_by_test_id("cpe-rules-form")
    rules.get_by_test_id("cpe-rules-province").fill("330000")
    rules.get_by_test_id("cpe-rules-from").fill("2020-01-01")
    rules.get_by_test_id("cpe-rules-submit").click()
    expect(rules.locator('.field-error[data-for="effective_from"]')).to_contain_text("不能早于今天")
    rules.get_by_test_id("cpe-rules-from").fill((TODAY + timedelta(days=30)).isoformat())
    rules.get_by_test_id("cpe-rules-credits").fill("2")
    rules.get_by_test_id("cpe-rules-submit").click()
    expect(staff.page.get_by_test_id("cpe-rules-body")).to_contain_text((TODAY + timedelta(days=30)).isoformat())
    staff.check()
    staff.page.context.close()
    assert http.get(f"/api/v1/cpe/years/{YEAR - 2}").json()["entries"][0]["method_label"] == "管理部门更正"
    year = http.get(f"/api/v1/cpe/years/{YEAR}").json()
    assert year["professional"] == 18 and year["entries"][0]["method_label"] == "机构报送"
