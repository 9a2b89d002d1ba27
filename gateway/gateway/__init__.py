"""The gateway: the only HTTP entry of the platform."""
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from flask import Flask  # noqa: E402
from flask.sessions import SecureCookieSessionInterface  # noqa: E402

from ausm_common.config import (DEV_SECRET, amqp_uri, env, env_bool, env_int, require_production_secrets,  # noqa: E402
                                sandbox_enabled)
from ausm_common.rpc import RpcClient  # noqa: E402
from ausm_common.storage import ObjectStore  # noqa: E402


class NoFlaskSession(SecureCookieSessionInterface):
    """The gateway keeps no Flask session (sign-in has its own cookies and tokens, auth.py). With SECRET_KEY set,
    Flask would still build a signing serializer for every request; this opens none. Writing to `flask.session`
    fails loudly (NullSession)."""

    def open_session(self, app, request):
        return None

    def save_session(self, app, session, response):
        return None


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.session_interface = NoFlaskSession()
    app.config.update(
        SECRET_KEY=env("SECRET_KEY", DEV_SECRET),
        AMQP_URI=amqp_uri(),
        SANDBOX=sandbox_enabled(),
        RPC_TIMEOUT=float(env("RPC_TIMEOUT", "10")),
        COOKIE_SECURE=env_bool("COOKIE_SECURE", False),
        SESSION_MAX_AGE=2 * 3600,
        TRUSTED_PROXY_HOPS=env_int("TRUSTED_PROXY_HOPS", 0),
        MAX_CONTENT_LENGTH=env_int("MAX_REQUEST_BYTES", 30 * 1024 * 1024),
        API_TITLE="全国会计人员统一服务管理平台 API",
        API_VERSION="v1",
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        JSON_AS_ASCII=False,
    )
    if test_config:
        app.config.update(test_config)
    require_production_secrets(app.config["SANDBOX"], {"SECRET_KEY": app.config["SECRET_KEY"]})
    app.json.ensure_ascii = False
    from . import observability
    observability.install(app)   # JSON logs, the request id and /metrics, before any other hook

    app.extensions["rpc_client"] = RpcClient(app.config["AMQP_URI"], timeout=app.config["RPC_TIMEOUT"],
                                             name="gateway")
    app.extensions["object_store"] = ObjectStore.from_env()

    from . import (cache, edge, errors, files, health, notify, pages, pages_exam, pages_help, pages_payment,
                   pages_profile, security, throttle, waiting_room)
    from .api import Api, api_clients, exam, help, identity, payments, profile, uploads
    from .auth import check_csrf, ensure_csrf_cookie

    app.config.setdefault("API_SPEC_OPTIONS", {"info": {"description": edge.RULES}})
    cache.init_app(app)

    api = Api(app)
    api.register_blueprint(identity.blp)
    api.register_blueprint(profile.blp)
    api.register_blueprint(help.blp)
    api.register_blueprint(uploads.blp)
    api.register_blueprint(payments.blp)
    api.register_blueprint(exam.blp)
    api.register_blueprint(api_clients.blp)
    from .province import api as province_api
    province_api.init_app(app)
    app.register_blueprint(health.blp)
    app.register_blueprint(files.blp)
    app.register_blueprint(notify.blp)
    app.register_blueprint(pages.blp)
    app.register_blueprint(pages_profile.blp)
    app.register_blueprint(pages_help.blp)
    app.register_blueprint(pages_payment.blp)
    app.register_blueprint(pages_exam.blp)
    from . import pages_province
    app.register_blueprint(pages_province.blp)
    if app.config["SANDBOX"]:
        from . import sandbox
        app.register_blueprint(sandbox.blp)
    throttle.install(app)
    errors.register(app)
    edge.install(app)
    waiting_room.install(app)      # after the edge, before anything that costs a call
    app.before_request(check_csrf)
    app.after_request(ensure_csrf_cookie)
    security.register(app)
    return app
