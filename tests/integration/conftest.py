"""Integration tier: the identity and profile services in a real nameko container over RabbitMQ, with
PostgreSQL (schema from migrations) and an S3 server. Monkey-patching comes first."""
import eventlet

eventlet.monkey_patch()

import os  # noqa: E402
import uuid  # noqa: E402

import pytest  # noqa: E402
from ausm_common.container import ServiceContainer  # noqa: E402 (the services run in it: config.yml)

from ausm_common.rpc import RpcClient  # noqa: E402
from ausm_common.storage import ObjectStore  # noqa: E402
from tests.support import infra  # noqa: E402


# One sandbox clock for this test session alone (the clock is shared through Redis by namespace).
os.environ.setdefault("CLOCK_NAMESPACE", f"ausm_it_{uuid.uuid4().hex[:8]}")
# Each service container (and each `nameko run` a test starts) serves /metrics on a free port of its own.
os.environ.setdefault("METRICS_PORT", "0")


@pytest.fixture(scope="session")
def database_url():
    with infra.fresh_database("ausm_identity_it") as url:
        yield url


@pytest.fixture(scope="session")
def profile_database_url():
    with infra.fresh_database("ausm_profile_it", "profile") as url:
        from ausm_common.db import SessionFactory, make_engine
        from profiles import departments

        factory = SessionFactory(make_engine(url, pool_size=1))
        with factory.get_session() as session:
            departments.ensure_directory(session)
        factory.engine.dispose()
        yield url


@pytest.fixture(scope="session")
def amqp_uri():
    with infra.rabbit_vhost() as uri:
        yield uri


@pytest.fixture(scope="session")
def s3():
    with infra.s3_server() as settings:
        yield settings


@pytest.fixture(scope="session")
def store(s3):
    store = ObjectStore(**s3)
    store.ensure_bucket()
    return store


@pytest.fixture(scope="session")
def config(database_url, amqp_uri, s3):
    return {"AMQP_URI": amqp_uri, "IDENTITY_DATABASE_URL": database_url, "SANDBOX": True, "max_workers": 10,
            "SECRET_KEY": "integration", "S3": s3, "ARGON2": {"time_cost": 1, "memory_cost": 8192},
            "WEBHOOK_RETRY_BASE_SECONDS": 1, "WEBHOOK_ALLOW_PRIVATE": True}


@pytest.fixture(scope="session")
def identity(config):
    from identity.service import IdentityService

    container = ServiceContainer(IdentityService, config)
    container.start()
    yield container
    container.stop()


@pytest.fixture(scope="session")
def profile(config, profile_database_url, identity):
    from profiles.service import ProfileService

    container = ServiceContainer(ProfileService, {**config, "PROFILE_DATABASE_URL": profile_database_url,
                                                  "RPC_TIMEOUT": 10})
    container.start()
    yield container
    container.stop()


@pytest.fixture(scope="session")
def rpc(config, identity):
    """A client calling as a browser would through the gateway: `rpc.as_caller(person).profile.…`,
    `rpc.as_service("gateway").identity.resolve_session(…)`, or anonymously `rpc.identity.create_captcha()`."""
    client = RpcClient(config["AMQP_URI"], timeout=15, name="tests")
    yield client
    client.close()


@pytest.fixture
def profile_db(profile_database_url):
    from ausm_common.db import SessionFactory, make_engine

    factory = SessionFactory(make_engine(profile_database_url, pool_size=2))
    yield factory
    factory.engine.dispose()


@pytest.fixture
def db(database_url):
    from ausm_common.db import SessionFactory, make_engine

    factory = SessionFactory(make_engine(database_url, pool_size=2))
    yield factory
    factory.engine.dispose()


@pytest.fixture(scope="session")
def exam_database_url():
    """The exam database with the demo plans of `make run` (exam.seed: 浙江 考前, 北京 考后, 江苏 no review open now)."""
    with infra.fresh_database("ausm_exam_it", "exam") as url:
        from ausm_common.db import SessionFactory, make_engine
        from exam import seed

        factory = SessionFactory(make_engine(url, pool_size=1))
        with factory.get_session() as session:
            seed.seed(session)
        factory.engine.dispose()
        yield url


@pytest.fixture(scope="session")
def exam(config, exam_database_url, profile):
    from exam.service import ExamService

    container = ServiceContainer(ExamService, {**config, "EXAM_DATABASE_URL": exam_database_url, "RPC_TIMEOUT": 10,
                                               "PUBLIC_BASE_URL": "http://gw.test"})
    container.start()
    yield container
    container.stop()


@pytest.fixture
def exam_db(exam_database_url):
    from ausm_common.db import SessionFactory, make_engine

    factory = SessionFactory(make_engine(exam_database_url, pool_size=4))
    yield factory
    factory.engine.dispose()


@pytest.fixture(scope="session")
def cpe_database_url():
    """The cpe database with the national standard as its first rule version (cpe.seed)."""
    with infra.fresh_database("ausm_cpe_it", "cpe") as url:
        from ausm_common.db import SessionFactory, make_engine
        from cpe import seed

        factory = SessionFactory(make_engine(url, pool_size=1))
        with factory.get_session() as session:
            seed.seed(session)
        factory.engine.dispose()
        yield url


@pytest.fixture(scope="session")
def cpe(config, cpe_database_url, profile):
    from cpe.service import CpeService

    container = ServiceContainer(CpeService, {**config, "CPE_DATABASE_URL": cpe_database_url, "RPC_TIMEOUT": 10,
                                              "max_workers": 20})
    container.start()
    yield container
    container.stop()


@pytest.fixture
def cpe_db(cpe_database_url):
    from ausm_common.db import SessionFactory, make_engine

    factory = SessionFactory(make_engine(cpe_database_url, pool_size=2))
    yield factory
    factory.engine.dispose()
