"""One limit per upload purpose, from one registry: the page checks it before sending, the gateway refuses an
oversize body with the same message at the slot's field, and the service refuses hostile content by what it
is (decompression bombs, truncated images) with a 422, never a 500. A link to a replaced file is gone (410)."""
import requests
from playwright import sync_api as playwright_api

from tests.e2e.browser import person_login
from tests.e2e.helpers import Browser, login, new_person, register, verified_person
from tests.support import images
from tests.support.people import mainland_id

MB = 1024 * 1024


def policies(stack) -> dict:
    listed = requests.get(stack.url("/api/v1/upload-policies"), timeout=10).json()
    return {p["purpose"]: p for p in listed if p["province"] is None}


def realname_upload(browser, front):
    files = {"id_front": ("front.jpg", front, "image/jpeg"),
             "id_back": ("back.jpg", images.jpeg(640, 400, 10240, seed=5), "image/jpeg"),
             "id_handheld": ("hand.jpg", images.jpeg(480, 640, 10240, seed=6), "image/jpeg")}
    return browser.post("/api/v1/me/realname/online", data={"region_code": "330000"}, files=files)


def test_realname_photos_are_refused_by_size_at_the_gateway_and_by_content_in_identity(stack):
    rule = policies(stack)["realname_photo"]
    assert rule["max_bytes"] == 5 * MB
    browser = Browser(stack)
    person = new_person()
    assert register(browser, person).status_code == 201
    assert login(browser, person["id_number"]).status_code == 200

    twelve = realname_upload(browser, b"\xff\xd8\xff" + bytes(12 * MB))
    assert twelve.status_code == 422, twelve.text
    assert twelve.json()["code"] == "UPLOAD_TOO_LARGE"
    assert twelve.json()["errors"] == {"id_front": rule["messages"]["too_large"]} == {"id_front": "证件照片不能超过5MB"}

    hostile = {"UPLOAD_PIXELS_TOO_MANY": [images.jpeg_claiming(30000, 30000), images.png_of_zeros(10000, 10000)],
               "UPLOAD_CORRUPT": [images.truncated(images.jpeg(1200, 900, 200 * 1024, seed=4), 0.6)]}
    for code, files in hostile.items():
        for data in files:
            refused = realname_upload(browser, data)
            assert refused.status_code == 422, refused.text
            assert refused.json()["code"] == code and "id_front" in refused.json()["errors"]
    assert browser.get("/api/v1/me/realname").json()["status"] == "none"


def test_collection_photo_limits_name_the_slot_and_a_replaced_photo_link_is_gone(stack):
    browser, _ = verified_person(stack, id_number=mainland_id(region="110105"))
    assert browser.post("/api/v1/collection").status_code == 201
    assert browser.put("/api/v1/collection/steps/notice", json={"scope": "accountant"}).status_code == 200

    def upload(data):
        return browser.post("/api/v1/collection/files", data={"slot": "basic.photo"},
                            files={"file": ("photo.jpg", data, "image/jpeg")})

    oversize = upload(b"\xff\xd8\xff" + bytes(3 * MB))
    assert oversize.status_code == 422 and oversize.json()["errors"] == {"basic.photo": "照片不能超过3MB"}
    bomb = upload(images.jpeg_claiming(30000, 30000))
    assert bomb.status_code == 422 and bomb.json()["code"] == "UPLOAD_PIXELS_TOO_MANY"

    first = upload(images.jpeg(480, 680, 61 * 1024, seed=31))
    assert first.status_code == 200, first.text
    old_link = stack.url(first.json()["files"]["photo"]["url"])
    assert requests.get(old_link, timeout=10).status_code == 200
    second = upload(images.jpeg(480, 680, 61 * 1024, seed=32))
    assert second.status_code == 200, second.text
    gone = requests.get(old_link, timeout=10)
    assert gone.status_code == 410 and gone.json()["code"] == "FILE_GONE" and gone.json()["message"]
    current = requests.get(stack.url(second.json()["files"]["photo"]["url"]), timeout=10)
    assert current.status_code == 200 and current.content == images.jpeg(480, 680, 61 * 1024, seed=32)


def test_realname_page_refuses_a_12mb_photo_before_sending_it(page, stack, tmp_path):
    person = new_person()
    assert register(Browser(stack), person).status_code == 201
    person_login(page, stack, person["phone"])
    playwright_api.expect(page.get_by_test_id("user-name")).to_be_visible()
    big = tmp_path / "big.jpg"
    big.write_bytes(b"\xff\xd8\xff" + bytes(12 * MB))
    good = tmp_path / "good.jpg"
    good.write_bytes(images.jpeg(640, 400, 10240, seed=41))
    sent = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" and "/realname/online" in r.url else None)

    page.goto("/realname")
    playwright_api.expect(page.get_by_test_id("upload-requirements")).to_contain_text("10KB～5MB")
    page.get_by_test_id("method-online").click()
    page.get_by_test_id("region_code").select_option("330000")
    page.get_by_test_id("id_front").set_input_files(str(big))
    front_error = page.locator("#online-form .field-error[data-for='id_front']")
    playwright_api.expect(front_error).to_have_text("证件照片不能超过5MB")
    page.get_by_test_id("id_back").set_input_files(str(good))
    page.get_by_test_id("id_handheld").set_input_files(str(good))
    page.get_by_test_id("online-submit").click()
    playwright_api.expect(page.get_by_test_id("form-alert")).to_contain_text("请按提示")
    playwright_api.expect(front_error).to_have_text("证件照片不能超过5MB")
    page.wait_for_timeout(500)
    assert sent == []
