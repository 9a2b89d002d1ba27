"""The whole platform as separate processes on fresh infrastructure (e2e tests, bench)."""
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

from . import infra

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


def _service(name, module, env, logs):
    return subprocess.Popen([sys.executable, "-m", "nameko", "run", "--config", f"services/{name}/config.yml",
                             f"{module}.service"], cwd=ROOT, env=env, stdout=open(logs / f"{name}.log", "w"),
                            stderr=subprocess.STDOUT)


@contextmanager
def running_stack(logs: Path, extra_env: dict | None = None, gateway_threads: int = 8):
    """identity and profile (`nameko run`) and the gateway (gunicorn) on fresh databases, vhost and S3."""
    with infra.fresh_database("ausm_identity_e2e") as database_url, \
            infra.fresh_database("ausm_profile_e2e", "profile") as profile_url, \
            infra.rabbit_vhost("ausm_e2e") as amqp, infra.s3_server() as s3:
        port = infra.free_port()
        env = {**os.environ, "AMQP_URI": amqp, "IDENTITY_DATABASE_URL": database_url,
               "PROFILE_DATABASE_URL": profile_url, "SANDBOX": "true",
               "S3_ENDPOINT": s3["endpoint"], "S3_ACCESS_KEY": s3["access_key"], "S3_SECRET_KEY": s3["secret_key"],
               "S3_BUCKET": s3["bucket"], "SECRET_KEY": "e2e-secret", "PORT": str(port),
               "ARGON2_TIME_COST": "1", "ARGON2_MEMORY_COST": "8192", **(extra_env or {})}
        subprocess.run([sys.executable, "-m", "identity.seed"], env=env, check=True, capture_output=True)
        subprocess.run([sys.executable, "-m", "profiles.seed"], env=env, check=True, capture_output=True)
        procs = [_service("identity", "identity", env, logs), _service("profile", "profiles", env, logs)]
        procs.append(subprocess.Popen([sys.executable, "-m", "gunicorn", "-k", "gthread", "--threads",
                                       str(gateway_threads), "--bind", f"127.0.0.1:{port}", "--chdir", "gateway",
                                       "gateway.wsgi:app"], cwd=ROOT, env=env,
                                      stdout=open(logs / "gateway.log", "w"), stderr=subprocess.STDOUT))
        try:
            _wait_healthy(f"http://127.0.0.1:{port}/healthz", procs, logs)
            stack = Stack(f"http://127.0.0.1:{port}", s3, database_url, amqp, Path(logs))
            stack.profile_database_url = profile_url
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
def gateway_alone(logs: Path, amqp_uri: str, extra_env: dict | None = None):
    """Only the gateway (no services): for what it says when the rest is down."""
    port = infra.free_port()
    env = {**os.environ, "AMQP_URI": amqp_uri, "SANDBOX": "true", "SECRET_KEY": "e2e-secret",
           "RPC_TIMEOUT": "3", **(extra_env or {})}
    gateway = subprocess.Popen([sys.executable, "-m", "gunicorn", "-k", "gthread", "--threads", "4",
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
