"""学信网 (CHSI) education and degree certificate verification.

The manual: 大专及以上学历、学位首次提交与学信网进行自动核验，核验不通过的需上传对应的学历、学位证书.
Below 大专 nothing can be checked online: ``verify`` raises ``ValueError`` and the page asks for the
certificate itself. Answers: ``verified``; ``not_found`` (no such number on record); ``mismatch`` (the
number exists or is malformed but does not fit the person, level or year).

Certificate number shapes (the Ministry's published numbering rules):

- 学历证书编号 (education, electronic registration since 2001, 18 digits since 2002):
  school code (5) + 办学类型 (1: 1 普通, 5 成人, 6 自考/学历文凭, 7 网络) + year (4) +
  培养层次 (2: 01 博士研究生, 02 硕士研究生, 04 第二学士学位, 05 本科, 06 专科/高职) + serial (6).
  e.g. ``102231201605000123``. The older 17-digit form is treated as malformed (mismatch).
- 学位证书编号 (degree, 16 digits since 2006): awarding unit code (5) + level (1: 2 博士, 3 硕士,
  4 学士) + year (4) + serial (6), e.g. ``1024642008000001``; professional, adult and equivalent-level
  degrees carry one leading letter (Z, C, T), which is accepted.

``SandboxDegreeChecker`` rules, in order:

1. the number does not have its kind's shape, or a type/level code is unknown → ``mismatch``;
2. it ends in ``0503`` → the service is unreachable (``ProviderUnavailable``);
3. it ends in ``0000`` → ``not_found``; an education year before 2001 or a degree year before 2008
   (before online registration) → ``not_found``;
4. it ends in ``9999`` → ``mismatch`` (registered to someone else); ``names={number: name}`` registers
   numbers to a name, and another name → ``mismatch``;
5. the level code does not fit ``education_level`` (e.g. layer 06 for 本科; a 博士 degree for 本科; a
   大专 segment has no degree) → ``mismatch``; the year is in the future, or before the
   holder turned 15 (from an 18-digit mainland ID number) → ``mismatch``;
6. otherwise → ``verified``. ``latency`` (seconds) delays each answer; ``unavailable=True`` fails all.

``education_level`` takes the codes of ``domain.EDUCATION_LEVELS`` from ``associate`` up (``associate``,
``bachelor``, ``master``, ``doctoral``) or their Chinese labels (also 专科, 硕士, 博士). Which degree a
level may carry follows ``domain.DEGREES_FOR_LEVEL`` (本科 may carry 学士 or, 以同等学力, 硕士).

``HttpDegreeChecker``: ``POST /v1/certificates/verify`` with ``{"kind", "name", "id_number",
"education_level", "certificate_no"}`` (signed as in ``signing.py``); ``data`` is ``{"status",
"message"}``, status one of verified / not_found / mismatch (or 一致 / 查无此证 / 不一致).

Config: ``SANDBOX``, ``SANDBOX_LATENCY``, ``CHSI_API_URL``, ``CHSI_APP_KEY``, ``CHSI_APP_SECRET``,
``CHSI_TIMEOUT`` (seconds, default 5).
"""
import re
import time
from dataclasses import dataclass
from datetime import date

from ..domain import DEGREES_FOR_LEVEL, EDUCATION_LEVEL_ORDER, EDUCATION_LEVELS
from .signing import ProviderUnavailable, SignedJsonClient, require_settings

PROVIDER = "chsi"
KINDS = ("education", "degree")
STATUSES = ("verified", "not_found", "mismatch")
CHECKABLE = EDUCATION_LEVEL_ORDER[EDUCATION_LEVEL_ORDER.index("associate"):]
_LEVEL_WORDS = {**{label: code for code, label in EDUCATION_LEVELS.items()},
                "专科": "associate", "高职": "associate", "硕士": "master", "博士": "doctoral", "doctor": "doctoral"}
EDUCATION_LAYER = {"associate": {"06"}, "bachelor": {"05", "04"}, "master": {"02"}, "doctoral": {"01"}}
DEGREE_DIGIT = {"bachelor": "4", "master": "3", "doctor": "2"}
SCHOOL_TYPES = {"1", "5", "6", "7"}
EDUCATION_NO = re.compile(r"^(\d{5})(\d)(\d{4})(\d{2})(\d{6})$")
DEGREE_NO = re.compile(r"^[ZCT]?(\d{5})(\d)(\d{4})(\d{6})$")
_ANSWER_WORDS = {"一致": "verified", "查无此证": "not_found", "不一致": "mismatch"}
KIND_LABELS = {"education": "学历", "degree": "学位"}


@dataclass(frozen=True)
class DegreeCheck:
    status: str      # verified|not_found|mismatch
    message: str


def checkable_level(education_level: str) -> str:
    """The platform code of a level 学信网 can check; ValueError below 大专 or for an unknown level."""
    level = _LEVEL_WORDS.get((education_level or "").strip(), (education_level or "").strip())
    if level not in CHECKABLE:
        raise ValueError(f"education level {education_level!r} cannot be checked with 学信网 (大专 and above only)")
    return level


class DegreeChecker:
    """What the platform asks of 学信网; implementations provide ``_check``."""

    def verify(self, name: str, id_number: str, education_level: str, certificate_no: str, *,
               kind: str) -> DegreeCheck:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        level = checkable_level(education_level)
        return self._check((name or "").strip(), (id_number or "").strip().upper(), level,
                           (certificate_no or "").strip().upper(), kind)

    def _check(self, name, id_number, level, certificate_no, kind) -> DegreeCheck:
        raise NotImplementedError


def _verified(kind):
    return DegreeCheck("verified", f"{KIND_LABELS[kind]}信息已通过学信网核验")


def _not_found(kind):
    return DegreeCheck("not_found", f"学信网未查询到该{KIND_LABELS[kind]}证书编号，请上传{KIND_LABELS[kind]}证书")


def _mismatch(kind, why):
    return DegreeCheck("mismatch", f"{KIND_LABELS[kind]}信息与学信网记录不一致（{why}），请核对或上传{KIND_LABELS[kind]}证书")


class SandboxDegreeChecker(DegreeChecker):
    name = "sandbox"

    def __init__(self, names: dict | None = None, latency: float = 0.0, unavailable: bool = False,
                 today=date.today):
        self.names = {k.strip().upper(): v.strip() for k, v in (names or {}).items()}
        self.latency, self.unavailable, self.today = latency, unavailable, today

    def _check(self, name, id_number, level, certificate_no, kind) -> DegreeCheck:
        if self.latency:
            time.sleep(self.latency)
        parsed = _parse(certificate_no, kind)
        if parsed is None:
            return _mismatch(kind, "证书编号格式不正确")
        if self.unavailable or certificate_no.endswith("0503"):
            raise ProviderUnavailable(PROVIDER, "sandbox: simulated outage")
        code, year = parsed
        if certificate_no.endswith("0000") or year < (2001 if kind == "education" else 2008):
            return _not_found(kind)
        registered = self.names.get(certificate_no)
        if certificate_no.endswith("9999") or (registered and registered != name):
            return _mismatch(kind, "姓名与证书持有人不符")
        if kind == "education" and code not in EDUCATION_LAYER[level]:
            return _mismatch(kind, "学历层次不符")
        if kind == "degree" and code not in {DEGREE_DIGIT.get(d) for d in DEGREES_FOR_LEVEL.get(level, ())}:
            return _mismatch(kind, "专科层次不授予学位" if level == "associate" else "学位级别不符")
        birth_year = int(id_number[6:10]) if len(id_number) == 18 and id_number[:17].isdigit() else None
        if year > self.today().year or (birth_year and year < birth_year + 15):
            return _mismatch(kind, "证书年份不符")
        return _verified(kind)


def _parse(certificate_no: str, kind: str):
    """(level code, year) of a well-formed number, else None."""
    if kind == "education":
        match = EDUCATION_NO.match(certificate_no)
        if not match or match.group(2) not in SCHOOL_TYPES or match.group(4) not in {"01", "02", "04", "05", "06"}:
            return None
        return match.group(4), int(match.group(3))
    match = DEGREE_NO.match(certificate_no)
    if not match or match.group(2) not in {"2", "3", "4"}:
        return None
    return match.group(2), int(match.group(3))


class HttpDegreeChecker(DegreeChecker):
    name = "http"
    PATH = "/v1/certificates/verify"

    def __init__(self, url: str, app_key: str, app_secret: str, timeout: float = 5):
        self.client = SignedJsonClient(PROVIDER, url, app_key, app_secret, timeout)

    def _check(self, name, id_number, level, certificate_no, kind) -> DegreeCheck:
        data = self.client.post(self.PATH, {"kind": kind, "name": name, "id_number": id_number,
                                            "education_level": level, "certificate_no": certificate_no})
        if data is None:
            return _not_found(kind)
        status = _ANSWER_WORDS.get(data.get("status"), data.get("status")) if isinstance(data, dict) else None
        if status not in STATUSES:
            raise ProviderUnavailable(PROVIDER, f"unknown status in {data!r}")
        default = {"verified": _verified, "not_found": _not_found}.get(status, lambda k: _mismatch(k, "学信网记录不符"))
        return DegreeCheck(status, data.get("message") or default(kind).message)


def build_degree_checker(config: dict) -> DegreeChecker:
    if config.get("SANDBOX"):
        return SandboxDegreeChecker(latency=float(config.get("SANDBOX_LATENCY") or 0))
    return HttpDegreeChecker(*require_settings(config, "学信网", "CHSI_API_URL", "CHSI_APP_KEY", "CHSI_APP_SECRET"),
                             float(config.get("CHSI_TIMEOUT") or 5))
