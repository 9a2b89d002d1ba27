"""The edge over real HTTP (gunicorn in front): malformed, oversized, too deep or control-character input is a
4xx in the error shape, never a 500; 405 names the allowed methods; gunicorn's own refusals are JSON."""
import json

import requests

from tests.e2e.helpers import verified_person
from tests.support.people import mainland_id
from tests.support.profile_data import BASIC


def post_raw(stack, path, data, content_type="application/json", **kwargs):
    return requests.post(stack.url(path), data=data, headers={"Content-Type": content_type}, timeout=20, **kwargs)


def assert_error(response, status, code, field=None):
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code and set(body) >= {"message", "errors"}, body
    assert any("\u4e00" <= c <= "\u9fff" for c in body["message"])
    if field:
        assert field in body["errors"], body
    return body


def test_malformed_json_and_invalid_utf8_are_400_without_login(stack):
    assert_error(post_raw(stack, "/api/v1/sessions", "{bad"), 400, "BAD_JSON")
    assert_error(post_raw(stack, "/api/v1/accounts", b'{"name": "\xff\xfe"}'), 400, "BAD_JSON")
    assert_error(post_raw(stack, "/api/v1/sms-codes", '{"phone": NaN}'), 400, "BAD_JSON")


def test_json_nested_ten_thousand_deep_is_400(stack):
    assert_error(post_raw(stack, "/api/v1/sessions", "[" * 10_000 + "]" * 10_000), 400, "JSON_TOO_DEEP")


def test_large_json_body_is_413_before_parsing(stack):
    body = json.dumps({"login": "1" * (1024 * 1024 + 10)})
    assert_error(post_raw(stack, "/api/v1/sessions", body), 413, "PAYLOAD_TOO_LARGE")


def test_nul_in_query_path_and_body_is_422_naming_the_field(stack):
    assert_error(requests.get(stack.url("/api/v1/departments?parent=33%00"), timeout=20), 422,
                 "INVALID_CHARACTERS", "parent")
    assert_error(requests.get(stack.url("/api/v1/wechat/tickets/x%00y"), timeout=20), 422,
                 "INVALID_CHARACTERS", "state")
    assert_error(requests.post(stack.url("/api/v1/sms-codes"), json={"phone": "138\x000000000", "purpose": "register"},
                               timeout=20), 422, "INVALID_CHARACTERS", "phone")


def test_nul_is_never_stored_in_free_text(stack):
    browser, _ = verified_person(stack, id_number=mainland_id(region="330102"))
    assert browser.post("/api/v1/collection").status_code == 201
    refused = browser.put("/api/v1/collection/steps/basic", json={**BASIC, "address": "杭州市\x00上城区"})
    assert_error(refused, 422, "INVALID_CHARACTERS", "address")
    assert "\\u0000" not in browser.get("/api/v1/collection").text
    saved = browser.put("/api/v1/collection/steps/basic", json=BASIC)
    assert saved.status_code == 200, saved.text


def test_changes_take_the_same_strict_body_and_answer_in_chinese(stack):
    browser, _ = verified_person(stack)
    assert_error(browser.post("/api/v1/changes", data="{bad", headers={"Content-Type": "application/json"}),
                 400, "BAD_JSON")
    assert_error(browser.post("/api/v1/changes", data="kind=basic", headers={"Content-Type": "text/plain"}),
                 415, "UNSUPPORTED_MEDIA_TYPE")
    assert_error(browser.post("/api/v1/changes", json=[1, 2]), 422, "BODY_INVALID")
    assert_error(browser.post("/api/v1/changes", data={"data": "{bad"}, files={"x": ("x.txt", b"x")}),
                 400, "BAD_JSON", "data")
    body = assert_error(browser.post("/api/v1/changes", json={}), 422, "INVALID_INPUT")
    assert body["errors"] == {"kind": "此项为必填项", "operation": "此项为必填项"}


def test_405_has_allow_and_json(stack):
    response = requests.patch(stack.url("/api/v1/sessions"), timeout=20)
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    assert_error(requests.get(stack.url("/api/v1/nothing-here"), timeout=20), 404, "NOT_FOUND")


def test_gunicorn_414_and_431_are_json(stack):
    assert_error(requests.get(stack.url("/api/v1/departments?parent=" + "3" * 10_000), timeout=20),
                 414, "URI_TOO_LONG")
    assert_error(requests.get(stack.url("/api/v1/departments"), headers={"X-Big": "a" * 10_000}, timeout=20),
                 431, "HEADERS_TOO_LARGE")
    many = {f"X-H{i}": "1" for i in range(120)}
    assert_error(requests.get(stack.url("/api/v1/departments"), headers=many, timeout=20), 431, "HEADERS_TOO_LARGE")
