"""Security headers: a strict CSP on every answer; HSTS only when the site is served over HTTPS."""
import re

import pytest

from tests.support.infra import ROOT

PAGES_AND_API = ["/", "/login", "/register", "/help", "/staff/login", "/api/v1/openapi.json", "/no-such-page"]


@pytest.mark.parametrize("path", PAGES_AND_API)
def test_every_answer_carries_the_strict_policy(make_app, path):
    response = make_app().test_client().get(path)
    policy = dict(part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["form-action"] == "'self'"
    assert "unsafe" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/api/v1/openapi.json", "/no-such-page"])
def test_hsts_only_when_cookies_are_secure(make_app, path):
    plain = make_app(COOKIE_SECURE=False).test_client().get(path)
    assert "Strict-Transport-Security" not in plain.headers
    secure = make_app(COOKIE_SECURE=True).test_client().get(path)
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_hsts_follows_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("COOKIE_SECURE", "true")
    assert "Strict-Transport-Security" in make_app().test_client().get("/help").headers
    monkeypatch.setenv("COOKIE_SECURE", "false")
    assert "Strict-Transport-Security" not in make_app().test_client().get("/help").headers


def test_templates_and_scripts_keep_nothing_inline():
    """What the policy would block: inline <script> and <style>, style= and on*= attributes (also in markup
    that scripts build), javascript: URLs. JSON data blocks are allowed: CSP does not run them."""
    gateway = ROOT / "gateway" / "gateway"
    offences = []
    for path in sorted((gateway / "templates").rglob("*.html")) + sorted((gateway / "static").glob("*.js")):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", r"<style\b",
                        r"\sstyle=", r"\son[a-z]+=[\"']", r"javascript:"):
            offences += [f"{path.relative_to(gateway)}: {m.group(0)}" for m in re.finditer(pattern, text)]
    assert offences == [], "\n".join(offences)
