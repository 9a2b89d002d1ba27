"""Test support for the payment service: the channel sandbox and the payment service as real processes and a
notification relay that does what the gateway's /notify routes do. What is paid for is a real exam enrollment
(tests/integration/exam_helpers.py, tests/e2e/exam_flow.py)."""
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from . import infra

ROOT = infra.ROOT


def wait_for(predicate, timeout=30.0, what="condition", interval=0.2):
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@contextmanager
def sandbox_process(logs: Path, time_scale: float = 600, env: dict | None = None):
    """`python -m payment.sandbox` on a free port; yields its base URL."""
    port = infra.free_port()
    proc = subprocess.Popen([sys.executable, "-m", "payment.sandbox", "--port", str(port), "--time-scale",
                             str(time_scale)], cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=open(logs / "payment-sandbox.log", "a"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _ok(f"{base}/healthz") or proc.poll() is not None, 30, "the channel sandbox")
        if proc.poll() is not None:
            raise RuntimeError(f"the channel sandbox exited; see {logs}")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _ok(url) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


class ServiceProcess:
    """A `nameko run` process that a test can kill -9, freeze and start again."""

    def __init__(self, command, env, log, cwd=ROOT):
        self.command, self.env, self.log, self.cwd, self.proc = command, env, log, cwd, None

    def start(self):
        self.proc = subprocess.Popen(self.command, cwd=self.cwd, env=self.env, stdout=open(self.log, "a"),
                                     stderr=subprocess.STDOUT)
        return self

    def freeze(self):
        self.proc.send_signal(signal.SIGSTOP)

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def payment_command() -> list[str]:
    return [sys.executable, "-m", "nameko", "run", "--config", "services/payment/config.yml", "payment.service"]


@contextmanager
def notification_relay(amqp_uri: str):
    """The gateway's /notify/<channel> routes alone (gateway/gateway/notify.py) on a free port. `after_answer`
    (settable) runs once the payment service has answered and before the channel gets the HTTP answer."""
    from flask import Flask
    from werkzeug.serving import make_server

    from ausm_common.rpc import RpcClient
    from gateway import notify

    app = Flask("relay")
    app.extensions["rpc_client"] = RpcClient(amqp_uri, timeout=15, name="relay")
    app.register_blueprint(notify.blp)
    hooks = {"after_answer": None}

    @app.after_request
    def after(response):
        hook = hooks["after_answer"]
        if hook and response.status_code < 300:
            hooks["after_answer"] = None
            hook()
        return response

    port = infra.free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    relay = type("Relay", (), {"url": f"http://127.0.0.1:{port}", "hooks": hooks})()
    try:
        yield relay
    finally:
        server.shutdown()
        app.extensions["rpc_client"].close()


def pay(sandbox: str, channel: str, order_no: str, **options) -> dict:
    response = requests.post(f"{sandbox}/api/pay", json={"channel": channel, "order_no": order_no, **options},
                             timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def deliveries(sandbox: str, order_no: str) -> list[dict]:
    return requests.get(f"{sandbox}/api/deliveries", params={"order_no": order_no}, timeout=10).json()["deliveries"]
