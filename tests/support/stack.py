"""The whole platform (every service in the registry) as separate processes on fresh infrastructure (e2e tests,
bench)."""
import os
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

import requests

from ausm_common import registry

from . import infra, payments

ROOT = infra.ROOT


class Stack:
    def __init__(self, base_url, s3, database_url, amqp_uri, logs):
        self.base_url, self.s3, self.database_url, self.amqp_uri, self.logs = \
            base_url, s3, database_url, amqp_uri, logs

    def url(self, path):
        return self.base_url + path

    def sms(self, phone):
        return requests.get(self.url("/sandbox/sms"), params={"phone": phone}, timeout=10).json()

    def captcha_answer(self, captcha_id):
        return requests.get(self.url(f"/sandbox/captcha/{captcha_id}"), timeout=10).json()["answer"]


def _wait_healthy(url, procs, logs, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        for proc in procs:
            if proc.poll() is not None:
                raise RuntimeError(f"a process exited early; see {logs}")
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"stack not healthy in {timeout}s; see {logs}")


def _service(entry, env, logs):
    return subprocess.Popen([sys.executable, "-m", "nameko", "run", "--config", entry.config, entry.module],
                            cwd=ROOT, env=env, stdout=open(logs / f"{entry.name}.log", "w"), stderr=subprocess.STDOUT)


@contextmanager
def fresh_databases(prefix: str):
    """One fresh, migrated database per registered service: {name: url}."""
    with ExitStack() as stack:
        yield {entry.name: stack.enter_context(infra.fresh_database(f"ausm_{entry.name}_{prefix}", entry.name))
               for entry in registry.services()}


def start_services(env: dict, logs: Path) -> list:
    return [_service(entry, env, logs) for entry in registry.services()]


def seed(env: dict):
    for entry in registry.services():
        subprocess.run([sys.executable, "-m", f"{entry.package}.seed"], env=env, check=True, capture_output=True)


@contextmanager
def running_stack(logs: Path, extra_env: dict | None = None, gateway_threads: int = 8):
    """Every registered service (`nameko run`), the payment channels' sandbox and the gateway (gunicorn) on
    fresh databases, vhost and S3."""
    with fresh_databases("e2e") as databases, infra.rabbit_vhost("ausm_e2e") as amqp, infra.s3_server() as s3, \
            payments.sandbox_process(logs, time_scale=float((extra_env or {}).get("SANDBOX_TIME_SCALE", 600)),
                                     env={"CLOCK_NAMESPACE": amqp.rsplit("/", 1)[-1] or "ausm_e2e"}) as sandbox:
        port = infra.free_port()
        env = {**os.environ, "AMQP_URI": amqp, "SANDBOX": "true",
               "PAYMENT_SANDBOX_URL": sandbox, "PAYMENT_NOTIFY_BASE_URL": f"http://127.0.0.1:{port}",
               **{registry.get(name).database_env: url for name, url in databases.items()},
               "S3_ENDPOINT": s3["endpoint"], "S3_ACCESS_KEY": s3["access_key"], "S3_SECRET_KEY": s3["secret_key"],
               "S3_BUCKET": s3["bucket"], "SECRET_KEY": "e2e-secret", "PORT": str(port),
               "CLOCK_NAMESPACE": amqp.rsplit("/", 1)[-1] or "ausm_e2e",
               "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST": "8192",
               # every test client is 127.0.0.1: the per-address throttles are tested on their own (test_throttle)
               "THROTTLE_CAPTCHA": "100000/minute", "THROTTLE_SMS": "100000/minute", "THROTTLE_LOGIN": "100000/minute",
               "THROTTLE_OCR": "100000/minute",
               "SMS_PER_CLIENT_DAILY": "100000",
               # one proxy hop: a test client that says X-Forwarded-For is its own network (tests/e2e/helpers)
               "TRUSTED_PROXY_HOPS": "1",
               # each service instance on a free port of its own for /metrics, /healthz, /readyz
               "METRICS_PORT": "0", **(extra_env or {})}
        seed(env)
        subprocess.run([sys.executable, "-m", "ausm_common.topology"], env=env, check=True, capture_output=True)
        procs = start_services(env, logs)
        procs.append(subprocess.Popen([sys.executable, "-m", "gunicorn", "-k", "gthread", "--threads",
                                       str(gateway_threads), "--bind", f"127.0.0.1:{port}", "--chdir", "gateway",
                                       "gateway.wsgi:app"], cwd=ROOT, env=env,
                                      stdout=open(logs / "gateway.log", "w"), stderr=subprocess.STDOUT))
        try:
            _wait_healthy(f"http://127.0.0.1:{port}/healthz", procs, logs)
            stack = Stack(f"http://127.0.0.1:{port}", s3, databases["identity"], amqp, Path(logs))
            stack.databases = databases
            stack.profile_database_url = databases["profile"]
            stack.env = env
            stack.sandbox = sandbox
            yield stack
        finally:
            for proc in reversed(procs):
                proc.terminate()
            for proc in reversed(procs):
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()


@contextmanager
def gateway_alone(logs: Path, amqp_uri: str, extra_env: dict | None = None, workers: int = 1):
    """Only the gateway (no services): for what it says when the rest is down."""
    port = infra.free_port()
    env = {**os.environ, "AMQP_URI": amqp_uri, "SANDBOX": "true", "SECRET_KEY": "e2e-secret",
           "RPC_TIMEOUT": "3", **(extra_env or {})}
    gateway = subprocess.Popen([sys.executable, "-m", "gunicorn", "-k", "gthread", "--threads", "4",
                                "--workers", str(workers),
                                "--bind", f"127.0.0.1:{port}", "--chdir", "gateway", "gateway.wsgi:app"],
                               cwd=ROOT, env=env, stdout=open(logs / "gateway-alone.log", "w"),
                               stderr=subprocess.STDOUT)
    try:
        infra.wait_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        gateway.terminate()
        try:
            gateway.wait(15)
        except subprocess.TimeoutExpired:
            gateway.kill()
