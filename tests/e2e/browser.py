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
