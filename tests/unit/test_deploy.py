"""deploy/ passes scripts/check-deploy.py, and the checker really catches broken deployments."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHECKER = ROOT / "scripts" / "check-deploy.py"


def run_checker(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(CHECKER), *args], capture_output=True, text=True, timeout=180)


def test_deploy_directory_passes_the_checker():
    result = run_checker()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check-deploy: OK" in result.stdout


@pytest.fixture
def repo_copy(tmp_path) -> Path:
    """What the checker reads, copied (not linked: build contexts must contain their COPY sources)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", ".env")
    for name in ("deploy", "services", "gateway"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=ignore)
    shutil.copy(ROOT / "requirements.txt", tmp_path / "requirements.txt")
    return tmp_path


def test_an_unbroken_copy_passes(repo_copy):
    result = run_checker("--root", str(repo_copy), "--no-tools")
    assert result.returncode == 0, result.stdout + result.stderr


# (file under the copy, text that must be there, replacement, what the checker must say)
BREAKAGES = {
    "env var dropped from compose": (
        "deploy/compose.yml", "  FILE_LINK_SECRET: ${FILE_LINK_SECRET:?set FILE_LINK_SECRET in deploy/.env}\n", "",
        "does not set FILE_LINK_SECRET"),
    "env var dropped from the k8s ConfigMap": (
        "deploy/k8s/configmap.yaml", '  ARGON2_TIME_COST: "2"\n', "",
        "does not get ARGON2_TIME_COST"),
    "undocumented compose variable": (
        "deploy/.env.example", "RPC_TIMEOUT=10\n", "",
        "interpolates ${RPC_TIMEOUT}, which .env.example does not document"),
    "image on :latest": (
        "deploy/k8s/gateway.yaml", "image: ausm/gateway:0.1.0", "image: ausm/gateway:latest",
        "uses :latest"),
    "COPY source missing": (
        "deploy/Dockerfile.gateway", "COPY gateway/ gateway/", "COPY gateways/ gateway/",
        "COPY source 'gateways/'"),
    "gunicorn module missing": (
        "deploy/Dockerfile.gateway", "gateway.wsgi:app", "gateway.wsgy:app",
        "gunicorn app 'gateway.wsgy:app'"),
    "nameko config missing": (
        "deploy/entrypoint-service.sh", '"services/$SERVICE/config.yml"', '"services/$SERVICE/configs.yml"',
        "nameko config 'services/identity/configs.yml' does not exist"),
    "build arg missing": (
        "deploy/compose.yml", "    args:\n      SERVICE: identity\n", "",
        "needs build arg SERVICE"),
    "invalid YAML": (
        "deploy/k8s/identity.yaml", "  minReplicas: 2\n", "  minReplicas: [2\n",
        "invalid YAML"),
    "RabbitMQ definitions drift": (
        "deploy/k8s/rabbitmq-definitions-job.yaml", '"message-ttl": 60000', '"message-ttl": 5000',
        "definitions.json differs"),
    "compose depends on a missing service": (
        "deploy/compose.yml", "      identity-migrate:\n        condition: service_completed_successfully\n",
        "      identity-migrat:\n        condition: service_completed_successfully\n",
        "depends_on unknown service 'identity-migrat'"),
}


@pytest.mark.parametrize("case", list(BREAKAGES))
def test_the_checker_fails_on_a_broken_copy(repo_copy, case):
    relative, old, new, message = BREAKAGES[case]
    path = repo_copy / relative
    text = path.read_text()
    assert old in text, f"{relative} no longer contains {old!r}: update this test"
    path.write_text(text.replace(old, new, 1))

    result = run_checker("--root", str(repo_copy), "--no-tools")
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stdout, result.stdout


def test_a_service_the_gateway_calls_but_nobody_deploys_is_a_warning_and_fatal_when_strict(repo_copy):
    rpc = repo_copy / "gateway/gateway/rpc.py"
    text = rpc.read_text()
    assert "SERVICES = (" in text
    rpc.write_text(text.replace("SERVICES = (", 'SERVICES = ("cpe", ', 1))

    relaxed = run_checker("--root", str(repo_copy), "--no-tools")
    assert relaxed.returncode == 0, relaxed.stdout
    assert "WARNING: the gateway calls service 'cpe'" in relaxed.stdout

    strict = run_checker("--root", str(repo_copy), "--no-tools", "--strict")
    assert strict.returncode == 1
    assert "(strict) the gateway calls service 'cpe'" in strict.stdout
