"""The exam rules (domain-rules §6), each against the manual's numbers and the rule's edges."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from ausm_common.clock import BEIJING
from ausm_common.errors import DomainError, RuleViolations
from exam.domain import eligibility, entered, experience, locality, numbers, scores, states, subjects, windows

BJ = BEIJING


def bj(*args):
    return datetime(*args, tzinfo=BJ)


# --- windows (Beijing time, platform clock) ---------------------------------------------------

def test_window_is_open_from_its_first_to_its_last_instant_in_beijing_time():
    w = windows.Window(bj(2025, 1, 8, 0, 0, 0), bj(2025, 1, 24, 12, 0, 0))
    assert w.state(bj(2025, 1, 7, 23, 59, 59)) == "not_started"
    assert w.state(datetime(2025, 1, 7, 16, 0, 0, tzinfo=timezone.utc)) == "open"      # 00:00 Beijing
    assert w.state(bj(2025, 1, 24, 12, 0, 0)) == "open"
    assert w.state(bj(2025, 1, 24, 12, 0, 1)) == "ended"
    assert w.text() == "2025-01-08 00:00:00 至 2025-01-24 12:00:00"


def test_a_closed_window_is_refused_with_its_dates():
    w = windows.Window(bj(2025, 1, 8), bj(2025, 1, 24, 12))
    with pytest.raises(DomainError) as info:
        windows.require_registration_open(w, bj(2025, 1, 25))
    assert info.value.code == "WINDOW_CLOSED" and "2025-01-24 12:00:00" in info.value.message
    with pytest.raises(DomainError) as info:
        windows.require_registration_open(w, bj(2025, 1, 1))
    assert info.value.code == "WINDOW_NOT_STARTED"


def test_payment_may_not_end_before_registration():
    reg = windows.Window(bj(2025, 1, 8), bj(2025, 1, 24, 12))
    assert windows.check_window_order(reg, windows.Window(bj(2025, 1, 8), bj(2025, 1, 24, 18))) == []
    fields = dict(windows.check_window_order(reg, windows.Window(bj(2025, 1, 8), bj(2025, 1, 20))))
    assert "payment_closes_at" in fields
    assert "registration_closes_at" in dict(windows.check_window_order(
        windows.Window(bj(2025, 1, 8), bj(2025, 1, 7)), windows.Window(bj(2025, 1, 8), bj(2025, 1, 24))))


# --- work years ------------------------------------------------------------------------------

def post(start, end=None):
    return {"has_accounting_work": True, "posts": [{"start_date": start, "end_date": end}]}


def study(start, end, mode="full_time", level="bachelor", degree="bachelor"):
    return {"study_mode": mode, "start_date": start, "end_date": end, "education_level": level, "degree": degree,
            "school": "某大学"}


def test_work_counts_to_31_december_of_the_exam_year():
    # 2023-11-01 to 2026-12-31: 3 years 2 months
    assert experience.accounting_months([], [post("2023-11-01")], 2026) == 38
    assert experience.years_text(38) == "3年2个月"
    # a post that ended counts to its end only
    assert experience.accounting_months([], [post("2020-01-01", "2020-12-31")], 2026) == 12


def test_full_time_study_does_not_count_but_part_time_study_does():
    work = [post("2018-07-01")]
    assert experience.accounting_months([], work, 2026) == 102
    full = [study("2020-09-01", "2022-06-30", "full_time", "master", "master")]
    assert experience.accounting_months(full, work, 2026) == 102 - 22
    part = [study("2020-09-01", "2022-06-30", "part_time", "master", "master")]
    assert experience.accounting_months(part, work, 2026) == 102


def test_a_students_job_during_full_time_study_does_not_count():
    work = [post("2015-03-01", "2016-06-30"), post("2016-07-01")]
    edu = [study("2012-09-01", "2016-06-30")]
    assert experience.accounting_months(edu, work, 2026) == experience.accounting_months([], [post("2016-07-01")], 2026)


def test_overlapping_posts_count_once_and_work_without_posts_not_at_all():
    work = [{"has_accounting_work": True, "posts": [{"start_date": "2020-01-01", "end_date": "2021-12-31"},
                                                      {"start_date": "2021-01-01", "end_date": "2022-12-31"}]},
            {"has_accounting_work": False, "posts": [{"start_date": "2010-01-01"}]}]
    assert experience.accounting_months([], work, 2026) == 36


def test_months_of_separate_spans_add_their_leftover_days():
    spans = [experience.Span(date(2020, 1, 1), date(2020, 1, 15)), experience.Span(date(2021, 1, 1), date(2021, 1, 15))]
    assert experience.months_of(spans) == 1


# --- eligibility routes ----------------------------------------------------------------------------

BACHELOR = study("2019-09-01", "2023-06-30")
RECORD = eligibility.Record(education=[BACHELOR], work=[post("2023-11-01")])


def test_bachelor_short_of_four_years_says_how_much_is_missing():
    result = eligibility.evaluate("intermediate", "bachelor_4", RECORD, 2026)
    assert result.outcome == "short" and result.work_months == 38 and result.required_months == 48
    assert result.reasons == ("本科+4年：您的会计工作年限计至2026-12-31为3年2个月，还差10个月",)
    assert result.fixes


def test_the_same_record_meets_bachelor_four_years_a_year_later():
    assert eligibility.evaluate("intermediate", "bachelor_4", RECORD, 2027).eligible


def test_a_bachelors_degree_alone_meets_the_bachelor_route():
    degree_only = study("2012-09-01", "2015-06-30", "part_time", "associate", "bachelor")
    record = eligibility.Record(education=[degree_only], work=[post("2015-07-01")])
    assert eligibility.evaluate("intermediate", "bachelor_4", record, 2026).eligible


def test_missing_education_is_ineligible_with_what_would_fix_it():
    associate = eligibility.Record(education=[study("2010-09-01", "2013-06-30", level="associate", degree="none")],
                                   work=[post("2013-07-01")])
    result = eligibility.evaluate("intermediate", "bachelor_4", associate, 2026)
    assert result.outcome == "ineligible" and "学士学位" in result.reasons[0] and "学位证书" in result.fixes[0]
    assert eligibility.evaluate("intermediate", "associate_5", associate, 2026).eligible


def test_master_one_year_doctor_none_and_unfinished_degrees_do_not_count():
    master = study("2021-09-01", "2024-06-30", "full_time", "master", "master")
    record = eligibility.Record(education=[master], work=[post("2025-07-01")])
    assert eligibility.evaluate("intermediate", "master_1", record, 2026).eligible
    assert eligibility.evaluate("intermediate", "master_1", record, 2025).outcome == "short"
    studying = eligibility.Record(education=[study("2023-09-01", None, "full_time", "doctoral", "doctor")])
    assert eligibility.evaluate("intermediate", "doctor", studying, 2026).outcome == "ineligible"
    doctor = eligibility.Record(education=[study("2020-09-01", "2024-06-30", "full_time", "doctoral", "doctor")])
    assert eligibility.evaluate("intermediate", "doctor", doctor, 2026).eligible


def test_related_qualification_route_reads_approved_qualifications():
    record = eligibility.Record(qualifications=[{"category": "other", "status": "approved",
                                                 "data": {"type": "audit", "level": "intermediate"}}])
    assert eligibility.evaluate("intermediate", "related_qualification", record, 2026).eligible
    pending = eligibility.Record(qualifications=[{"category": "other", "status": "submitted",
                                                  "data": {"type": "audit", "level": "intermediate"}}])
    assert not eligibility.evaluate("intermediate", "related_qualification", pending, 2026).eligible


def test_junior_needs_high_school_and_a_university_student_still_has_one():
    assert eligibility.evaluate("junior", "high_school", eligibility.Record(
        education=[study("2018-09-01", "2021-06-30", level="high_school", degree="none")]), 2026).eligible
    student = eligibility.Record(education=[study("2024-09-01", None)])
    assert eligibility.evaluate("junior", "high_school", student, 2026).eligible
    assert eligibility.evaluate("junior", "high_school", eligibility.Record(
        education=[study("2010-09-01", "2013-06-30", level="junior_high_or_below", degree="none")]), 2026).outcome \
        == "ineligible"


def test_route_of_another_level_is_ineligible():
    assert eligibility.evaluate("junior", "bachelor_4", RECORD, 2026).outcome == "ineligible"


def test_unverified_education_warns_and_review_mode_decides_short_routes():
    unverified = {**BACHELOR, "checks": {"education": {"status": "not_found"}}}
    record = eligibility.Record(education=[unverified], work=[post("2023-11-01")])
    result = eligibility.evaluate("intermediate", "bachelor_4", record, 2026)
    assert result.warnings and "学信网" in result.warnings[0]
    assert not eligibility.may_proceed(result, "pre_exam")
    assert eligibility.may_proceed(result, "post_exam") and eligibility.may_proceed(result, "none")
    warnings = eligibility.post_exam_warnings(result, "post_exam")
    assert any("还差10个月" in w for w in warnings) and any("学信网" in w for w in warnings)
    assert eligibility.post_exam_warnings(result, "pre_exam") == []
    ineligible = eligibility.evaluate("intermediate", "doctor", record, 2026)
    assert not eligibility.may_proceed(ineligible, "post_exam")


# --- subjects and fees ------------------------------------------------------------------------------

def test_junior_takes_both_subjects_in_one_year():
    assert subjects.choose_subjects("junior", ["economic_law_basics", "junior_practice"], set()) == \
        ["junior_practice", "economic_law_basics"]
    with pytest.raises(DomainError) as info:
        subjects.choose_subjects("junior", ["junior_practice"], set())
    assert info.value.code == "JUNIOR_BOTH_SUBJECTS" and info.value.field == "subjects"


def test_subjects_outside_the_level_are_refused_by_field():
    with pytest.raises(DomainError) as info:
        subjects.choose_subjects("intermediate", ["junior_practice"], set())
    assert info.value.code == "SUBJECT_NOT_IN_LEVEL" and info.value.status == 422
    with pytest.raises(DomainError):
        subjects.choose_subjects("intermediate", [], set())


def test_intermediate_rolling_pass_counts_the_year_before_only():
    passes = [(2025, "financial_management"), (2024, "economic_law")]
    carried = subjects.carried_passes("intermediate", 2026, passes)
    assert carried == {"financial_management"}
    assert subjects.choose_subjects("intermediate", ["intermediate_practice", "economic_law"], carried) == \
        ["intermediate_practice", "economic_law"]
    with pytest.raises(DomainError) as info:
        subjects.choose_subjects("intermediate", ["financial_management"], carried)
    assert info.value.code == "SUBJECT_ALREADY_PASSED"
    assert subjects.carried_passes("junior", 2026, [(2025, "junior_practice")]) == set()


def test_fees_add_up_in_integer_fen_over_the_subjects_taken():
    lines = subjects.fee_lines(["intermediate_practice", "economic_law"],
                               {"intermediate_practice": 7050, "financial_management": 7000, "economic_law": 6999})
    assert subjects.total_fen(lines) == 14049 and subjects.yuan(14049) == "140.49"
    with pytest.raises(DomainError) as info:
        subjects.fee_lines(["financial_management"], {})
    assert info.value.code == "FEE_NOT_CONFIGURED"


# --- 属地 ------------------------------------------------------------------------------------------

def test_region_of_a_department_knows_the_separately_listed_cities():
    assert locality.region_of("330102") == "330000"
    assert locality.region_of("210202") == "210200"           # 大连市中山区 → 大连市
    assert locality.region_of("210102") == "210000"           # 沈阳市和平区 → 辽宁省
    assert locality.matches(None, "330000") is None


def test_registering_outside_ones_region_needs_a_reason_and_a_proof():
    assert locality.check_reason("330102", "330000", None)["proof_required"] is False
    with pytest.raises(DomainError) as info:
        locality.check_reason("330102", "110000", None)
    assert info.value.field == "locality_reason"
    checked = locality.check_reason("330102", "110000", "employer")
    assert checked["proof_required"] and checked["reason_label"] == "工作单位所在地"


# --- states -------------------------------------------------------------------------------------------

def test_states_move_forward_and_repeat_harmlessly():
    assert states.move("draft", "submitted") is True
    assert states.move("approved", "approved") is False
    assert states.move("submitted", "returned") and states.move("returned", "submitted")
    for current, target in (("paid", "approved"), ("approved", "submitted"), ("deleted", "draft"),
                            ("abandoned", "paid"), ("paid", "deleted"), ("rejected", "approved")):
        with pytest.raises(DomainError):
            states.move(current, target)


def test_review_mode_decides_the_state_after_submission_and_seats_follow_states():
    assert states.after_submission("pre_exam") == "submitted"
    assert states.after_submission("post_exam") == "approved" and states.after_submission("none") == "approved"
    assert states.releases_seat("approved", "abandoned") and states.releases_seat("submitted", "rejected")
    assert not states.releases_seat("draft", "deleted") and not states.releases_seat("submitted", "approved")
    assert states.step_of("submitted", "pre_exam") == 4 and states.step_of("approved", "post_exam") == 5
    assert states.step_of("paid", "pre_exam") == 6


# --- numbers, codes, score files, typed records ------------------------------------------------------------

def test_enrollment_number_and_verification_code():
    assert numbers.enrollment_no(2026, "210200", "intermediate", 42) == "2026210220000042"
    code = numbers.verification_code(b"k", "2026330010000001", "abc")
    assert numbers.check_code(b"k", "2026330010000001", "abc", code)
    assert not numbers.check_code(b"k", "2026330010000002", "abc", code)


def test_score_file_rows_are_checked_one_by_one():
    data = ("报名注册号,科目,成绩\n2026330010000001,初级会计实务,75.5\n2026330010000001,经济法基础,abc\n"
            "x1,经济法基础,60\n2026330010000002,高等数学,60\n2026330010000001,初级会计实务,80\n"
            "2026330010000003,junior_practice,100.25\n").encode("gbk")
    rows, errors = scores.parse(data)
    assert [(r.line, r.subject, r.score) for r in rows] == [(2, "junior_practice", Decimal("75.5"))]
    assert [(e["line"], e["field"]) for e in errors] == [(3, "score"), (4, "enrollment_no"), (5, "subject"),
                                                         (6, "subject"), (7, "score")]
    assert scores.parse("学号,分数\n1,2\n".encode())[1][0]["field"] == "header"
    assert scores.parse(b"\xff\xfe\x00\x01")[1][0]["field"] in ("file", "header")
    assert scores.parse("报名注册号,科目,成绩\n1,\x00,3\n".encode())[1][0]["field"] == "subject"   # no crash


def test_a_new_candidate_names_every_missing_field_at_once():
    with pytest.raises(RuleViolations) as info:
        entered.check(entered.clean({"education_level": "bachelor", "graduated_on": "2999-01-01"}), date(2026, 11, 1))
    fields = {p.field for p in info.value.problems}
    assert {"entered.degree", "entered.study_mode", "entered.school", "entered.graduated_on"} <= fields
    typed = entered.clean({"education_level": "bachelor", "degree": "bachelor", "study_mode": "full_time",
                           "school": "浙江大学", "major": "会计学", "graduated_on": "2020-06-30",
                           "accounting_started_on": "2020-07-01"})
    entered.check(typed, date(2026, 11, 1))
    education, work = entered.as_record(typed)
    assert eligibility.evaluate("intermediate", "bachelor_4", eligibility.Record(education, work), 2026).eligible


ALL_STATES = ("draft", "submitted", "returned", "approved", "paid", "rejected", "abandoned", "deleted")
ALLOWED = {("draft", "submitted"), ("draft", "approved"), ("draft", "deleted"), ("draft", "abandoned"),
           ("submitted", "approved"), ("submitted", "returned"), ("submitted", "rejected"), ("submitted", "deleted"),
           ("submitted", "abandoned"), ("returned", "submitted"), ("returned", "deleted"), ("returned", "abandoned"),
           ("returned", "rejected"), ("approved", "paid"), ("approved", "deleted"), ("approved", "abandoned"),
           ("paid", "abandoned")}


@pytest.mark.parametrize("current", ALL_STATES)
@pytest.mark.parametrize("target", ALL_STATES)
def test_every_transition_of_the_state_machine(current, target):
    """Exactly the manual's moves (forward, plus 退回 → 待审核 on resubmission); the same state again is a no-op;
    final states never move (a full refund of the settling payment is the one way out of 已缴费)."""
    if current == target:
        assert states.move(current, target) is False
    elif (current, target) in ALLOWED:
        assert states.move(current, target) is True
    else:
        with pytest.raises(DomainError) as info:
            states.move(current, target)
        assert info.value.code == "STATE_CONFLICT" and info.value.status == 409


def test_window_times_are_beijing_time_unless_they_say_otherwise():
    from exam.schemas import BeijingTime, WindowIn
    from marshmallow import ValidationError
    parsed = BeijingTime().deserialize("2027-01-08 00:00:00")
    assert parsed.utcoffset().total_seconds() == 8 * 3600
    assert BeijingTime().deserialize("2027-01-07T16:00:00Z") == parsed
    for bad in ("0001-01-01 00:00:00", "2027-13-01 00:00:00", "明天", 20270108):
        with pytest.raises(ValidationError):
            BeijingTime().deserialize(bad)
    with pytest.raises(ValidationError) as info:
        WindowIn().load({"registration_opens_at": "x", "review_mode": "sometimes", "notice_url": "javascript:alert(1)"})
    assert {"registration_opens_at", "review_mode", "notice_url"} <= set(info.value.messages)
