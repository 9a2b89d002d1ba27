"""What a new candidate (no approved 信息采集) types on 填写报名信息 instead of the prefilled record (001 §5).

The same shape as the collection's segments, so eligibility reads both alike: one education segment and the
start (and end) of accounting work.
"""
from datetime import date

from .codes import DEGREE_LABELS, EDUCATION_LABELS, STUDY_MODES
from .experience import parse_date
from .problems import raise_if

FIELDS = ("education_level", "degree", "study_mode", "school", "major", "graduated_on", "employer",
          "accounting_started_on", "accounting_ended_on")


def clean(data: dict | None) -> dict:
    data = data or {}
    return {k: (str(data.get(k)).strip() if data.get(k) not in (None, "") else "") for k in FIELDS}


def problems(entered: dict, today: date) -> dict[str, str]:
    """field → message, for every field at once (`entered.school`)."""
    out = {}
    if entered["education_level"] not in EDUCATION_LABELS:
        out["entered.education_level"] = "请选择学历层次"
    if entered["degree"] not in DEGREE_LABELS:
        out["entered.degree"] = "请选择学位（未取得学位的选择“无”）"
    if entered["study_mode"] not in STUDY_MODES:
        out["entered.study_mode"] = "请选择学习方式（全日制或非全日制）"
    for field, label, limit in (("school", "毕业院校", 100), ("major", "所学专业", 100), ("employer", "工作单位", 100)):
        if len(entered[field]) > limit:
            out[f"entered.{field}"] = f"{label}不能超过{limit}个字"
    if not entered["school"]:
        out["entered.school"] = "请填写毕业院校"
    if not entered["major"]:
        out["entered.major"] = "请填写所学专业"
    graduated = parse_date(entered["graduated_on"])
    if graduated is None:
        out["entered.graduated_on"] = "请填写毕业时间（YYYY-MM-DD）"
    elif graduated > today:
        out["entered.graduated_on"] = "毕业时间不能晚于今天"
    started, ended = parse_date(entered["accounting_started_on"]), parse_date(entered["accounting_ended_on"])
    if entered["accounting_started_on"] and started is None:
        out["entered.accounting_started_on"] = "会计工作开始时间格式不正确（YYYY-MM-DD）"
    elif started and started > today:
        out["entered.accounting_started_on"] = "会计工作开始时间不能晚于今天"
    if entered["accounting_ended_on"] and (ended is None or (started and ended < started)):
        out["entered.accounting_ended_on"] = "会计工作结束时间应晚于开始时间"
    return out


def check(entered: dict, today: date):
    raise_if(problems(entered, today), "ENTERED_INVALID")


def as_record(entered: dict) -> tuple[list[dict], list[dict]]:
    """(education, work) segments for the eligibility rules."""
    education = [{"education_level": entered["education_level"], "degree": entered["degree"],
                  "study_mode": entered["study_mode"], "school": entered["school"], "major": entered["major"],
                  "start_date": None, "end_date": entered["graduated_on"] or None}]
    work = []
    if entered.get("accounting_started_on"):
        work = [{"employer": entered["employer"], "has_accounting_work": True,
                 "posts": [{"start_date": entered["accounting_started_on"],
                            "end_date": entered.get("accounting_ended_on") or None}]}]
    return education, work
