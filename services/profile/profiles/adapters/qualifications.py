"""全国会计资格职称库 (national accounting qualification library) adapter.

Two uses in the manuals: 采集须知 checks a 不从事会计工作但具有会计专业技术资格 person against the
library ("2001年之后的证书数据"), and 职称管理's 自动获取 fetches the person's records ("获取更新成功"
or "未获取到数据"). Both look a person up by ID number and name; the library answers only when both match.

``SandboxQualificationLibrary`` plays the library, deterministically:

- it holds certificates obtained from 2001-01-01 on, nothing earlier (fixtures included);
- a person's records derive from a SHA-256 of the ID number: about 60% passed 初级 (junior, by exam,
  in June of a year between age 20 and 31), half of those later 中级 (intermediate, exam, October),
  a fifth of those 高级 (senior, exam and panel review, December). Records dated before 2001 or after
  today are not held, so people born before about 1976 often have only later certificates;
- **magic ID numbers**: sequence digits 15–16 (1-based) equal to ``99`` → the person has no records;
  ``98`` → the library is unreachable (``ProviderUnavailable``), to exercise the failure path;
- ``extra={id_number: [QualificationRecord, ...]}`` replaces the derived records of those people;
  ``names={id_number: name}`` says under which name the library holds them. A lookup with another
  name returns nothing, as the real library does. For people not in ``names`` the sandbox cannot know
  the registered name and accepts any;
- ``latency`` (seconds) delays every answer; ``unavailable=True`` makes every call fail.

Certificate numbers in the sandbox are 13 digits: issuer province (2) + year (2) + level (1: 1 junior,
2 intermediate, 3 senior) + serial (8), like the manual's "1119055102176".

``HttpQualificationLibrary`` calls the library's gateway (see ``signing.py`` for the signature):
``POST /v1/qualifications/query`` with ``{"id_number", "name"}``; ``data`` is ``{"records": [...]}``
(each with level, way, obtained_on ``YYYY-MM-DD``, certificate_no, issuer; English codes or the
Chinese labels 初级/中级/高级, 考试/评审/考评结合) or null / HTTP 404 for nobody.

Config: ``SANDBOX`` (truthy → sandbox), ``SANDBOX_LATENCY`` (seconds, sandbox only),
``QUALIFICATION_API_URL``, ``QUALIFICATION_APP_KEY``, ``QUALIFICATION_APP_SECRET``,
``QUALIFICATION_TIMEOUT`` (seconds, default 5).
"""
import hashlib
import time
from dataclasses import dataclass
from datetime import date

from ausm_common import divisions

from .signing import ProviderUnavailable, SignedJsonClient, require_settings

PROVIDER = "qualification_library"
HELD_FROM = date(2001, 1, 1)
LEVELS = ("junior", "intermediate", "senior")
WAYS = ("exam", "assessment", "exam_and_assessment")
_LEVEL_WORDS = {"初级": "junior", "中级": "intermediate", "高级": "senior",
                "助理会计师": "junior", "会计师": "intermediate", "高级会计师": "senior"}
_WAY_WORDS = {"考试": "exam", "评审": "assessment", "考评结合": "exam_and_assessment"}


@dataclass(frozen=True)
class QualificationRecord:
    level: str              # junior|intermediate|senior
    way: str                # exam|assessment|exam_and_assessment
    obtained_on: date
    certificate_no: str
    issuer: str


def normalise_id(id_number: str) -> str:
    return (id_number or "").strip().upper()


class QualificationLibrary:
    """What the platform asks of the library; implementations provide ``lookup``."""

    def lookup(self, id_number: str, name: str) -> list[QualificationRecord]:
        raise NotImplementedError

    def verify(self, id_number: str, name: str, certificate_no: str | None = None) -> bool:
        """采集须知's check: does the library hold a certificate (this one, if given) for this person?"""
        records = self.lookup(id_number, name)
        if certificate_no:
            return any(r.certificate_no == certificate_no.strip() for r in records)
        return bool(records)


class SandboxQualificationLibrary(QualificationLibrary):
    name = "sandbox"

    def __init__(self, extra: dict | None = None, names: dict | None = None, latency: float = 0.0,
                 unavailable: bool = False, today=date.today):
        self.extra = {normalise_id(k): list(v) for k, v in (extra or {}).items()}
        self.names = {normalise_id(k): v.strip() for k, v in (names or {}).items()}
        self.latency, self.unavailable, self.today = latency, unavailable, today

    def lookup(self, id_number: str, name: str) -> list[QualificationRecord]:
        if self.latency:
            time.sleep(self.latency)
        id_number = normalise_id(id_number)
        sequence = id_number[14:16] if len(id_number) == 18 else ""
        if self.unavailable or sequence == "98":
            raise ProviderUnavailable(PROVIDER, "sandbox: simulated outage")
        registered = self.names.get(id_number)
        if not id_number or not (name or "").strip() or (registered and registered != name.strip()):
            return []
        if sequence == "99" and id_number not in self.extra:
            return []
        records = self.extra[id_number] if id_number in self.extra else derived_records(id_number, self.today())
        return sorted((r for r in records if r.obtained_on >= HELD_FROM), key=lambda r: r.obtained_on)


def derived_records(id_number: str, today: date) -> list[QualificationRecord]:
    """The sandbox's deterministic history for one person (see the module docstring)."""
    h = hashlib.sha256(f"qualification:{id_number}".encode()).digest()
    mainland = len(id_number) == 18 and id_number[:17].isdigit()
    birth_year = int(id_number[6:10]) if mainland else 1975 + h[15] % 25
    province = id_number[:2] if mainland and divisions.name_of(id_number[:2] + "0000") else "11"
    steps = []
    if int.from_bytes(h[0:2], "big") < 0.6 * 65536:
        steps.append(("junior", "exam", birth_year + 20 + h[5] % 12, 6))
        if int.from_bytes(h[2:4], "big") < 0.5 * 65536:
            steps.append(("intermediate", "exam", steps[-1][2] + 2 + h[6] % 6, 10))
            if h[4] < 0.2 * 256:
                steps.append(("senior", "exam_and_assessment", steps[-1][2] + 5 + h[7] % 6, 12))
    out = []
    for level, way, year, month in steps:
        obtained = date(year, month, 5 + h[8] % 20)
        if HELD_FROM <= obtained <= today:
            out.append(QualificationRecord(level, way, obtained, _certificate_no(id_number, province, level, year),
                                           _issuer(province, level, year)))
    return out


def _certificate_no(id_number: str, province: str, level: str, year: int) -> str:
    serial = int.from_bytes(hashlib.sha256(f"{id_number}:{level}".encode()).digest()[:4], "big") % 10**8
    return f"{province}{year % 100:02d}{LEVELS.index(level) + 1}{serial:08d}"


def _issuer(province: str, level: str, year: int) -> str:
    ministry = "人力资源和社会保障部" if year >= 2008 else "人事部"   # renamed in 2008
    if level == "intermediate":
        return f"财政部 {ministry}"
    place = divisions.name_of(province + "0000") or "北京市"
    if level == "junior":
        return place + ("财政局" if place.endswith("市") else "财政厅")
    return place + ("人力资源和社会保障" if year >= 2008 else "人事") + ("局" if place.endswith("市") else "厅")


class HttpQualificationLibrary(QualificationLibrary):
    name = "http"
    PATH = "/v1/qualifications/query"

    def __init__(self, url: str, app_key: str, app_secret: str, timeout: float = 5):
        self.client = SignedJsonClient(PROVIDER, url, app_key, app_secret, timeout)

    def lookup(self, id_number: str, name: str) -> list[QualificationRecord]:
        data = self.client.post(self.PATH, {"id_number": normalise_id(id_number), "name": (name or "").strip()})
        try:
            return [_record(raw) for raw in (data or {}).get("records") or []]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ProviderUnavailable(PROVIDER, f"unreadable record: {exc}") from exc


def _record(raw: dict) -> QualificationRecord:
    level = _LEVEL_WORDS.get(raw["level"], raw["level"])
    way = _WAY_WORDS.get(raw["way"], raw["way"])
    if level not in LEVELS or way not in WAYS:
        raise ValueError(f"level {raw['level']!r} / way {raw['way']!r}")
    return QualificationRecord(level, way, date.fromisoformat(raw["obtained_on"][:10]),
                               str(raw["certificate_no"]), str(raw.get("issuer") or ""))


def build_qualification_library(config: dict) -> QualificationLibrary:
    if config.get("SANDBOX"):
        return SandboxQualificationLibrary(latency=float(config.get("SANDBOX_LATENCY") or 0))
    return HttpQualificationLibrary(*require_settings(config, "qualification library", "QUALIFICATION_API_URL",
                                                      "QUALIFICATION_APP_KEY", "QUALIFICATION_APP_SECRET"),
                                    float(config.get("QUALIFICATION_TIMEOUT") or 5))
