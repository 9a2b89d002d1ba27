"""Upload limits: the registry the services enforce, for pages to check a file before sending it."""
from flask_smorest import Blueprint

from ausm_common import upload_policies

from .. import schemas as S

blp = Blueprint("uploads", __name__, url_prefix="/api/v1", description="上传文件的格式、大小与像素要求")


@blp.route("/upload-policies")
@blp.response(200, S.UploadPolicyOut(many=True))
def list_upload_policies():
    """每种上传用途的要求（按省份不同的照片要求单列，province 为省级代码），页面据此在上传前检查"""
    return upload_policies.views()
