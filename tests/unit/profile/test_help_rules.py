"""Rules of 咨询答疑 and of the 职称 list's row actions (manual 004 §2.4, §7.1)."""
from profiles import domain


def test_a_question_goes_to_the_collection_department_else_the_chosen_one():
    assert domain.question_department("330102", "110105") == ("330102", [])
    assert domain.question_department(None, "330100") == ("330100", [])
    code, problems = domain.question_department(None, " ")
    assert code is None and [p.field for p in problems] == ["department_code"]


def test_question_reply_and_article_checks_name_each_field():
    assert [p.field for p in domain.check_question("collection", "照片不合格怎么办", "像素不足")] == []
    assert [p.code for p in domain.check_question("nope", "x" * 61, "")] == [
        "QUESTION_MODULE_INVALID", "QUESTION_TITLE_TOO_LONG", "QUESTION_TEXT_REQUIRED"]
    assert [p.field for p in domain.check_reply("  ")] == ["text"]
    assert [p.field for p in domain.check_article("", "问", "答")] == ["module"]


def test_the_last_message_decides_the_state():
    assert domain.status_after("person") == "open" and domain.status_after("staff") == "answered"


def test_row_actions_follow_source_and_review():
    number = {"certificate_no": "Z1633010200123"}
    library = domain.row_actions("accounting", "library", "approved", number)
    assert library["update"] is None and library["print"] is None
    assert "系统记录" in library["delete"] and "系统记录" in library["edit"]
    for status in ("submitted", "returned"):
        pending = domain.row_actions("accounting", "manual", status, number)
        assert (pending["update"], pending["delete"], pending["edit"]) == (None, None, None)
        assert "审核通过" in pending["print"]
        assert domain.OBTAINED_LABELS[domain.is_obtained("manual", status)] == "未获取"
    approved = domain.row_actions("accounting", "manual", "approved", number)
    assert approved["print"] is None and "已审核通过" in approved["delete"]
    assert domain.is_obtained("manual", "approved") and domain.ORIGIN_LABELS["manual"] == "人工审核"
    professor = domain.row_actions("accounting", "manual", "submitted", {"certificate_no": ""})
    assert "证书号" in professor["update"]
    assert all(domain.row_actions("other", "manual", "approved", number).values())


def test_abolished_departments_say_where_to_go():
    assert domain.abolished_message("江干区财政局", "上城区财政局") == \
        "江干区财政局已撤销（并入或更名为上城区财政局），请选择上城区财政局"
    change = domain.division_change("330104")
    assert change["new_code"] == "330102" and str(domain.abolished_on(change, "2023-06-30")) == "2021-04-09"
    assert str(domain.abolished_on(None, "2023-06-30")) == "2023-06-30"
