"""One person's journey in Chromium: register, log in, submit online real-name verification with
photos, and a province reviewer approves it; bad input on the way shows its message next to the field."""
import requests
from playwright import sync_api as playwright_api

from tests.e2e.browser import fill_captcha, new_page, person_login, staff_login
from tests.support import images
from tests.support.people import PASSWORD, mainland_id, phone

def field_error(page, form, name):
    return page.locator(f"{form} .field-error[data-for='{name}']")


def count_accounts(stack, phone_number):
    import psycopg2
    conn = psycopg2.connect(stack.database_url.replace("postgresql+psycopg2", "postgresql"))
    try:
        with conn.cursor() as cur:
            cur.execute("select count(*) from accounts where phone = %s", (phone_number,))
            return cur.fetchone()[0]
    finally:
        conn.close()


def test_register_login_realname_and_province_approval(page, stack, tmp_path, browser):
    person = {"id": mainland_id(region="330106"), "name": "沈𪚥清", "phone": phone()}

    # --- registration, first with a wrong checksum (refused at the field, nothing saved) ---
    page.goto("/register")
    bad = person["id"][:17] + ("0" if person["id"][17] != "0" else "1")
    page.get_by_test_id("id_number").fill(bad)
    page.get_by_test_id("name").fill("沈")
    page.get_by_test_id("rare-button").click()          # the rare-character picker inserts into the name
    page.locator("[data-char='𪚥']").click()
    page.get_by_test_id("name").press("End")
    page.get_by_test_id("name").type("清")
    assert page.get_by_test_id("name").input_value() == person["name"]
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("password_confirm").fill(PASSWORD)
    page.get_by_test_id("phone").fill(person["phone"])
    page.get_by_test_id("sms-button").click()
    status = page.get_by_test_id("sms-status")
    playwright_api.expect(status).to_contain_text("已发送")
    playwright_api.expect(page.get_by_test_id("sms-button")).to_be_disabled()
    playwright_api.expect(page.get_by_test_id("sms-button")).to_contain_text("秒")   # the countdown
    code = stack.sms(person["phone"])[0]["code"]
    page.get_by_test_id("sms_code").fill(code)
    page.get_by_test_id("register-submit").click()
    playwright_api.expect(field_error(page, "#register-form", "id_number")).to_contain_text("校验位")
    assert count_accounts(stack, person["phone"]) == 0

    page.get_by_test_id("id_number").fill(person["id"])
    page.get_by_test_id("register-submit").click()
    playwright_api.expect(page.get_by_test_id("register-success")).to_be_visible()
    assert count_accounts(stack, person["phone"]) == 1

    # --- login with a wrong captcha, then right ---
    page.goto("/login")
    page.get_by_test_id("login").fill(person["id"])
    page.get_by_test_id("password").fill(PASSWORD)
    page.wait_for_function("document.querySelector(\"input[name='captcha_id']\").value !== ''")
    wrong_id = page.locator("input[name='captcha_id']").input_value()
    page.get_by_test_id("captcha_answer").fill("ZZZZ")
    page.get_by_test_id("login-submit").click()
    playwright_api.expect(page.locator("#login-form .field-error[data-for='captcha']")).to_contain_text("验证码")
    fill_captcha(page, stack, used=wrong_id)       # the page replaces a used captcha; answer the new one
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    playwright_api.expect(page.get_by_test_id("user-name")).to_have_text("沈**")

    # --- online real-name verification: a renamed non-image is refused, then real photos ---
    page.goto("/realname")
    page.get_by_test_id("method-online").click()
    page.get_by_test_id("region_code").select_option("330000")
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(b"GIF89a not a photo at all" * 800)
    photos = {}
    for field, (w, h, seed) in {"id_front": (640, 400, 11), "id_back": (640, 400, 12),
                                "id_handheld": (480, 640, 13)}.items():
        photos[field] = tmp_path / f"{field}.jpg"
        photos[field].write_bytes(images.jpeg(w, h, 10240, seed=seed))
    page.get_by_test_id("id_front").set_input_files(str(fake))
    page.get_by_test_id("id_back").set_input_files(str(photos["id_back"]))
    page.get_by_test_id("id_handheld").set_input_files(str(photos["id_handheld"]))
    page.get_by_test_id("online-submit").click()
    playwright_api.expect(field_error(page, "#online-form", "id_front")).to_contain_text("格式不正确")
    page.get_by_test_id("id_front").set_input_files(str(photos["id_front"]))
    page.get_by_test_id("online-submit").click()
    playwright_api.expect(page.get_by_test_id("realname-status")).to_contain_text("审核中")

    # --- the province reviewer sees it with the images and approves ---
    reviewer = new_page(browser, stack)
    staff_login(reviewer, stack, "reviewer330000", next_path="/staff/realname")
    playwright_api.expect(reviewer.get_by_test_id("staff-department")).to_contain_text("浙江省")
    row = reviewer.get_by_test_id("request-row").filter(has_text=person["id"][-4:])
    playwright_api.expect(row).to_have_count(1)
    row.get_by_test_id("open-request").click()
    dialog = reviewer.get_by_test_id("detail-dialog")
    playwright_api.expect(dialog.locator("img")).to_have_count(3)
    image_src = dialog.locator("img").first.get_attribute("src")
    assert requests.get(stack.url(image_src), timeout=10).content == photos["id_front"].read_bytes()
    reviewer.get_by_test_id("approve").click()
    playwright_api.expect(dialog).to_be_hidden()
    playwright_api.expect(reviewer.get_by_test_id("request-row").filter(has_text=person["id"][-4:])).to_have_count(0)
    reviewer.context.close()

    page.reload()
    playwright_api.expect(page.get_by_test_id("realname-status")).to_contain_text("已完成实名认证")


def test_alipay_realname_wechat_binding_and_forgot_password(page, stack):
    from tests.e2e.helpers import Browser, new_person, register
    person = new_person(name="钟文")
    assert register(Browser(stack), person).status_code == 201
    person_login(page, stack, person["phone"])
    playwright_api.expect(page.get_by_test_id("user-name")).to_have_text("钟*")

    # Alipay: the Alipay account holds another identity -> a clear refusal; then the same one -> verified
    page.goto("/realname")
    page.get_by_test_id("alipay-start").click()
    page.wait_for_url("**/sandbox/alipay/certify**")
    page.get_by_test_id("cert_no").fill(mainland_id())
    page.get_by_test_id("alipay-authorize").click()
    playwright_api.expect(page.get_by_test_id("realname-result-fail")).to_contain_text("不一致")
    page.goto("/realname")
    page.get_by_test_id("alipay-start").click()
    page.wait_for_url("**/sandbox/alipay/certify**")
    playwright_api.expect(page.get_by_test_id("cert_name")).to_have_value(person["name"])
    page.get_by_test_id("alipay-authorize").click()
    playwright_api.expect(page.get_by_test_id("realname-result-ok")).to_be_visible()

    # WeChat: bind from the personal centre by "scanning" the sandbox QR code on a phone page
    page.goto("/me#wechat")
    page.get_by_test_id("wechat-bind").click()
    page.wait_for_url("**/sandbox/wechat/qrconnect**")
    with page.context.expect_page() as phone_page_info:
        page.get_by_test_id("wechat-simulate-scan").click()
    phone_page = phone_page_info.value
    phone_page.get_by_test_id("nickname").fill("钟文的微信")
    phone_page.get_by_test_id("wechat-confirm").click()
    playwright_api.expect(phone_page.get_by_test_id("wechat-scan-done")).to_be_visible()
    openid = phone_page.get_by_test_id("openid").input_value() if phone_page.get_by_test_id("openid").count() else None
    phone_page.close()
    page.wait_for_url("**/me**")
    playwright_api.expect(page.get_by_test_id("wechat-nickname")).to_have_text("钟文的微信")

    # ... then log out and log in by WeChat QR with the same WeChat user
    page.get_by_test_id("logout").click()
    playwright_api.expect(page.get_by_test_id("nav-login")).to_be_visible()
    page.goto("/login")
    page.get_by_test_id("tab-wechat").click()           # choosing the tab opens the QR page at once
    page.wait_for_url("**/sandbox/wechat/qrconnect**")
    with page.context.expect_page() as phone_page_info:
        page.get_by_test_id("wechat-simulate-scan").click()
    phone_page = phone_page_info.value
    if openid:
        phone_page.get_by_test_id("openid").fill(openid)
    phone_page.get_by_test_id("wechat-confirm").click()
    # closing a page while its form submission is still navigating can hang Chromium's close: wait for the answer
    playwright_api.expect(phone_page.get_by_test_id("wechat-scan-done")).to_be_visible()
    phone_page.close()
    playwright_api.expect(page.get_by_test_id("user-name")).to_have_text("钟*")
    page.get_by_test_id("logout").click()
    playwright_api.expect(page.get_by_test_id("nav-login")).to_be_visible()

    # forgot password: everything must match the registration; then the new password works
    page.goto("/forgot-password")
    new_password = "Xinmima@2026"
    form = page.get_by_test_id("forgot-form")
    form.get_by_test_id("id_number").fill(person["id_number"])
    form.get_by_test_id("name").fill(person["name"])
    form.get_by_test_id("password").fill(new_password)
    form.get_by_test_id("password_confirm").fill(new_password)
    form.get_by_test_id("phone").fill(person["phone"])
    form.get_by_test_id("sms-button").click()
    playwright_api.expect(form.get_by_test_id("sms-status")).to_contain_text("已发送")
    form.get_by_test_id("sms_code").fill(stack.sms(person["phone"])[0]["code"])
    page.get_by_test_id("reset-submit").click()
    playwright_api.expect(page.get_by_test_id("reset-success")).to_be_visible()
    person_login(page, stack, person["id_number"], new_password)
    playwright_api.expect(page.get_by_test_id("user-name")).to_have_text("钟*")
