"""The gateway's app with Flask's test client: no broker, database or store is reached by these tests.

`gateway/` at the repository root would shadow the package (pytest puts the root on sys.path), so the
package's own directory goes first, as gunicorn's --chdir gateway does."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "gateway"))
sys.modules.pop("gateway", None)

from gateway import create_app  # noqa: E402


@pytest.fixture(scope="session")
def app():
    return create_app({"SANDBOX": True, "TESTING": True, "AMQP_URI": "pyamqp://guest:guest@127.0.0.1:1/", "RPC_TIMEOUT": 1})


@pytest.fixture
def client(app):
    return app.test_client()


# Production mode (SANDBOX=false) starts only with real secrets (ausm_common.config.require_production_secrets).
STRONG_SECRET = "unit-test-secret-" + "k" * 32


@pytest.fixture
def make_app(monkeypatch):
    """A fresh app per call, in production mode unless told otherwise (throttles counted in memory)."""
    monkeypatch.setenv("FILE_LINK_SECRET", STRONG_SECRET)

    def make(**config):
        return create_app({"TESTING": True, "SANDBOX": False, "SECRET_KEY": STRONG_SECRET,
                           "THROTTLE_STORAGE_URI": "memory://", **config})
    return make
