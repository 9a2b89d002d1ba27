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
    result = run_checker("--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check-deploy: OK" in result.stdout
    assert "WARNING" not in result.stdout, result.stdout


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
    "service module named after the directory, not the package": (
        "deploy/compose.yml", "SERVICE_MODULE: profiles.service", "SERVICE_MODULE: profile.service",
        "nameko module 'profile.service': no services/profile/profile/service.py"),
    "gateway does not wait for a service it pings": (
        "deploy/compose.yml", "      profile:\n        condition: service_started\n", "",
        "service 'gateway' does not depend_on 'profile'"),
    "seed module misspelt in compose": (
        "deploy/compose.yml", '"-m", "profiles.seed"]', '"-m", "profiles.sed"]',
        "service 'profile-migrate' command runs `python -m profiles.sed`, but no such module"),
    "seed module misspelt in k8s": (
        "deploy/k8s/profile-migrate-job.yaml", '"profiles.seed"', '"profiles.sed"',
        "Job profile-migrate container migrate runs `python -m profiles.sed`, but no such module"),
    "a one-shot job's module reads a variable the job does not get": (
        "deploy/compose.yml", '["migrate", "python", "-m", "profiles.seed"]',
        '["migrate", "python", "-m", "ausm_common.config"]',
        "service 'profile-migrate' does not set AMQP_URI (read in services/common/ausm_common/config.py)"),
    "profile migration dropped from k8s": (
        "deploy/k8s/kustomization.yaml", "  - profile-migrate-job.yaml\n", "",
        "profile-migrate-job.yaml is not listed in resources"),
    "profile secret missing from k8s": (
        "deploy/k8s/secret.example.yaml", "  PROFILE_DATABASE_URL:", "  PROFILE_DATABASE_URI:",
        "Deployment profile container profile does not get PROFILE_DATABASE_URL"),
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


REGISTRY = "services/common/ausm_common/services.yml"
CALLED = f"the gateway calls service {{name!r}} ({REGISTRY}), which is not deployed in "


def test_a_registered_service_that_nobody_deploys_fails_the_check(repo_copy):
    """The rule that would have caught profile missing from deploy/: /healthz pings every registered service."""
    registry = repo_copy / REGISTRY
    registry.write_text(registry.read_text() + "  - {name: cpe, package: cpe}\n")

    result = run_checker("--root", str(repo_copy), "--no-tools")   # fatal without --strict too
    assert result.returncode == 1, result.stdout
    assert CALLED.format(name="cpe") + "compose.yml nor in deploy/k8s" in result.stdout, result.stdout


def test_a_called_service_missing_only_from_kubernetes_fails_the_check(repo_copy):
    (repo_copy / "deploy/k8s/profile.yaml").unlink()
    kustomization = repo_copy / "deploy/k8s/kustomization.yaml"
    kustomization.write_text(kustomization.read_text().replace("  - profile.yaml\n", ""))

    result = run_checker("--root", str(repo_copy), "--no-tools")
    assert result.returncode == 1, result.stdout
    assert CALLED.format(name="profile") + "deploy/k8s:" in result.stdout, result.stdout


def test_a_called_service_with_only_a_migration_job_in_compose_fails_the_check(repo_copy):
    """A one-shot `migrate` service builds the image but does not run the service."""
    compose = repo_copy / "deploy/compose.yml"
    text = compose.read_text()
    runtime = "  profile:\n    <<: *profile-image\n    restart: unless-stopped\n"
    assert runtime in text
    compose.write_text(text.replace(runtime, runtime.replace("restart: unless-stopped",
                                                             'restart: "no"\n    command: ["migrate"]'), 1))

    result = run_checker("--root", str(repo_copy), "--no-tools")
    assert result.returncode == 1, result.stdout
    assert CALLED.format(name="profile") + "compose.yml:" in result.stdout, result.stdout


def test_an_unreadable_services_list_is_a_warning_and_fatal_when_strict(repo_copy):
    registry = repo_copy / REGISTRY
    registry.write_text("services: nothing here\n")

    relaxed = run_checker("--root", str(repo_copy), "--no-tools")
    assert relaxed.returncode == 0, relaxed.stdout
    assert f"WARNING: {REGISTRY}: no readable list of services" in relaxed.stdout

    strict = run_checker("--root", str(repo_copy), "--no-tools", "--strict")
    assert strict.returncode == 1
    assert f"(strict) {REGISTRY}: no readable list of services" in strict.stdout


# --- Kubernetes schemas (kubernetes-validate bundles the API's JSON schemas: no network) -------------------

K8S_VERSIONS = ("1.30.0", "1.37.0")   # the oldest release we support and the newest the validator knows


def k8s_objects():
    import yaml
    for path in sorted((ROOT / "deploy" / "k8s").glob("*.yaml")):
        for obj in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if obj and obj.get("kind") != "Kustomization":
                yield path, obj


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_every_k8s_manifest_is_valid_against_the_kubernetes_schemas(version):
    import kubernetes_validate

    checked = 0
    problems = []
    for path, obj in k8s_objects():
        try:
            kubernetes_validate.validate(obj, version, strict=True)   # strict: unknown fields (typos) fail too
        except kubernetes_validate.ValidationError as exc:
            problems.append(f"{path.name} {obj.get('kind')}/{obj['metadata'].get('name')}: {exc.message} "
                            f"at {'/'.join(map(str, exc.path))}")
        checked += 1
    assert problems == [] and checked >= 15


def test_the_validator_catches_a_broken_manifest():
    import kubernetes_validate

    path, deployment = next((p, o) for p, o in k8s_objects() if o["kind"] == "Deployment")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["readinessProbe"] = {"httpGet": {"path": "/readyz", "port": "metrics"}, "periodSecond": 10}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSIONS[-1], strict=True)
    container.pop("readinessProbe")
    deployment["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSIONS[-1], strict=True)


# --- probes, scraping and the dashboard agree with the code -----------------------------------------------

def test_every_deployment_has_meaningful_probes_and_is_scraped():
    from ausm_common import registry

    deployments = {o["metadata"]["name"]: o for _, o in k8s_objects() if o["kind"] == "Deployment"}
    assert set(registry.names()) | {"gateway"} <= set(deployments)
    for name, deployment in deployments.items():
        template = deployment["spec"]["template"]
        container = template["spec"]["containers"][0]
        ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
        annotations = template["metadata"].get("annotations", {})
        assert annotations.get("prometheus.io/scrape") == "true", name
        assert int(annotations["prometheus.io/port"]) in ports.values(), name
        ready, live = container["readinessProbe"]["httpGet"], container["livenessProbe"]["httpGet"]
        if name == "gateway":
            assert (ready["path"], live["path"]) == ("/readyz", "/livez")
        else:
            assert (ready["path"], live["path"]) == ("/readyz", "/healthz") and ports["metrics"] == 9100
        assert ready["port"] in ports and live["port"] in ports


def _metric_names_in_code() -> set[str]:
    import re
    names = set()
    for path in (ROOT / "services/common/ausm_common/telemetry.py", ROOT / "gateway/gateway/observability.py"):
        names |= set(re.findall(r'"(ausm_[a-z_]+)"', path.read_text()))
    return names


def test_the_dashboard_and_scrape_configs_use_metrics_the_code_exports():
    import json
    import re

    import yaml

    monitoring = ROOT / "deploy" / "monitoring"
    for name in ("prometheus.yml", "prometheus-compose.yml", "prometheus-local.yml"):
        config = yaml.safe_load((monitoring / name).read_text())
        assert config["scrape_configs"], name
    dashboard = json.loads((monitoring / "grafana-dashboard.json").read_text())
    exported = _metric_names_in_code()
    used = set()
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            used |= {re.sub(r"_(bucket|count|sum)$", "", m) for m in re.findall(r"\b(ausm_[a-z_]+)", target["expr"])}
    assert used and used <= exported, used - exported
    for metric in ("ausm_http_requests_total", "ausm_rpc_calls_total", "ausm_worker_pool_in_use",
                   "ausm_outbox_backlog", "ausm_queue_messages", "ausm_dead_letters"):
        assert metric in used
