"""The province API documents itself apart from the platform's API, and has a page for its developers."""


def test_the_province_api_has_its_own_openapi_document(client):
    doc = client.get("/api/province/v1/openapi.json").get_json()
    paths = set(doc["paths"])
    assert {"/api/province/v1/oauth/token", "/api/province/v1/.well-known/jwks.json", "/api/province/v1/candidates",
            "/api/province/v1/score-imports", "/api/province/v1/score-imports/{job_id}/result",
            "/api/province/v1/webhooks", "/api/province/v1/enrollments", "/api/province/v1/cpe-reports",
            "/api/province/v1/cpe-reports/{job_id}", "/api/province/v1/cpe-reports/{job_id}/result"} <= paths
    job = doc["components"]["schemas"]
    assert any("failure" in schema.get("properties", {}) for schema in job.values())
    result = doc["paths"]["/api/province/v1/score-imports/{job_id}/result"]["get"]
    assert "409" in result["responses"] and "JOB_FAILED" in result["description"]
    subscribe = doc["paths"]["/api/province/v1/webhooks"]["post"]
    assert "job_finished" in subscribe["description"]
    report = doc["paths"]["/api/province/v1/cpe-reports"]["post"]
    assert {p["name"] for p in report["parameters"]} >= {"Idempotency-Key", "institution_code"}
    assert set(report["requestBody"]["content"]) == {"text/csv", "application/x-ndjson"}
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    platform = client.get("/api/v1/openapi.json").get_json()
    assert not [p for p in platform["paths"] if p.startswith("/api/province/")]


def test_the_developer_page_shows_curl_and_python(client):
    page = client.get("/province/developers").get_data(as_text=True)
    assert "grant_type=client_credentials" in page and "import requests" in page
    assert "/api/province/v1/openapi.json" in page and "<script>" not in page
    assert "/api/province/v1/cpe-reports" in page and "credits_changed" in page
    assert "job_finished" in page and "JOB_FAILED" in page
    assert "private_key_jwt_sign" in page and "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" in page


def test_the_token_endpoint_documents_private_key_jwt_with_a_python_example(client):
    token = client.get("/api/province/v1/openapi.json").get_json()["paths"]["/api/province/v1/oauth/token"]["post"]
    form = token["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]["properties"]
    assert {"client_assertion_type", "client_assertion"} <= set(form)
    assert "private_key_jwt" in token["description"] and "private_key_jwt_sign" in token["description"]
    assert "```python" in token["description"]


def test_calls_without_a_token_are_refused_with_www_authenticate(client):
    answer = client.get("/api/province/v1/candidates")
    assert answer.status_code == 401 and answer.get_json()["code"] == "TOKEN_MISSING"
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_csv_body_is_accepted_by_the_import_route_only(client):
    answer = client.post("/api/province/v1/score-imports?exam_id=x", data=b"a,b\n", content_type="text/csv")
    assert answer.status_code == 401                           # reaches authentication, not refused as a type
    report = client.post("/api/province/v1/cpe-reports?institution_code=x", data=b"a\n",
                         content_type="application/x-ndjson")
    assert report.status_code == 401
    other = client.post("/api/v1/sms-codes", data=b"a,b\n", content_type="text/csv")
    assert other.status_code == 415
