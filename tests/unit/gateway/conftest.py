"""The gateway as a Flask app under the test client: no broker, services, S3 or Redis are contacted."""
import importlib
import sys

import pytest

from tests.support.infra import ROOT


def gateway_package():
    """The `gateway` package itself: the repository's `gateway/` folder would otherwise be found first as a
    namespace package when tests run from the repository root."""
    found = sys.modules.get("gateway")
    if found is not None and getattr(found, "__file__", None) is None:
        del sys.modules["gateway"]
    if str(ROOT / "gateway") not in sys.path:
        sys.path.insert(0, str(ROOT / "gateway"))
    return importlib.import_module("gateway")


# Production mode (SANDBOX=false) starts only with real secrets (ausm_common.config.require_production_secrets).
STRONG_SECRET = "unit-test-secret-" + "k" * 32


@pytest.fixture
def make_app(monkeypatch):
    monkeypatch.setenv("FILE_LINK_SECRET", STRONG_SECRET)

    def make(**config):
        return gateway_package().create_app({"TESTING": True, "SANDBOX": False, "SECRET_KEY": STRONG_SECRET,
                                             "THROTTLE_STORAGE_URI": "memory://", **config})
    return make
