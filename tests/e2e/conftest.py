"""End-to-end tier: the whole platform as separate processes (identity via `nameko run`,
the gateway via gunicorn) on a fresh database, vhost and S3 server; tests speak HTTP."""
import pytest

from tests.support.stack import running_stack


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    with running_stack(tmp_path_factory.mktemp("logs")) as running:
        yield running
