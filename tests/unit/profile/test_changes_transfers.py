"""Changes (manual §4), transfers (§5), titles (§7) and departments."""
from datetime import date

import pytest

from profiles import domain
from profiles.domain import DomainError
from tests.unit.profile.helpers import BIRTH, CODE, TODAY, by_field, codes, edu, post, work

# --- diff and review mode ---------------------------------------------------------------------

BEFORE = {"political_status": "masses", "ethnicity": "han", "email": "", "address": "济南市经二路100号",
          "postcode": None, "identity_proof": {"key": "a.jpg", "size": 1000}}


def test_diff_names_changed_fields_in_a_stable_order():
    after = {**BEFORE, "postcode": "250000", "address": "济南市经十路1号", "email": None}
    assert domain.diff_fields(BEFORE, after) == ["address", "postcode"]


def test_diff_treats_empty_values_alike_and_finds_new_keys():
    assert domain.diff_fields({"email": ""}, {"email": None}) == []
    assert domain.diff_fields({"email": ""}, {}) == []
    assert domain.diff_fields({"a": 1}, {"a": 1, "b": 2}) == ["b"]


def test_diff_walks_nested_dicts_and_lists():
    before = domain.to_dict(work())
    after = domain.to_dict(work(end_date=None, posts=(post(end_date=None), post(post="ledger"))))
    assert domain.diff_fields(before, after) == ["end_date", "posts.0.end_date", "posts.1.post_level",
                                                 "posts.1.post", "posts.1.start_date", "posts.1.end_date"]
    assert domain.diff_fields(after, before)[-1] == "posts.1.end_date"
    assert domain.diff_fields({"id": "x", "school": "a"}, {"id": "y", "school": "a"}, ignore=("id",)) == []


def test_basic_change_is_auto_approved_unless_identity_proof_changes():
    assert domain.change_review_mode("basic", BEFORE, {**BEFORE, "address": "新地址"}) == "auto"
    changed = {**BEFORE, "identity_proof": {"key": "b.jpg", "size": 1000}}
    assert domain.change_review_mode("basic", BEFORE, changed) == "manual"
    added = {k: v for k, v in BEFORE.items() if k != "identity_proof"}
    assert domain.change_review_mode("basic", added, BEFORE) == "manual"


@pytest.mark.parametrize("kind", ["education", "work", "scope"])
def test_other_changes_are_reviewed_by_hand(kind):
    assert domain.change_review_mode(kind, {}, {}) == "manual"


def test_unknown_change_kind_is_refused():
    with pytest.raises(DomainError) as info:
        domain.change_review_mode("salary", {}, {})
    assert info.value.code == "CHANGE_KIND_INVALID"


# --- when a change may be submitted ----------------------------------------------------------

@pytest.mark.parametrize("status", ["draft", "submitted", "returned", None])
def test_changes_only_after_approval(status):
    problems = domain.check_change_allowed(status, set(), "basic")
    assert codes(problems) == ["COLLECTION_NOT_APPROVED"]
    assert "审核通过" in problems[0].message


def test_one_pending_change_per_kind():
    assert domain.check_change_allowed("approved", {"work"}, "education") == []
    problems = domain.check_change_allowed("approved", {"education"}, "education")
    assert codes(problems) == ["CHANGE_PENDING"] and "教育经历变更" in problems[0].message
    assert codes(domain.check_change_allowed("approved", {"education": 1}, "education")) == ["CHANGE_PENDING"]
    assert domain.check_change_allowed("approved", {"education": 0}, "education") == []
    assert domain.check_change_allowed("approved", ["education"]) == []      # no kind: the status alone


def test_change_kind_and_operation_must_fit():
    assert codes(domain.check_change_allowed("approved", set(), "salary")) == ["CHANGE_KIND_INVALID"]
    assert codes(domain.check_change_allowed("approved", set(), "basic", "delete")) == ["CHANGE_OPERATION_INVALID"]
    assert domain.check_change_allowed("approved", set(), "work", "delete") == []


# --- education and work changes against the other segments ------------------------------------------

EXISTING = [edu(), edu(start_date=date(2013, 9, 1), end_date=date(2016, 6, 30), education_level="master",
                       degree="master")]


def test_adding_education_that_overlaps_an_existing_one_is_refused():
    new = edu(study_mode="part_time", start_date=date(2015, 9, 1), end_date=date(2018, 6, 30),
              education_level="doctoral", degree="doctor")
    problems = domain.check_segment_change("education", "add", EXISTING, None, new, BIRTH, TODAY, "accountant")
    assert codes(problems) == ["EDUCATION_OVERLAP"]
    assert problems[0].field == "education.2.start_date"
    assert problems[0].message == "第3段教育经历与第2段时间重叠（2013-09至2016-06）"


def test_adding_adjacent_education_passes():
    new = edu(start_date=date(2016, 6, 30), end_date=date(2020, 6, 30), education_level="doctoral", degree="doctor")
    assert domain.check_segment_change("education", "add", EXISTING, None, new, BIRTH, TODAY, "accountant") == []


def test_modifying_a_segment_is_checked_against_the_others_not_itself():
    longer = edu(end_date=date(2013, 6, 30))              # still before the master's
    assert domain.check_segment_change("education", "modify", EXISTING, 0, longer, BIRTH, TODAY, "accountant") == []
    too_long = edu(end_date=date(2014, 6, 30))
    problems = domain.check_segment_change("education", "modify", EXISTING, 0, too_long, BIRTH, TODAY, "accountant")
    assert codes(problems) == ["EDUCATION_OVERLAP"]
    assert problems[0].field == "education.0.start_date" and "与第2段时间重叠" in problems[0].message


def test_a_changed_segment_gets_its_own_rules_and_json_is_accepted():
    raw = domain.to_dict(edu(degree="doctor"))
    problems = domain.check_segment_change("education", "modify", [domain.to_dict(s) for s in EXISTING], 0, raw,
                                           BIRTH, TODAY, "accountant")
    assert codes(problems) == ["DEGREE_LEVEL_MISMATCH"]


def test_problems_of_untouched_segments_are_not_repeated():
    legacy = [edu(major=""), EXISTING[1]]                  # imported without a major
    new = edu(start_date=date(2016, 7, 1), end_date=date(2019, 6, 30), education_level="doctoral", degree="doctor")
    assert domain.check_segment_change("education", "add", legacy, None, new, BIRTH, TODAY, "accountant") == []


def test_deleting_is_checked_against_the_scope():
    phd = edu(start_date=date(2016, 9, 1), end_date=date(2020, 6, 30), education_level="doctoral", degree="doctor")
    problems = domain.check_segment_change("education", "delete", [edu(), phd], 1, None, BIRTH, TODAY,
                                           "doctor_for_intermediate")
    assert codes(problems) == ["SCOPE_DOCTOR_DEGREE_REQUIRED"]
    assert domain.check_segment_change("education", "delete", [edu(), phd], 1, None, BIRTH, TODAY,
                                       "accountant") == []


def test_work_changes_reuse_the_work_rules():
    current = work(start_date=date(2019, 1, 1), end_date=None, posts=(post(start_date=date(2019, 1, 1),
                                                                           end_date=None),))
    assert domain.check_segment_change("work", "add", [work()], None, current, BIRTH, TODAY, "accountant") == []
    early = work(start_date=date(2018, 1, 1), end_date=None, has_accounting_work=False, posts=())
    problems = domain.check_segment_change("work", "add", [work()], None, early, BIRTH, TODAY, "accountant")
    assert codes(problems) == ["WORK_OVERLAP"] and problems[0].field == "work.1.start_date"
    problems = domain.check_segment_change("work", "delete", [work()], 0, None, BIRTH, TODAY, "accountant")
    assert codes(problems) == ["SCOPE_ACCOUNTING_WORK_REQUIRED"]


def test_change_of_a_missing_segment_is_refused():
    with pytest.raises(DomainError) as info:
        domain.check_segment_change("work", "modify", [work()], 5, work(), BIRTH, TODAY, "accountant")
    assert info.value.code == "CHANGE_SEGMENT_NOT_FOUND"
    assert domain.apply_segment_change([1, 2, 3], "delete", 1) == [1, 3]
    assert domain.apply_segment_change([1, 2], "modify", 0, 9) == [9, 2]
    assert domain.apply_segment_change([1], "add", None, 2) == [1, 2]


def test_scope_change_must_fit_the_record():
    assert domain.check_scope_change("accountant", [edu()], [work()]) == []
    assert codes(domain.check_scope_change("accountant", [edu()], [])) == ["SCOPE_ACCOUNTING_WORK_REQUIRED"]
    assert codes(domain.check_scope_change("doctor_for_intermediate", [edu()], [])) == \
        ["SCOPE_DOCTOR_DEGREE_REQUIRED"]
    assert codes(domain.check_scope_change("", [edu()], [])) == ["SCOPE_REQUIRED"]


# --- transfers ----------------------------------------------------------------------------------

def test_no_blockers_for_an_approved_record_moving_elsewhere():
    assert domain.transfer_blockers("approved", {"change": 0, "transfer": 0}, "330102", "330106") == []


@pytest.mark.parametrize("status", ["draft", "submitted", "returned", None])
def test_collection_must_be_approved_before_a_transfer(status):
    problems = domain.transfer_blockers(status, {}, "330102", "330106")
    assert codes(problems) == ["COLLECTION_NOT_APPROVED"]
    assert "信息采集未完成或未通过" in problems[0].message


@pytest.mark.parametrize("key, label", [("change", "信息变更申请"), ("transfer", "调转申请"),
                                        ("reward_punishment", "奖惩申请"), ("cpe_equivalence", "视同继续教育申请")])
def test_pending_applications_block_a_transfer_by_name(key, label):
    problems = domain.transfer_blockers("approved", {key: 2}, "330102", "330106")
    assert codes(problems) == ["PENDING_APPLICATION"] and problems[0].field == f"pending.{key}"
    assert f"存在审核中的{label}（2条）" in problems[0].message


def test_transfer_to_the_same_department_is_refused():
    problems = domain.transfer_blockers("approved", {}, "330102", "330102")
    assert codes(problems) == ["TRANSFER_SAME_DEPARTMENT"]
    assert "调入地管理机构与当前所属管理机构相同（上城区财政局）" in problems[0].message
    assert codes(domain.transfer_blockers("approved", {}, "330102", None)) == ["TARGET_DEPARTMENT_REQUIRED"]


def test_all_blockers_are_listed_together():
    problems = domain.transfer_blockers("submitted", {"change": 1, "transfer": 1}, "330102", "330102")
    assert codes(problems) == ["COLLECTION_NOT_APPROVED", "PENDING_APPLICATION", "PENDING_APPLICATION",
                               "TRANSFER_SAME_DEPARTMENT"]


EMPLOYER = {"employer": "杭州某某有限公司", "credit_code": CODE.lower(), "employer_type": "private", "industry": "I",
            "address": "杭州市西湖区文三路1号", "phone": "", "start_date": "2026-10-01"}


def test_employer_transfer_fields():
    assert domain.check_transfer("employer_moved", EMPLOYER, TODAY) == []
    assert domain.normalize_transfer("employer_moved", {**EMPLOYER, "school": "x"})["credit_code"] == CODE
    assert "school" not in domain.normalize_transfer("employer_moved", {**EMPLOYER, "school": "x"})


@pytest.mark.parametrize("changes, field, code", [
    ({"employer": ""}, "employer", "TRANSFER_EMPLOYER_REQUIRED"),
    ({"credit_code": ""}, "credit_code", "CREDIT_CODE_REQUIRED"),
    ({"credit_code": "91350100M000100Y44"}, "credit_code", "CREDIT_CODE_CHECKSUM"),
    ({"employer_type": ""}, "employer_type", "TRANSFER_EMPLOYER_TYPE_REQUIRED"),
    ({"industry": "Z"}, "industry", "TRANSFER_INDUSTRY_INVALID"),
    ({"address": ""}, "address", "TRANSFER_ADDRESS_REQUIRED"),
    ({"phone": "abc"}, "phone", "TRANSFER_PHONE_INVALID"),
    ({"start_date": ""}, "start_date", "TRANSFER_START_DATE_REQUIRED"),
    ({"start_date": "2027-01-01"}, "start_date", "TRANSFER_START_DATE_FUTURE"),
    ({"start_date": "01/10/2026"}, "start_date", "DATE_INVALID"),
])
def test_employer_transfer_rules(changes, field, code):
    assert by_field(domain.check_transfer("employer_moved", {**EMPLOYER, **changes}, TODAY))[field].code == code


def test_credit_code_problem_names_the_new_employer():
    problems = domain.check_transfer("employer_moved", {**EMPLOYER, "credit_code": ""}, TODAY)
    assert problems[0].message == "请填写调入单位统一社会信用代码"


def test_school_transfer_fields():
    school = {"school": "浙江大学", "major": "会计学", "archive_mode": "school", "enrollment_date": "2026-09-01"}
    assert domain.check_transfer("school_moved", school, TODAY) == []
    problems = by_field(domain.check_transfer("school_moved", {}, TODAY))
    assert {f: p.code for f, p in problems.items()} == {
        "school": "TRANSFER_SCHOOL_REQUIRED", "major": "TRANSFER_MAJOR_REQUIRED",
        "archive_mode": "TRANSFER_ARCHIVE_MODE_REQUIRED", "enrollment_date": "TRANSFER_ENROLLMENT_DATE_REQUIRED"}


def test_residence_transfer_needs_the_address_only():
    assert domain.check_transfer("residence_moved", {"address": "杭州市上城区"}, TODAY) == []
    problems = domain.check_transfer("residence_moved", {"employer": "ignored"}, TODAY)
    assert codes(problems) == ["TRANSFER_ADDRESS_REQUIRED"]
    assert problems[0].message == "请填写户籍所在地或居住地地址"


def test_transfer_reason_is_required():
    assert codes(domain.check_transfer("", EMPLOYER, TODAY)) == ["TRANSFER_REASON_REQUIRED"]
    assert set(domain.TRANSFER_PROOF_HINTS) == set(domain.TRANSFER_REASONS)


# --- accounting qualifications -----------------------------------------------------------------

@pytest.mark.parametrize("level, title", [("junior", "title_assistant"), ("intermediate", "title_accountant"),
                                          ("senior", "title_senior"), ("professor", "title_professor"),
                                          (None, None), ("master", None)])
def test_default_titles(level, title):
    assert domain.default_title(level) == title


QUAL = {"level": "intermediate", "way": "exam", "obtained_date": "2021-09-24", "certificate_no": "1170120931056"}


def test_qualification_title_defaults_from_level():
    assert domain.check_qualification(QUAL, TODAY) == []
    normal = domain.normalize_qualification(QUAL)
    assert (normal["title"], normal["title_way"], normal["title_certificate_no"]) == \
        ("title_accountant", "exam", "1170120931056")
    assert domain.check_qualification({**QUAL, "level": "junior", "title": "title_clerk"}, TODAY) == []


@pytest.mark.parametrize("changes, field, code", [
    ({"level": ""}, "level", "QUALIFICATION_LEVEL_REQUIRED"),
    ({"way": ""}, "way", "QUALIFICATION_WAY_REQUIRED"),
    ({"way": "lottery"}, "way", "QUALIFICATION_WAY_INVALID"),
    ({"obtained_date": ""}, "obtained_date", "QUALIFICATION_OBTAINED_DATE_REQUIRED"),
    ({"obtained_date": "2027-05-01"}, "obtained_date", "QUALIFICATION_OBTAINED_DATE_FUTURE"),
    ({"obtained_date": "1991-12-31"}, "obtained_date", "QUALIFICATION_OBTAINED_DATE_TOO_EARLY"),
    ({"certificate_no": ""}, "certificate_no", "QUALIFICATION_CERT_NO_REQUIRED"),
    ({"title": "title_senior"}, "title", "QUALIFICATION_TITLE_MISMATCH"),
    ({"title": "title_boss"}, "title", "QUALIFICATION_TITLE_INVALID"),
    ({"way": "exam_and_assessment"}, "way", "QUALIFICATION_WAY_MISMATCH"),
    ({"title_way": "lottery"}, "title_way", "QUALIFICATION_TITLE_WAY_INVALID"),
])
def test_qualification_rules(changes, field, code):
    assert by_field(domain.check_qualification({**QUAL, **changes}, TODAY))[field].code == code


def test_assessed_titles_may_predate_the_exam():
    assert domain.check_qualification({**QUAL, "way": "assessment", "obtained_date": "1988-06-01"}, TODAY) == []


def test_senior_needs_assessment():
    senior = {**QUAL, "level": "senior", "way": "exam_and_assessment"}
    assert domain.check_qualification(senior, TODAY) == []
    assert codes(domain.check_qualification({**senior, "way": "exam"}, TODAY)) == ["QUALIFICATION_WAY_MISMATCH"]


def test_professor_needs_only_the_title_part():
    professor = {"level": "professor", "title_way": "assessment", "title_certificate_no": "浙高评〔2023〕5号"}
    assert domain.check_qualification(professor, TODAY) == []
    problems = by_field(domain.check_qualification({"level": "professor"}, TODAY))
    assert set(problems) == {"title_way", "title_certificate_no"}
    assert codes(domain.check_qualification({**professor, "title_way": "exam"}, TODAY)) == \
        ["QUALIFICATION_WAY_MISMATCH"]
    assert codes(domain.check_qualification({**professor, "obtained_date": "2030-01-01"}, TODAY)) == \
        ["QUALIFICATION_OBTAINED_DATE_FUTURE"]


# --- other professional qualifications -----------------------------------------------------------

OTHER = {"type": "economics", "level": "intermediate", "obtained_date": "2022-11-11",
         "certificate_no": "2022110011000016"}


@pytest.mark.parametrize("kind", ["economics", "audit", "statistics"])
def test_first_three_types_need_a_level(kind):
    assert domain.check_other_qualification({**OTHER, "type": kind}, TODAY) == []
    problems = domain.check_other_qualification({**OTHER, "type": kind, "level": ""}, TODAY)
    assert codes(problems) == ["OTHER_QUALIFICATION_LEVEL_REQUIRED"]


@pytest.mark.parametrize("kind", ["cpa", "asset_appraiser", "tax_adviser"])
def test_last_three_types_have_no_level(kind):
    assert domain.check_other_qualification({**OTHER, "type": kind, "level": ""}, TODAY) == []
    problems = domain.check_other_qualification({**OTHER, "type": kind}, TODAY)
    assert codes(problems) == ["OTHER_QUALIFICATION_LEVEL_UNEXPECTED"]


@pytest.mark.parametrize("changes, field, code", [
    ({"type": ""}, "type", "OTHER_QUALIFICATION_TYPE_REQUIRED"),
    ({"type": "pilot"}, "type", "OTHER_QUALIFICATION_TYPE_INVALID"),
    ({"obtained_date": None}, "obtained_date", "OTHER_QUALIFICATION_OBTAINED_DATE_REQUIRED"),
    ({"obtained_date": "2026-11-24"}, "obtained_date", "OTHER_QUALIFICATION_OBTAINED_DATE_FUTURE"),
    ({"certificate_no": " "}, "certificate_no", "OTHER_QUALIFICATION_CERT_NO_REQUIRED"),
    ({"name": "经" * 51}, "name", "OTHER_QUALIFICATION_NAME_TOO_LONG"),
])
def test_other_qualification_rules(changes, field, code):
    assert by_field(domain.check_other_qualification({**OTHER, **changes}, TODAY))[field].code == code


# --- departments ---------------------------------------------------------------------------------

@pytest.mark.parametrize("code, name, level", [
    ("330000", "浙江省财政厅", "province"), ("150000", "内蒙古自治区财政厅", "province"),
    ("110000", "北京市财政局", "province"), ("120000", "天津市财政局", "province"),
    ("310000", "上海市财政局", "province"), ("500000", "重庆市财政局", "province"),
    ("330100", "杭州市财政局", "city"), ("330102", "上城区财政局", "county"), ("110105", "朝阳区财政局", "county"),
    ("210200", "大连市财政局", "city"), ("429004", "仙桃市财政局", "county"),
])
def test_department_names(code, name, level):
    assert domain.department_name(code) == name
    assert domain.department_level(code) == level


@pytest.mark.parametrize("code", ["", None, "999999", "110100", "500200", "810000", "710000", "33010", "abcdef"])
def test_no_department_for_placeholders_unknown_or_excluded_codes(code):
    with pytest.raises(DomainError) as info:
        domain.department_name(code)
    assert (info.value.code, info.value.field) == ("DEPARTMENT_INVALID", "department_code")


def test_national_department():
    assert domain.department_level("000000") == "national"
    assert domain.department_name("000000") == "中华人民共和国财政部"
