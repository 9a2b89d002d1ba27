"""Every page under the strict Content-Security-Policy, in Chromium: anonymous, as a person (a new one through
real-name verification with the Alipay sandbox, an approved one through 信息变更's dialogs) and as staff. Each
answer carries the policy, and nothing the pages do is refused by it: no inline script, style or handler. Picked
files go through the upload pre-checks (static/uploads.js, the policies of GET /api/v1/upload-policies): their
`blob:` previews and field errors appear under the policy too."""
from urllib.parse import urlparse

from playwright.sync_api import expect

from tests.e2e.browser import new_page, person_login, staff_login
from tests.e2e.helpers import Browser, approved_person, new_person, register
from tests.support import images

# Runs before any page script (added through the DevTools protocol, which the policy does not govern).
COLLECT = """window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " + location.pathname);
});"""


# Buttons on screen whose accessible name would be empty: no aria-label(ledby), no text, no alt of a picture, no title.
UNNAMED_BUTTONS = """Array.from(document.querySelectorAll("button, [role=button], input[type=image]"))
  .filter(b => b.getClientRects().length)
  .filter(b => {
    const by = (b.getAttribute("aria-labelledby") || "").split(" ").map(id => document.getElementById(id))
      .filter(Boolean).map(e => e.textContent).join("");
    const pictures = Array.from(b.querySelectorAll("img[alt], [role=img][aria-label]"))
      .map(i => i.getAttribute("alt") || i.getAttribute("aria-label")).join("");
    return !((b.getAttribute("aria-label") || "") + by + b.textContent + pictures + (b.title || "") + (b.alt || "")).trim();
  })
  .map(b => location.pathname + " " + b.outerHTML.slice(0, 160))"""


class Watch:
    """A page that remembers every policy violation (events and console reports) and every page's policy."""

    def __init__(self, browser, stack):
        self.page = new_page(browser, stack)
        self.page.context.add_init_script(COLLECT)
        self.violations = []
        self.unnamed = []
        self.policies = {}
        self.page.on("console", self._console)
        self.page.on("response", self._response)

    def _console(self, message):
        if "Content Security Policy" in message.text:
            self.violations.append(message.text)

    def _response(self, response):
        if response.request.resource_type == "document":
            self.policies[urlparse(response.url).path] = response.headers.get("content-security-policy")

    def _collect(self):
        """The events of the current document (the console reports cover documents already left), and its
        buttons that have no accessible name (an image button needs one of its own)."""
        self.violations += self.page.evaluate("window.__csp ? window.__csp.splice(0) : []")
        self.unnamed += self.page.evaluate(UNNAMED_BUTTONS)

    def visit(self, path):
        self._collect()
        response = self.page.goto(path)
        self.settle()
        assert response.headers.get("content-security-policy", "").startswith("default-src 'self'"), path
        return response

    def settle(self):
        self.page.wait_for_load_state("networkidle")
        self._collect()

    def check(self):
        self.settle()
        assert self.violations == []
        assert self.unnamed == []
        assert self.policies and all(p and "script-src 'self'" in p for p in self.policies.values()), self.policies


def test_the_watch_sees_a_violation(browser, stack):
    """The check below would notice: an inline style set through markup is refused and reported."""
    watch = Watch(browser, stack)
    watch.visit("/help")
    watch.page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    watch.page.wait_for_function("window.__csp.length > 0")
    watch.settle()
    assert any("style-src" in v for v in watch.violations)
    watch.page.context.close()


def test_the_watch_sees_a_button_without_a_name(browser, stack):
    watch = Watch(browser, stack)
    watch.visit("/help")
    watch.page.evaluate("document.body.insertAdjacentHTML('beforeend', '<button type=\"button\"><img src=\"/favicon.ico\"></button>')")
    watch.settle()
    assert len(watch.unnamed) == 1 and "/help" in watch.unnamed[0]
    watch.page.context.close()


def test_pages_anonymous(browser, stack):
    watch = Watch(browser, stack)
    for path in ("/", "/login", "/register", "/forgot-password", "/help", "/staff/login",
                 "/wechat/callback?state=unknown&code=x", "/help/search?q=照片不合格怎么办", "/help/guides/collection"):
        watch.visit(path)
    watch.page.goto("/no/such/page")                            # the error page, in the layout
    watch.settle()
    expect(watch.page.get_by_test_id("error-page")).to_be_visible()
    watch.visit("/register")
    watch.page.get_by_test_id("id_type").select_option("foreign_passport")
    expect(watch.page.get_by_test_id("nationality")).to_be_visible()
    watch.page.get_by_test_id("nationality-search").fill("冰岛")
    expect(watch.page.get_by_test_id("nationality")).to_have_value("ISL")
    watch.page.get_by_test_id("id_number").fill("!")
    watch.page.get_by_test_id("id_number").press("Tab")         # a field check's message at its field
    expect(watch.page.locator(".field-error[data-for='id_number']")).not_to_be_empty()
    watch.page.get_by_test_id("rare-button").click()
    expect(watch.page.get_by_test_id("rare-panel")).to_be_visible()
    watch.visit("/")
    watch.page.get_by_test_id("tile-collect").click()           # anonymous: to the login page
    watch.page.wait_for_url("**/login**")
    watch.page.get_by_test_id("tab-wechat").click()             # the sandbox QR page, then the phone's page
    watch.page.wait_for_url("**/sandbox/wechat/qrconnect**")
    expect(watch.page.get_by_test_id("wechat-status")).to_contain_text("等待扫码")
    scan = watch.page.get_by_test_id("wechat-simulate-scan").get_attribute("href")
    watch.visit(scan)
    expect(watch.page.get_by_test_id("wechat-confirm")).to_be_visible()
    watch.check()
    watch.page.context.close()


def picture(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_pages_as_a_person(browser, stack, tmp_path):
    person = new_person(name="严守信")
    assert register(Browser(stack), person).status_code == 201
    watch = Watch(browser, stack)
    person_login(watch.page, stack, person["phone"])
    expect(watch.page.get_by_test_id("user-name")).to_be_visible()
    watch.visit("/")
    watch.page.get_by_test_id("tile-collect").click()           # not verified yet: the dialog
    expect(watch.page.get_by_test_id("realname-modal")).to_be_visible()
    watch.visit("/realname")
    # The online form's photo slots: a good photo is previewed, a tiny one refused at its field, before sending.
    watch.page.get_by_test_id("id_front").set_input_files(picture(tmp_path, "front.jpg", images.jpeg(640, 400, 10240)))
    expect(watch.page.get_by_test_id("preview-id_front").locator("img")).to_be_visible()
    watch.page.get_by_test_id("id_back").set_input_files(picture(tmp_path, "back.jpg", images.jpeg(120, 80)))
    expect(watch.page.locator("#online-form .field-error[data-for='id_back']")).to_contain_text("证件照片")
    watch.page.get_by_test_id("alipay-start").click()
    watch.page.wait_for_url("**/sandbox/alipay/certify**")
    watch.settle()
    watch.page.get_by_test_id("alipay-authorize").click()
    expect(watch.page.get_by_test_id("realname-result-ok")).to_be_visible()
    for path in ("/realname", "/me", "/collection", "/changes", "/transfers", "/qualifications", "/archive", "/help",
                 "/questions"):
        watch.visit(path)
    watch.visit("/me#change-password")
    watch.page.get_by_test_id("password-form").get_by_test_id("password").fill("short")
    watch.page.get_by_test_id("password-form").get_by_test_id("password").press("Tab")
    expect(watch.page.locator("#password-form .field-error[data-for='password']")).to_contain_text("至少8位")
    watch.visit("/collection")
    expect(watch.page.get_by_test_id("panel-notice")).to_be_visible()
    watch.page.get_by_test_id("scope-accountant").click()
    watch.page.get_by_test_id("next").click()
    expect(watch.page.get_by_test_id("panel-basic")).to_be_visible()
    watch.page.get_by_test_id("nav-education").click()
    watch.page.get_by_test_id("edu-add").click()
    dialog = watch.page.get_by_test_id("edu-dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_test_id("edu-save").click()                    # empty: refused at the fields, on the page
    expect(dialog.locator(".field-error[data-for='school']")).to_contain_text("学校名称")
    dialog.get_by_test_id("edu-cancel").click()
    watch.check()
    watch.page.context.close()


def test_pages_of_an_approved_person_and_staff(browser, stack, tmp_path):
    _, person = approved_person(stack, name="林守正")
    watch = Watch(browser, stack)
    person_login(watch.page, stack, person["id_number"])
    expect(watch.page.get_by_test_id("user-name")).to_be_visible()
    watch.visit("/changes")
    watch.page.get_by_test_id("basic-change").click()
    basic = watch.page.get_by_test_id("basic-dialog")
    expect(basic).to_be_visible()
    # A change's proof is checked against the "proof" policy and previewed in the dialog.
    basic.get_by_test_id("basic-proof-identity_proof").set_input_files(
        picture(tmp_path, "identity.jpg", images.jpeg(640, 480, 20 * 1024, seed=7)))
    expect(basic.get_by_test_id("proof-identity_proof").locator(".preview img")).to_be_visible()
    watch.page.get_by_test_id("basic-cancel").click()
    watch.page.get_by_test_id("nav-work").click()
    watch.page.get_by_test_id("work-row").first.get_by_test_id("work-change").click()
    work = watch.page.get_by_test_id("work-dialog")
    expect(work.get_by_test_id("post-row")).to_have_count(1)
    expect(work.get_by_test_id("proof-employment_proof")).to_be_visible()
    work.get_by_test_id("work-cancel").click()
    watch.page.get_by_test_id("tab-history").click()
    for path in ("/collection", "/transfers", "/qualifications", "/archive", "/me"):
        watch.visit(path)
    watch.page.get_by_test_id("logout").click()
    watch.page.wait_for_url("**/")
    watch.check()
    watch.page.context.close()

    staff = Watch(browser, stack)
    staff_login(staff.page, stack, "reviewer330000")
    expect(staff.page.get_by_test_id("staff-name")).to_be_visible()
    staff.visit("/staff/realname")
    staff.visit("/staff/questions")
    staff.visit("/staff/reviews?status=approved")
    row = staff.page.get_by_test_id("review-row").filter(has_text=person["id_number"][-4:])
    row.get_by_test_id("open-review").click()
    detail = staff.page.get_by_test_id("detail-dialog")
    expect(detail.get_by_test_id("review-education-0")).to_be_visible()
    detail.get_by_test_id("image-basic.photo").click()
    expect(staff.page.get_by_test_id("lightbox")).to_be_visible()
    staff.visit("/")
    staff.check()
    staff.page.context.close()
