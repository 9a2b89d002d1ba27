"""Schemathesis against the running platform's OpenAPI document, with every check: no request may get a 5xx,
no answer may disagree with the document (status, content type, body schema, headers), undeclared methods
get 405 with Allow. Run as an anonymous client, as a logged-in (real-name verified) candidate and as staff.

The seed is fixed and the budget per operation small enough for `make test` on 2 cores; `make fuzz` sets
FUZZ_EXAMPLES higher for a longer campaign with the same checks. One worker: with several, hypothesis
sometimes trips over CPython 3.11's thread-unsafe AST recursion counter (gh-106905) while describing a
strategy, an error of the tool that says nothing about the API. The fuzzer gets a platform of its own: it
leaves many accounts, SMS codes and failed logins behind."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from tests.e2e.helpers import Browser, login, staff_session, verified_person
from tests.support.stack import running_stack

SEED = int(os.environ.get("FUZZ_SEED", "20251127"))
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
CONFIG = Path(__file__).with_name("schemathesis.toml")
ROOT = Path(__file__).resolve().parents[2]
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
LOGOUT = "/api/v1/sessions/current"   # would end the token the rest of the run uses


PROVINCE_DOC = "/api/province/v1/openapi.json"


@pytest.fixture(scope="module")
def fuzz_stack(tmp_path_factory):
    # the province API's per-client limit is tested on its own (integration); here it would only answer 429s
    with running_stack(tmp_path_factory.mktemp("fuzz-logs"),
                       extra_env={"THROTTLE_PROVINCE_CLIENT": "100000/minute"}) as running:
        yield running


def operation_count(stack, document="/api/v1/openapi.json") -> int:
    paths = requests.get(stack.url(document), timeout=20).json()["paths"]
    return sum(method in HTTP_METHODS for operations in paths.values() for method in operations)


def bearer(stack, who):
    if who == "candidate":
        _, person = verified_person(stack)
        response = login(Browser(stack), person["id_number"], transport="bearer")
    else:
        response = login(Browser(stack), "reviewer330102", "Review@2025", transport="bearer",
                         path="/api/v1/staff/sessions")
    assert response.status_code == 200, response.text
    return response.json()["token"]


def province_token(stack) -> str:
    """A province client of 浙江 with every scope, registered by an admin on the staff API; its bearer token."""
    scopes = ["candidates:read", "candidates:unmask", "legacy:import", "enrollments:read", "scores:import",
              "cpe:report", "events:subscribe"]
    created = staff_session(stack, "reviewer").post(stack.url("/api/v1/api-clients"), timeout=20, json={
        "name": "模糊测试客户端", "province_code": "330000", "scopes": scopes})
    assert created.status_code == 201, created.text
    answer = requests.post(stack.url("/api/province/v1/oauth/token"), timeout=20,
                           auth=(created.json()["client_id"], created.json()["client_secret"]),
                           data={"grant_type": "client_credentials", "scope": " ".join(scopes)})
    assert answer.status_code == 200, answer.text
    return answer.json()["access_token"]


def schemathesis(stack, headers, excluded_paths, workdir, document="/api/v1/openapi.json"):
    """The CLI, in a directory of its own so no example database from an earlier run steers this one."""
    command = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run",
               stack.url(document), "--checks", "all", "--seed", str(SEED),
               "--max-examples", str(EXAMPLES), "--workers", "1", "--request-timeout", "30", "--no-color"]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    for path in excluded_paths:
        command += ["--exclude-path", path]
    return subprocess.run(command, capture_output=True, text=True, timeout=3600, cwd=workdir,
                          env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": "tests.e2e.schemathesis_hooks",
                               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))})


@pytest.mark.parametrize("who", ["anonymous", "candidate", "staff"])
def test_api_matches_its_openapi_document(fuzz_stack, who, tmp_path):
    headers = {} if who == "anonymous" else {"Authorization": f"Bearer {bearer(fuzz_stack, who)}"}
    excluded = [] if who == "anonymous" else [LOGOUT]
    run = schemathesis(fuzz_stack, headers, excluded, tmp_path)
    output = run.stdout + run.stderr
    summary = output[output.find("=== FAILURES ==="):] if "=== FAILURES ===" in output else output[-6000:]
    assert run.returncode == 0, f"schemathesis as {who} found problems:\n{summary}"
    assert f"Tested: {operation_count(fuzz_stack) - len(excluded)}" in output, output[-3000:]
    cases = re.search(r"(\d+) generated, \1 passed", output)
    assert cases and int(cases.group(1)) >= EXAMPLES * 10, output[-3000:]


@pytest.mark.parametrize("who", ["anonymous", "province client"])
def test_the_province_api_matches_its_own_openapi_document(fuzz_stack, who, tmp_path):
    """The province API's own document (/api/province/v1/openapi.json): without a token every call is a 401 the
    document declares; with a client token of every scope (10 minutes: the campaign fits in it) no input gets a
    5xx or an answer the document does not describe."""
    headers = {} if who == "anonymous" else {"Authorization": f"Bearer {province_token(fuzz_stack)}"}
    run = schemathesis(fuzz_stack, headers, [], tmp_path, PROVINCE_DOC)
    output = run.stdout + run.stderr
    summary = output[output.find("=== FAILURES ==="):] if "=== FAILURES ===" in output else output[-6000:]
    assert run.returncode == 0, f"schemathesis of the province API as {who} found problems:\n{summary}"
    assert f"Tested: {operation_count(fuzz_stack, PROVINCE_DOC)}" in output, output[-3000:]
