"""Real infrastructure for tests: a fresh PostgreSQL database migrated by Alembic, an
isolated RabbitMQ vhost, and an S3 server on loopback (moto's server mode)."""
import os
import socket
import subprocess
import sys
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parents[2]
PG = dict(host=os.environ.get("PGHOST", "127.0.0.1"), port=int(os.environ.get("PGPORT", "5432")),
          user=os.environ.get("PGUSER", "postgres"))
AMQP_BASE = "pyamqp://guest:guest@127.0.0.1:5672"


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin(sql: str):
    conn = psycopg2.connect(dbname="postgres", **PG)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def db_url(name: str) -> str:
    return f"postgresql+psycopg2://{PG['user']}@{PG['host']}:{PG['port']}/{name}"


@contextmanager
def fresh_database(prefix: str, service: str = "identity"):
    """A new database with the schema built by `alembic upgrade head`, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE DATABASE "{name}"')
    url = db_url(name)
    try:
        env = {**os.environ, f"{service.upper()}_DATABASE_URL": url}
        subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=ROOT / "services" / service, env=env, check=True,
                       capture_output=True)
        yield url
    finally:
        _admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'")
        _admin(f'DROP DATABASE IF EXISTS "{name}"')


@contextmanager
def rabbit_vhost(prefix: str = "ausm_test"):
    """An isolated vhost (rabbitmqctl), so parallel runs and leftovers never meet."""
    vhost = f"{prefix}_{uuid.uuid4().hex[:8]}"
    ctl = ["rabbitmqctl", "-q"]
    try:
        subprocess.run(ctl + ["add_vhost", vhost], check=True, capture_output=True)
        subprocess.run(ctl + ["set_permissions", "-p", vhost, "guest", ".*", ".*", ".*"], check=True,
                       capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        yield f"{AMQP_BASE}/"          # no rabbitmqctl here: share the default vhost
        return
    try:
        yield f"{AMQP_BASE}/{vhost}"
    finally:
        subprocess.run(ctl + ["delete_vhost", vhost], capture_output=True)


@contextmanager
def s3_server():
    """moto's S3 server in its own process on a free loopback port."""
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_port(port)
        yield {"endpoint": f"127.0.0.1:{port}", "access_key": "testing", "secret_key": "testing",
               "bucket": "ausm-test", "secure": False, "region": "us-east-1"}
    finally:
        proc.terminate()
        proc.wait(10)


def wait_port(port: int, timeout: float = 20):
    import time
    deadline = time.time() + timeout
    while time.time() < deadline:
        with closing(socket.socket()) as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"port {port} did not open")
