"""The database side of continuing education: people, rule versions, applications, credit entries, the yearly
record, institution reports. Rules come from rules.py; every function runs in the caller's transaction."""
import csv
import io
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from ausm_common import divisions
from ausm_common.clock import beijing, beijing_text
from ausm_common.outbox import record_event

from . import rules
from .models import ACTIVE, Application, CreditEntry, Institution, Outbox, Person, ReportBatch, RuleVersion
from .rules import Problem

EDITABLE = ("draft", "returned")
STATUS_LABELS = {"draft": "草稿", "pending": "待审核", "returned": "已退回", "approved": "审核通过", "withdrawn": "已撤回"}


# --- people and jurisdiction -----------------------------------------------------------------------

def upsert_person(session, info: dict, now) -> Person:
    person = session.get(Person, info["account_id"], with_for_update=True)
    if person is None:
        person = Person(account_id=info["account_id"])
        session.add(person)
    for key in ("name", "id_number", "department_code", "department_name"):
        if info.get(key) is not None:
            setattr(person, key, info[key])
    person.updated_at = now
    return person


def lock_person(session, account_id: str):
    """Serialise changes to one person's credits (a correction checks the year's sum before adding to it)."""
    from ausm_common.db import advisory_xact_lock
    advisory_xact_lock(session, "cpe-person", account_id)


def follow_department(session, account_id: str, department_code: str | None, now):
    """A transfer (or an approved collection) moves who reviews: setting, not adding, so a repeat is harmless."""
    if not account_id or not department_code:
        return
    person = session.get(Person, account_id, with_for_update=True)
    if person is None:
        session.add(Person(account_id=account_id, department_code=department_code, updated_at=now))
    elif person.department_code != department_code:
        person.department_code, person.department_name, person.updated_at = department_code, "", now


def in_jurisdiction(staff: dict, department_code: str | None) -> bool:
    return bool(department_code) and divisions.within(department_code, staff["department_code"])


def jurisdiction_filter(column, staff: dict):
    code = staff["department_code"]
    level = divisions.level_of(code)
    if level == "national":
        return column.isnot(None)
    if level == "province":
        return column.like(code[:2] + "%")
    if level == "city":
        return column.like(code[:4] + "%")
    return column == code


# --- rule versions -------------------------------------------------------------------------------------

def versions(session, province_code: str) -> list[rules.Version]:
    rows = session.scalars(select(RuleVersion).where(RuleVersion.province_code.in_([province_code, rules.NATIONAL])))
    return [rules.Version(r.id, r.province_code, r.effective_from, r.rules) for r in rows]


def rules_for(session, department_code: str | None, on: date) -> rules.Version:
    province = rules.province_of(department_code)
    return rules.in_force(versions(session, province), province, on)


def version_view(v: RuleVersion) -> dict:
    return {"id": v.id, "province_code": v.province_code, "effective_from": v.effective_from.isoformat(),
            "rules": rules.merged(v.rules), "created_by": v.created_by, "created_at": v.created_at.isoformat()}


# --- the yearly record --------------------------------------------------------------------------------

def year_sums(session, account_id: str) -> dict[int, tuple[Decimal, Decimal]]:
    rows = session.execute(select(CreditEntry.year, func.sum(CreditEntry.professional), func.sum(CreditEntry.public))
                           .where(CreditEntry.account_id == account_id).group_by(CreditEntry.year))
    return {year: (prof or Decimal(0), pub or Decimal(0)) for year, prof, pub in rows}


def year_view(session, person: Person | None, account_id: str, year: int) -> dict:
    prof, pub = year_sums(session, account_id).get(year, (Decimal(0), Decimal(0)))
    version = rules_for(session, person.department_code if person else None, date(year, 12, 31))
    return rules.year_status(year, prof, pub, version.rules)


def years(session, person: Person | None, account_id: str, this_year: int) -> list[dict]:
    """继续教育记录: one line per year with credits, and the current year even when it has none yet."""
    sums = year_sums(session, account_id)
    wanted = sorted(set(sums) | {this_year}, reverse=True)
    return [year_view(session, person, account_id, y) for y in wanted]


def entry_view(e: CreditEntry) -> dict:
    return {"id": e.id, "year": e.year, "passed_at": beijing_text(e.passed_at, "%Y-%m-%d %H:%M:%S"),
            "total": float(e.professional + e.public), "professional": float(e.professional),
            "public": float(e.public), "method": e.method, "method_label": rules.METHODS[e.method],
            "reason": e.reason, "application_id": e.application_id}


def year_detail(session, person, account_id: str, year: int) -> dict:
    entries = session.scalars(select(CreditEntry).where(CreditEntry.account_id == account_id, CreditEntry.year == year)
                              .order_by(CreditEntry.passed_at.desc()))
    return {**year_view(session, person, account_id, year), "entries": [entry_view(e) for e in entries]}


def announce(session, account_id: str, year: int, person, method: str, now):
    status = year_view(session, person, account_id, year)
    record_event(session, Outbox, "credits_changed",
                 {"account_id": account_id, "year": year, "total": status["total"],
                  "professional": status["professional"], "public": status["public"], "met": status["met"],
                  "method": method, "department_code": getattr(person, "department_code", None)}, now)


def credit(session, *, account_id, year, kind, amount, method, reason, claim_key, now, application_id=None,
           source=None) -> CreditEntry | None:
    """Add a line to the year's detail unless the same claim is already credited (then None)."""
    if session.scalars(select(CreditEntry.id).where(CreditEntry.account_id == account_id,
                                                    CreditEntry.claim_key == claim_key)).first():
        return None
    amount = rules.credits(amount)
    entry = CreditEntry(account_id=account_id, year=year, method=method, reason=reason[:200], claim_key=claim_key,
                        application_id=application_id, source=source, passed_at=now,
                        professional=amount if kind == "professional" else Decimal(0),
                        public=amount if kind == "public" else Decimal(0))
    session.add(entry)
    session.flush()
    return entry


# --- applications -------------------------------------------------------------------------------------

def _plain(data: dict) -> dict:
    out = {}
    for key, value in data.items():
        if isinstance(value, (date, datetime)):
            out[key] = value.isoformat()
        elif isinstance(value, Decimal):
            out[key] = float(value)
        elif isinstance(value, list):
            out[key] = [_plain(v) if isinstance(v, dict) else v for v in value]
        else:
            out[key] = value
    return out


def compute(session, person: Person, form: str, data: dict, today: date) -> dict:
    """Everything the service derives from a form: 年度, kind, credits (per row), the rules' version, the claim."""
    year_field = rules.year_source(form)
    year = rules.derive_year(form, data)
    version = rules_for(session, person.department_code, rules.source_date(form, data))
    rules.check_year(year, today, year_field, version.rules.get("late_until", "03-31"))
    rules.check_dates(form, data, today)
    amount, row_credits = rules.convert(form, data, version.rules)
    return {"year": year, "kind": rules.kind_of(form), "credits": amount, "row_credits": row_credits,
            "version": version, "claim_key": rules.claim_key(form, data)}


def preview(session, person: Person, form: str, data: dict, today: date, exclude_id: str | None = None) -> dict:
    c = compute(session, person, form, data, today)
    status = year_view(session, person, person.account_id, c["year"])
    after = rules.credits(status["total"]) + c["credits"]
    return {"form": form, "form_label": rules.FORMS[form], "year": c["year"], "kind": c["kind"],
            "kind_label": rules.KIND_LABELS[c["kind"]], "credits": float(c["credits"]),
            "row_credits": [float(x) for x in c["row_credits"]], "total_before": status["total"],
            "total_after": float(after), "required_total": status["required_total"],
            "text": rules.preview_text(c["year"], c["kind"], c["credits"], after, status["required_total"]),
            "rules": {"province_code": c["version"].province_code,
                      "effective_from": c["version"].effective_from.isoformat()}}


def check_claim(session, account_id: str, form: str, key: str | None, exclude_id: str | None = None):
    if not key:
        return
    taken = session.scalars(select(Application.id).where(
        Application.account_id == account_id, Application.claim_key == key, Application.status.in_(ACTIVE),
        Application.id != (exclude_id or ""))).first()
    credited = session.scalars(select(CreditEntry.id).where(CreditEntry.account_id == account_id,
                                                            CreditEntry.claim_key == key)).first()
    if taken or credited:
        raise Problem("DUPLICATE_CLAIM", rules.duplicate_message(form), rules.CLAIM_FIELD.get(form), status=409)


def save(session, person: Person, form: str, data: dict, today: date, now, application: Application | None = None):
    c = compute(session, person, form, data, today)
    check_claim(session, person.account_id, form, c["claim_key"], application.id if application else None)
    if application is None:
        application = Application(account_id=person.account_id, status="draft", created_at=now)
        session.add(application)
    elif application.status not in EDITABLE:
        raise Problem("NOT_EDITABLE", f"{STATUS_LABELS[application.status]}的申请不能修改", "status", status=409)
    application.form, application.kind, application.year = form, c["kind"], c["year"]
    application.data, application.credits = _plain(data), c["credits"]
    application.row_credits = [float(x) for x in c["row_credits"]]
    application.rule_version_id, application.rules = c["version"].id, c["version"].rules
    application.claim_key, application.updated_at = c["claim_key"], now
    session.flush()
    return application


def log(application: Application, actor: dict, action: str, now, reason: str = ""):
    application.history = [*(application.history or []), {
        "at": now.isoformat(), "action": action, "actor": actor.get("name") or actor.get("id") or "",
        "actor_kind": actor.get("kind"), "reason": reason}]


def application_view(a: Application, link=None, person: Person | None = None) -> dict:
    out = {"id": a.id, "form": a.form, "form_label": rules.FORMS[a.form], "kind": a.kind,
           "kind_label": rules.KIND_LABELS[a.kind], "year": a.year, "year_label": rules.YEAR_SOURCE[a.form][1],
           "status": a.status, "status_label": STATUS_LABELS[a.status], "data": a.data,
           "row_credits": a.row_credits or [], "credits": float(a.credits), "return_reason": a.return_reason,
           "attachment": ({k: a.attachment.get(k) for k in ("size", "pages", "uploaded_at")} if a.attachment else None),
           "history": a.history or [], "submitted_at": beijing_text(a.submitted_at, "%Y-%m-%d %H:%M:%S"),
           "decided_at": beijing_text(a.decided_at, "%Y-%m-%d %H:%M:%S"),
           "updated_at": beijing_text(a.updated_at, "%Y-%m-%d %H:%M:%S"),
           "editable": a.status in EDITABLE, "withdrawable": a.status in ("draft", "pending")}
    if link and a.attachment:
        out["attachment"]["url"] = link(a.attachment["key"])
    if person is not None:
        out["person"] = {"name": person.name, "department_code": person.department_code,
                         "department_name": person.department_name,
                         "id_number": (person.id_number[:3] + "*" * 11 + person.id_number[-4:])
                         if person.id_number and len(person.id_number) > 8 else person.id_number}
    return out


# --- institution reports ---------------------------------------------------------------------------------

REPORT_COLUMNS = ("证件号码", "姓名", "科目类型", "课程名称", "培训开始日期", "培训结束日期", "培训时长（分钟）")
KINDS_BY_LABEL = {"专业科目": "professional", "公需科目": "public"}


REPORT_KEYS = ("id_number", "name", "subject_type", "course", "start_date", "end_date", "minutes")   # JSON lines
REPORT_MAX_ROWS = 5000          # a file staff upload; a province client's job takes up to ausm_common.jobs.MAX_ROWS


def parse_report(data: bytes, max_rows: int = REPORT_MAX_ROWS) -> tuple[list[dict], list[dict]]:
    """Rows of the CSV (UTF-8, with or without BOM, or GBK), each with its line number; file-level errors."""
    for encoding in ("utf-8-sig", "gbk"):
        try:
            content = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return [], [{"line": 0, "field": "file", "message": "文件编码无法识别，请使用UTF-8或GBK编码的CSV文件"}]
    reader = csv.reader(io.StringIO(content))
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error):
        return [], [{"line": 0, "field": "file", "message": "文件为空"}]
    missing = [c for c in REPORT_COLUMNS if c not in header]
    if missing:
        return [], [{"line": 1, "field": "file", "message": f"缺少列：{'、'.join(missing)}（表头应为：{','.join(REPORT_COLUMNS)}）"}]
    rows = []
    try:
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            rows.append({"line": number, **{c: (values[header.index(c)].strip() if header.index(c) < len(values) else "")
                                            for c in REPORT_COLUMNS}})
            if len(rows) > max_rows:
                return [], [{"line": 0, "field": "file", "message": f"一次最多报送{max_rows}行"}]
    except csv.Error as exc:
        return [], [{"line": 0, "field": "file", "message": f"CSV格式错误：{exc}"}]
    return rows, []


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.replace("/", "-"))
    except ValueError:
        return None


def report_row(session, row: dict, people: dict, institution: Institution, today: date, now, seen: set,
               province: str | None = None):
    """One row: checked, credited as 机构报送 or refused with its reason (field named). A province client
    (`province`) reports only people its province manages."""
    id_number = row["证件号码"].upper()
    person = people.get(id_number)
    if person is None:
        return {"field": "证件号码", "message": "未找到该证件号码已审核通过的信息采集"}
    if province and not divisions.within(person.get("department_code") or "", province):
        return {"field": "证件号码", "message": "该人员不属于本省管辖"}
    if person["name"] != row["姓名"]:
        return {"field": "姓名", "message": "姓名与证件号码不一致"}
    kind = KINDS_BY_LABEL.get(row["科目类型"])
    if kind is None:
        return {"field": "科目类型", "message": "科目类型应为“专业科目”或“公需科目”"}
    if not row["课程名称"] or len(row["课程名称"]) > 100:
        return {"field": "课程名称", "message": "请填写课程名称（不超过100字）"}
    start, end = _date(row["培训开始日期"]), _date(row["培训结束日期"])
    if start is None:
        return {"field": "培训开始日期", "message": "培训开始日期格式不正确（如 2026-03-01）"}
    if end is None:
        return {"field": "培训结束日期", "message": "培训结束日期格式不正确（如 2026-03-01）"}
    try:
        minutes = int(row["培训时长（分钟）"])
        if minutes <= 0:
            raise ValueError
    except ValueError:
        return {"field": "培训时长（分钟）", "message": "培训时长（分钟）须为正整数"}
    data = {"start_date": start, "end_date": end, "rows": [{"minutes": minutes}]}
    form = "public_training" if kind == "public" else "offline_training"
    try:
        rules.check_dates(form, data, today)
        version = rules_for(session, person["department_code"], start)
        rules.check_year(start.year, today, "start_date", version.rules.get("late_until", "03-31"))
        amount, _ = rules.convert(form, data, version.rules)
    except Problem as problem:
        names = {"start_date": "培训开始日期", "end_date": "培训结束日期", "rows": "培训时长（分钟）"}
        return {"field": names.get(problem.field, problem.field), "message": problem.message}
    key = f"inst:{institution.code}:{rules._norm(row['课程名称'])}:{start.isoformat()}"
    if (person["account_id"], key) in seen:
        return {"field": "证件号码", "message": "文件中重复的报送行"}
    seen.add((person["account_id"], key))
    entry = credit(session, account_id=person["account_id"], year=start.year, kind=kind, amount=amount,
                   method="institution", reason=f"机构报送：{institution.name}《{row['课程名称']}》",
                   claim_key=key, now=now, source=institution.code)
    if entry is None:
        return {"field": "证件号码", "message": "该培训已报送过，不能重复报送"}
    return {"account_id": person["account_id"], "year": start.year}
