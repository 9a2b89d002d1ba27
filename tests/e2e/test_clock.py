"""One clock: /sandbox/clock moves the gateway and every service together."""
from datetime import datetime

import requests

from ausm_common import registry
from ausm_common.rpc import RpcClient


def _service_times(stack) -> dict:
    client = RpcClient(stack.amqp_uri, timeout=10, name="clock-test")
    try:
        return {name: datetime.fromisoformat(client.call(name, "clock_now")["now"]) for name in registry.names()}
    finally:
        client.close()


def test_sandbox_clock_moves_every_service_together(stack):
    before = _service_times(stack)
    moved = requests.post(stack.url("/sandbox/clock"), json={"advance_seconds": 86400}, timeout=10)
    try:
        assert moved.status_code == 200 and moved.json()["offset_seconds"] >= 86400
        after = _service_times(stack)
        gateway_now = datetime.fromisoformat(requests.get(stack.url("/sandbox/clock"), timeout=10).json()["now"])
        for name in registry.names():
            assert 86400 <= (after[name] - before[name]).total_seconds() < 86400 + 60, name
            assert abs((after[name] - gateway_now).total_seconds()) < 60, name
        refused = requests.post(stack.url("/sandbox/clock"), json={"advance_seconds": -60}, timeout=10)
        assert refused.status_code == 422 and refused.json()["errors"]["advance_seconds"]
    finally:
        requests.delete(stack.url("/sandbox/clock"), timeout=10)
