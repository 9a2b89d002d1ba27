"""The exam API over HTTP on the whole platform: cached reference data, bad input answered 4xx with the field
named and nothing saved, other people's enrollments invisible, staff bounded by their region."""
import requests

from tests.e2e import exam_flow as flow
from tests.e2e.helpers import Browser, staff_session, verified_person


def test_exam_list_and_province_table_are_cached_with_etags(stack):
    exams = requests.get(stack.url("/api/v1/exams"), timeout=10)
    assert exams.status_code == 200 and "max-age" in exams.headers["Cache-Control"] and exams.headers["ETag"]
    names = {e["level"]: e["name"] for e in exams.json()}
    assert names["junior"].endswith("年全国会计专业技术资格考试（初级）") and names["intermediate"].endswith("（中级）")
    again = requests.get(stack.url("/api/v1/exams"), headers={"If-None-Match": exams.headers["ETag"]}, timeout=10)
    assert again.status_code == 304
    exam_id = {e["level"]: e["id"] for e in exams.json()}["junior"]
    table = requests.get(stack.url(f"/api/v1/exams/{exam_id}/provinces"), timeout=10).json()
    rows = {r["region_code"]: r for r in table["rows"]}
    assert len(rows) == 36 and table["columns"] == ["省份", "报名时间", "缴费时间", "咨询电话", "通知网址", "进入报名"]
    assert [r["region_name"] for r in table["rows"][:7]] == ["北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "大连市"]
    assert rows["330000"]["state"] == "open" and rows["330000"]["can_enter"] and rows["330000"]["review_mode"] == "pre_exam"
    assert rows["120000"]["state_label"] == "已结束" and rows["310000"]["state_label"] == "未开始"
    assert " 至 " in rows["330000"]["registration"]["text"] and rows["330000"]["phone"] == "0571-12345"
    assert requests.get(stack.url("/api/v1/exams/nope/provinces"), timeout=10).status_code == 404


def test_bad_input_is_refused_by_field_and_saves_nothing(stack):
    browser, _ = verified_person(stack, client_ip=True)
    exam_id = flow.plans(browser)["intermediate"]
    assert Browser(stack).get("/api/v1/exam/enrollments").status_code == 401
    refused = browser.post("/api/v1/exam/enrollments", json={"exam_id": exam_id, "region_code": "330000",
                                                             "notice_version": 1, "agree": False, "acknowledged": True})
    assert refused.status_code == 422 and "agree" in refused.json()["errors"]
    assert browser.get("/api/v1/exam/enrollments").json() == []
    closed = browser.post("/api/v1/exam/enrollments", json={"exam_id": exam_id, "region_code": "120000",
                                                            "notice_version": 1, "agree": True, "acknowledged": True})
    assert closed.status_code == 409 and closed.json()["code"] == "WINDOW_CLOSED" and "window" in closed.json()["errors"]

    view = flow.start(browser, exam_id, "110000")
    base = f"/api/v1/exam/enrollments/{view['id']}"
    view = browser.put(base + "/route", json={"route": "bachelor_4"}).json()
    site = view["options"]["sites"][0]["id"]
    wrong_level = browser.put(base + "/info", json={"site_id": site, "subjects": ["junior_practice"],
                                                    "entered": flow.ENTERED})
    assert wrong_level.status_code == 422 and "subjects" in wrong_level.json()["errors"]
    not_a_site = browser.put(base + "/info", json={"site_id": "x" * 32, "subjects": ["economic_law"],
                                                   "entered": flow.ENTERED})
    assert not_a_site.status_code == 422 and "site_id" in not_a_site.json()["errors"]
    assert browser.put(base + "/info", json={"subjects": "economic_law"}).status_code == 422
    saved = browser.get(base).json()
    assert saved["subjects"] == [] and saved["site"] is None and saved["draft_step"] == 3

    beijing = staff_session(stack, flow.STAFF["110000"])
    full = beijing.post(f"/api/v1/staff/exam/{exam_id}/regions/110000/sites",
                        json={"city_code": "110100", "city_name": "北京市", "name": "已满报名点", "quota": 0})
    assert full.status_code == 200, full.text
    answer = browser.put(base + "/info", json={"site_id": full.json()["id"], "subjects": ["economic_law"],
                                               "entered": flow.ENTERED})
    assert answer.status_code == 409 and answer.json()["code"] == "SITE_FULL" and "site_id" in answer.json()["errors"]
    assert browser.get(base).json()["site"] is None

    other, _ = verified_person(stack, client_ip=True)
    for method, path in (("get", base), ("put", base + "/route"), ("post", base + "/submission"),
                         ("get", base + "/form.pdf")):
        answer = getattr(other, method)(path, json={"route": "bachelor_4"}) if method == "put" else \
            getattr(other, method)(path)
        assert answer.status_code == 404 and answer.json()["code"] == "ENROLLMENT_NOT_FOUND", (path, answer.text)
    assert beijing.get(base).status_code == 403                         # staff are not candidates


def test_window_closed_between_page_load_and_submit(stack):
    browser, _ = verified_person(stack, client_ip=True)
    exam_id = flow.plans(browser)["junior"]
    view = flow.ready(browser, exam_id, "320000", "high_school", ["junior_practice", "economic_law_basics"],
                      entered=flow.ENTERED)
    staff = staff_session(stack, flow.STAFF["320000"])
    current = staff.get(f"/api/v1/staff/exam/{exam_id}/regions/320000").json()
    closed = {"registration_opens_at": "2020-01-01 00:00:00", "registration_closes_at": "2020-01-10 12:00:00",
              "payment_opens_at": "2020-01-01 00:00:00", "payment_closes_at": "2099-01-10 18:00:00",
              "review_mode": "none", "fees": {f["code"]: f["fee_fen"] for f in current["fees"]}}
    saved = staff.put(f"/api/v1/staff/exam/{exam_id}/regions/320000", json=closed)
    assert saved.status_code == 200, saved.text
    try:
        answer = browser.post(f"/api/v1/exam/enrollments/{view['id']}/submission")
        assert answer.status_code == 409 and answer.json()["code"] == "WINDOW_CLOSED", answer.text
        assert "window" in answer.json()["errors"]
        after = browser.get(f"/api/v1/exam/enrollments/{view['id']}").json()
        assert after["status"] == "draft" and after["enrollment_no"] is None
        table = requests.get(stack.url(f"/api/v1/exams/{exam_id}/provinces"), timeout=10)
        assert table.status_code == 200          # (cached for at most REFERENCE_CACHE_SECONDS in other processes)
    finally:
        reopen = {k: current["registration" if k.startswith("registration") else "payment"][
            "opens_at" if k.endswith("opens_at") else "closes_at"] for k in closed if k.endswith("_at")}
        assert staff.put(f"/api/v1/staff/exam/{exam_id}/regions/320000",
                         json={**closed, **reopen}).status_code == 200
    zhejiang = staff_session(stack, flow.STAFF["330000"])
    assert zhejiang.put(f"/api/v1/staff/exam/{exam_id}/regions/320000", json=closed).status_code == 403
