"""Administrative divisions (GB/T 2260), names from python-stdnum's maintained data.

stdnum keeps historic names as "[-1980]旅大市,[1981-]大连市"; the current name is the
entry whose range is still open.
"""
import re
from functools import lru_cache

from stdnum import numdb

# Province-level prefixes of §8.1 (71 Taiwan, 81 Hong Kong, 82 Macau included).
PROVINCE_PREFIXES = tuple(f"{n}" for n in (list(range(11, 16)) + list(range(21, 24)) + list(range(31, 38))
                                            + list(range(41, 47)) + list(range(50, 55)) + list(range(61, 66))
                                            + [71, 81, 82]))
# 计划单列市: separate exam regions in the manuals' table (大连市 sits beside 辽宁省).
SEPARATE_PLAN_CITIES = {"210200": "大连市", "370200": "青岛市", "330200": "宁波市", "350200": "厦门市",
                        "440300": "深圳市"}
NATIONAL = "000000"
_RANGE = re.compile(r"^\[(\d{4})?-(\d{4})?\](.*)$")


def current_name(raw: str) -> str | None:
    """Pick the open-ended (current) name out of stdnum's history notation."""
    candidates = []
    for part in raw.split(","):
        match = _RANGE.match(part.strip())
        if not match:
            candidates.append((9999, part.strip()))
        elif match.group(2) is None:
            candidates.append((int(match.group(1) or 0), match.group(3)))
    return max(candidates)[1] if candidates else None


@lru_cache(maxsize=None)
def _db():
    return numdb.get("cn/loc")


@lru_cache(maxsize=None)
def name_of(code: str) -> str | None:
    """Current name of a 6-digit code (province, prefecture or county), None if abolished or unknown."""
    if code == NATIONAL:
        return "中华人民共和国财政部"
    if not re.fullmatch(r"\d{6}", code or ""):
        return None
    parts = dict((k, v) for k, v in ((list(d.keys())[0], list(d.values())[0]) for _, d in _db().info(code) if d))
    province = parts.get("province")
    if code.endswith("0000"):
        return province
    county = parts.get("county")
    return current_name(county) if county else None


def province_code(code: str) -> str:
    return code[:2] + "0000"


def level_of(code: str) -> str:
    if code == NATIONAL:
        return "national"
    if code.endswith("0000"):
        return "province"
    if code.endswith("00") or code in SEPARATE_PLAN_CITIES:
        return "city"
    return "county"


@lru_cache(maxsize=None)
def provinces() -> tuple[tuple[str, str], ...]:
    out = []
    for prefix in PROVINCE_PREFIXES:
        name = name_of(prefix + "0000")
        if name:
            out.append((prefix + "0000", name))
    return tuple(out)


def full_name(code: str) -> str:
    """e.g. 浙江省杭州市上城区 for 330102."""
    names = []
    for candidate in dict.fromkeys((province_code(code), code[:4] + "00", code)):
        name = name_of(candidate)
        if name and name not in names and name not in ("市辖区", "县", "省直辖县级行政区划"):
            names.append(name)
    return "".join(names)


def within(code: str, jurisdiction: str) -> bool:
    """Does `code` fall under the department `jurisdiction` (national > province > city > county)?"""
    if jurisdiction == NATIONAL:
        return True
    level = level_of(jurisdiction)
    if level == "province":
        return code[:2] == jurisdiction[:2]
    if level == "city":
        return code[:4] == jurisdiction[:4]
    return code == jurisdiction


PLACEHOLDERS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖县级行政单位")


@lru_cache(maxsize=None)
def current_divisions() -> tuple[tuple[str, str, str, str | None], ...]:
    """Every division in force today as (code, name, level, parent_code), provinces first.

    Placeholders such as 市辖区 are skipped; a county whose prefecture entry is a placeholder
    (the districts of 北京市, the counties directly under a province) hangs off the province.
    """
    out, current = [], {}
    for _, prefix, _, info, children in _db().prefixes:
        province = prefix + "0000"
        if prefix not in PROVINCE_PREFIXES or not info.get("province"):
            continue
        for _, rest, _, child, _ in children:
            name = current_name(child.get("county", ""))
            if name and name not in PLACEHOLDERS:
                current[prefix + rest] = name
        if province not in current:
            current[province] = info["province"]
    for code in sorted(current):
        if code.endswith("0000"):
            level, parent = "province", None
        elif code.endswith("00"):
            level, parent = "city", code[:2] + "0000"
        else:
            level = "county"
            parent = code[:4] + "00" if code[:4] + "00" in current else code[:2] + "0000"
        out.append((code, current[code], level, parent))
    return tuple(out)


MUNICIPALITIES = ("110000", "120000", "310000", "500000")   # 北京、天津、上海、重庆: their bureau is a 财政局
NO_DEPARTMENT_PROVINCES = ("710000", "810000", "820000")    # 台湾、香港、澳门 have no department on the platform


def department_name(code: str | None) -> str | None:
    """The finance department of a division: 浙江省财政厅, 北京市财政局, 杭州市财政局, 上城区财政局.
    None for a code that names no department (unknown, abolished, a placeholder, HK/Macau/Taiwan)."""
    if code == NATIONAL:
        return "中华人民共和国财政部"
    name = name_of(code) if code and re.fullmatch(r"\d{6}", code) else None
    if not name or name in PLACEHOLDERS or code[:2] + "0000" in NO_DEPARTMENT_PROVINCES:
        return None
    return f"{name}财政厅" if level_of(code) == "province" and code not in MUNICIPALITIES else f"{name}财政局"
