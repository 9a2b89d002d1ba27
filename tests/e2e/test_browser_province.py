"""A province's system reads a person's record through the province API, and the person sees that read in
个人中心: who (the province's client), what (the fields), when, and why (the purpose the client gave)."""
import requests
from playwright import sync_api as playwright_api

from tests.e2e.browser import new_page, person_login, staff_login
from tests.e2e.helpers import approved_person


def register_client_in_the_staff_page(browser, stack) -> dict:
    """浙江省财政厅's admin (here the national admin, who may act for any province) registers a client."""
    page = new_page(browser, stack)
    try:
        staff_login(page, stack, "reviewer", next_path="/staff/api-clients")
        page.wait_for_url("**/staff/api-clients")
        page.get_by_test_id("client-name").fill("浙江省会计人员管理系统")
        page.get_by_test_id("client-province").select_option("330000")
        page.get_by_test_id("scope-candidates:read").check()
        page.get_by_test_id("scope-candidates:unmask").check()
        page.get_by_test_id("client-submit").click()
        playwright_api.expect(page.get_by_test_id("client-secret")).to_be_visible()
        playwright_api.expect(page.get_by_test_id("client-row").first).to_contain_text("浙江省会计人员管理系统")
        return {"client_id": page.get_by_test_id("secret-client-id").inner_text(),
                "client_secret": page.get_by_test_id("secret-value").inner_text()}
    finally:
        page.context.close()


def test_a_person_sees_a_provinces_read_of_their_record_in_the_personal_centre(page, stack, browser):
    http, person = approved_person(stack)
    me = http.get("/api/v1/me").json()

    registered = register_client_in_the_staff_page(browser, stack)
    issued = requests.post(stack.url("/api/province/v1/oauth/token"), data={"grant_type": "client_credentials"},
                           auth=(registered["client_id"], registered["client_secret"]), timeout=20)
    assert issued.status_code == 200, issued.text
    headers = {"Authorization": f"Bearer {issued.json()['access_token']}"}

    found = requests.get(stack.url("/api/province/v1/candidates"), params={"id_number": person["id_number"]},
                         headers=headers, timeout=20).json()
    assert found["total"] == 1 and "*" in found["items"][0]["id_number"]
    account_id = found["items"][0]["account_id"]
    assert account_id == me["id"]
    full = requests.get(stack.url(f"/api/province/v1/candidates/{account_id}"),
                        params={"unmask": "id_number", "purpose": "办理会计人员调入核验"}, headers=headers, timeout=20)
    assert full.status_code == 200 and full.json()["id_number"] == person["id_number"]

    reads = http.get("/api/v1/me/data-reads")
    assert reads.status_code == 200 and [r["purpose"] for r in reads.json()] == ["办理会计人员调入核验"], reads.text

    person_login(page, stack, person["id_number"])
    playwright_api.expect(page.get_by_test_id("user-name")).to_be_visible()
    page.goto("/me#data-reads")
    rows = page.get_by_test_id("data-read-row")
    playwright_api.expect(page.get_by_test_id("data-reads")).to_be_visible()
    assert rows.count() == 1, page.get_by_test_id("data-reads").inner_text()
    playwright_api.expect(rows.first).to_contain_text("浙江省")
    playwright_api.expect(rows.first).to_contain_text("浙江省会计人员管理系统")
    playwright_api.expect(rows.first).to_contain_text("证件号码")
    playwright_api.expect(rows.first).to_contain_text("办理会计人员调入核验")



def test_an_admin_registers_a_key_client_in_the_staff_page(browser, stack):
    """private_key_jwt in the staff page: a weak public key is refused at the field, a good one is registered and
    its kid shown (no secret); tokens with its assertions: tests/e2e/test_http_private_key_jwt.py."""
    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(2048, private=True)
    page = new_page(browser, stack)
    try:
        staff_login(page, stack, "reviewer", next_path="/staff/api-clients")
        page.get_by_test_id("client-name").fill("浙江省会计人员管理系统（私钥认证）")
        page.get_by_test_id("client-province").select_option("330000")
        page.get_by_test_id("scope-candidates:read").check()
        page.get_by_test_id("client-auth-method").select_option("private_key_jwt")
        page.get_by_test_id("client-public-key").fill(
            RSAKey.generate_key(1024, private=True).as_pem(private=False).decode())
        page.get_by_test_id("client-submit").click()
        playwright_api.expect(page.locator('#public-key-field [data-for="public_key"]')).to_contain_text("2048")
        page.get_by_test_id("client-public-key").fill(key.as_pem(private=False).decode())
        page.get_by_test_id("client-submit").click()
        playwright_api.expect(page.get_by_test_id("key-kid")).to_have_text(key.thumbprint())
        playwright_api.expect(page.get_by_test_id("secret-value")).to_have_count(0)
        playwright_api.expect(page.get_by_test_id("client-row").first).to_contain_text("private_key_jwt")
    finally:
        page.context.close()
