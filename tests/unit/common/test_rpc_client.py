"""The RPC client's concurrency without a broker: many threads share one reply connection, whichever caller is
waiting reads it for everyone, and nobody is left asleep with its reply unread. The broker is a queue here
(its wire is covered by tests/integration/test_rpc_path.py and tests/e2e/test_reference_data.py)."""
import queue
import random
import socket
import threading
import time
from types import SimpleNamespace

import pytest
from nameko.exceptions import RpcTimeout

from ausm_common.rpc import RpcClient


class FakeBroker:
    """Echoes `args[0]` back, in whatever order replies happen to be taken, except to service `sleepy`."""

    def __init__(self):
        self.replies = queue.Queue()
        self.connections = 0
        self.fail_next_read = False

    def attach(self, client: RpcClient):
        def connect():
            self.connections += 1
            client._consumer = SimpleNamespace(drain_events=lambda timeout: self.drain(client, timeout),
                                               release=lambda: None)

        def publish(service, method, body, headers, correlation_id, timeout):
            if service != "sleepy":
                self.replies.put((correlation_id, {"result": body["args"][0], "error": None}))
        client._connect_consumer = connect
        client._publish = publish

    def drain(self, client, timeout):
        if self.fail_next_read:
            self.fail_next_read = False
            raise ConnectionResetError("broker went away")
        try:
            correlation_id, body = self.replies.get(timeout=timeout)
        except queue.Empty:
            raise socket.timeout() from None
        if random.random() < 0.2:
            time.sleep(0.001)          # let other threads run while this reader holds the reply
        client._on_reply(body, SimpleNamespace(properties={"correlation_id": correlation_id}))


@pytest.fixture
def client():
    client = RpcClient("pyamqp://unused/", timeout=5, name="unit")
    broker = FakeBroker()
    broker.attach(client)
    client.broker = broker
    return client


def run_threads(n, target):
    errors = []

    def guarded(i):
        try:
            target(i)
        except Exception as exc:   # noqa: BLE001 (reported by the test)
            errors.append(repr(exc))
    threads = [threading.Thread(target=guarded, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def test_sixteen_threads_each_get_their_own_answers(client):
    wrong = []

    def caller(i):
        for j in range(200):
            value = f"{i}-{j}"
            answer = client.call("profile", "echo", [value])
            if answer != value:
                wrong.append((value, answer))
    assert run_threads(16, caller) == []
    assert wrong == [] and client._pending == {}
    assert not client._reading.locked()


def test_an_unanswered_call_times_out_without_stranding_the_others(client):
    def caller(i):
        if i % 4 == 0:
            start = time.monotonic()
            with pytest.raises(RpcTimeout):
                client.call("sleepy", "work", [i], timeout=0.3)
            assert 0.29 <= time.monotonic() - start < 2
        for j in range(50):
            assert client.call("profile", "echo", [j], timeout=5) == j
    assert run_threads(16, caller) == []


def test_a_lost_reply_connection_is_reopened_and_queued_replies_still_arrive(client):
    assert client.call("profile", "echo", ["first"]) == "first"
    client.broker.fail_next_read = True
    assert run_threads(8, lambda i: client.call("profile", "echo", [i]) == i or pytest.fail("wrong answer")) == []
    assert client.broker.connections == 2


def test_a_single_caller_reads_its_own_reply_in_its_own_thread(client):
    seen = []
    deliver = client._on_reply

    def on_reply(body, message):
        pending = client._pending[message.properties["correlation_id"]]
        seen.append((threading.current_thread() is threading.main_thread(), pending.event))
        deliver(body, message)
    client._on_reply = on_reply
    for i in range(20):
        assert client.call("profile", "echo", [i]) == i
    assert seen == [(True, None)] * 20          # no listener thread, no Event to wait on
