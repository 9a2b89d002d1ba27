"""What every Chromium test needs: the browser's flags, a page on the stack, the captcha and the logins."""
import os
import shutil

from tests.support.people import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
STAFF_PASSWORD = "Review@2025"


def new_page(browser, stack):
    """A fresh browser context (its own cookies) on the stack, in Chinese."""
    context = browser.new_context(base_url=stack.base_url, locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15000)
    return context.new_page()


def fill_captcha(page, stack, used: str = ""):
    """Answer the captcha on the page; after a failed try, wait for the fresh one (not the used id)."""
    page.wait_for_function("used => { const v = document.querySelector(\"input[name='captcha_id']\").value;"
                           " return v !== '' && v !== used; }", arg=used)
    captcha_id = page.locator("input[name='captcha_id']").input_value()
    page.get_by_test_id("captcha_answer").fill(stack.captcha_answer(captcha_id))


def person_login(page, stack, login_name, password=PASSWORD, next_path="/"):
    page.goto(f"/login?next={next_path}")
    page.get_by_test_id("login").fill(login_name)
    page.get_by_test_id("password").fill(password)
    fill_captcha(page, stack)
    page.get_by_test_id("login-submit").click()


def staff_login(page, stack, username, next_path="/staff/reviews"):
    page.goto(f"/staff/login?next={next_path}")
    page.get_by_test_id("login").fill(username)
    page.get_by_test_id("password").fill(STAFF_PASSWORD)
    fill_captcha(page, stack)
    page.get_by_test_id("staff-login-submit").click()
    page.wait_for_url(f"**{next_path}")


def order_on_the_payment_page(page, stack, channel):
    """网上缴费 as the candidate fills it (the page is open): phone + 发送短信 + the code, e-mail, the channel, 生成订单;
    waits for the QR. Returns the phone used."""
    from tests.support.people import phone as new_phone
    page.get_by_test_id("summary-应缴金额").wait_for()
    assert page.get_by_test_id("order-no").inner_text() == ""          # empty until 生成订单
    phone = new_phone()
    page.get_by_test_id("phone").fill(phone)
    page.get_by_test_id("sms-button").click()
    page.get_by_test_id("sandbox-sms-link").wait_for()
    page.get_by_test_id("sms_code").fill(stack.sms(phone)[0]["code"])
    page.get_by_test_id("email").fill("chenjing@example.com")
    page.get_by_test_id(f"channel-{channel}").check()
    page.evaluate("window.__sameDocument = true")
    page.get_by_test_id("create-order").click()
    page.get_by_test_id("qr-panel").wait_for()
    return phone


def pay_on_the_sandbox(page, link, again=False):
    """What scanning the QR shows on the payer's phone: the channel sandbox's payer page, paid there."""
    payer = page.context.new_page()
    payer.goto(link)
    payer.get_by_test_id("sandbox-pay-again" if again else "sandbox-pay").click()
    payer.get_by_test_id("sandbox-result").wait_for()
    return payer


def pay_by_qr(page, stack, channel="wechat"):
    """From the exam page's 网上缴费 link to 报名成功 on the payment page, without a reload; returns the payer page."""
    page.get_by_test_id("pay-link").click()
    page.wait_for_url("**/payment")
    order_on_the_payment_page(page, stack, channel)
    payer = pay_on_the_sandbox(page, page.get_by_test_id("scan-link").get_attribute("href"))
    page.get_by_test_id("registration-done").wait_for(timeout=30000)
    assert page.evaluate("window.__sameDocument") is True
    return payer
