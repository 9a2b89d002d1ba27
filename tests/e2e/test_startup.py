"""Production mode (SANDBOX=false) does not start on secrets anyone can know: the gateway under gunicorn
and a nameko service exit non-zero and say which secret is wrong; real secrets start the gateway."""
import os
import secrets
import subprocess
import sys

import requests

from tests.support import infra

REFUSAL = "refusing to start in production mode (SANDBOX=false)"


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FILE_LINK_SECRET")}
    return {**env, "SANDBOX": "false", **extra}


def gunicorn(env, port):
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--chdir", "gateway",
                             "gateway.wsgi:app"], cwd=infra.ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def test_gateway_in_production_with_the_development_secrets_exits_with_a_clear_message():
    result = gunicorn(production_env(), infra.free_port())
    output, _ = result.communicate(timeout=60)
    assert result.returncode != 0
    assert REFUSAL in output
    assert "SECRET_KEY is a published default or placeholder" in output and "FILE_LINK_SECRET is not set" in output


def test_gateway_in_production_starts_with_real_secrets():
    port = infra.free_port()
    env = production_env(SECRET_KEY=secrets.token_urlsafe(48), FILE_LINK_SECRET=secrets.token_urlsafe(48))
    gateway = gunicorn(env, port)
    try:
        infra.wait_port(port, timeout=30)
        assert requests.get(f"http://127.0.0.1:{port}/sandbox/sms?phone=13800000000", timeout=10).status_code == 404
    finally:
        gateway.terminate()
        gateway.communicate(timeout=30)


def test_service_in_production_with_a_short_file_link_secret_exits_with_a_clear_message():
    providers = {f"{p}_{k}": v for p in ("QUALIFICATION", "CHSI", "EMPLOYER")
                 for k, v in (("API_URL", "http://127.0.0.1:9/"), ("APP_KEY", "key"), ("APP_SECRET", "secret"))}
    env = production_env(SECRET_KEY=secrets.token_urlsafe(48), FILE_LINK_SECRET="short", **providers)
    result = subprocess.run([sys.executable, "-m", "nameko", "run", "--config", "services/profile/config.yml",
                             "profiles.service"], cwd=infra.ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert REFUSAL in result.stderr and "FILE_LINK_SECRET is shorter than 32 bytes" in result.stderr
