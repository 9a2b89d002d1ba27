"""Browser pages of 帮助中心: the help center with its search, the operating guides, 咨询答疑 for the person and
for the staff who answer. The search and the guides are rendered here (no script needed); the Q&A pages use the
JSON API like every other page."""
import logging

from flask import Blueprint, abort, render_template, request

from . import helpcenter
from .pages import _need
from .rpc import services

blp = Blueprint("help_pages", __name__)
log = logging.getLogger("gateway")


def _answers() -> list[dict]:
    """The published answers; the help center still shows its guides and questions when profile is down."""
    try:
        return services.profile.list_help_articles()
    except Exception as exc:       # noqa: BLE001 - any failure: the static help stays usable
        log.warning("help articles unavailable: %r", exc)
        return []


@blp.route("/help")
def help_center():
    return render_template("help.html", faqs=helpcenter.faqs(), guides=helpcenter.guides(), answers=_answers())


@blp.route("/help/search")
def help_search():
    query = (request.args.get("q") or "").strip()[:100]
    results = helpcenter.search(query, _answers()) if query else []
    for hit in results:
        hit["marked"] = helpcenter.highlight(hit["snippet"], query)
        hit["marked_title"] = helpcenter.highlight(hit["title"], query)
    return render_template("help_search.html", q=query, results=results)


@blp.route("/help/guides/<module>")
def help_guide(module):
    guide = helpcenter.guide(module)
    if guide is None:
        abort(404)
    return render_template("help_guide.html", guide=guide, guides=helpcenter.guides())


@blp.route("/questions")
def questions():
    return _need("person", "pages.login") or render_template("questions.html")


@blp.route("/staff/questions")
def staff_questions():
    return _need("staff", "pages.staff_login") or render_template("staff/questions.html")
