"""The gateway as a Flask app under the test client: no broker, services or S3 are contacted."""
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


@pytest.fixture
def make_app():
    def make(**config):
        return gateway_package().create_app({"TESTING": True, "SANDBOX": False, **config})
    return make
