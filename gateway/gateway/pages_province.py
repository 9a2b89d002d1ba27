"""The page for provinces' developers: how to get a token and call the province API, in curl and Python."""
from flask import Blueprint, render_template, request

from ausm_common import divisions

from .auth import current_caller
from .pages import _need
from .province.assertions import python_example
from .province.oauth import SCOPES

blp = Blueprint("province_pages", __name__)

SCOPE_LABELS = {"candidates:read": "读取本省人员信息（脱敏）",
                "candidates:unmask": "读取未脱敏字段（须说明事由；本人在个人中心可见）",
                "legacy:import": "导入原省平台数据", "enrollments:read": "读取本省考试报名",
                "scores:import": "导入本省考试成绩（批量任务）", "cpe:report": "报送继续教育培训（机构报送批量任务）",
                "events:subscribe": "订阅本省事件（Webhook）"}


@blp.route("/province/developers")
def developers():
    base = request.host_url.rstrip("/")
    return render_template("province_developers.html", base=base, key_example=python_example(base),
                           scopes=[(s, SCOPE_LABELS.get(s, s)) for s in SCOPES])


@blp.route("/staff/api-clients")
def staff_api_clients():
    """Admin staff register their province's clients (national admins any province's)."""
    need = _need("staff", "pages.staff_login")
    if need:
        return need
    own = current_caller().get("department_code")
    provinces = [(c, n) for c, n in divisions.provinces() if own == divisions.NATIONAL or c == own]
    return render_template("staff/api_clients.html", provinces=provinces, own=own,
                           scopes=[(s, SCOPE_LABELS.get(s, s)) for s in SCOPES])
