"""A province's system reads a person's record through the province API, and the person sees that read in
个人中心: who (the province's client), what (the fields), when, and why (the purpose the client gave)."""
import requests
from playwright import sync_api as playwright_api

from tests.e2e.browser import person_login
from tests.e2e.helpers import approved_person, staff_session


def test_a_person_sees_a_provinces_read_of_their_record_in_the_personal_centre(page, stack):
    browser, person = approved_person(stack)
    me = browser.get("/api/v1/me").json()

    admin = staff_session(stack, "reviewer")                   # national admin: may register any province's client
    created = admin.post("/api/v1/api-clients", json={"name": "浙江省会计人员管理系统", "province_code": "330000",
                                                      "scopes": ["candidates:read", "candidates:unmask"]})
    assert created.status_code == 201, created.text
    registered = created.json()
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

    person_login(page, stack, person["id_number"], next_path="/me")
    page.wait_for_url("**/me**")
    page.goto("/me#data-reads")
    rows = page.get_by_test_id("data-read-row")
    playwright_api.expect(rows).to_have_count(1)
    playwright_api.expect(rows.first).to_contain_text("浙江省")
    playwright_api.expect(rows.first).to_contain_text("浙江省会计人员管理系统")
    playwright_api.expect(rows.first).to_contain_text("证件号码")
    playwright_api.expect(rows.first).to_contain_text("办理会计人员调入核验")
