"""A multipart part whose name the parser cannot read (a name ending in a backslash comes back as None) is refused
(422, the error shape), not a 500 (found by the fuzzer on /api/v1/me/realname/online)."""


def test_a_multipart_part_with_an_unreadable_name_is_refused_cleanly(client):
    boundary = "f4ed87035e0e55a3b3a79712e81f71a1"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="x\\"\r\n\r\n-135\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="region_code"\r\n\r\n130000\r\n'
            f'--{boundary}--\r\n').encode()
    answer = client.post("/api/v1/me/realname/online", data=body,
                         content_type=f"multipart/form-data; boundary={boundary}")
    assert answer.status_code == 422 and answer.get_json()["code"] == "INVALID_CHARACTERS"
