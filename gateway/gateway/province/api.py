"""The province API, `/api/province/v1`, with its own OpenAPI document (`/api/province/v1/openapi.json`).

Every endpoint but the token endpoint and the key set needs a bearer token from `POST /oauth/token`; each view is
the RPC call and nothing else: the services check province and scope from the signed caller. POSTs accept an
`Idempotency-Key`. Each client is rate-limited on its own (429 with Retry-After; throttle.py)."""
from functools import wraps

from flask import jsonify, request
from flask_smorest import Blueprint as SmorestBlueprint
from marshmallow import EXCLUDE, Schema, fields, validate

from ausm_common.errors import ValidationFailed
from ausm_common.storage import ObjectStore

from ..api import Api, Blueprint
from ..rpc import services
from ..schemas import ErrorOut
from ..uploads import store
from . import access
from .assertions import ASSERTION_TYPE, python_example
from .assertions import MAX_LIFETIME as MAX_ASSERTION_LIFETIME
from .idempotency import idempotent

PREFIX = "/api/province/v1"
MAX_IMPORT_BYTES = 16 * 1024 * 1024      # 100,000 score rows are about 4 MB as CSV, 7 MB as JSON lines
MAX_LEGACY_BYTES = 128 * 1024 * 1024     # 100,000 whole records are about 40 MB as CSV, 75 MB as JSON lines

blp = Blueprint("province", __name__, url_prefix=PREFIX, description="省级系统接口（OAuth 2.0 客户端凭证）")
auth_blp = SmorestBlueprint("province_oauth", __name__, url_prefix=PREFIX, description="令牌与公钥")
BEARER = [{"bearerAuth": []}]


class In(Schema):
    class Meta:
        unknown = EXCLUDE


def idempotent_post(view):
    return idempotent(access.idempotency_store, access.client_id)(view)


@blp.before_request
def authenticate():
    access.current_client()


@blp.after_request
def no_store(response):
    return answer_headers(response)


def answer_headers(response):
    response.headers["Cache-Control"] = "no-store"
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ausm-province-api", error="invalid_token"'
    return response


# --- token and keys --------------------------------------------------------------------------------------

class TokenOut(Schema):
    access_token = fields.String()
    token_type = fields.String(metadata={"example": "Bearer"})
    expires_in = fields.Integer(metadata={"description": "秒"})
    scope = fields.String()


class OAuthErrorOut(Schema):
    """The token endpoint answers errors as OAuth 2.0 does (RFC 6749 §5.2), not in the platform's error shape."""
    error = fields.String(required=True, metadata={"example": "invalid_client"})
    error_description = fields.String()


@auth_blp.route("/oauth/token", methods=["POST"])
@auth_blp.doc(summary="获取访问令牌（client_credentials）", requestBody={"content": {
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["grant_type"], "properties": {
        "grant_type": {"type": "string", "enum": ["client_credentials"]}, "scope": {"type": "string"},
        "client_id": {"type": "string", "description": "client_secret_post"},
        "client_secret": {"type": "string", "description": "client_secret_post"},
        "client_assertion_type": {"type": "string", "enum": [ASSERTION_TYPE],
                                  "description": "private_key_jwt"},
        "client_assertion": {"type": "string", "description": "private_key_jwt：客户端以私钥签名的 JWT"}}}}}},
    description="客户端认证方式（登记时确定）：HTTP Basic（client_secret_basic）或表单字段（client_secret_post）；"
                "或 private_key_jwt（RFC 7523、OpenID Connect Core §9）：表单提交 client_assertion_type="
                f"{ASSERTION_TYPE} 与 client_assertion，后者为以登记公钥对应私钥签名的 JWT，算法仅限 RS256 或 ES256，"
                "iss 与 sub 均为 client_id，aud 为本端点的完整地址（或 /api/province/v1 的完整地址），"
                f"exp 必填且距当前时间不超过 {MAX_ASSERTION_LIFETIME} 秒，jti 必填且只能使用一次（重放返回 invalid_client）。"
                "令牌为 RS256 签名的 JWT（头部含 kid），有效期 10 分钟，受众 ausm-province-api。\n\n"
                "private_key_jwt 的 Python 示例：\n\n```python\n" + python_example("https://<平台地址>") + "\n```")
@auth_blp.response(200, TokenOut)
@auth_blp.alt_response(400, schema=OAuthErrorOut, description="RFC 6749 §5.2：invalid_request | invalid_grant | "
                       "unsupported_grant_type | invalid_scope | invalid_client")
@auth_blp.alt_response(401, schema=OAuthErrorOut, description="RFC 6749 §5.2：invalid_client（客户端认证失败）")
def token():
    from flask import current_app
    return current_app.extensions["province_oauth"].create_token_response()


class JwkOut(Schema):
    kty = fields.String(metadata={"example": "RSA"})
    kid = fields.String()
    use = fields.String(metadata={"example": "sig"})
    alg = fields.String(metadata={"example": "RS256"})
    n = fields.String()
    e = fields.String()


class JwksOut(Schema):
    keys = fields.List(fields.Nested(JwkOut))


@auth_blp.route("/.well-known/jwks.json", methods=["GET"])
@auth_blp.doc(summary="令牌签名公钥（JWKS）", description="签名密钥定期轮换；旧密钥在其签发的令牌全部过期前仍在此公布。")
@auth_blp.alt_response(200, schema=JwksOut, success=True)
def jwks():
    response = jsonify(access.jwks())
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


# --- candidates ------------------------------------------------------------------------------------------

class CandidatesQuery(In):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    status = fields.String(load_default=None, validate=validate.OneOf(["submitted", "approved", "returned"]))
    id_number = fields.String(load_default=None, validate=validate.Length(max=32))


class CandidateQuery(In):
    unmask = fields.String(load_default=None, validate=validate.Length(max=64),
                           metadata={"description": "逗号分隔：name,id_number,phone（需 candidates:unmask）"})
    purpose = fields.String(load_default=None, validate=validate.Length(max=200),
                            metadata={"description": "读取未脱敏信息的事由（本人可在个人中心看到）"})


class CandidateOut(Schema):
    class Meta:
        unknown = EXCLUDE
    account_id = fields.String()
    name = fields.String()
    id_type = fields.String()
    id_number = fields.String()
    phone = fields.String()
    gender = fields.String(allow_none=True)
    collection_status = fields.String()
    scope = fields.String(allow_none=True)
    department_code = fields.String(allow_none=True)
    department_name = fields.String(allow_none=True)
    decided_at = fields.String(allow_none=True)
    education_levels = fields.List(fields.String(allow_none=True))
    employers = fields.List(fields.String(allow_none=True))
    unmasked = fields.List(fields.String())


class CandidatePage(Schema):
    items = fields.List(fields.Nested(CandidateOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


@blp.route("/candidates", methods=["GET"])
@blp.doc(summary="本省人员（脱敏）", security=BEARER)
@blp.arguments(CandidatesQuery, location="query", as_kwargs=True)
@blp.response(200, CandidatePage)
def candidates(**query):
    return services.profile.province_candidates(query)


@blp.route("/candidates/<account_id>", methods=["GET"])
@blp.doc(summary="本省一名人员；可按事由读取未脱敏字段（每次读取均记录并告知本人）", security=BEARER)
@blp.arguments(CandidateQuery, location="query", as_kwargs=True)
@blp.response(200, CandidateOut)
def candidate(account_id, unmask=None, purpose=None):
    fields_ = [f.strip() for f in (unmask or "").split(",") if f.strip()]
    return services.profile.province_candidate({"account_id": account_id, "fields": fields_, "purpose": purpose})


# --- enrollments -----------------------------------------------------------------------------------------

class EnrollmentsQuery(In):
    exam_id = fields.String(load_default=None, validate=validate.Length(max=32))
    status = fields.String(load_default=None, validate=validate.Length(max=16))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100000))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))


class EnrollmentOut(Schema):
    class Meta:
        unknown = EXCLUDE
    id = fields.String()
    enrollment_no = fields.String(allow_none=True, metadata={"description": "报名注册号"})
    exam_id = fields.String()
    year = fields.Integer()
    level = fields.String()
    level_label = fields.String()
    region_code = fields.String()
    region_name = fields.String(allow_none=True)
    city_code = fields.String(allow_none=True)
    status = fields.String()
    status_label = fields.String()
    step = fields.Raw(allow_none=True)
    route = fields.String(allow_none=True)
    source = fields.String(allow_none=True)
    post_review_status = fields.String(allow_none=True)
    amount_fen = fields.Integer(allow_none=True)
    name = fields.String(metadata={"description": "脱敏"})
    id_number = fields.String(metadata={"description": "脱敏"})
    submitted_at = fields.String(allow_none=True)
    updated_at = fields.String(allow_none=True)


class EnrollmentPage(Schema):
    items = fields.List(fields.Nested(EnrollmentOut))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


@blp.route("/enrollments", methods=["GET"])
@blp.doc(summary="本省考试报名（脱敏）", security=BEARER)
@blp.arguments(EnrollmentsQuery, location="query", as_kwargs=True)
@blp.response(200, EnrollmentPage)
def enrollments(**query):
    return services.exam.province_enrollments(**query)


# --- score import jobs -----------------------------------------------------------------------------------

class ImportQuery(In):
    exam_id = fields.String(required=True, validate=validate.Length(max=32))


RESULT_DOC = ("任务完成（done）后返回逐行结果；尚未完成为 409 JOB_NOT_DONE；任务失败（failed）为 409 JOB_FAILED，"
              "message 与 failure 给出原因。任务结束时亦可通过订阅 job_finished 事件获知，无需轮询。")


class JobBase(Schema):
    job_id = fields.String()
    kind = fields.String()
    status = fields.String(metadata={"description": "queued | done | failed（failed 时原因见 failure，需重新提交）"})
    format = fields.String()
    total = fields.Integer(allow_none=True)
    saved = fields.Integer(allow_none=True)
    refused = fields.Integer(allow_none=True)
    failure = fields.String(allow_none=True, metadata={"description": "任务失败的原因（仅 status 为 failed 时）"})
    created_at = fields.String()
    finished_at = fields.String(allow_none=True)


class JobOut(JobBase):
    exam_id = fields.String()


class RowError(Schema):
    line = fields.Integer(metadata={"description": "行号（CSV 含表头为第1行；JSON lines 从第1行起）"})
    field = fields.String()
    reason = fields.String()


class JobResultOut(JobOut):
    errors = fields.List(fields.Nested(RowError))


def _format() -> str:
    kind = (request.mimetype or "").lower()
    if kind in ("text/csv", "application/csv"):
        return "csv"
    if kind in ("application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/jsonlines"):
        return "jsonl"
    raise ValidationFailed("FORMAT_INVALID", "请以 text/csv 或 application/x-ndjson 提交数据",
                           {"Content-Type": "应为 text/csv 或 application/x-ndjson"})


def accepts_bytes(max_bytes: int):
    """A route's own body limit above the app-wide MAX_REQUEST_BYTES (set before anything reads the body)."""
    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            request.max_content_length = max(max_bytes, request.max_content_length or 0)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def stored_batch(what: str, max_bytes: int = MAX_IMPORT_BYTES) -> tuple[str, str]:
    """A job's body (CSV or JSON lines) kept in object storage under the client's prefix: (key, format)."""
    file_format = _format()
    data = request.get_data(cache=True)
    if not data.strip():
        raise ValidationFailed("UPLOAD_EMPTY", f"请提交要{what}的数据", {"file": "内容为空"})
    if len(data) > max_bytes:
        raise ValidationFailed("PAYLOAD_TOO_LARGE", "提交的内容过大",
                               {"file": f"不能超过{max_bytes // (1024 * 1024)}MB"})
    client = access.current_client()
    key = ObjectStore.new_key(f"incoming/client/{client['client_id']}")
    store().put(key, data, "text/csv" if file_format == "csv" else "application/x-ndjson")
    return key, file_format


def batch_body(csv_example: str, jsonl_example: str, query: dict) -> dict:
    return {"security": BEARER, "requestBody": {"required": True, "content": {
        "text/csv": {"schema": {"type": "string", "minLength": 1}, "example": csv_example},
        "application/x-ndjson": {"schema": {"type": "string", "minLength": 1}, "example": jsonl_example}}},
        "parameters": [{"in": "header", "name": "Idempotency-Key", "schema": {"type": "string", "maxLength": 255}},
                       {"in": "query", "required": True, "schema": {"type": "string", "maxLength": 32}, **query}]}


@blp.route("/score-imports", methods=["POST"])
@idempotent_post
@blp.doc(summary="提交成绩导入任务（CSV 或 JSON lines，最多 100,000 行）", **batch_body(
    "报名注册号,科目,成绩\n330120260001,junior_practice,78.5\n",
    '{"enrollment_no": "330120260001", "subject": "junior_practice", "score": 78.5}\n', {"name": "exam_id"}))
@blp.arguments(ImportQuery, location="query", as_kwargs=True)
@blp.response(202, JobOut)
def create_score_import(exam_id):
    key, file_format = stored_batch("导入")
    return services.exam.create_score_import_job(exam_id, key, file_format)


@blp.route("/score-imports/<job_id>", methods=["GET"])
@blp.doc(summary="导入任务状态", security=BEARER)
@blp.response(200, JobOut)
def score_import(job_id):
    return services.exam.get_import_job(job_id)


@blp.route("/score-imports/<job_id>/result", methods=["GET"])
@blp.doc(summary="导入结果（逐行：被拒绝的行及字段、原因）", security=BEARER, description=RESULT_DOC)
@blp.alt_response(409, schema=ErrorOut, description="JOB_NOT_DONE | JOB_FAILED（failure 为原因）")
@blp.response(200, JobResultOut)
def score_import_result(job_id):
    return services.exam.get_import_job(job_id, True)


# --- CPE report jobs (机构报送) --------------------------------------------------------------------------

class ReportQuery(In):
    institution_code = fields.String(required=True, validate=validate.Length(max=32))


class ReportJobOut(JobBase):
    institution_code = fields.String()


class ReportJobResultOut(ReportJobOut):
    errors = fields.List(fields.Nested(RowError))


@blp.route("/cpe-reports", methods=["POST"])
@idempotent_post
@blp.doc(summary="提交继续教育机构报送任务（CSV 或 JSON lines，最多 100,000 行）",
         description="与管理部门“机构报送”页面同一报送操作：逐行检查，通过的行计为“机构报送”学分；"
                     "不属于本省管辖的人员、错误与重复报送逐行列出（行号、字段、原因）。", **batch_body(
    "证件号码,姓名,科目类型,课程名称,培训开始日期,培训结束日期,培训时长（分钟）\n"
    "330102199001011234,张三,公需科目,职业道德,2026-04-01,2026-04-01,90\n",
    '{"id_number": "330102199001011234", "name": "张三", "subject_type": "公需科目", "course": "职业道德", '
    '"start_date": "2026-04-01", "end_date": "2026-04-01", "minutes": 90}\n', {"name": "institution_code"}))
@blp.arguments(ReportQuery, location="query", as_kwargs=True)
@blp.response(202, ReportJobOut)
def create_cpe_report(institution_code):
    key, file_format = stored_batch("报送")
    return services.cpe.create_report_job(institution_code, key, file_format)


@blp.route("/cpe-reports/<job_id>", methods=["GET"])
@blp.doc(summary="报送任务状态", security=BEARER)
@blp.response(200, ReportJobOut)
def cpe_report(job_id):
    return services.cpe.get_report_job(job_id)


@blp.route("/cpe-reports/<job_id>/result", methods=["GET"])
@blp.doc(summary="报送结果（逐行：被拒绝的行及字段、原因）", security=BEARER, description=RESULT_DOC)
@blp.alt_response(409, schema=ErrorOut, description="JOB_NOT_DONE | JOB_FAILED（failure 为原因）")
@blp.response(200, ReportJobResultOut)
def cpe_report_result(job_id):
    return services.cpe.get_report_job(job_id, True)


# --- legacy-record imports (原省平台数据) --------------------------------------------------------------------

LEGACY_CSV_EXAMPLE = (
    "id_type,id_number,name,department_code,scope,basic.political_status,basic.ethnicity,basic.address,"
    "education.study_mode,education.school,education.start_date,education.end_date,education.education_level,"
    "education.degree,education.major,work.start_date,work.employer,work.employer_type,work.industry,work.address,"
    "work.post.post_level,work.post.post,work.post.start_date\n"
    "mainland_id,330102199001011234,张三,330102,accountant,masses,han,杭州市上城区解放路1号,full_time,浙江财经大学,"
    "2008-09-01,2012-06-30,bachelor,bachelor,会计学,2012-07-01,杭州某某有限公司,private,I,杭州市上城区1号,"
    "general,cashier,2012-07-01\n")
LEGACY_JSONL_EXAMPLE = (
    '{"id_type": "mainland_id", "id_number": "330102199001011234", "name": "张三", "department_code": "330102", '
    '"scope": "accountant", "basic": {"political_status": "masses", "ethnicity": "han", "address": "杭州市上城区解放路1号"}, '
    '"education": [{"study_mode": "full_time", "school": "浙江财经大学", "start_date": "2008-09-01", '
    '"end_date": "2012-06-30", "education_level": "bachelor", "degree": "bachelor", "major": "会计学"}], '
    '"work": [{"start_date": "2012-07-01", "employer": "杭州某某有限公司", "employer_type": "private", "industry": "I", '
    '"address": "杭州市上城区1号", "has_accounting_work": true, '
    '"posts": [{"post_level": "general", "post": "cashier", "start_date": "2012-07-01"}]}]}\n')


class LegacyJobOut(JobBase):
    pass


class LegacyJobResultOut(LegacyJobOut):
    errors = fields.List(fields.Nested(RowError))


def _legacy_body() -> dict:
    body = batch_body(LEGACY_CSV_EXAMPLE, LEGACY_JSONL_EXAMPLE, {"name": "unused"})
    body["parameters"] = body["parameters"][:1]          # the Idempotency-Key header; no query parameter
    return body


@blp.route("/legacy-imports", methods=["POST"])
@accepts_bytes(MAX_LEGACY_BYTES)
@idempotent_post
@blp.doc(summary="提交原省平台数据导入任务（CSV 或 JSON lines，最多 100,000 条）",
         description="本省原平台已审核通过的人员信息（基本信息、教育经历、工作经历），本人开始信息采集时带入并锁定已填内容，"
                     "缺少的由本人补填。逐行检查：已填内容须符合信息采集的规则（未填的不算错误），会计管理部门须属本省；"
                     "本人已在本平台开始采集、已被领取或由其他省份导入的记录不再导入。CSV 每行一人、至多一段教育经历和"
                     "一段工作经历（含一条会计工作经历），表头为字段路径（见示例）；JSON lines 每行一条完整记录，可含多段。"
                     "同一证件号码再次导入（尚未被领取时）以新记录为准。", **_legacy_body())
@blp.response(202, LegacyJobOut)
def create_legacy_import():
    key, file_format = stored_batch("导入", MAX_LEGACY_BYTES)
    return services.profile.create_legacy_import_job(key, file_format)


@blp.route("/legacy-imports/<job_id>", methods=["GET"])
@blp.doc(summary="原省平台数据导入任务状态", security=BEARER)
@blp.response(200, LegacyJobOut)
def legacy_import(job_id):
    return services.profile.get_legacy_import_job(job_id)


@blp.route("/legacy-imports/<job_id>/result", methods=["GET"])
@blp.doc(summary="原省平台数据导入结果（逐行：被拒绝的行及字段、原因）", security=BEARER, description=RESULT_DOC)
@blp.alt_response(409, schema=ErrorOut, description="JOB_NOT_DONE | JOB_FAILED（failure 为原因）")
@blp.response(200, LegacyJobResultOut)
def legacy_import_result(job_id):
    return services.profile.get_legacy_import_job(job_id, True)


def init_app(app):
    """The province API as its own flask-smorest Api (its own OpenAPI document), and its token server."""
    from . import oauth
    app.config.update(PROVINCE_API_TITLE="全国会计人员统一服务管理平台 省级系统接口", PROVINCE_API_VERSION="v1",
                      PROVINCE_OPENAPI_VERSION="3.0.3", PROVINCE_OPENAPI_URL_PREFIX=PREFIX,
                      PROVINCE_OPENAPI_JSON_PATH="openapi.json")
    app.config.setdefault("PROVINCE_API_SPEC_OPTIONS", {
        "info": {"description": "省级系统以 OAuth 2.0 客户端凭证获取访问令牌后调用。开发者说明：/province/developers"},
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}}}})
    api = Api(app, config_prefix="PROVINCE")     # the platform's error shape (ErrorOut) as its default response
    api.register_blueprint(auth_blp)
    api.register_blueprint(blp)
    from . import webhooks
    api.register_blueprint(webhooks.blp)
    app.extensions["province_oauth"] = oauth.build(app)
    return api
