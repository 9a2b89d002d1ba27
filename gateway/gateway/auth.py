"""Who is calling: a bearer token (API) or a session cookie (browser, CSRF-protected)."""
import functools
import hmac
import secrets

from flask import current_app, g, request

from ausm_common.errors import Forbidden, NotAuthenticated

from .cache import is_reference
from .rpc import gateway_services

SESSION_COOKIE = "ausm_session"
CSRF_COOKIE = "ausm_csrf"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def client_address() -> str:
    """The client as the lockout counts it; behind a proxy set TRUSTED_PROXY_HOPS."""
    hops = current_app.config["TRUSTED_PROXY_HOPS"]
    forwarded = [p.strip() for p in request.headers.get("X-Forwarded-For", "").split(",") if p.strip()]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.remote_addr or "unknown"


def _token() -> tuple[str | None, str]:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip(), "bearer"
    return request.cookies.get(SESSION_COOKIE), "cookie"


def check_csrf():
    """Cookie-authenticated writes must echo the CSRF cookie in a header (double submit)."""
    if request.method not in UNSAFE or not request.cookies.get(SESSION_COOKIE):
        return
    if request.path.startswith(("/sandbox/", "/notify/")):
        return   # the sandbox pages stand in for Alipay's and WeChat's sites; channel notifications are signed
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return
    sent, expected = request.headers.get(CSRF_HEADER, ""), request.cookies.get(CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(sent, expected):
        raise Forbidden("CSRF_FAILED", "页面已过期，请刷新页面后重试")


def current_caller() -> dict | None:
    if "caller" not in g:
        token, transport = _token()
        g.caller, g.transport = None, transport
        if token:
            try:
                g.caller = gateway_services.identity.resolve_session(token)
            except NotAuthenticated:
                g.caller = None
        if g.caller:
            g.caller["client"] = client_address()
    return g.caller


def current_token() -> str | None:
    return _token()[0]


def login_required(kind: str | None = "person"):
    """kind None admits people and staff alike."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            caller = current_caller()
            if caller is None:
                raise NotAuthenticated("NOT_AUTHENTICATED", "请先登录")
            if kind and caller["kind"] != kind:
                message = "请使用管理部门工作人员账号登录" if kind == "staff" else "请使用会计人员账号登录"
                raise Forbidden("WRONG_ACCOUNT_KIND", message)
            return view(*args, **kwargs)
        return wrapper
    return decorator


def set_session_cookie(response, token: str, max_age: int):
    secure = current_app.config["COOKIE_SECURE"]
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="Lax", secure=secure,
                        path="/")
    return response


def clear_session_cookie(response):
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def ensure_csrf_cookie(response):
    """Every page and API answer carries a CSRF cookie that scripts can read and echo, but shared reference data
    (cache.py), which may be kept by a shared cache and must not hand one browser's cookie to another."""
    if not is_reference(response) and not request.cookies.get(CSRF_COOKIE):
        response.set_cookie(CSRF_COOKIE, secrets.token_urlsafe(24), httponly=False, samesite="Lax",
                            secure=current_app.config["COOKIE_SECURE"], path="/")
    return response
