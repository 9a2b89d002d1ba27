"""The segment editor's field checks (credit code, dates) answer as saving the segment does: a field reported
here is reported by the step's rules with the same code and message (the step adds which segment it is)."""
from datetime import date

import pytest

from profiles import field_checks
from profiles.domain import education_segment_problems, work_segment_problems
from tests.unit.profile.helpers import BIRTH, CODE, TODAY, edu, work


def check(field, value, **context):
    return field_checks.check_field(field, value, context, BIRTH, TODAY)


def test_a_valid_credit_code_is_kept_in_its_18_character_form():
    answer = check("credit_code", " " + CODE.lower() + " ")
    assert answer["ok"] and answer["value"] == CODE and answer["warnings"] == []


@pytest.mark.parametrize("raw, code", [("", "CREDIT_CODE_REQUIRED"), ("9111000060003734", "CREDIT_CODE_FORMAT"),
                                       ("91110000600037341O", "CREDIT_CODE_FORMAT"),
                                       (CODE[:17] + "M", "CREDIT_CODE_CHECKSUM")])
def test_a_bad_credit_code_gets_the_rules_message(raw, code):
    answer = check("credit_code", raw)
    step = [p for p in work_segment_problems(work(credit_code=raw.upper()), 0, BIRTH, TODAY)
            if p.field == "work.0.credit_code"]
    assert answer["ok"] is False and answer["code"] == code
    assert step and step[0].code == code
    if code != "CREDIT_CODE_REQUIRED":
        assert step[0].message == "第1段工作经历的" + answer["message"]


@pytest.mark.parametrize("field, value, context, segment, code", [
    ("education.start_date", "2027-03-01", {}, edu(start_date=date(2027, 3, 1), end_date=None),
     "EDUCATION_DATE_FUTURE"),
    ("education.start_date", "1991-09-01", {"end_date": "2012-06-30"}, edu(start_date=date(1991, 9, 1)),
     "EDUCATION_TOO_EARLY"),
    ("education.end_date", "2008-06-30", {"start_date": "2008-09-01"}, edu(end_date=date(2008, 6, 30)),
     "EDUCATION_DATES_ORDER"),
    ("work.start_date", "2004-07-01", {"end_date": "2018-12-31"}, work(start_date=date(2004, 7, 1), posts=()),
     "WORK_TOO_EARLY"),
    ("work.end_date", "2026-12-31", {"start_date": "2012-07-01"}, work(end_date=date(2026, 12, 31), posts=()),
     "WORK_DATE_FUTURE"),
])
def test_a_bad_date_gets_the_message_saving_the_segment_gives(field, value, context, segment, code):
    answer = check(field, value, **context)
    rules = education_segment_problems if field.startswith("education") else work_segment_problems
    step = [p for p in rules(segment, 0, BIRTH, TODAY) if p.field == f"{field.split('.')[0]}.0.{field.split('.')[1]}"]
    assert answer["ok"] is False and answer["code"] == code
    prefix = "第1段教育经历的" if field.startswith("education") else "第1段工作经历的"
    assert step and step[0].code == code and step[0].message == prefix + answer["message"]


def test_until_now_is_no_end_and_an_unreadable_date_says_so():
    assert check("work.start_date", "2012-07-01", end_date="2000-01-01", until_now="on")["ok"] is True
    answer = check("education.end_date", "2012-13-45")
    assert answer["ok"] is False and answer["code"] == "DATE_INVALID" and "毕业时间" in answer["message"]
    assert check("education.end_date", "")["ok"] is True          # empty: the required check is the form's


def test_only_the_segment_fields_are_checked_here():
    from profiles.exceptions import DomainError
    with pytest.raises(DomainError):
        check("basic.email", "x")
