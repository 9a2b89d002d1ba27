"""Browser pages of the profile service after collection: changes, transfers, titles, the archive."""
from flask import Blueprint, render_template

from .pages import _need

blp = Blueprint("profile_pages", __name__)


@blp.route("/changes")
def changes():
    return _need("person", "pages.login") or render_template("changes.html")


@blp.route("/transfers")
def transfers():
    return _need("person", "pages.login") or render_template("transfers.html")


@blp.route("/qualifications")
def qualifications():
    return _need("person", "pages.login") or render_template("qualifications.html")


@blp.route("/archive")
def archive():
    return _need("person", "pages.login") or render_template("archive.html")
