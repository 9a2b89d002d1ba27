"""End-to-end tier: the whole platform as separate processes (identity and profile via `nameko run`,
the gateway via gunicorn) on a fresh database, vhost and S3 server; tests speak HTTP or drive Chromium."""
import os

import pytest

from tests.e2e.browser import ARGS, CHROMIUM, new_page
from tests.support.stack import running_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("logs")) as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by playwright (it cannot download browsers here). Required in CI."""
    if not CHROMIUM:
        if os.environ.get("CI"):
            raise RuntimeError("Chromium is required for the browser tier (scripts/ensure-infra.sh chromium)")
        pytest.skip("Chromium is not installed")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, stack):
    page = new_page(browser, stack)
    yield page
    page.context.close()
