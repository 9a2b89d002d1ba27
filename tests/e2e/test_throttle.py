"""The gateway's throttles hold across gunicorn worker processes (the window lives in Redis)."""
import uuid

import requests

from tests.support.infra import rabbit_vhost
from tests.support.stack import gateway_alone


def test_captcha_throttle_is_shared_by_every_gateway_worker(tmp_path):
    namespace = f"ausm_throttle_{uuid.uuid4().hex[:8]}"
    with rabbit_vhost("ausm_throttle") as amqp, \
            gateway_alone(tmp_path, amqp, {"THROTTLE_CAPTCHA": "4/minute", "CLOCK_NAMESPACE": namespace,
                                           "GATEWAY_WORKERS": "2"}, workers=2) as base:
        answers = [requests.post(base + "/api/v1/captcha", timeout=30) for _ in range(7)]   # new connections
        codes = [a.status_code for a in answers]
        assert codes[:4] == [503] * 4          # let through (no identity service runs here: 503)
        assert codes[4:] == [429] * 3          # then refused before any service is asked
        assert answers[-1].json()["code"] == "TOO_MANY_REQUESTS" and int(answers[-1].headers["Retry-After"]) > 0
