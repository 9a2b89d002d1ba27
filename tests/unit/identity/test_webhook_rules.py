"""Webhook rules: the signature a receiver can check, backoff, which provinces an event concerns, URLs."""
import hashlib
import hmac
from datetime import timedelta

import pytest

from ausm_common.errors import DomainError
from identity import webhooks


def test_the_signature_is_hmac_sha256_over_timestamp_and_body():
    body = b'{"event_type":"collection_approved"}'
    expected = hmac.new(b"whsec_x", b"1800000000." + body, hashlib.sha256).hexdigest()
    assert webhooks.signature("whsec_x", 1800000000, body) == "v1=" + expected
    assert webhooks.signature("whsec_x", 1800000001, body) != "v1=" + expected


def test_backoff_doubles_and_is_capped():
    assert [webhooks.backoff(n, 30) for n in (1, 2, 3)] == [timedelta(seconds=30), timedelta(seconds=60),
                                                              timedelta(seconds=120)]
    assert webhooks.backoff(30, 30) == timedelta(hours=1)


def test_events_reach_the_provinces_of_their_jurisdiction():
    assert webhooks.provinces_of("collection_approved", {"department_code": "330102"}) == {"330000"}
    assert webhooks.provinces_of("transfer_approved", {"from_department": "330100", "to_department": "110000"}) \
        == {"330000", "110000"}
    assert webhooks.provinces_of("enrollment_submitted", {"province_code": "210200"}) == {"210000"}
    assert webhooks.provinces_of("enrollment_registered", {"province_code": "330000"}) == {"330000"}
    assert webhooks.provinces_of("credits_changed", {"account_id": "a", "department_code": "330102"}) == {"330000"}
    assert webhooks.provinces_of("credits_changed", {"account_id": "a"}) == set()
    assert webhooks.provinces_of("payment_succeeded", {"ref": "exam:x"}) == set()


def test_urls_must_be_https_outside_sandbox():
    assert webhooks.check_url("https://p.example/hook", allow_http=False)
    assert webhooks.check_url("http://127.0.0.1:9/hook", allow_http=True)
    for url, allow in (("http://p.example/hook", False), ("ftp://x/y", True), ("not a url", True)):
        with pytest.raises(DomainError):
            webhooks.check_url(url, allow)


def test_only_known_events_may_be_subscribed():
    assert webhooks.check_events(["enrollment_submitted", "collection_approved"]) == \
        ["collection_approved", "enrollment_submitted"]
    with pytest.raises(DomainError):
        webhooks.check_events(["scores_published"])


def test_job_finished_goes_to_the_client_that_owns_the_job_only():
    event = {"job_id": "j", "kind": "scores", "status": "done", "client_id": "c1", "province_code": "330000"}
    assert webhooks.provinces_of("job_finished", event) == {"330000"}
    assert webhooks.client_of("job_finished", event) == "c1"
    assert webhooks.client_of("job_finished", {**event, "client_id": None}) == ""     # nobody, not everybody
    assert webhooks.client_of("collection_approved", {"department_code": "330102", "client_id": "c1"}) is None
    assert "job_finished" in webhooks.check_events(["job_finished"])
