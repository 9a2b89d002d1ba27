"""Webhook rules: the signature a receiver can check, backoff, which provinces an event concerns, URLs."""
import hashlib
import hmac
import ipaddress
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from ausm_common.errors import DomainError
from identity import url_guard, webhooks
from identity.models import WebhookDelivery


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
    assert webhooks.provinces_of("payment_succeeded", {"province_code": "330000", "ref": "exam:1"}) == {"330000"}
    assert webhooks.provinces_of("payment_succeeded", {"ref": "exam:1"}) == set()       # no province, no one
    assert webhooks.provinces_of("credits_changed", {"account_id": "a", "department_code": "330102"}) == {"330000"}
    assert webhooks.provinces_of("credits_changed", {"account_id": "a"}) == set()
    assert webhooks.provinces_of("payment_succeeded", {"ref": "exam:x"}) == set()


def test_urls_must_be_https_and_public_outside_sandbox():
    dns = lambda host, port: [ipaddress.ip_address("114.114.114.114")]   # noqa: E731
    production, sandbox = url_guard.Policy(), url_guard.Policy(allow_http=True, allow_private=True)
    assert webhooks.check_url("https://p.example/hook", production, dns) == "https://p.example/hook"
    assert webhooks.check_url("http://127.0.0.1:9/hook", sandbox, dns)
    for url, policy in (("http://p.example/hook", production), ("ftp://x/y", sandbox), ("not a url", sandbox),
                        ("https://127.0.0.1/hook", production), ("https://2130706433/hook", production)):
        with pytest.raises(DomainError) as caught:
            webhooks.check_url(url, policy, dns)
        assert caught.value.field == "url" and caught.value.code.startswith("WEBHOOK_URL_")


NOW = datetime(2026, 11, 27, 8, 0, tzinfo=timezone.utc)


def _delivery():
    return WebhookDelivery(id="d1", subscription_id="s1", event_id="e1", event_type="collection_approved",
                           payload={"event_id": "e1"}, status="pending", attempts=0, next_attempt_at=NOW, log=[],
                           created_at=NOW)


class OneSubscription:
    def get(self, model, key):
        return SimpleNamespace(id="s1", active=True, url="https://hooks.zj.example/h", secret="sealed")


def _attempt(delivery, post):
    webhooks.attempt(OneSubscription(), delivery, post, lambda sealed: b"whsec_x", NOW, 30)


def test_a_delivery_whose_target_became_internal_fails_at_once_with_the_reason_logged():
    def rebound(url, body, headers, timeout):
        raise url_guard.TargetRefused("WEBHOOK_URL_PRIVATE", "回调地址的域名 hooks.zj.example 解析到 10.0.0.5，属于内网地址")
    delivery = _delivery()
    _attempt(delivery, rebound)
    assert (delivery.status, delivery.next_attempt_at, delivery.attempts) == ("failed", None, 1)
    assert delivery.last_error.startswith("已拒绝投递：") and "10.0.0.5" in delivery.last_error
    assert delivery.log[-1]["code"] == "WEBHOOK_URL_PRIVATE" and delivery.log[-1]["error"] == delivery.last_error


def test_a_name_that_does_not_resolve_now_is_retried_like_any_failure():
    def unresolvable(url, body, headers, timeout):
        raise url_guard.Unresolvable("hooks.zj.example")
    delivery = _delivery()
    _attempt(delivery, unresolvable)
    assert delivery.status == "pending" and delivery.next_attempt_at == NOW + timedelta(seconds=30)
    assert "无法解析" in delivery.last_error


def test_a_2xx_delivers_and_a_500_is_retried():
    delivery = _delivery()
    _attempt(delivery, lambda *args: 500)
    assert delivery.status == "pending" and delivery.last_error == "HTTP 500"
    _attempt(delivery, lambda *args: 204)
    assert delivery.status == "delivered" and [e["status_code"] for e in delivery.log] == [500, 204]


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
