"""Exam steps over HTTP (like the pages do) for the end-to-end tier, up to an enrollment the payment service can be
paid for."""
from tests.support import images

STAFF = {"330000": "reviewer330000", "110000": "reviewer110000", "120000": "reviewer120000",
         "320000": "reviewer320000", "national": "reviewer"}
ENTERED = {"education_level": "bachelor", "degree": "bachelor", "study_mode": "full_time", "school": "首都经济贸易大学",
           "major": "会计学", "graduated_on": "2015-06-30", "employer": "北京某会计师事务所",
           "accounting_started_on": "2015-07-01"}


def plans(browser) -> dict:
    return {p["level"]: p["id"] for p in browser.get("/api/v1/exams").json()}


def region(browser, exam_id, code) -> dict:
    return browser.get(f"/api/v1/exams/{exam_id}/provinces/{code}").json()


def start(browser, exam_id, code) -> dict:
    r = region(browser, exam_id, code)
    started = browser.post("/api/v1/exam/enrollments", json={"exam_id": exam_id, "region_code": code, "agree": True,
                                                              "acknowledged": True,
                                                              "notice_version": r["notice"]["version"]})
    assert started.status_code == 201, started.text
    read = browser.post(f"/api/v1/exam/enrollments/{started.json()['id']}/announcement",
                        json={"announcement_version": r["announcement"]["version"], "acknowledged": True})
    assert read.status_code == 200, read.text
    return read.json()


def photo(code):
    return images.jpeg(480, 680, 61 * 1024, seed=81) if code == "330000" else images.jpeg(320, 440, 12 * 1024, seed=82)


def upload_missing(browser, view) -> dict:
    for i, slot in enumerate(sorted(view["missing_proofs"])):
        data = photo(view["region_code"]) if slot == "photo" else images.jpeg(800, 600, 20 * 1024, seed=90 + i)
        answer = browser.post(f"/api/v1/exam/enrollments/{view['id']}/files", data={"slot": slot},
                              files={"file": ("f.jpg", data, "image/jpeg")})
        assert answer.status_code == 200, answer.text
        view = answer.json()
    return view


def ready(browser, exam_id, code, route, subjects, entered=None, site_index=0) -> dict:
    view = start(browser, exam_id, code)
    routed = browser.put(f"/api/v1/exam/enrollments/{view['id']}/route", json={"route": route})
    assert routed.status_code == 200, routed.text
    site = routed.json()["options"]["sites"][site_index]["id"]
    info = browser.put(f"/api/v1/exam/enrollments/{view['id']}/info",
                       json={"site_id": site, "subjects": subjects, "entered": entered or {}})
    assert info.status_code == 200, info.text
    return upload_missing(browser, info.json())


def payable_enrollment(stack) -> tuple:
    """A new candidate's 初级 enrollment in 北京 (考后资格审核: payable as soon as it is submitted), over HTTP through
    the gateway and the real exam service. Returns (browser session, person data, enrollment view)."""
    from tests.e2e.helpers import verified_person
    from tests.support.people import mainland_id
    browser, person = verified_person(stack, client_ip=True, id_number=mainland_id(region="110105"))
    view = ready(browser, plans(browser)["junior"], "110000", "high_school",
                 ["junior_practice", "economic_law_basics"], entered=ENTERED)
    submitted = browser.post(f"/api/v1/exam/enrollments/{view['id']}/submission")
    assert submitted.status_code == 200 and submitted.json()["payable"], submitted.text
    return browser, person, submitted.json()


def status(browser, enrollment_id) -> str:
    return browser.get(f"/api/v1/exam/enrollments/{enrollment_id}").json()["status"]
