"""Records from old provincial platforms (manual §3.4(1), §3.5(1)).

A province loads the records it approved before; when the person starts 信息采集 the record is
copied in, its filled-in fields locked (shown, not editable) and the missing ones left to fill.
A wrong imported segment can be deleted and entered anew, never edited in its locked fields.

Two ways in, one set of rules: province staff post up to 1,000 records as JSON (all or nothing: a bad record
refuses the post, every problem named); a province's system posts a batch of up to 100,000 as a job
(`legacy:import`, CSV or JSON lines) and gets a per-row report: good rows land, bad rows are named with field
and reason. What a record holds may be incomplete (the person fills in what is missing), but what it holds must
be right: the collection's own rules apply to every filled-in field, only "请填写" problems are left out.

A record is keyed by ID number and waits until its person starts collection; it is then claimed, once, and only
if the registered name (and ID type) match the record's. A record already claimed, or whose person already
started collection on this platform, is not imported again; nor one another province imported."""
import csv
import io
import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import islice

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from ausm_common import divisions, id_documents
from ausm_common.errors import DomainError, Forbidden, ValidationFailed

from . import departments, domain
from .collection import BASIC_FIELDS
from .models import Collection, LegacyRecord

SEGMENT_FIELDS = {
    "education": ("study_mode", "school", "start_date", "end_date", "education_level", "degree", "major",
                  "education_cert_no", "degree_cert_no", "studied_abroad"),
    "work": ("start_date", "end_date", "employer", "credit_code", "employer_type", "industry", "address", "phone",
             "has_accounting_work", "posts", "title", "title_date"),
}
POST_FIELDS = ("post_level", "post", "start_date", "end_date")
RECORD_FIELDS = ("id_type", "id_number", "name", "department_code", "scope", "basic", "education", "work")
MAX_EDUCATION, MAX_WORK, MAX_POSTS = 20, 30, 30
MAX_NAME = 50

# A CSV row is one person with at most one education segment and one work segment (with one accounting post);
# JSON lines carry the whole record (several segments and posts). Headers are the JSON paths.
CSV_REQUIRED = ("id_number", "name", "department_code")
CSV_COLUMNS = (("id_type", "id_number", "name", "department_code", "scope")
               + tuple(f"basic.{k}" for k in BASIC_FIELDS)
               + tuple(f"education.{k}" for k in SEGMENT_FIELDS["education"])
               + tuple(f"work.{k}" for k in SEGMENT_FIELDS["work"] if k != "posts")
               + tuple(f"work.post.{k}" for k in POST_FIELDS))
STAFF_MAX = 1000
CHUNK = 1000


def _filled(value) -> bool:
    return value not in (None, "", [], {})


# --- reading a batch -------------------------------------------------------------------------------------

def _encoding(data: bytes) -> str | None:
    """UTF-8 (with or without BOM) or GB18030; the trial decoding is dropped at once (a batch can be 128 MB)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return None


def _lines(data: bytes, encoding: str) -> Iterator[str]:
    """The body's lines as text, one at a time (BytesIO shares the bytes, no second copy of the batch)."""
    for line in io.BytesIO(data):
        yield line.decode(encoding)


def _csv_record(row: dict) -> dict:
    """A CSV row (JSON-path headers) as the record JSON lines would carry."""
    record = {k: row.get(k, "") for k in ("id_type", "id_number", "name", "department_code", "scope")}
    record["basic"] = {k: row[f"basic.{k}"] for k in BASIC_FIELDS if row.get(f"basic.{k}")}
    education = {k: row.get(f"education.{k}", "") for k in SEGMENT_FIELDS["education"]}
    record["education"] = [education] if any(_filled(v) for v in education.values()) else []
    work = {k: row.get(f"work.{k}", "") for k in SEGMENT_FIELDS["work"] if k != "posts"}
    post = {k: row.get(f"work.post.{k}", "") for k in POST_FIELDS}
    work["posts"] = [post] if any(_filled(v) for v in post.values()) else []
    record["work"] = [work] if any(_filled(v) for v in work.values()) else []
    return record


def _count(lines: Iterator[str], file_format: str) -> int:
    if file_format == "jsonl":
        return sum(1 for line in lines if line.strip())
    return sum(1 for values in csv.reader(lines) if any(v.strip() for v in values)) - 1


def _jsonl_rows(lines: Iterator[str]) -> Iterator[tuple[int, dict | None]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        yield number, record if isinstance(record, dict) else None


def _csv_rows(reader, header: list[str]) -> Iterator[tuple[int, dict]]:
    for number, values in enumerate(reader, start=2):
        if any(v.strip() for v in values):
            yield number, _csv_record({h: (values[i].strip() if i < len(values) else "")
                                       for i, h in enumerate(header) if h})


def parse_batch(data: bytes, file_format: str, max_rows: int) -> tuple[Iterator[tuple[int, dict | None]], list[dict]]:
    """(rows, file-level errors): rows are read as they are used, each (line, record, or None for a line that
    is not a JSON object), so a batch of 100,000 is never all in memory as records. CSV lines count the header
    as line 1; JSON lines count from 1."""
    encoding = _encoding(data)
    if encoding is None:
        return iter(()), [{"line": 0, "field": "file", "message": "文件编码无法识别，请使用UTF-8或GB18030编码"}]
    try:
        count = _count(_lines(data, encoding), file_format)
    except csv.Error as exc:
        return iter(()), [{"line": 0, "field": "file", "message": f"CSV格式错误：{exc}"}]
    if count > max_rows:
        return iter(()), [{"line": 0, "field": "file", "message": f"一次最多导入{max_rows}条记录"}]
    if file_format == "jsonl":
        return _jsonl_rows(_lines(data, encoding)), []
    reader = csv.reader(_lines(data, encoding))
    header = [h.strip() for h in next(reader, [])]
    if not any(header):
        return iter(()), [{"line": 0, "field": "file", "message": "文件为空"}]
    missing = [c for c in CSV_REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in CSV_COLUMNS]
    if missing or unknown:
        said = (f"缺少列：{'、'.join(missing)}" if missing else "") + \
               ("；" if missing and unknown else "") + (f"未知列：{'、'.join(unknown)}" if unknown else "")
        return iter(()), [{"line": 1, "field": "file", "message": f"{said}（可用列见接口文档）"}]
    return _csv_rows(reader, header), []


# --- the rules of one record (plain functions) ------------------------------------------------------------

def _shape_problems(record: dict) -> list[tuple[str, str]]:
    """What must hold before the collection's rules can read the record at all."""
    out = [(k, "未知字段") for k in record if k not in RECORD_FIELDS]
    if not isinstance(record.get("basic") or {}, dict):
        out.append(("basic", "应为对象"))
    for kind, most in (("education", MAX_EDUCATION), ("work", MAX_WORK)):
        segments = record.get(kind) or []
        if not isinstance(segments, list) or not all(isinstance(s, dict) for s in segments):
            out.append((kind, "应为对象的列表"))
        elif len(segments) > most:
            out.append((kind, f"最多{most}段"))
        elif kind == "work":
            for i, s in enumerate(segments):
                posts = s.get("posts") or []
                if not isinstance(posts, list) or not all(isinstance(p, dict) for p in posts) or len(posts) > MAX_POSTS:
                    out.append((f"work.{i}.posts", f"应为对象的列表（最多{MAX_POSTS}条）"))
    for key in ("id_type", "id_number", "name", "department_code", "scope"):
        if isinstance(record.get(key), (dict, list)):
            out.append((key, "应为文本"))
    return out


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _kept(problems) -> list:
    """A legacy record may leave fields empty (the person fills them in): only "请填写" problems are waived."""
    return [p for p in problems if not p.code.endswith("_REQUIRED")]


def check_record(record: dict, jurisdiction: str, today: date) -> tuple[dict | None, list[tuple[str, str]]]:
    """(the record as stored, []) or (None, [(field, reason), ...]) — every problem of the record at once."""
    problems = _shape_problems(record)
    if problems:
        return None, problems
    id_type = _text(record.get("id_type")) or "mainland_id"
    birth = None
    try:
        info = id_documents.validate_id_number(id_type, _text(record.get("id_number")), today, legacy=True)
        id_number, birth = info.id_number, info.birth_date
    except DomainError as exc:
        problems.append((exc.field or "id_number", exc.message))
        id_number = ""
    name = " ".join(_text(record.get("name")).split())
    if not name:
        problems.append(("name", "请填写姓名"))
    elif len(name) > MAX_NAME:
        problems.append(("name", f"姓名不能超过{MAX_NAME}个字"))
    department = _text(record.get("department_code"))
    if not department:
        problems.append(("department_code", "请填写会计管理部门代码"))
    else:
        try:
            domain.department_name(department)
            if not divisions.within(department, jurisdiction):
                problems.append(("department_code", "该会计管理部门不属于本省管辖"))
        except DomainError as exc:
            problems.append(("department_code", exc.message))
    scope = _text(record.get("scope"))
    if scope and scope not in domain.SCOPES:
        problems.append(("scope", f"采集范围应为：{'、'.join(domain.SCOPES)}"))
    basic = {k: _text(v) for k, v in (record.get("basic") or {}).items() if k in BASIC_FIELDS and _filled(v)}
    rules = domain.check_basic(basic)
    education = [{k: s.get(k) for k in SEGMENT_FIELDS["education"] if k in s} for s in record.get("education") or []]
    work = [{**{k: s.get(k) for k in SEGMENT_FIELDS["work"] if k in s and k != "posts"},
             "posts": [{k: p.get(k) for k in POST_FIELDS if k in p} for p in s.get("posts") or []]}
            for s in record.get("work") or []]
    for segment in work:               # posts listed but the yes/no left empty: the posts answer it
        if segment["posts"] and not _filled(segment.get("has_accounting_work")):
            segment["has_accounting_work"] = True
    loaded_education, unreadable = zip(*[domain.education_from_dict(s, i) for i, s in enumerate(education)]) \
        if education else ((), ())
    loaded_work, unreadable_work = zip(*[domain.work_from_dict(s, i) for i, s in enumerate(work)]) if work else ((), ())
    rules += domain.merge_problems([p for ps in unreadable for p in ps],
                                   domain.check_education(list(loaded_education), birth, today, None))
    rules += domain.merge_problems([p for ps in unreadable_work for p in ps],
                                   domain.check_work(list(loaded_work), birth, today, None))
    problems += [(p.field, p.message) for p in _kept(rules)]
    if problems:
        return None, problems
    return {"id_type": id_type, "id_number": id_number, "name": name, "department_code": department,
            "scope": scope or None, "basic": basic, "education": education, "work": work}, []


def as_row_error(line: int, problems: list[tuple[str, str]], csv_paths: bool) -> dict:
    """One report entry per refused row: the first field, every reason (so the province fixes them at once)."""
    def named(field):
        if not csv_paths:
            return field
        parts = field.split(".")       # education.0.end_date -> education.end_date; work.0.posts.0.post -> work.post.post
        return ".".join("post" if p == "posts" else p for p in parts if not p.isdigit())
    return {"line": line, "field": named(problems[0][0]),
            "message": "；".join(dict.fromkeys(f"{named(f)}：{m}" if f not in ("line", "file") else m
                                              for f, m in problems))}


# --- persistence ------------------------------------------------------------------------------------------

def _started(session, id_numbers) -> set[str]:
    """ID numbers whose person already has a collection on this platform (the record would never be claimed)."""
    rows = session.scalars(select(Collection.person["id_number"].as_string())
                           .where(Collection.person["id_number"].as_string().in_(id_numbers)))
    return {r for r in rows if r}


ALREADY_STARTED = "该人员已在本平台开始信息采集，原省平台数据不再带入（如需更正请由本人办理信息变更）"


def _refusal(existing: LegacyRecord | None, started: bool, province: str) -> str | None:
    if (existing is not None and existing.claimed_at is not None) or started:
        return ALREADY_STARTED
    if existing is not None and existing.province_code != province:
        return "该人员的原平台记录已由其他省份导入"
    return None


def _stored(record: dict) -> dict:
    return {"id_type": record["id_type"], "name": record["name"], "basic": record["basic"],
            "education": record["education"], "work": record["work"], "department_code": record["department_code"],
            "scope": record["scope"]}


def import_rows(session, jurisdiction: str, rows: Iterable[tuple[int, dict | None]], today: date, now,
                csv_paths: bool = False) -> tuple[int, list[dict]]:
    """Check and store each row on its own: (rows stored, [{line, field, message}] of the refused rows). Each row
    is one record upserted in one statement, so a row lands whole or not at all; a record claimed meanwhile is
    not overwritten (the upsert's condition) and its row is reported. Rows are taken a chunk at a time."""
    saved, errors, seen, rows = 0, [], {}, iter(rows)
    while chunk := list(islice(rows, CHUNK)):
        ready = []
        for line, raw in chunk:
            if raw is None:
                errors.append({"line": line, "field": "line", "message": "该行不是有效的JSON对象"})
                continue
            record, problems = check_record(raw, jurisdiction, today)
            if problems:
                errors.append(as_row_error(line, problems, csv_paths))
                continue
            if record["id_number"] in seen:
                errors.append(as_row_error(line, [("id_number", f"与第{seen[record['id_number']]}行证件号码重复")],
                                           csv_paths))
                continue
            seen[record["id_number"]] = line
            ready.append((line, record))
        numbers = [r["id_number"] for _, r in ready]
        existing = {r.id_number: r for r in session.scalars(select(LegacyRecord)
                                                             .where(LegacyRecord.id_number.in_(numbers)))}
        started = _started(session, numbers) if numbers else set()
        values, lines = [], {}
        for line, record in ready:
            province = divisions.province_code(record["department_code"])
            refusal = _refusal(existing.get(record["id_number"]), record["id_number"] in started, province)
            if refusal:
                errors.append(as_row_error(line, [("id_number", refusal)], csv_paths))
                continue
            values.append({"id_number": record["id_number"], "province_code": province, "data": _stored(record),
                           "imported_at": now})
            lines[record["id_number"]] = line
        if not values:
            continue
        statement = pg_insert(LegacyRecord).values(values)
        statement = statement.on_conflict_do_update(
            index_elements=[LegacyRecord.id_number],
            set_={"data": statement.excluded.data, "imported_at": statement.excluded.imported_at},
            where=(LegacyRecord.claimed_at.is_(None)) & (LegacyRecord.province_code == statement.excluded.province_code))
        landed = set(session.scalars(statement.returning(LegacyRecord.id_number)))
        saved += len(landed)
        for number in sorted(set(lines) - landed, key=lines.get):
            errors.append(as_row_error(lines[number], [("id_number", ALREADY_STARTED)], csv_paths))
    return saved, sorted(errors, key=lambda e: e["line"])


def load(session, caller: dict, records: list[dict], today: date, now) -> dict:
    """Province staff load their province's records, all or nothing: one bad record refuses the post with every
    problem named (`records.<i>.<field>`); records already claimed (or whose person started collection here) are
    skipped and counted."""
    departments.require_reviewer(caller)
    if divisions.level_of(caller["department_code"]) not in ("national", "province"):
        raise Forbidden("PROVINCE_ONLY", "只有省级管理部门可以导入原省平台数据")
    for record in records:
        department = _text(record.get("department_code"))
        if department and not departments.in_jurisdiction(caller, department):
            number = _text(record.get("id_number"))
            raise Forbidden("OUT_OF_JURISDICTION", f"记录 {number[:3]}…{number[-4:]} 不属于您的管辖范围")
    problems = {}
    for i, record in enumerate(records):
        for field, message in check_record(record, caller["department_code"], today)[1]:
            problems.setdefault(f"records.{i}.{field}", message)
    if problems:
        raise ValidationFailed("LEGACY_RECORDS_INVALID", "导入的记录有误，请修改后重新提交（未导入任何记录）", problems)
    saved, errors = import_rows(session, caller["department_code"], list(enumerate(records)), today, now)
    return {"loaded": saved, "skipped": len(errors)}


def claim(session, collection: Collection, now):
    """Copy the person's legacy record (if any) into a new collection, locking what it filled in. A record whose
    name or ID type is not the registered person's is left alone (not copied into someone else's collection)."""
    person = collection.person or {}
    record = session.scalars(select(LegacyRecord).where(
        LegacyRecord.id_number == person["id_number"], LegacyRecord.claimed_at.is_(None))
        .with_for_update()).first()
    if record is None:
        return
    data = record.data
    if (data.get("name") and data["name"] != person.get("name")) or \
            (data.get("id_type") and person.get("id_type") and data["id_type"] != person["id_type"]):
        return
    for kind in ("education", "work"):
        segments = []
        for raw in data.get(kind, []):
            segment = {**raw, "id": uuid.uuid4().hex, "proofs": {}, "checks": {}, "imported": True}
            segment["locked"] = [k for k in SEGMENT_FIELDS[kind] if _filled(raw.get(k))]
            segments.append(segment)
        setattr(collection, kind, segments)
    collection.basic = dict(data.get("basic") or {})
    collection.scope = data.get("scope") or None
    if data.get("department_code"):
        collection.department_code = data["department_code"]
    collection.imported = True
    record.claimed_at = now


def check_records(records) -> list[dict]:
    if not isinstance(records, list) or not records:
        raise ValidationFailed("RECORDS_REQUIRED", "请提供要导入的记录", {"records": "请提供要导入的记录"})
    if len(records) > STAFF_MAX:
        raise ValidationFailed("RECORDS_TOO_MANY", f"一次最多导入{STAFF_MAX}条，更多请使用省级系统接口的导入任务",
                               {"records": f"最多{STAFF_MAX}条"})
    return records
