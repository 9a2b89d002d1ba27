"""The edge: malformed, oversized, too deep or control-character input is refused with the error shape, in
Chinese, naming the field, before any view or service sees it (hardening items 3, 4, 5 and 10)."""
import json

import pytest

from gateway import edge

LOGIN = "/api/v1/sessions"


def post_raw(client, path, data, content_type="application/json"):
    return client.post(path, data=data, content_type=content_type)


def assert_error(response, status, code, field=None):
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == code and body["message"] and isinstance(body["errors"], dict)
    assert any("\u4e00" <= c <= "\u9fff" for c in body["message"]), body["message"]
    if field is not None:
        assert field in body["errors"], body


@pytest.mark.parametrize("raw", [b"{bad", b'{"login": "a",}', b"", b"\xef\xbb\xbf{}", b'{"a": NaN}',
                                 b'{"a": Infinity}', b'{"a": -Infinity}', b'{"a": 1e999}', b"[1, 2"])
def test_malformed_json_is_400_bad_json_without_login(client, raw):
    response = post_raw(client, LOGIN, raw)
    if raw == b"":   # no body at all: the schema names the missing fields
        assert_error(response, 422, "INVALID_INPUT", "login")
    else:
        assert_error(response, 400, "BAD_JSON")


@pytest.mark.parametrize("raw", [b'{"login": "\xff\xfe"}', b'{"login": "\xe4\xbd"}', b'{"login": "\xed\xa0\x80"}'])
def test_invalid_utf8_is_400_bad_json(client, raw):
    assert_error(post_raw(client, LOGIN, raw), 400, "BAD_JSON")


def test_json_nested_ten_thousand_deep_is_400_not_a_recursion_error(client):
    assert_error(post_raw(client, LOGIN, "[" * 10_000 + "]" * 10_000), 400, "JSON_TOO_DEEP")
    assert_error(post_raw(client, LOGIN, '{"a":' * 10_000 + "1" + "}" * 10_000), 400, "JSON_TOO_DEEP")


def test_nesting_up_to_the_cap_reaches_the_schema(client):
    body = {"login": "1" * 5, "x": json.loads("[" * (edge.MAX_JSON_DEPTH - 1) + "]" * (edge.MAX_JSON_DEPTH - 1))}
    assert_error(client.post(LOGIN, json=body), 422, "INVALID_INPUT", "password")


def test_json_body_over_one_megabyte_is_413(client):
    big = json.dumps({"login": "a" * (edge.MAX_JSON_BYTES + 1)})
    assert_error(post_raw(client, LOGIN, big), 413, "PAYLOAD_TOO_LARGE")


@pytest.mark.parametrize("body, field", [
    ({"login": "a\x00b"}, "login"),
    ({"login": "ok", "password": "\x1b[31m"}, "password"),
    ({"login": "\x85"}, "login"),                       # C1 control
    ({"records": [{"basic": {"name": "张\x00三"}}]}, "records.0.basic.name"),
    ({"log\x00in": "a"}, "body"),                       # a key
])
def test_control_characters_in_json_are_422_naming_the_field(client, body, field):
    assert_error(client.post(LOGIN, json=body), 422, "INVALID_CHARACTERS", field)


def test_lone_surrogate_in_json_is_refused(client):
    assert_error(post_raw(client, LOGIN, '{"login": "\\ud800"}'), 422, "INVALID_CHARACTERS", "login")


def test_tab_and_line_breaks_are_allowed_text(client):
    response = client.post(LOGIN, json={"login": "a\tb\r\nc"})
    assert_error(response, 422, "INVALID_INPUT", "password")
    assert "login" not in response.get_json()["errors"]


@pytest.mark.parametrize("path, field", [
    ("/api/v1/departments?parent=33%00", "parent"),
    ("/api/v1/staff/reviews?kind=%01", "kind"),
    ("/api/v1/departments?pa%00rent=1", "query"),
    ("/api/v1/wechat/tickets/ab%00cd", "state"),
    ("/api/v1/staff/collections/%7F", "collection_id"),
])
def test_control_characters_in_query_and_path_are_422_naming_the_parameter(client, path, field):
    assert_error(client.get(path), 422, "INVALID_CHARACTERS", field)


def test_control_characters_in_form_fields_are_422(client):
    response = client.post("/api/v1/me/realname/online", data={"region_code": "33\x00"})
    assert_error(response, 422, "INVALID_CHARACTERS", "region_code")


def test_other_body_types_under_the_api_are_415(client):
    assert_error(post_raw(client, LOGIN, "login=a", "text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE")
    assert_error(post_raw(client, "/api/v1/changes", b"\x00\x01", "application/octet-stream"),
                 415, "UNSUPPORTED_MEDIA_TYPE")


def test_malformed_body_on_changes_is_400_before_anything_else(client):
    assert_error(post_raw(client, "/api/v1/changes", "{bad"), 400, "BAD_JSON")


def test_405_names_the_allowed_methods(client):
    response = client.patch(LOGIN)
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}


def test_unknown_api_path_is_404_json(client):
    assert_error(client.get("/api/v1/no-such-thing"), 404, "NOT_FOUND")


def test_validation_messages_are_chinese_and_name_the_field(client):
    response = client.post(LOGIN, json={"login": "x" * 65, "password": 5, "transport": "smoke"})
    assert_error(response, 422, "INVALID_INPUT")
    errors = response.get_json()["errors"]
    assert errors["login"] == "长度不能超过64个字符"
    assert errors["password"] == "格式不正确" and errors["transport"] == "取值不正确"
    assert errors["captcha_id"] == "此项为必填项"


# --- the rules on plain values --------------------------------------------------------------

@pytest.mark.parametrize("text, depth", [
    ("1", 0), ("[]", 1), ('{"a": [[{}]]}', 4), ('["[[[[", "{{{"]', 1), ('"\\"[["', 0), ("[" * 50, 50),
])
def test_nesting_depth_ignores_brackets_inside_strings(text, depth):
    assert edge.nesting_depth(text) == depth


@pytest.mark.parametrize("text, bad", [
    ("普通文字 plain", False), ("多行\n文字\r\n\t缩进", False), ("\x00", True), ("a\x08", True), ("\x0b", True),
    ("\x1f", True), ("\x7f", True), ("\x9f", True), ("\ud83d", True), ("😀", False), ("\u00a0", False),
])
def test_forbidden_characters(text, bad):
    assert edge.has_forbidden(text) is bad


def test_parse_json_names_the_multipart_field():
    with pytest.raises(edge.BadRequest) as info:
        edge.parse_json("{bad", "data")
    assert info.value.errors == {"data": "提交的数据不是有效的 JSON"}
    with pytest.raises(Exception) as info:
        edge.parse_json('{"segment": {"name": "\\u0000"}}', "data")
    assert info.value.errors == {"data.segment.name": "不能包含控制字符（如 NUL）或无效字符"}
