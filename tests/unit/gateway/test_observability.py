"""The gateway's request id and metrics."""
def test_the_gateway_returns_a_request_id_and_counts_requests(client):
    answer = client.get("/livez", headers={"X-Request-Id": "from-the-ingress-1"})
    assert answer.status_code == 200 and answer.headers["X-Request-Id"] == "from-the-ingress-1"
    made = client.get("/livez")
    assert len(made.headers["X-Request-Id"]) == 16 and made.headers["X-Request-Id"] != "from-the-ingress-1"
    text = client.get("/metrics").get_data(as_text=True)
    assert 'ausm_http_requests_total{endpoint="/livez",method="GET",status="200"}' in text
    assert "ausm_http_request_duration_seconds_bucket" in text


def test_liveness_needs_nothing_and_readiness_needs_the_services(client):
    assert client.get("/livez").status_code == 200
    ready = client.get("/readyz")          # the unit app's broker address is unreachable
    assert ready.status_code == 503 and ready.get_json()["checks"]["broker"] is False


def test_cached_reference_answers_are_counted_and_logged_at_debug_other_answers_at_info(app, caplog):
    from gateway import refcache

    class Exams:
        def call(self, service, method, args=(), kwargs=None, context=None, timeout=None):
            return [{"id": "p1", "year": 2027, "level": "junior", "level_label": "初级", "name": "x", "subjects": []}]
    app.extensions["rpc_client"] = Exams()
    refcache.clear()
    client = app.test_client()
    with caplog.at_level("DEBUG", logger="ausm.http"):
        assert client.get("/api/v1/exams").status_code == 200
        assert client.get("/api/v1/upload-policies").status_code == 200
    levels = {r.path: r.levelname for r in caplog.records if hasattr(r, "path")}
    assert levels == {"/api/v1/exams": "DEBUG", "/api/v1/upload-policies": "INFO"}
    assert 'endpoint="/api/v1/exams",method="GET",status="200"' in client.get("/metrics").get_data(as_text=True)
    refcache.clear()
