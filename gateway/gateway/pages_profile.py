"""Browser pages of the profile service after collection: changes, transfers, titles, the archive."""
from flask import Blueprint, render_template

from ausm_common.errors import AppError

from .rpc import services

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


@blp.route("/qualifications/<string(length=32):qualification_id>/print")
def qualification_print(qualification_id):
    """打印: the record of an obtained qualification as a page with a print stylesheet (the browser's own
    Chinese fonts, selectable text, 打印 or 另存为 PDF from the print dialog)."""
    need = _need("person", "pages.login")
    if need:
        return need
    try:
        item = services.profile.get_qualification(qualification_id)
    except AppError as exc:
        return render_template("message.html", title="职称打印", message=exc.message), exc.status
    if not item["actions"]["print"]:
        return render_template("message.html", title="职称打印", message=item["action_notes"]["print"]), 409
    return render_template("qualification_print.html", q=item)
