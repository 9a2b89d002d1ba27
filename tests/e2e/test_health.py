"""/healthz answers 503 and names what is down; API calls fail with a clear message, not a hang."""
import time

import requests

from ausm_common import registry
from tests.support.infra import free_port, rabbit_vhost
from tests.support.stack import gateway_alone


def test_service_down_is_named(tmp_path):
    with rabbit_vhost("ausm_health") as amqp, gateway_alone(tmp_path, amqp) as base:
        started = time.monotonic()
        health = requests.get(base + "/healthz", timeout=30)
        assert health.status_code == 503
        assert health.json()["down"] == list(registry.names()) and health.json()["checks"]["broker"] is True
        assert time.monotonic() - started < 10
        answer = requests.post(base + "/api/v1/captcha", timeout=30)
        assert answer.status_code == 503
        body = answer.json()
        assert body["code"] and body["message"] and "Traceback" not in answer.text


def test_broker_down_is_named(tmp_path):
    dead = f"pyamqp://guest:guest@127.0.0.1:{free_port()}/"
    with gateway_alone(tmp_path, dead) as base:
        health = requests.get(base + "/healthz", timeout=30)
        assert health.status_code == 503
        assert set(health.json()["down"]) == {"broker", *registry.names()}
