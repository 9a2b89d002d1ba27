"""Short-lived links to stored files, minted by the service that decided who may see them."""
from flask import Blueprint, Response, abort, current_app, request

from ausm_common.config import file_link_secret
from ausm_common.storage import ObjectMissing
from ausm_common.tokens import check_file_link
from ausm_common.uploads import CONTENT_TYPES, sniff

from .errors import error_response
from .security import CONTENT_SECURITY_POLICY

blp = Blueprint("files", __name__)

# The platform's policy, except that our own pages may frame the PDF and the browser's viewer may embed it.
PDF_POLICY = CONTENT_SECURITY_POLICY.replace("frame-ancestors 'none'", "frame-ancestors 'self'") \
    .replace("object-src 'none'", "object-src 'self'")


@blp.route("/files/<path:key>")
def serve(key):
    if not check_file_link(file_link_secret(), key, request.args.get("expires", ""), request.args.get("sig", "")):
        abort(403)
    try:
        data = current_app.extensions["object_store"].get(key)
    except ObjectMissing:    # replaced by a newer upload, or deleted with its record
        return error_response(410, "FILE_GONE", "该文件已被替换或删除，请刷新页面后查看最新文件")
    response = Response(data, mimetype=CONTENT_TYPES.get(sniff(data), "application/octet-stream"))
    response.headers["Cache-Control"] = "private, max-age=60"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.mimetype == "application/pdf":
        # Evidence PDFs (继续教育个人申请附件) are shown inline on our own review page, in a frame of it.
        response.headers["Content-Disposition"] = "inline"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers["Content-Security-Policy"] = PDF_POLICY
    return response
