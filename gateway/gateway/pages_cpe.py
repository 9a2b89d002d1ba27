"""Browser pages of continuing education (manual 004 §8): 查看继续教育情况 with the yearly detail, 管理继续教育申请
with every form, and the staff's review and institution reports. The pages call the cpe API (static/cpe.js)."""
from flask import Blueprint, render_template, request

from .pages import _need

blp = Blueprint("cpe_pages", __name__)


@blp.route("/cpe")
def years():
    return _need("person", "pages.login") or render_template("cpe/years.html")


@blp.route("/cpe/years/<int:year>")
def year(year):
    return _need("person", "pages.login") or render_template("cpe/year.html", year=year)


@blp.route("/cpe/applications")
def applications():
    return _need("person", "pages.login") or render_template("cpe/applications.html")


@blp.route("/cpe/applications/new")
def new_application():
    kind = "public" if request.args.get("kind") == "public" else "professional"
    return _need("person", "pages.login") or render_template("cpe/form.html", application_id="", cpe_kind=kind)


@blp.route("/cpe/applications/<application_id>")
def application(application_id):
    return _need("person", "pages.login") or render_template("cpe/form.html", application_id=application_id,
                                                             cpe_kind="")


@blp.route("/staff/cpe")
def staff_reviews():
    return _need("staff", "pages.staff_login") or render_template("staff/cpe_reviews.html")


@blp.route("/staff/cpe/reports")
def staff_reports():
    return _need("staff", "pages.staff_login") or render_template("staff/cpe_reports.html")
