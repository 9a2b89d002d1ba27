"""What a new user could not find, in Chromium: 修改密码 in 个人中心, a nationality outside the old list of 22,
a wrong check digit caught on leaving the field, the error page of an unknown address, and the ID photo's number
compared for the person and the reviewer."""
from playwright.sync_api import expect

from tests.e2e.browser import fill_captcha, new_page, person_login, staff_login
from tests.e2e.helpers import Browser, login, new_person, register
from tests.support import images
from tests.support.id_card import id_card_front
from tests.support.people import PASSWORD, mainland_id, phone

NEW = "Xinmima#2026"


def test_change_the_password_from_the_personal_center(page, stack):
    person = new_person(name="程守约")
    assert register(Browser(stack), person).status_code == 201
    elsewhere = Browser(stack)                                   # the same person, logged in on another device
    assert login(elsewhere, person["phone"]).status_code == 200
    person_login(page, stack, person["id_number"])
    expect(page.get_by_test_id("user-name")).to_be_visible()

    page.goto("/me")
    page.get_by_test_id("me-nav-password").click()
    form = page.get_by_test_id("password-form")
    form.get_by_test_id("current_password").fill("Wrong#2025x")
    form.get_by_test_id("password").fill("short1!")
    form.get_by_test_id("password").press("Tab")                 # the policy, said by the server, at the field
    expect(form.locator(".field-error[data-for='password']")).to_contain_text("至少8位")
    form.get_by_test_id("password").fill(NEW)
    form.get_by_test_id("password_confirm").fill(NEW)
    form.get_by_test_id("sms-button").click()
    expect(form.get_by_test_id("sms-status")).to_contain_text("已发送")
    form.get_by_test_id("sms_code").fill(stack.sms(person["phone"])[0]["code"])
    form.get_by_test_id("password-submit").click()               # a wrong current password: refused at its field
    expect(form.locator(".field-error[data-for='current_password']")).to_contain_text("当前密码错误")
    form.get_by_test_id("current_password").fill(PASSWORD)
    form.get_by_test_id("password-submit").click()
    expect(page.get_by_test_id("password-changed")).to_contain_text("其他设备上的登录已全部退出")

    assert elsewhere.get("/api/v1/me").status_code == 401        # the other session ended
    assert "登录密码已于" in stack.sms(person["phone"])[0]["text"]
    page.reload()                                                # this one goes on
    expect(page.get_by_test_id("me-name")).to_have_text("程**")
    fresh = Browser(stack)
    assert login(fresh, person["id_number"]).status_code == 401  # the old password fails
    assert login(fresh, person["id_number"], NEW).status_code == 200


def test_a_foreigner_from_a_country_outside_the_old_list_registers(page, stack):
    number, mobile = "PA" + mainland_id()[-7:], phone()
    page.goto("/register")
    page.get_by_test_id("id_type").select_option("foreign_passport")
    expect(page.get_by_test_id("id_number")).to_have_attribute("placeholder", "请输入护照号码")
    page.get_by_test_id("nationality-search").fill("冰岛")        # Iceland was not among the 22
    expect(page.get_by_test_id("nationality")).to_have_value("ISL")
    page.get_by_test_id("nationality-search").fill("Bhutan")     # English names and codes find them too
    expect(page.get_by_test_id("nationality")).to_have_value("BTN")
    page.get_by_test_id("nationality-search").fill("isl")
    expect(page.get_by_test_id("nationality")).to_have_value("ISL")
    page.get_by_test_id("id_number").fill(number)
    page.get_by_test_id("name").fill("Jon Jonsson")
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("password_confirm").fill(PASSWORD)
    page.get_by_test_id("phone").fill(mobile)
    page.get_by_test_id("sms-button").click()
    expect(page.get_by_test_id("sms-status")).to_contain_text("已发送")
    page.get_by_test_id("sms_code").fill(stack.sms(mobile)[0]["code"])
    page.get_by_test_id("register-submit").click()
    expect(page.get_by_test_id("register-success")).to_be_visible()
    browser = Browser(stack)
    assert login(browser, number).status_code == 200
    me = browser.get("/api/v1/me").json()
    assert (me["nationality"], me["nationality_name"], me["id_type_label"]) == ("ISL", "冰岛", "护照（外国）")


def test_a_wrong_check_digit_is_flagged_on_leaving_the_field(page, stack):
    number = mainland_id()
    page.goto("/register")
    expect(page.get_by_test_id("id_type")).to_have_value("mainland_id")
    expect(page.get_by_test_id("id_type").locator("option").first).to_have_text("内地居民身份证")
    field = page.get_by_test_id("id_number")
    field.fill(number[:17] + ("0" if number[17] != "0" else "1"))
    field.press("Tab")
    error = page.locator("#register-form .field-error[data-for='id_number']")
    expect(error).to_have_text("身份证号码校验位不正确，请核对是否输入有误")   # the server's words, before any SMS
    expect(field).to_have_attribute("aria-invalid", "true")
    field.fill(number)
    field.press("Tab")
    expect(error).to_have_text("")
    page.get_by_test_id("phone").fill("1201234567")
    page.get_by_test_id("phone").press("Tab")
    expect(page.locator("#register-form .field-error[data-for='phone']")).to_contain_text("手机号码")


def test_an_unknown_address_shows_the_error_page_with_a_way_home(page, stack):
    response = page.goto("/no/such/page")
    assert response.status == 404
    expect(page.get_by_test_id("error-title")).to_have_text("页面不存在")
    expect(page.get_by_test_id("site-header")).to_be_visible()
    page.get_by_test_id("error-home").click()
    page.wait_for_url(stack.url("/"))
    api = page.request.get("/api/v1/no/such/thing")
    assert api.status == 404 and api.json()["code"] == "NOT_FOUND"
    icon = page.request.get("/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"] == "image/x-icon"


def test_a_failed_login_says_it_once_without_a_relogin_link_to_itself(page, stack):
    page.goto("/login")
    page.get_by_test_id("login").fill(mainland_id())            # unknown or wrong password: the same answer
    page.get_by_test_id("password").fill("Wrong#2025x")
    fill_captcha(page, stack)
    page.get_by_test_id("login-submit").click()
    alert = page.locator("#login-form .form-alert")
    expect(alert).to_contain_text("账号或密码错误")
    expect(alert.get_by_test_id("relogin")).to_have_count(0)
    assert "/login?next=/login" not in alert.inner_html()


def test_the_id_photos_number_is_compared_for_the_person_and_the_reviewer(page, stack, browser, tmp_path):
    person = new_person(id_number=mainland_id(region="330106"), name="葛明")
    assert register(Browser(stack), person).status_code == 201
    person_login(page, stack, person["phone"])
    expect(page.get_by_test_id("user-name")).to_be_visible()
    page.goto("/realname#online")
    page.get_by_test_id("region_code").select_option("330000")
    theirs = mainland_id(region="110105", birth="19750212")
    files = {"id_front": id_card_front(theirs), "id_back": images.jpeg(640, 400, 10240, seed=12),
             "id_handheld": images.jpeg(480, 640, 10240, seed=13)}
    for field, data in files.items():
        path = tmp_path / f"{field}.jpg"
        path.write_bytes(data)
        page.get_by_test_id(field).set_input_files(str(path))
    told = page.get_by_test_id("id-photo-check")                 # at once, before submitting
    expect(told).to_contain_text("不一致")
    expect(told).to_contain_text(theirs[-4:])
    page.get_by_test_id("online-submit").click()                 # never refused for it, nor held up
    expect(page.get_by_test_id("realname-pending")).to_be_visible()
    for _ in range(60):                                          # read again once submitted, for the reviewer
        if page.request.get("/api/v1/me/realname").json()["latest"]["id_photo_check"]["check"] != "reading":
            break
        page.wait_for_timeout(300)
    page.reload()
    expect(page.get_by_test_id("pending-id-photo-mismatch")).to_contain_text("不一致")

    reviewer = new_page(browser, stack)
    staff_login(reviewer, stack, "reviewer330000", next_path="/staff/realname")
    row = reviewer.get_by_test_id("request-row").filter(has_text=person["id_number"][-4:])
    row.get_by_test_id("open-request").click()
    dialog = reviewer.get_by_test_id("detail-dialog")
    check = dialog.get_by_test_id("photo-check")
    expect(check).to_have_attribute("data-check", "mismatch")
    expect(check).to_contain_text("号码不一致")
    expect(dialog.get_by_test_id("photo-check-read")).to_have_text(theirs)
    reviewer.context.close()


def test_the_alipay_return_says_success_once(page, stack):
    person = new_person(name="屈平")
    assert register(Browser(stack), person).status_code == 201
    person_login(page, stack, person["phone"])
    expect(page.get_by_test_id("user-name")).to_be_visible()
    page.goto("/realname")
    page.get_by_test_id("alipay-start").click()
    page.wait_for_url("**/sandbox/alipay/certify**")
    page.get_by_test_id("alipay-authorize").click()
    expect(page.get_by_test_id("realname-result-ok")).to_be_visible()
    expect(page.get_by_text("实名认证成功")).to_have_count(1)
