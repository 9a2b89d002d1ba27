"""Continuing-education rules (domain-rules §5, manual 004 §8) as plain functions."""
from datetime import date
from decimal import Decimal

import pytest

from cpe import rules, schemas
from cpe.rules import Problem, Version

R = rules.merged({})
TODAY = date(2026, 11, 27)


def load(form, data):
    return schemas.ApplicationIn().load({"form": form, "data": data})["data"]


PAPER = {"published_on": "2026-05-10", "title": "管理会计在制造业的应用", "authors": "张三、李四", "journal": "会计研究",
         "issue": "2026年第5期", "journal_no_kind": "CN", "journal_no": "CN11-1078/F", "author_rank": "other"}
OFFLINE = {"start_date": "2026-03-02", "end_date": "2026-03-03", "institution": "浙江省会计继续教育中心",
           "rows": [{"subject_type": "管理会计", "subject": "管理会计实务", "sub_subject": "成本管理", "minutes": 450,
                     "content": "成本管理工具"},
                    {"subject_type": "税收法规", "subject": "税法", "sub_subject": "增值税", "minutes": 225,
                     "content": "增值税新规"}]}


@pytest.mark.parametrize("rank,expected", [("independent", 30), ("first", 30), ("other", 10)])
def test_paper(rank, expected):
    assert rules.convert("paper", load("paper", {**PAPER, "author_rank": rank}), R)[0] == expected


@pytest.mark.parametrize("rank,expected", [("independent", 90), ("first", 90), ("other", 60)])
def test_book(rank, expected):
    data = {"published_month": "2026-04", "title": "政府会计", "authors": "王五", "author_rank": rank,
            "publisher": "中国财政经济出版社", "isbn": "978-7-5223-1234-5"}
    assert rules.convert("book", load("book", data), R)[0] == expected


def test_conference_ten_per_day_and_days_within_the_meeting():
    data = load("conference", {"start_date": "2026-06-01", "end_date": "2026-06-03", "days": 2, "place": "杭州",
                               "content": "会计准则研讨"})
    assert rules.convert("conference", data, R)[0] == 20
    with pytest.raises(Problem) as refused:
        rules.convert("conference", {**data, "days": 4}, R)
    assert refused.value.field == "days"


def test_exam_and_degree_ninety():
    exam = load("exam", {"exam_type": "全国税务师统一考试", "subject": "涉税服务实务", "exam_date": "2026-11-08",
                         "score": "75"})
    degree = load("degree_course", {"enrolled_on": "2024-09-01", "passed_on": "2026-01-15", "school": "浙江财经大学",
                                    "major": "会计学", "course": "高级财务会计", "course_score": "85", "education": "本科"})
    assert rules.convert("exam", exam, R)[0] == 90
    assert rules.convert("degree_course", degree, R)[0] == 90


@pytest.mark.parametrize("independent,host,expected", [(True, None, 90), (False, True, 90), (False, False, 60)])
def test_research(independent, host, expected):
    data = load("research_project", {"completed_on": "2026-06-30", "started_on": "2025-03-01", "name": "课题",
                                     "number": "KJ-2025-01", "sponsor": "财政厅", "undertaker": "张三",
                                     "independent": independent, "host": host})
    assert rules.convert("research_project", data, R)[0] == expected


def test_research_host_required_when_not_independent():
    data = load("research_project", {"completed_on": "2026-06-30", "started_on": "2025-03-01", "name": "课题",
                                     "number": "KJ-1", "sponsor": "财政厅", "undertaker": "张三", "independent": False})
    with pytest.raises(Problem) as refused:
        rules.check_dates("research_project", data, TODAY)
    assert refused.value.field == "host"


def test_training_by_the_provinces_rate_per_row():
    data = load("offline_training", OFFLINE)
    total, rows = rules.convert("offline_training", data, R)
    assert rows == [Decimal(30), Decimal(15)] and total == 45          # 45 minutes = 3 credits
    beijing = rules.merged({"training": {"credits_per_class_hour": 1}})
    assert rules.convert("offline_training", data, beijing)[0] == 15
    odd = rules.convert("public_training", load("public_training", {
        "start_date": "2026-03-02", "end_date": "2026-03-02", "institution": "某单位",
        "rows": [{"minutes": 100, "content": "职业道德"}]}), R)[0]
    assert odd == Decimal("6.7")


def test_training_daily_cap():
    data = load("online_training", {**OFFLINE, "end_date": "2026-03-02",
                                    "rows": [{**OFFLINE["rows"][0], "minutes": 451}]})
    with pytest.raises(Problem) as refused:
        rules.convert("online_training", data, R)
    assert refused.value.field == "rows"


@pytest.mark.parametrize("form,data,year", [
    ("paper", PAPER, 2026), ("offline_training", OFFLINE, 2026),
    ("book", {"published_month": "2025-12"}, 2025), ("exam", {"exam_date": date(2024, 9, 7)}, 2024),
    ("degree_course", {"passed_on": date(2023, 1, 5)}, 2023),
    ("research_project", {"completed_on": date(2022, 12, 31)}, 2022),
    ("conference", {"start_date": date(2021, 12, 31)}, 2021),
])
def test_year_is_derived_from_the_date_the_manual_names(form, data, year):
    if form in ("paper", "offline_training"):
        data = load(form, data)
    assert rules.derive_year(form, data) == year


def test_year_typed_is_ignored_by_the_schema():
    loaded = load("paper", {**PAPER, "year": 2020})
    assert "year" not in loaded and rules.derive_year("paper", loaded) == 2026


def test_future_year_closed_year_and_late_window():
    with pytest.raises(Problem) as future:
        rules.check_year(2027, TODAY, "published_on")
    assert future.value.code == "FUTURE_YEAR" and future.value.field == "published_on"
    with pytest.raises(Problem) as closed:
        rules.check_year(2025, TODAY, "published_on")
    assert closed.value.code == "YEAR_CLOSED"
    rules.check_year(2025, date(2026, 3, 31), "x")          # back-registration until 31 March
    with pytest.raises(Problem):
        rules.check_year(2025, date(2026, 4, 1), "x")


def test_end_before_start_and_dates_in_the_future():
    with pytest.raises(Problem) as refused:
        rules.check_dates("offline_training", load("offline_training", {**OFFLINE, "end_date": "2026-03-01"}), TODAY)
    assert refused.value.code == "END_BEFORE_START" and refused.value.field == "end_date"
    with pytest.raises(Problem) as future:
        rules.check_dates("paper", load("paper", {**PAPER, "published_on": "2026-12-01"}), TODAY)
    assert future.value.field == "published_on"


def test_two_thirds_rule_and_what_is_missing():
    met = rules.year_status(2026, 60, 30, R)
    assert met["met"] and met["total"] == 90
    short = rules.year_status(2026, 42, 40, R)
    assert not short["met"] and short["missing_professional"] == 18 and short["missing_total"] == 18
    assert "专业科目至少还差18学分" in short["message"] and "论文" in short["suggestions"]
    public_heavy = rules.year_status(2026, 50, 60, R)                # 110 in total, still 10 professional short
    assert not public_heavy["met"] and public_heavy["missing_professional"] == 10
    ratio = rules.merged({"professional_rule": "ratio"})
    assert rules.year_status(2026, 70, 50, ratio)["missing_professional"] == 10   # ⌈2/3 × 120⌉ = 80


def test_no_carry_over():
    """Each year stands alone: a surplus last year does nothing for this one."""
    last, this = rules.year_status(2025, 300, 60, R), rules.year_status(2026, 0, 0, R)
    assert last["met"] and not this["met"] and this["missing_total"] == 90


def test_duplicate_claim_keys():
    a = rules.claim_key("paper", load("paper", PAPER))
    b = rules.claim_key("paper", load("paper", {**PAPER, "title": " 管理会计在制造业的应用。", "author_rank": "first"}))
    assert a == b
    assert rules.claim_key("paper", load("paper", {**PAPER, "title": "另一篇"})) != a
    assert rules.claim_key("offline_training", load("offline_training", OFFLINE)) is None
    assert rules.exam_claim_key("全国会计专业技术资格考试", "初级会计实务") == \
        rules.claim_key("exam", {"exam_type": "全国会计专业技术资格考试", "subject": "初级会计实务 "})


def test_rule_versions_by_province_and_date():
    versions = [Version("n", "000000", date(2018, 7, 1), {}),
                Version("z1", "330000", date(2024, 1, 1), {"training": {"credits_per_class_hour": 2}}),
                Version("z2", "330000", date(2026, 7, 1), {"training": {"credits_per_class_hour": 4}})]
    assert rules.in_force(versions, "330000", date(2023, 6, 1)).id == "n"
    assert rules.in_force(versions, "330000", date(2026, 6, 30)).rules["training"]["credits_per_class_hour"] == 2
    assert rules.in_force(versions, "330000", date(2026, 7, 1)).rules["training"]["credits_per_class_hour"] == 4
    assert rules.in_force(versions, "330000", date(2026, 7, 1)).rules["paper"]["other"] == 10   # the rest national
    assert rules.in_force(versions, "110000", date(2026, 7, 1)).id == "n"
    assert rules.in_force([], "110000", date(2026, 7, 1)).rules == R
    assert rules.province_of("330102") == "330000" and rules.province_of(None) == "000000"


def test_preview_text():
    assert rules.preview_text(2026, "professional", 30, Decimal(72), 90) == \
        "计为 2026 年专业科目 30 学分；提交后 2026 年共 72/90 学分"
    assert rules.preview_text(2024, "public", Decimal("43.6"), Decimal("53.6"), 90) == \
        "计为 2024 年公需科目 43.6 学分；提交后 2024 年共 53.6/90 学分"


def test_form_fields_are_named_in_chinese():
    with pytest.raises(Exception) as refused:
        schemas.ApplicationIn().load({"form": "paper", "data": {**PAPER, "title": ""}})
    assert "论文题目" in str(refused.value.messages)
    with pytest.raises(Exception) as refused:
        schemas.ApplicationIn().load({"form": "book", "data": {"published_month": "2026-13"}})
    assert "published_month" in refused.value.messages["data"]
