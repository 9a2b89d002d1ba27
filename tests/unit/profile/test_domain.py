"""Collection rules: enumerations, credit codes, education, work, proofs, basic info, the whole record."""
from datetime import date

import pytest

from profiles import domain
from profiles.domain import DomainError, Problem, RuleViolations
from tests.unit.profile.helpers import BIRTH, TODAY, by_field, codes, edu, post, work


def error(fn, *args):
    with pytest.raises(DomainError) as info:
        fn(*args)
    return info.value


# --- enumerations ----------------------------------------------------------------------------

def test_enumerations_carry_the_manuals_labels():
    assert domain.SCOPES["doctor_for_intermediate"] == "暂未工作但具有博士学位拟报名中级会计专业技术资格考试的人员"
    assert list(domain.EDUCATION_LEVELS.values()) == ["初中及以下", "高中", "中专", "大专", "本科", "硕士研究生",
                                                       "博士研究生"]
    assert domain.EDUCATION_LEVEL_ORDER.index("associate") < domain.EDUCATION_LEVEL_ORDER.index("bachelor")
    assert list(domain.TITLES.values()) == ["会计员", "助理会计师", "会计师", "高级会计师", "正高级会计师"]
    assert list(domain.OTHER_QUAL_TYPES.values()) == ["经济专业技术资格", "审计专业技术资格", "统计专业技术资格",
                                                       "注册会计师", "资产评估师", "税务师"]
    assert domain.QUAL_WAYS == {"exam": "考试", "assessment": "评审", "exam_and_assessment": "考评结合",
                                "recognition": "认定"}
    assert set(domain.REVIEW_STATUSES) == {"draft", "submitted", "approved", "returned", "withdrawn"}


def test_ethnicities_are_the_56_groups_plus_two():
    labels = list(domain.ETHNICITIES.values())
    assert len(labels) == 58 and len(set(labels)) == 58
    assert sum(1 for label in labels if label.endswith("族")) == 56
    assert labels[0] == "汉族" and labels[-2:] == ["外国血统中国籍人士", "其他"]


def test_political_statuses_and_industries():
    assert list(domain.POLITICAL_STATUSES.values())[:3] == ["中共党员", "中共预备党员", "共青团员"]
    assert list(domain.POLITICAL_STATUSES.values())[-2:] == ["无党派人士", "群众"]
    assert "".join(domain.INDUSTRIES) == "ABCDEFGHIJKLMNOPQRST"
    assert domain.INDUSTRIES["J"] == "金融业"


def test_every_enumeration_is_code_to_chinese_label():
    for name in ("SCOPES", "STUDY_MODES", "EDUCATION_LEVELS", "DEGREES", "POLITICAL_STATUSES", "ETHNICITIES",
                 "EMPLOYER_TYPES", "INDUSTRIES", "ACCOUNTING_POST_LEVELS", "ACCOUNTING_POSTS", "TITLES",
                 "QUAL_LEVELS", "QUAL_WAYS", "OTHER_QUAL_TYPES", "TRANSFER_REASONS", "REVIEW_STATUSES",
                 "CHANGE_KINDS", "CHANGE_OPERATIONS"):
        mapping = getattr(domain, name)
        assert mapping and all(isinstance(k, str) and k.isascii() for k in mapping), name
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in mapping.values()), name


def test_rule_violations_carry_every_problem():
    problems = [Problem("basic.email", "EMAIL_INVALID", "邮箱格式不正确")]
    exc = RuleViolations(problems)
    assert isinstance(exc, DomainError)
    assert (exc.code, exc.message, exc.problems) == ("VALIDATION_FAILED", "请按提示修改标红的内容", problems)
    with pytest.raises(RuleViolations):
        domain.raise_if(problems)
    domain.raise_if([])


# --- unified social credit code (domain-rules §3) ---------------------------------------------

@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L", "91230184MA1BUFLT44",
                                  "92371000MA3MXH0E3W"])
def test_credit_code_worked_examples_pass(code):
    assert domain.validate_credit_code(code) == code
    assert domain.credit_code_warnings(code) == []       # their organisation codes check out too


def test_credit_code_is_normalised():
    assert domain.validate_credit_code("  91110000600037341l ") == "91110000600037341L"
    assert domain.validate_credit_code("９１１１００００６０００３７３４１Ｌ") == "91110000600037341L"


def test_credit_code_with_z_fails_the_charset():
    exc = error(domain.validate_credit_code, "91350100M000100Y4Z")
    assert (exc.code, exc.field) == ("CREDIT_CODE_FORMAT", "credit_code")
    assert "“Z”" in exc.message


@pytest.mark.parametrize("code", ["91350100M000100Y44", "91110000600037341A", "91230184MA1BUFLT4X",
                                  "92371000MA3MXH0E3Y"])
def test_credit_code_with_wrong_check_character_fails(code):
    assert error(domain.validate_credit_code, code).code == "CREDIT_CODE_CHECKSUM"


@pytest.mark.parametrize("raw, fragment", [
    ("9111000060003734", "18位，当前为16位"),
    ("91110000600037341LL", "18位，当前为19位"),
    ("11111111111111111111", "18位，当前为20位"),        # the manual's screenshot value
    ("9111O000600037341L", "I、O、Z、S、V"),
    ("91110000600037341Ｌ-", "18位"),
    ("911100006000373#1L", "数字和大写字母"),
    ("9111A000600037341L", "第3～8位"),
])
def test_credit_code_format_errors_say_what_is_wrong(raw, fragment):
    exc = error(domain.validate_credit_code, raw)
    assert exc.code == "CREDIT_CODE_FORMAT" and fragment in exc.message


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_credit_code_required(raw):
    assert error(domain.validate_credit_code, raw).code == "CREDIT_CODE_REQUIRED"


def test_organisation_code_check_uses_its_own_letter_values():
    assert domain.org_code_check_char("60003734") == "1"
    assert domain.org_code_check_char("MA1BUFLT") == "4"           # USCC letter values would give X
    assert domain.org_code_check_char("12345678") == "8"
    assert domain.uscc_check_char("91350100M000100Y4") == "3"


def test_bad_embedded_organisation_code_is_only_a_warning():
    first17 = "91110000600037342"                 # organisation code check digit 1 → 2
    code = first17 + domain.uscc_check_char(first17)
    assert domain.validate_credit_code(code) == code
    assert any("GB 11714" in w for w in domain.credit_code_warnings(code))


def test_letter_authorities_are_accepted_with_a_warning_when_unusual():
    for first2 in ("Y1", "N2", "A1"):
        first17 = first2 + "110000MA1BUFLT4"
        code = first17 + domain.uscc_check_char(first17)
        assert domain.validate_credit_code(code) == code
        assert domain.credit_code_warnings(code) == []
    first17 = "B1110000MA1BUFLT4"
    code = first17 + domain.uscc_check_char(first17)
    assert domain.validate_credit_code(code) == code
    assert "第1位登记管理部门代码" in domain.credit_code_warnings(code)[0]


# --- loading segments from JSON ------------------------------------------------------------

def test_education_from_dict_parses_dates_and_flags():
    segment, problems = domain.education_from_dict({
        "study_mode": "full_time", "school": " 山东大学 ", "start_date": "2008-09-01", "end_date": "2012-06-30",
        "education_level": "bachelor", "degree": "bachelor", "major": "会计学", "education_cert_no": "1",
        "degree_cert_no": "2", "studied_abroad": "true"}, 1)
    assert problems == []
    assert segment.school == "山东大学" and segment.start_date == date(2008, 9, 1)
    assert segment.end_date == date(2012, 6, 30) and segment.studied_abroad is True


def test_education_until_now_and_unreadable_dates():
    segment, problems = domain.education_from_dict({"start_date": "2020-09", "end_date": "2024-01-01",
                                                    "until_now": True}, 0)
    assert segment.start_date == date(2020, 9, 1) and segment.end_date is None and problems == []
    segment, problems = domain.education_from_dict({"start_date": "2020-13-01", "until_now": False}, 2)
    assert by_field(problems)["education.2.start_date"].code == "DATE_INVALID"
    assert by_field(problems)["education.2.end_date"].code == "END_DATE_REQUIRED"
    assert "第3段教育经历" in problems[0].message


def test_work_from_dict_parses_posts_and_title():
    segment, problems = domain.work_from_dict({
        "start_date": "2012-07-01", "end_date": "", "employer": "某公司", "credit_code": " 91110000600037341l",
        "employer_type": "private", "industry": "C", "address": "杭州", "has_accounting_work": True,
        "posts": [{"post_level": "general", "post": "cashier", "start_date": "2012-07-01", "end_date": None}],
        "title": "title_assistant", "title_date": "2014-01-01"}, 0)
    assert problems == []
    assert segment.end_date is None and segment.credit_code == "91110000600037341L"
    assert segment.posts == (domain.AccountingPost("general", "cashier", date(2012, 7, 1), None),)
    assert segment.title_date == date(2014, 1, 1)
    assert domain.to_dict(segment)["posts"][0]["start_date"] == "2012-07-01"


def test_work_from_dict_reports_bad_post_dates_by_path():
    _, problems = domain.work_from_dict({"start_date": "2012-07-01",
                                         "posts": [{}, {"start_date": "yesterday"}]}, 3)
    assert by_field(problems)["work.3.posts.1.start_date"].code == "DATE_INVALID"


# --- education (manual §3.4) --------------------------------------------------------------

def check_edu(segments, scope="accountant", birth=BIRTH):
    return domain.check_education(segments, birth, TODAY, scope)


def test_valid_education_passes():
    assert check_edu([edu(), edu(study_mode="part_time", school="浙江大学", start_date=date(2014, 9, 1),
                                 end_date=date(2017, 6, 30), education_level="master", degree="master")]) == []


def test_education_needs_at_least_one_segment():
    assert codes(check_edu([])) == ["EDUCATION_REQUIRED"]


@pytest.mark.parametrize("field, value, code", [
    ("study_mode", "", "EDUCATION_STUDY_MODE_REQUIRED"),
    ("study_mode", "evening", "EDUCATION_STUDY_MODE_INVALID"),
    ("school", "", "EDUCATION_SCHOOL_REQUIRED"),
    ("school", "大" * 101, "EDUCATION_SCHOOL_TOO_LONG"),
    ("start_date", None, "EDUCATION_START_REQUIRED"),
    ("education_level", "", "EDUCATION_LEVEL_REQUIRED"),
    ("degree", "", "EDUCATION_DEGREE_REQUIRED"),
    ("major", "", "EDUCATION_MAJOR_REQUIRED"),
    ("education_cert_no", "", "EDUCATION_CERT_NO_REQUIRED"),
    ("degree_cert_no", "", "DEGREE_CERT_NO_REQUIRED"),
])
def test_education_required_fields(field, value, code):
    problems = check_edu([edu(**{field: value})])
    assert by_field(problems)[f"education.0.{field}"].code == code


def test_certificates_are_not_asked_while_still_studying():
    assert check_edu([edu(end_date=None, education_cert_no="", degree_cert_no="")]) == []


def test_no_degree_needs_no_degree_certificate_and_refuses_one():
    assert check_edu([edu(degree="none", degree_cert_no="")]) == []
    assert codes(check_edu([edu(degree="none")])) == ["DEGREE_CERT_NO_UNEXPECTED"]


def test_end_must_be_after_start():
    problems = check_edu([edu(start_date=date(2016, 9, 1), end_date=date(2016, 6, 30))])
    assert codes(problems) == ["EDUCATION_DATES_ORDER"]
    assert problems[0].field == "education.0.end_date"
    assert "毕业时间（2016-06-30）应晚于入学时间（2016-09-01）" in problems[0].message
    assert codes(check_edu([edu(end_date=date(2008, 9, 1))])) == ["EDUCATION_DATES_ORDER"]


def test_dates_in_the_future_are_refused_and_students_pick_until_now():
    problems = check_edu([edu(start_date=date(2024, 9, 1), end_date=date(2027, 6, 30))])
    assert codes(problems) == ["EDUCATION_DATE_FUTURE"]
    assert "至今" in problems[0].message
    assert codes(check_edu([edu(start_date=date(2026, 12, 1), end_date=None)])) == ["EDUCATION_DATE_FUTURE"]
    assert check_edu([edu(start_date=date(2024, 9, 1), end_date=None, education_cert_no="")]) == []


def test_study_cannot_start_before_the_third_birthday():
    problems = check_edu([edu(start_date=date(1993, 4, 30))])
    assert codes(problems) == ["EDUCATION_TOO_EARLY"]
    assert "1993-05-01" in problems[0].message
    assert check_edu([edu(start_date=date(1993, 5, 1))]) == []
    assert check_edu([edu(start_date=date(1980, 9, 1))], birth=None) == []      # no birth date known


def test_overlapping_education_is_refused_with_both_periods_named():
    problems = check_edu([edu(), edu(start_date=date(2012, 3, 1), end_date=date(2015, 6, 30),
                                     education_level="master", degree="master")])
    assert codes(problems) == ["EDUCATION_OVERLAP"]
    assert problems[0].field == "education.1.start_date"
    assert problems[0].message == "第2段教育经历与第1段时间重叠（2008-09至2012-06）"


def test_adjacent_education_is_allowed_in_any_order():
    later = edu(start_date=date(2012, 6, 30), end_date=date(2015, 6, 30), education_level="master",
                degree="master")
    assert check_edu([later, edu()]) == []


def test_a_segment_inside_another_overlaps():
    inner = edu(start_date=date(2009, 1, 1), end_date=date(2010, 1, 1), study_mode="part_time",
                education_level="associate", degree="none", degree_cert_no="")
    assert codes(check_edu([edu(), inner])) == ["EDUCATION_OVERLAP"]


def test_until_now_only_for_the_current_study():
    current = edu(start_date=date(2020, 9, 1), end_date=None, education_level="master", degree="master",
                  education_cert_no="", degree_cert_no="")
    assert check_edu([edu(), current]) == []
    earlier_open = edu(end_date=None, education_cert_no="", degree_cert_no="")
    problems = check_edu([earlier_open, edu(start_date=date(2014, 9, 1), end_date=date(2017, 6, 30),
                                            education_level="master", degree="master")])
    assert codes(problems) == ["EDUCATION_OVERLAP"]
    assert "（2008-09至至今）" not in problems[0].message and "2008-09至今" in problems[0].message
    problems = check_edu([current, earlier_open])
    assert codes(problems) == ["EDUCATION_UNTIL_NOW_MULTIPLE"]


@pytest.mark.parametrize("level, degree, ok", [
    ("bachelor", "doctor", False), ("bachelor", "master", True), ("bachelor", "bachelor", True),
    ("associate", "bachelor", False), ("high_school", "none", True), ("master", "bachelor", False),
    ("master", "doctor", False), ("doctoral", "doctor", True), ("doctoral", "none", True),
    ("junior_high_or_below", "master", False),
])
def test_degree_must_fit_the_education_level(level, degree, ok):
    segment = edu(education_level=level, degree=degree, degree_cert_no="" if degree == "none" else "9")
    problems = check_edu([segment])
    assert (problems == []) is ok
    if not ok:
        assert codes(problems) == ["DEGREE_LEVEL_MISMATCH"]
        assert domain.EDUCATION_LEVELS[level] in problems[0].message


def test_doctor_scope_needs_an_obtained_doctor_degree():
    phd = edu(start_date=date(2016, 9, 1), end_date=date(2020, 6, 30), education_level="doctoral", degree="doctor")
    assert check_edu([edu(), phd], scope="doctor_for_intermediate") == []
    problems = check_edu([edu()], scope="doctor_for_intermediate")
    assert codes(problems) == ["SCOPE_DOCTOR_DEGREE_REQUIRED"] and problems[0].field == "education"
    studying = edu(start_date=date(2016, 9, 1), end_date=None, education_level="doctoral", degree="doctor",
                   education_cert_no="", degree_cert_no="")
    assert codes(check_edu([edu(), studying], scope="doctor_for_intermediate")) == ["SCOPE_DOCTOR_DEGREE_REQUIRED"]
    assert check_edu([edu()], scope="accountant") == []


# --- work (manual §3.5) -------------------------------------------------------------------

def check_work(segments, scope="accountant", birth=BIRTH):
    return domain.check_work(segments, birth, TODAY, scope)


def test_valid_work_passes():
    current = work(start_date=date(2019, 1, 1), end_date=None, posts=(post(start_date=date(2019, 1, 1),
                                                                           end_date=None),),
                   title="title_assistant", title_date=date(2019, 3, 1))
    assert check_work([work(), current]) == []


@pytest.mark.parametrize("field, value, code", [
    ("start_date", None, "WORK_START_REQUIRED"),
    ("employer", "", "WORK_EMPLOYER_REQUIRED"),
    ("credit_code", "", "CREDIT_CODE_REQUIRED"),
    ("credit_code", "91350100M000100Y44", "CREDIT_CODE_CHECKSUM"),
    ("credit_code", "11111111111111111111", "CREDIT_CODE_FORMAT"),
    ("employer_type", "", "WORK_EMPLOYER_TYPE_REQUIRED"),
    ("industry", "Z", "WORK_INDUSTRY_INVALID"),
    ("address", "", "WORK_ADDRESS_REQUIRED"),
    ("phone", "电话", "WORK_PHONE_INVALID"),
])
def test_work_field_rules(field, value, code):
    problems = check_work([work(**{field: value})])
    assert by_field(problems)[f"work.0.{field}"].code == code


def test_work_phone_is_optional_and_credit_code_message_names_the_segment():
    assert check_work([work(phone="")]) == []
    problems = check_work([work(), work(start_date=date(2019, 1, 1), end_date=None, has_accounting_work=False,
                                        posts=(), credit_code="")])
    assert problems[0].message == "请填写第2段工作经历的统一社会信用代码"


def test_work_cannot_start_before_sixteen():
    problems = check_work([work(start_date=date(2006, 4, 30), posts=())], scope="qualified_non_accountant")
    assert "WORK_TOO_EARLY" in codes(problems)
    assert "年满16周岁" in by_field(problems)["work.0.start_date"].message
    ok = work(start_date=date(2006, 5, 1), has_accounting_work=False, posts=())
    assert check_work([ok], scope="qualified_non_accountant") == []


def test_work_dates_order_and_future():
    assert "WORK_DATES_ORDER" in codes(check_work([work(end_date=date(2012, 7, 1), posts=())]))
    assert "WORK_DATE_FUTURE" in codes(check_work([work(start_date=date(2027, 1, 1), end_date=None, posts=())]))


def test_overlapping_work_is_refused_and_adjacent_work_allowed():
    second = work(start_date=date(2018, 6, 1), end_date=None, has_accounting_work=False, posts=())
    problems = check_work([work(), second])
    assert codes(problems) == ["WORK_OVERLAP"]
    assert problems[0].message == "第2段工作经历与第1段时间重叠（2012-07至2018-12）"
    adjacent = work(start_date=date(2018, 12, 31), end_date=None, has_accounting_work=False, posts=())
    assert check_work([work(), adjacent]) == []


def test_only_one_current_job():
    first = work(start_date=date(2019, 1, 1), end_date=None, has_accounting_work=False, posts=())
    second = work(start_date=date(2020, 1, 1), end_date=None, has_accounting_work=False, posts=())
    problems = check_work([work(), first, second])
    assert codes(problems) == ["WORK_UNTIL_NOW_MULTIPLE"]
    assert problems[0].field == "work.2.end_date"


def test_accounting_work_needs_posts_and_posts_need_accounting_work():
    problems = check_work([work(posts=())])
    assert by_field(problems)["work.0.posts"].code == "WORK_POSTS_REQUIRED"
    problems = check_work([work(has_accounting_work=False)], scope="qualified_non_accountant")
    assert codes(problems) == ["WORK_POSTS_UNEXPECTED"]


@pytest.mark.parametrize("changes, code, field", [
    ({"start_date": date(2012, 6, 1)}, "POST_OUTSIDE_WORK", "start_date"),
    ({"end_date": date(2019, 1, 31)}, "POST_OUTSIDE_WORK", "end_date"),
    ({"end_date": None}, "POST_OUTSIDE_WORK", "end_date"),          # 至今 in a job that ended
    ({"start_date": date(2015, 1, 1), "end_date": date(2014, 1, 1)}, "POST_DATES_ORDER", "end_date"),
    ({"post_level": ""}, "POST_LEVEL_REQUIRED", "post_level"),
    ({"post": "juggler"}, "POST_INVALID", "post"),
    ({"start_date": None}, "POST_START_REQUIRED", "start_date"),
])
def test_posts_lie_inside_their_employment(changes, code, field):
    problems = check_work([work(posts=(post(**changes),))])
    assert by_field(problems)[f"work.0.posts.0.{field}"].code == code


def test_posts_inside_a_current_job_may_run_until_now():
    current = work(end_date=None, posts=(post(end_date=None),))
    assert check_work([current]) == []


def test_posts_do_not_overlap_each_other_but_may_touch():
    touching = (post(), post(post="ledger", start_date=date(2015, 6, 30), end_date=date(2018, 12, 31)))
    assert check_work([work(posts=touching)]) == []
    crossing = (post(), post(post="ledger", start_date=date(2015, 1, 1), end_date=date(2018, 12, 31)))
    problems = check_work([work(posts=crossing)])
    assert codes(problems) == ["POST_OVERLAP"]
    assert problems[0].field == "work.0.posts.1.start_date"
    assert "第2条会计工作经历与第1条时间重叠（2012-07至2015-06）" in problems[0].message


def test_title_needs_a_date_not_before_the_work_start():
    problems = check_work([work(title="title_assistant")])
    assert by_field(problems)["work.0.title_date"].code == "WORK_TITLE_DATE_REQUIRED"
    problems = check_work([work(title="title_assistant", title_date=date(2012, 6, 30))])
    assert codes(problems) == ["WORK_TITLE_DATE_TOO_EARLY"]
    assert "会计专业职务聘任时间（2012-06-30）不能早于工作开始时间（2012-07-01）" in problems[0].message
    assert check_work([work(title="title_assistant", title_date=date(2012, 7, 1))]) == []
    assert codes(check_work([work(title="title_assistant", title_date=date(2019, 1, 1))])) == \
        ["WORK_TITLE_DATE_TOO_LATE"]
    assert codes(check_work([work(title_date=date(2013, 1, 1))])) == ["WORK_TITLE_REQUIRED"]
    assert codes(check_work([work(title="title_king", title_date=date(2013, 1, 1))])) == ["WORK_TITLE_INVALID"]


def test_accountant_scope_needs_accounting_work():
    plain = work(has_accounting_work=False, posts=())
    problems = check_work([plain], scope="accountant")
    assert codes(problems) == ["SCOPE_ACCOUNTING_WORK_REQUIRED"] and problems[0].field == "work"
    assert codes(check_work([], scope="accountant")) == ["SCOPE_ACCOUNTING_WORK_REQUIRED"]
    assert check_work([plain], scope="qualified_non_accountant") == []


def test_doctor_scope_may_have_no_work_but_no_current_job():
    assert check_work([], scope="doctor_for_intermediate") == []
    assert check_work([work()], scope="doctor_for_intermediate") == []
    problems = check_work([work(end_date=None)], scope="doctor_for_intermediate")
    assert codes(problems) == ["SCOPE_CURRENT_WORK_CONFLICT"]


# --- proofs ---------------------------------------------------------------------------------

def test_education_below_associate_always_needs_its_certificate():
    school = edu(education_level="high_school", degree="none", degree_cert_no="", start_date=date(2005, 9, 1),
                 end_date=date(2008, 6, 30))
    proofs = domain.required_proofs([school, edu()], [], "accountant", identity_proof_needed=False,
                                    degree_checks={1: True})
    assert list(proofs) == ["education.0.education_certificate"]


def test_associate_and_above_need_certificates_only_when_chsi_check_failed():
    segments = [edu(), edu(start_date=date(2013, 9, 1), end_date=date(2016, 6, 30), education_level="master",
                           degree="master")]
    assert domain.required_proofs(segments, [], "accountant", identity_proof_needed=False) == {}
    proofs = domain.required_proofs(segments, [], "accountant", identity_proof_needed=False,
                                    degree_checks={0: True, 1: False})
    assert list(proofs) == ["education.1.education_certificate", "education.1.degree_certificate"]
    assert "学信网" in proofs["education.1.degree_certificate"]
    no_degree = edu(education_level="associate", degree="none", degree_cert_no="")
    proofs = domain.required_proofs([no_degree], [], "accountant", identity_proof_needed=False,
                                    degree_checks={0: False})
    assert list(proofs) == ["education.0.education_certificate"]


def test_study_abroad_at_bachelor_or_above_needs_the_service_centre_certificate():
    proofs = domain.required_proofs([edu(studied_abroad=True)], [], "accountant", identity_proof_needed=False)
    assert "留学服务中心" in proofs["education.0.abroad_certificate"]
    associate = edu(studied_abroad=True, education_level="associate", degree="none", degree_cert_no="")
    assert domain.required_proofs([associate], [], "accountant", identity_proof_needed=False) == {}


def test_work_proofs():
    current = work(start_date=date(2019, 1, 1), end_date=None, has_accounting_work=False, posts=(),
                   title="title_accountant", title_date=date(2020, 1, 1))
    proofs = domain.required_proofs([], [work(), current], "accountant", identity_proof_needed=False)
    assert list(proofs) == ["work.0.accounting_proof", "work.1.title_proof", "work.1.employment_proof"]


def test_identity_proof_for_people_neither_working_nor_studying():
    assert domain.needs_identity_proof([edu()], [work()]) is True
    assert domain.needs_identity_proof([edu(end_date=None)], [work()]) is False
    assert domain.needs_identity_proof([edu()], [work(end_date=None)]) is False
    proofs = domain.required_proofs([edu()], [], "doctor_for_intermediate", identity_proof_needed=True)
    assert "身份证或居住证" in proofs["basic.identity_proof"]


# --- basic info -----------------------------------------------------------------------------

BASIC = {"political_status": "masses", "ethnicity": "han", "email": "", "address": "山东省济南市槐荫区经二路100号",
         "postcode": ""}


def test_valid_basic_passes():
    assert domain.check_basic(BASIC) == []
    assert domain.check_basic({**BASIC, "email": "wang.er@example.com.cn", "postcode": "250000"}) == []


@pytest.mark.parametrize("changes, field, code", [
    ({"political_status": ""}, "basic.political_status", "POLITICAL_STATUS_REQUIRED"),
    ({"political_status": "party"}, "basic.political_status", "POLITICAL_STATUS_INVALID"),
    ({"ethnicity": None}, "basic.ethnicity", "ETHNICITY_REQUIRED"),
    ({"ethnicity": "klingon"}, "basic.ethnicity", "ETHNICITY_INVALID"),
    ({"email": "wang@"}, "basic.email", "EMAIL_INVALID"),
    ({"email": "a b@example.com"}, "basic.email", "EMAIL_INVALID"),
    ({"address": "  "}, "basic.address", "ADDRESS_REQUIRED"),
    ({"address": "路" * 101}, "basic.address", "ADDRESS_TOO_LONG"),
    ({"postcode": "25000"}, "basic.postcode", "POSTCODE_INVALID"),
    ({"postcode": "25000a"}, "basic.postcode", "POSTCODE_INVALID"),
])
def test_basic_rules(changes, field, code):
    assert by_field(domain.check_basic({**BASIC, **changes}))[field].code == code


def test_optional_second_document_of_non_mainland_registrants():
    ok = {**BASIC, "alt_id_type": "hmt_residence_permit", "alt_id_number": "810000199408230021"}
    assert domain.check_basic(ok) == []
    assert domain.check_basic({**BASIC, "alt_id_type": "foreign_permanent_residence",
                               "alt_id_number": "911840198506150011"}) == []
    assert domain.check_basic({**BASIC, "alt_id_type": "foreign_permanent_residence",
                               "alt_id_number": "USA330619850615"}) == []
    bad = domain.check_basic({**ok, "alt_id_number": "810000199408230022"})
    assert codes(bad) == ["ALT_ID_NUMBER_INVALID"]
    assert codes(domain.check_basic({**BASIC, "alt_id_number": "810000199408230021"})) == ["ALT_ID_TYPE_REQUIRED"]


# --- the whole collection -----------------------------------------------------------------------

def full_record(**changes):
    record = {"scope": "accountant", "basic": {**BASIC, "photo": {"key": "p"}}, "education": [edu()],
              "work": [work(end_date=None, posts=(post(end_date=None),))], "department_code": "330102",
              "pledged": True}
    return {**record, **changes}


UPLOADED = {"basic.photo", "work.0.accounting_proof", "work.0.employment_proof"}


def test_complete_collection_has_no_problems():
    assert domain.check_collection(full_record(), BIRTH, TODAY, {0: True}, UPLOADED) == []


def test_collection_accepts_json_segments():
    record = full_record(education=[domain.to_dict(edu())], work=[domain.to_dict(work(end_date=None,
                                                                                      posts=(post(end_date=None),)))])
    assert domain.check_collection(record, BIRTH, TODAY, {0: True}, UPLOADED) == []


def test_empty_collection_names_every_step():
    record = {"scope": None, "basic": {}, "education": [], "work": [], "department_code": None, "pledged": False}
    fields = {p.field for p in domain.check_collection(record, BIRTH, TODAY, {}, set())}
    assert {"scope", "basic.political_status", "basic.ethnicity", "basic.address", "basic.photo", "education",
            "department_code", "pledge", "basic.identity_proof"} <= fields


def test_collection_lists_missing_proofs_by_slot():
    problems = domain.check_collection(full_record(), BIRTH, TODAY, {0: False}, {"basic.photo"})
    missing = {p.field for p in problems if p.code == "PROOF_REQUIRED"}
    assert missing == {"education.0.education_certificate", "education.0.degree_certificate",
                       "work.0.accounting_proof", "work.0.employment_proof"}
    assert all(p.message.startswith("请上传") for p in problems)


def test_collection_photo_department_and_pledge():
    record = full_record(basic=dict(BASIC), department_code="110100", pledged=False)
    problems = by_field(domain.check_collection(record, BIRTH, TODAY, {0: True}, UPLOADED - {"basic.photo"}))
    assert problems["basic.photo"].code == "PHOTO_REQUIRED"
    assert problems["department_code"].code == "DEPARTMENT_INVALID"      # 市辖区 is no department
    assert problems["pledge"].code == "PLEDGE_REQUIRED"


def test_collection_reports_an_unreadable_date_once():
    raw = domain.to_dict(edu())
    raw["start_date"] = "2008-02-30"
    problems = domain.check_collection(full_record(education=[raw]), BIRTH, TODAY, {0: True}, UPLOADED)
    assert [p.code for p in problems if p.field == "education.0.start_date"] == ["DATE_INVALID"]


def test_collection_applies_the_scope_rules():
    record = full_record(scope="doctor_for_intermediate")
    found = codes(domain.check_collection(record, BIRTH, TODAY, {0: True}, UPLOADED))
    assert "SCOPE_DOCTOR_DEGREE_REQUIRED" in found and "SCOPE_CURRENT_WORK_CONFLICT" in found
