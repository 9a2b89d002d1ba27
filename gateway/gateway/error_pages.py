"""Errors of a page request as a page in the platform's layout with a way on; the API and the machine-facing
routes keep the JSON shape (errors.py). A request is a page request when it is not under one of those routes
and the client prefers HTML (a browser's navigation), so scripts and API clients always get JSON."""
import logging

from flask import g, render_template, request

log = logging.getLogger("gateway")

JSON_ROUTES = ("/api/", "/notify/", "/healthz", "/files/", "/sandbox/sms", "/sandbox/captcha", "/sandbox/clock",
               "/static/")
PAGE_TEXT = {
    403: ("无权访问", "您没有访问该页面的权限。如需办理，请使用有权限的账号登录。"),
    404: ("页面不存在", "您访问的页面不存在，可能是地址输入有误，或页面已被移除。"),
    405: ("无法打开该页面", "该地址不支持这样打开，请从平台的菜单进入。"),
    410: ("链接已失效", "该链接已过期或文件已被替换，请回到原页面重新打开。"),
    429: ("操作过于频繁", "操作过于频繁，请稍后再试。"),
    500: ("系统异常", "系统出现异常，请稍后再试。"),
    503: ("系统繁忙", "系统繁忙，请稍后再试。"),
}


def wants_page() -> bool:
    if request.path.startswith(JSON_ROUTES):
        return False
    return request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html"


def render(status: int, message: str | None = None, correlation_id: str | None = None):
    """The error page, or None when even that cannot be drawn (the caller answers JSON then)."""
    from .auth import current_caller
    title, default = PAGE_TEXT.get(status, ("无法完成请求", "请求无法完成，请返回后重试。"))
    try:
        current_caller()
    except Exception:       # noqa: BLE001 - identity down: draw the page for an anonymous visitor
        g.caller = None
    try:
        return render_template("error.html", status=status, title=title, message=message or default,
                               correlation_id=correlation_id, path=request.path), status
    except Exception:       # noqa: BLE001 - never fail while failing
        log.exception("error page could not be drawn for %s", request.path)
        return None
