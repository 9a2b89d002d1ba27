"""Employer lookup by unified social credit code (统一社会信用代码), Zhejiang's 【获取单位信息】.

The work step asks for the employer's 证照号码 (credit code or 组织机构代码) and fills the employer's
name, type, industry and address from the registry; "如无法获取, 请手动录入单位名称" — so ``lookup``
returns None when the registry does not know the code, and the page lets the person type it in.

``SandboxEmployerDirectory`` holds the fictional sample employers in ``DIRECTORY`` below, in several
provinces, each with a valid GB 32100-2015 code (both check characters computed as in
docs/domain-rules.md §3.2–3.3 by ``credit_code``, with domain.py's check functions). It also finds
them by their 9-character organisation code (``MA2H7KQ39`` or ``MA2H7KQ3-9``). Any other code, valid
or not, returns None. ``extra=[Employer, ...]`` adds entries; ``latency`` (seconds) delays answers;
``unavailable=True`` makes every call raise ``ProviderUnavailable``.

``employer_type`` is a code of ``domain.EMPLOYER_TYPES``; ``industry`` a GB/T 4754-2017 section letter
(``domain.INDUSTRIES``); ``region_code`` the 6-digit GB/T 2260 county code of the address (which can
differ from the registering authority's code in positions 3–8: Shenzhen registers at 440300).

``HttpEmployerDirectory``: ``POST /v1/employers/lookup`` with ``{"credit_code"}`` (signed as in
``signing.py``); ``data`` is the employer (the fields above; Chinese labels for type and industry are
also understood) or null / HTTP 404 when unknown.

Config: ``SANDBOX``, ``SANDBOX_LATENCY``, ``EMPLOYER_API_URL``, ``EMPLOYER_APP_KEY``,
``EMPLOYER_APP_SECRET``, ``EMPLOYER_TIMEOUT`` (seconds, default 5).
"""
import re
import time
from dataclasses import dataclass

from ..domain import EMPLOYER_TYPES, INDUSTRIES, org_code_check_char, uscc_check_char
from .signing import ProviderUnavailable, SignedJsonClient, require_settings

PROVIDER = "employer_registry"
USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
ORG_CODE_PATTERN = re.compile(r"^([0-9A-Z]{8})-?([0-9X])$")


@dataclass(frozen=True)
class Employer:
    credit_code: str
    name: str
    employer_type: str      # a code of domain.EMPLOYER_TYPES
    industry: str           # a GB/T 4754-2017 section letter, domain.INDUSTRIES
    address: str
    region_code: str


def credit_code(authority_and_type: str, region: str, org_body: str) -> str:
    """Build a full code, e.g. ``credit_code("91", "350100", "M000100Y") == "91350100M000100Y43"``."""
    first17 = authority_and_type + region + org_body + org_code_check_char(org_body)
    return first17 + uscc_check_char(first17)


def is_valid_credit_code(code: str) -> bool:
    """Format and check character; unlike python-stdnum, letters are allowed in positions 1–2."""
    return bool(code and USCC_PATTERN.match(code)) and uscc_check_char(code[:17]) == code[17]


# Fictional employers; codes from credit_code(), checked against python-stdnum in the unit tests.
DIRECTORY = (
    Employer("91330102MA2H7KQ398", "杭州清波数智科技有限公司", "private", "I",
             "浙江省杭州市上城区清波街道河坊街218号", "330102"),
    Employer("12330106470065124P", "杭州市西湖区财会人员服务中心", "public_institution", "S",
             "浙江省杭州市西湖区文三路90号", "330106"),
    Employer("93330203MA2GQ4Y12L", "宁波市海曙区四明果蔬专业合作社", "cooperative", "A",
             "浙江省宁波市海曙区高桥镇长乐村18号", "330203"),
    Employer("91330105MA2CJ8W6X4", "杭州拱宸财务代理记账有限公司", "bookkeeping_agency", "L",
             "浙江省杭州市拱墅区湖墅南路368号5楼", "330105"),
    Employer("91110105MA01C8RT4D", "北京朝阳恒信会计师事务所（普通合伙）", "accounting_firm", "L",
             "北京市朝阳区建国路88号9号楼1201室", "110105"),
    Employer("51110000500021465E", "北京会计人员继续教育促进会", "social_organization", "S",
             "北京市西城区月坛南街26号", "110102"),
    Employer("91210204MA0TXK5P4R", "大连星海湾水产贸易有限公司", "private", "F",
             "辽宁省大连市沙河口区中山路566号", "210204"),
    Employer("91440300MA5F3J2W2Y", "深圳南山芯联电子有限公司", "hmt_invested", "C",
             "广东省深圳市南山区粤海街道科技园南区高新南七道12号", "440305"),
    Employer("91310115MA1K4BN72U", "上海陆家嘴融汇投资管理有限公司", "local_soe", "J",
             "中国（上海）自由贸易试验区世纪大道100号31层", "310115"),
    Employer("52510107MJ07265569", "成都市武侯区启明职业技能培训学校", "social_organization", "P",
             "四川省成都市武侯区武侯祠大街264号", "510107"),
    Employer("92370102MA3U6R8L90", "济南市历下区王记财税咨询服务部", "individual_business", "L",
             "山东省济南市历下区泉城路180号", "370102"),
)


class EmployerDirectory:
    """What the platform asks of the registry; implementations provide ``lookup``."""

    def lookup(self, credit_code: str) -> Employer | None:
        raise NotImplementedError


def normalise_code(code: str) -> str:
    return (code or "").strip().upper()


class SandboxEmployerDirectory(EmployerDirectory):
    name = "sandbox"

    def __init__(self, extra=(), latency: float = 0.0, unavailable: bool = False):
        self.entries = {e.credit_code: e for e in (*DIRECTORY, *extra)}
        self.latency, self.unavailable = latency, unavailable

    def lookup(self, credit_code: str) -> Employer | None:
        if self.latency:
            time.sleep(self.latency)
        if self.unavailable:
            raise ProviderUnavailable(PROVIDER, "sandbox: simulated outage")
        code = normalise_code(credit_code)
        org = ORG_CODE_PATTERN.match(code)
        if org:
            return next((e for e in self.entries.values() if e.credit_code[8:17] == org[1] + org[2]), None)
        return self.entries.get(code) if is_valid_credit_code(code) else None


class HttpEmployerDirectory(EmployerDirectory):
    name = "http"
    PATH = "/v1/employers/lookup"

    def __init__(self, url: str, app_key: str, app_secret: str, timeout: float = 5):
        self.client = SignedJsonClient(PROVIDER, url, app_key, app_secret, timeout)

    def lookup(self, credit_code: str) -> Employer | None:
        data = self.client.post(self.PATH, {"credit_code": normalise_code(credit_code)})
        if not data:
            return None
        try:
            return Employer(str(data["credit_code"]), str(data["name"]), _code(data.get("employer_type"),
                            EMPLOYER_TYPES, "other"), _code(data.get("industry"), INDUSTRIES, ""),
                            str(data.get("address") or ""), str(data.get("region_code") or ""))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ProviderUnavailable(PROVIDER, f"unreadable employer: {exc}") from exc


def _code(value, labels: dict, unknown: str) -> str:
    """Our code for a code or a Chinese label; ``unknown`` for anything else."""
    if value in labels:
        return value
    return next((code for code, label in labels.items() if label == value), unknown)


def build_employer_directory(config: dict) -> EmployerDirectory:
    if config.get("SANDBOX"):
        return SandboxEmployerDirectory(latency=float(config.get("SANDBOX_LATENCY") or 0))
    return HttpEmployerDirectory(*require_settings(config, "employer lookup", "EMPLOYER_API_URL", "EMPLOYER_APP_KEY",
                                                   "EMPLOYER_APP_SECRET"),
                                 float(config.get("EMPLOYER_TIMEOUT") or 5))
