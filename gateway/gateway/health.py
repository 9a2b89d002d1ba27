"""Probes. GET /healthz and /readyz (readiness): 200 only when the broker and every registered service answer a
ping. GET /livez (liveness): 200 while this process answers HTTP at all (restarting gateways brings no dead service
or broker back)."""
import socket
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

from flask import Blueprint, current_app, jsonify

from .rpc import SERVICES

blp = Blueprint("health", __name__)


def _broker_up(uri: str) -> bool:
    parsed = urlparse(uri.replace("pyamqp://", "amqp://"))
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 5672), timeout=2):
            return True
    except OSError:
        return False


def _ping(app, name):
    """A short timeout of its own, so a dead service answers 503 in seconds."""
    try:
        return app.extensions["rpc_client"].call(name, "ping", timeout=3).get("ok") is True
    except Exception:
        return False


@blp.route("/livez")
def livez():
    return jsonify({"status": "alive"})


@blp.route("/healthz")
@blp.route("/readyz")
def healthz():
    app = current_app._get_current_object()
    checks = {"broker": _broker_up(app.config["AMQP_URI"])}
    if checks["broker"]:
        with ThreadPoolExecutor(len(SERVICES)) as pool:
            for name, ok in zip(SERVICES, pool.map(lambda n: _ping(app, n), SERVICES)):
                checks[name] = ok
    else:
        checks.update({name: False for name in SERVICES})
    down = [name for name, ok in checks.items() if not ok]
    body = {"status": "ok" if not down else "unavailable", "checks": checks, "down": down}
    return jsonify(body), (200 if not down else 503)
