"""A payment channel's form-encoded notification reaches the payment service byte for byte (its signature covers
the exact body), although the edge has parsed the form to check it for control characters."""


class Recording:
    def __init__(self):
        self.calls = []

    def call(self, service, method, args=(), kwargs=None, context=None, timeout=None):
        self.calls.append((service, method, args))
        return {"body": "success", "status": 200, "content_type": "text/plain"}


def test_the_raw_form_body_survives_the_edge_check(make_app):
    app = make_app()
    app.extensions["rpc_client"] = recording = Recording()
    body = "notify_type=trade_status_sync&subject=%E8%80%83%E8%AF%95&sign=abc%2B%2F%3D&sign_type=RSA2"
    answer = app.test_client().post("/notify/alipay", data=body,
                                    content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200 and answer.get_data(as_text=True) == "success"
    [(service, method, args)] = recording.calls
    assert (service, method) == ("payment", "accept_notification") and args[0] == "alipay" and args[2] == body


def test_a_control_character_in_a_notification_form_is_still_refused(make_app):
    app = make_app()
    app.extensions["rpc_client"] = recording = Recording()
    answer = app.test_client().post("/notify/alipay", data="subject=%00x",
                                    content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 422 and recording.calls == []
