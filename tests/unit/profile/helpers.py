"""Builders for profile rule tests: one valid record, changed field by field in each test."""
from dataclasses import replace
from datetime import date

from profiles.domain import AccountingPost, EducationSegment, WorkSegment

BIRTH = date(1990, 5, 1)
TODAY = date(2026, 11, 23)
CODE = "91110000600037341L"          # domain-rules §3.2, valid


def edu(**changes) -> EducationSegment:
    base = EducationSegment(study_mode="full_time", school="山东大学", start_date=date(2008, 9, 1),
                            end_date=date(2012, 6, 30), education_level="bachelor", degree="bachelor",
                            major="会计学", education_cert_no="104221201205001234",
                            degree_cert_no="4042242012001234", studied_abroad=False)
    return replace(base, **changes)


def post(**changes) -> AccountingPost:
    base = AccountingPost(post_level="general", post="cashier", start_date=date(2012, 7, 1),
                          end_date=date(2015, 6, 30))
    return replace(base, **changes)


def work(**changes) -> WorkSegment:
    base = WorkSegment(start_date=date(2012, 7, 1), end_date=date(2018, 12, 31), employer="浙江某某有限公司",
                       credit_code=CODE, employer_type="private", industry="C", address="杭州市上城区解放路100号",
                       phone="0571-88888888", has_accounting_work=True, posts=(post(),), title=None, title_date=None)
    return replace(base, **changes)


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def by_field(problems) -> dict:
    return {p.field: p for p in problems}
