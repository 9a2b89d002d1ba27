"""The gateway without a broker: upload limits per purpose before storing, the policy endpoint, file links
that expire within 15 minutes and answer 410 for a replaced object, and production refusing public secrets."""
import io
import time

import pytest

from ausm_common import upload_policies as registry
from ausm_common.config import InsecureConfiguration
from ausm_common.errors import ValidationFailed
from ausm_common.storage import ObjectMissing
from ausm_common.tokens import MAX_LINK_TTL, file_link, sign
from gateway import create_app
from gateway.uploads import store_incoming

STRONG = "k" * 48


class FakeStore:
    """Object storage in a dict: what the gateway needs of ObjectStore."""

    def __init__(self):
        self.objects = {}

    def put(self, key, data, content_type="application/octet-stream"):
        self.objects[key] = data

    def get(self, key):
        if key not in self.objects:
            raise ObjectMissing(key)
        return self.objects[key]

    def delete(self, key):
        self.objects.pop(key, None)


@pytest.fixture
def app(monkeypatch):
    monkeypatch.setenv("FILE_LINK_SECRET", STRONG)
    app = create_app({"SANDBOX": True, "TESTING": True})
    app.extensions["object_store"] = FakeStore()
    return app


def multipart(app, files: dict):
    data = {name: (io.BytesIO(body), f"{name}.jpg", "image/jpeg") for name, body in files.items()}
    return app.test_request_context("/", method="POST", data=data, content_type="multipart/form-data")


def test_oversize_realname_photo_is_refused_at_its_field_with_the_policy_message_and_nothing_stored(app):
    small, big = b"\xff\xd8\xff" + bytes(100 * 1024), b"\xff\xd8\xff" + bytes(12 * 1024 * 1024)
    with multipart(app, {"id_front": small, "id_back": big}):
        with pytest.raises(ValidationFailed) as info:
            store_incoming("acc1", ("id_front", "id_back", "id_handheld"), "realname_photo")
    assert info.value.status == 422 and info.value.code == "UPLOAD_TOO_LARGE"
    assert info.value.errors == {"id_back": "证件照片不能超过5MB"}
    assert info.value.message == registry.REALNAME_PHOTO.messages()["too_large"]
    assert app.extensions["object_store"].objects == {}


def test_a_file_within_the_limit_is_stored_under_the_owner(app):
    body = b"\xff\xd8\xff" + bytes(5 * 1024 * 1024 - 3)          # exactly 5 MB
    with multipart(app, {"id_front": body}):
        keys = store_incoming("acc1", ("id_front", "id_back"), "realname_photo")
    assert list(keys) == ["id_front"] and keys["id_front"].startswith("incoming/acc1/")
    assert app.extensions["object_store"].objects[keys["id_front"]] == body


def test_collection_refusal_names_the_slot_not_the_multipart_field(app):
    limit = registry.largest("photo").max_bytes                    # the gateway cannot know the province
    assert limit == registry.PHOTO_BY_PROVINCE["330000"].max_bytes
    with multipart(app, {"file": bytes(limit + 1)}):
        with pytest.raises(ValidationFailed) as info:
            store_incoming("acc1", {"file": "basic.photo"}, registry.collection_purpose("basic.photo"))
    assert info.value.errors == {"basic.photo": "照片不能超过3MB"}
    with multipart(app, {"proof": bytes(200 * 1024 + 1)}):
        with pytest.raises(ValidationFailed) as info:
            store_incoming("acc1", ("proof",), "transfer_proof")
    assert info.value.errors == {"proof": "证明材料不能超过200KB"}


def test_upload_policies_endpoint_lists_every_purpose_and_is_documented(app):
    client = app.test_client()
    policies = client.get("/api/v1/upload-policies").get_json()
    national = {p["purpose"]: p for p in policies if p["province"] is None}
    assert set(national) == {"realname_photo", "photo", "proof", "transfer_proof", "qualification_proof",
                             "cpe_proof"}
    realname = national["realname_photo"]
    assert (realname["max_bytes"], realname["min_width"], realname["content_types"]) == \
        (5 * 1024 * 1024, 300, ["image/jpeg", "image/png"])
    assert realname["messages"]["too_large"] == "证件照片不能超过5MB"
    assert national["cpe_proof"]["kinds"] == ["pdf"] and national["cpe_proof"]["max_pages"] == 20
    zhejiang = [p for p in policies if p["province"] == "330000"][0]
    assert (zhejiang["purpose"], zhejiang["min_width"], zhejiang["min_height"]) == ("photo", 413, 626)
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/upload-policies"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["type"] == "array" and schema["items"]["$ref"].endswith("/UploadPolicyOut")
    assert "max_bytes" in spec["components"]["schemas"]["UploadPolicyOut"]["properties"]


def _query(link: str) -> str:
    return link.split("?", 1)[1]


def test_file_link_serves_the_file_then_410_once_it_is_replaced(app):
    store = app.extensions["object_store"]
    store.put("collection/acc1/photo1", b"\xff\xd8\xff photo")
    client = app.test_client()
    link = file_link(STRONG.encode(), "collection/acc1/photo1")
    assert client.get(link).data == b"\xff\xd8\xff photo"
    store.delete("collection/acc1/photo1")
    gone = client.get(link)
    assert gone.status_code == 410 and gone.get_json()["code"] == "FILE_GONE"
    assert set(gone.get_json()) == {"code", "message", "errors"}


def test_a_link_valid_for_30_days_is_refused_even_with_the_right_signature(app):
    store = app.extensions["object_store"]
    store.put("realname/other/front", b"\xff\xd8\xff someone else")
    key, expires = "realname/other/front", str(int(time.time()) + 30 * 24 * 3600)
    thirty_days = f"/files/{key}?expires={expires}&sig={sign(STRONG.encode(), key, expires)}"
    assert app.test_client().get(thirty_days).status_code == 403
    clamped = file_link(STRONG.encode(), "realname/other/front", ttl_seconds=30 * 24 * 3600, now=1000)
    assert _query(clamped).startswith(f"expires={1000 + MAX_LINK_TTL}&")


def test_production_mode_refuses_the_development_secrets(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("FILE_LINK_SECRET", raising=False)
    with pytest.raises(InsecureConfiguration) as info:
        create_app({"SANDBOX": False})
    assert "SECRET_KEY is a published default" in str(info.value)
    assert "FILE_LINK_SECRET is not set" in str(info.value)
    monkeypatch.setenv("FILE_LINK_SECRET", "short")
    with pytest.raises(InsecureConfiguration, match="FILE_LINK_SECRET is shorter than 32 bytes"):
        create_app({"SANDBOX": False, "SECRET_KEY": STRONG})
    monkeypatch.setenv("FILE_LINK_SECRET", STRONG.upper())
    assert create_app({"SANDBOX": False, "SECRET_KEY": STRONG}).config["SANDBOX"] is False
