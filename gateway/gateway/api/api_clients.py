"""Province API clients, managed by admin staff (their province; national admins any province), and the reads of
a person's unmasked data: the person's own list (个人中心) and staff unmasking a field with a reason."""
from marshmallow import EXCLUDE, Schema, fields, validate

from . import Blueprint
from ..auth import login_required
from ..rpc import services

blp = Blueprint("api_clients", __name__, url_prefix="/api/v1", description="省级系统接口客户端；个人信息查看记录")
SCOPES = ["candidates:read", "candidates:unmask", "legacy:import", "enrollments:read", "scores:import",
          "cpe:report", "events:subscribe"]
AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt"]


class In(Schema):
    class Meta:
        unknown = EXCLUDE


class CreateClientIn(In):
    name = fields.String(required=True, validate=validate.Length(min=1, max=64))
    province_code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$"))
    scopes = fields.List(fields.String(validate=validate.OneOf(SCOPES)), required=True,
                         validate=validate.Length(min=1))
    token_endpoint_auth_method = fields.String(
        load_default=None, validate=validate.OneOf(AUTH_METHODS),
        metadata={"description": "client_secret_basic（默认）、client_secret_post，或 private_key_jwt（须提供 public_key）"})
    public_key = fields.String(load_default=None, validate=validate.Length(max=8192), metadata={
        "description": "private_key_jwt：客户端公钥，JWK（JSON）或 PEM；RSA 至少 2048 位或 EC P-256；不返回密钥"})


class RotateIn(In):
    overlap_seconds = fields.Integer(load_default=None, validate=validate.Range(min=0, max=7 * 24 * 3600),
                                     metadata={"description": "旧密钥（或旧公钥）继续有效的秒数（默认 24 小时）"})
    token_endpoint_auth_method = fields.String(load_default=None, validate=validate.OneOf(AUTH_METHODS), metadata={
        "description": "不填则沿用原认证方式；提供 public_key 即为 private_key_jwt；改回密钥认证时填 client_secret_basic"})
    public_key = fields.String(load_default=None, validate=validate.Length(max=8192),
                               metadata={"description": "新的客户端公钥（JWK 或 PEM），旧公钥在并行期内仍可验证"})


class ClientOut(Schema):
    client_id = fields.String()
    name = fields.String()
    province_code = fields.String()
    province_name = fields.String(allow_none=True)
    scopes = fields.List(fields.String())
    active = fields.Boolean()
    created_at = fields.String()
    rotated_at = fields.String(allow_none=True)
    token_endpoint_auth_method = fields.String()
    public_key = fields.Dict(allow_none=True, metadata={"description": "private_key_jwt 客户端的当前公钥（JWK，含 kid）"})
    previous_secret_valid_until = fields.String(allow_none=True)
    previous_key_valid_until = fields.String(allow_none=True)
    revoked_at = fields.String(allow_none=True)
    client_secret = fields.String(metadata={"description": "仅在创建和轮换时返回一次（private_key_jwt 客户端没有密钥）"})


class UnmaskIn(In):
    fields_ = fields.List(fields.String(validate=validate.OneOf(["name", "id_number", "phone"])), required=True,
                          data_key="fields", validate=validate.Length(min=1))
    purpose = fields.String(required=True, validate=validate.Length(min=2, max=200))


class DataReadOut(Schema):
    id = fields.String()
    at = fields.String()
    reader_kind = fields.String()
    reader_kind_label = fields.String()
    reader = fields.String()
    fields_ = fields.List(fields.String(), data_key="fields")
    fields_label = fields.String()
    purpose = fields.String()


@blp.route("/api-clients", methods=["GET"])
@blp.response(200, ClientOut(many=True))
@login_required("staff")
def list_clients():
    """接口客户端列表（本省；财政部管理员可见全部）"""
    return services.identity.list_api_clients()


@blp.route("/api-clients", methods=["POST"])
@blp.arguments(CreateClientIn)
@blp.response(201, ClientOut)
@login_required("staff")
def create_client(data):
    """登记接口客户端（密钥仅显示一次；或登记公钥，以 private_key_jwt 认证）"""
    return services.identity.create_api_client(data)


@blp.route("/api-clients/<client_id>/rotate", methods=["POST"])
@blp.arguments(RotateIn)
@blp.response(200, ClientOut)
@login_required("staff")
def rotate_client(data, client_id):
    """轮换密钥或公钥（旧密钥、旧公钥在并行期内仍可用）"""
    return services.identity.rotate_api_client_secret(client_id, data.get("overlap_seconds"), data.get("public_key"),
                                                      data.get("token_endpoint_auth_method"))


@blp.route("/api-clients/<client_id>/revoke", methods=["POST"])
@blp.response(200, ClientOut)
@login_required("staff")
def revoke_client(client_id):
    """停用（立即生效）"""
    return services.identity.revoke_api_client(client_id)


def person_data_reads() -> tuple[list[dict], bool]:
    """The reads each owning service recorded (profile: 信息采集 and province clients; exam: enrollment reviews;
    identity: real-name reviews), newest first; `complete` is False when a service did not answer."""
    reads, complete = [], True
    for service in ("profile", "exam", "identity"):
        try:
            reads.extend(getattr(services, service).my_data_reads())
        except Exception:        # noqa: BLE001 — one service down leaves the others' records visible
            complete = False
    return sorted(reads, key=lambda r: r["at"], reverse=True), complete


@blp.route("/me/data-reads", methods=["GET"])
@blp.response(200, DataReadOut(many=True))
@login_required("person")
def my_data_reads():
    """谁在何时因何事由查看了我的未脱敏信息（信息采集、考试报名审核、实名认证审核、省级系统）"""
    reads, complete = person_data_reads()
    if not reads and not complete:
        from ausm_common.errors import unavailable
        raise unavailable()
    return reads


class UnmaskOut(Schema):
    account_id = fields.String()
    name = fields.String()
    id_number = fields.String()
    phone = fields.String()


@blp.route("/profile/people/<account_id>/unmask", methods=["POST"])
@blp.arguments(UnmaskIn)
@blp.response(200, UnmaskOut)
@login_required("staff")
def unmask(data, account_id):
    """工作人员查看未脱敏字段（须填写事由；本人可见此记录）"""
    return services.profile.unmask_person_fields({"account_id": account_id, "fields": data["fields_"],
                                                  "purpose": data["purpose"]})
