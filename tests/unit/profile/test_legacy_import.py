"""The rules of a legacy (old provincial platform) record and the reading of a batch, as plain functions."""
import json
from datetime import date

from profiles import legacy
from profiles.seed import DEMO_LEGACY

TODAY = date(2026, 11, 27)


def fields(record, jurisdiction="330000"):
    return [f for f, _ in legacy.check_record(record, jurisdiction, TODAY)[1]]


def test_a_complete_record_is_kept_as_sent_and_an_incomplete_one_is_not_an_error():
    kept, problems = legacy.check_record(DEMO_LEGACY, "330000", TODAY)
    assert problems == [] and kept["id_number"] == DEMO_LEGACY["id_number"] and kept["name"] == "李会计"
    bare = {"id_number": DEMO_LEGACY["id_number"], "name": "李会计", "department_code": "330102",
            "education": [{"school": "浙江财经大学"}], "work": [{"employer": "某公司", "has_accounting_work": True}]}
    assert fields(bare) == []                         # what is missing the person fills in


def test_what_is_filled_in_must_follow_the_collection_rules():
    record = {**DEMO_LEGACY, "basic": {"email": "x@", "postcode": "31"},
              "education": [{**DEMO_LEGACY["education"][0], "end_date": "2005-01-01", "degree": "doctor"}]}
    assert fields(record) == ["basic.email", "basic.postcode", "education.0.degree", "education.0.end_date"]
    assert fields({**DEMO_LEGACY, "work": [{"start_date": "2030-01-01"}]}) == ["work.0.start_date"]
    assert fields({**DEMO_LEGACY, "education": [{"start_date": "2026-13-01"}]}) == ["education.0.start_date"]


def test_id_number_name_department_and_scope_are_checked():
    assert fields({**DEMO_LEGACY, "id_number": "330102198808080018"}) == ["id_number"]     # check digit
    assert fields({**DEMO_LEGACY, "id_type": "passport"}) == ["id_type"]
    assert fields({**DEMO_LEGACY, "name": " "}) == ["name"]
    assert fields({**DEMO_LEGACY, "name": "李" * 51}) == ["name"]
    assert fields({**DEMO_LEGACY, "department_code": "999999"}) == ["department_code"]
    assert fields(DEMO_LEGACY, "110000") == ["department_code"]                           # another province
    assert fields({**DEMO_LEGACY, "scope": "everyone"}) == ["scope"]
    assert fields(DEMO_LEGACY, "000000") == []                                            # national: any


def test_a_ten_digit_taiwan_permit_is_accepted_only_as_legacy_data():
    record = {"id_type": "taiwan_permit", "id_number": "1234567890", "name": "陈台生", "department_code": "330100"}
    assert fields(record) == []
    assert fields({**record, "id_number": "123456789"}) == ["id_number"]


def test_the_shape_is_checked_before_the_rules_read_it():
    assert fields({**DEMO_LEGACY, "nickname": "x"}) == ["nickname"]
    assert fields({**DEMO_LEGACY, "education": "本科"}) == ["education"]
    assert fields({**DEMO_LEGACY, "education": [1, 2]}) == ["education"]
    assert fields({**DEMO_LEGACY, "work": [{"posts": "cashier"}]}) == ["work.0.posts"]
    assert fields({**DEMO_LEGACY, "basic": ["x"]}) == ["basic"]
    assert fields({**DEMO_LEGACY, "name": ["李"]}) == ["name"]
    assert fields({**DEMO_LEGACY, "education": [{}] * 21}) == ["education"]


def test_posts_answer_an_empty_has_accounting_work():
    work = {"employer": "某公司", "posts": [{"post": "cashier", "start_date": "2012-07-01"}]}
    assert fields({**DEMO_LEGACY, "work": [work]}) == []
    assert fields({**DEMO_LEGACY, "work": [{**work, "has_accounting_work": False}]}) == ["work.0.has_accounting_work"]


def test_one_report_entry_per_row_names_the_first_field_and_every_reason():
    problems = [("education.0.end_date", "毕业时间有误"), ("work.0.posts.0.post", "岗位有误")]
    assert legacy.as_row_error(3, problems, csv_paths=True) == {
        "line": 3, "field": "education.end_date",
        "message": "education.end_date：毕业时间有误；work.post.post：岗位有误"}
    assert legacy.as_row_error(3, problems, csv_paths=False)["field"] == "education.0.end_date"


def test_a_csv_row_is_one_person_with_one_segment_of_each_kind():
    header = "id_number,name,department_code,basic.address,education.school,work.employer,work.post.post\n"
    rows, errors = legacy.parse_batch((header + "330102198808080017,李会计,330102,杭州,浙大,,\n"
                                       "\n330102198808080017,李会计,330102,,,某公司,cashier\n").encode(), "csv", 10)
    rows = list(rows)
    assert errors == [] and [line for line, _ in rows] == [2, 4]
    first, second = rows[0][1], rows[1][1]
    assert first["basic"] == {"address": "杭州"} and first["education"][0]["school"] == "浙大" and first["work"] == []
    assert second["education"] == [] and second["work"][0]["posts"][0]["post"] == "cashier"


def test_a_csv_header_with_missing_or_unknown_columns_refuses_the_file():
    assert legacy.parse_batch(b"id_number,name\n1,2\n", "csv", 10)[1][0]["message"].startswith("缺少列：department_code")
    assert "未知列：nick" in legacy.parse_batch(b"id_number,name,department_code,nick\n", "csv", 10)[1][0]["message"]
    assert legacy.parse_batch(b"", "csv", 10)[1] == [{"line": 0, "field": "file", "message": "文件为空"}]
    gbk = "id_number,name,department_code\n1,李,330102\n".encode("gb18030")
    assert next(legacy.parse_batch(gbk, "csv", 10)[0])[1]["name"] == "李"
    assert legacy.parse_batch(b"a,b\n1,2\n3,4\n", "csv", 1)[1][0]["message"] == "一次最多导入1条记录"


def test_json_lines_are_numbered_as_sent_and_too_many_rows_refuse_the_file():
    data = (json.dumps({"id_number": "1"}) + "\n[1]\nnot json\n\n" + json.dumps({"id_number": "2"})).encode()
    rows, errors = legacy.parse_batch(data, "jsonl", 10)
    assert errors == [] and [(line, r is None) for line, r in rows] == [(1, False), (2, True), (3, True), (5, False)]
    rows, errors = legacy.parse_batch(data, "jsonl", 3)
    assert list(rows) == [] and errors == [{"line": 0, "field": "file", "message": "一次最多导入3条记录"}]


def test_unreadable_lines_are_refused_rows_of_the_import():
    class NoSession:                       # every row is refused before the database is asked
        def scalars(self, _):
            return []
    saved, errors = legacy.import_rows(NoSession(), "330000", [(2, None), (3, {"id_number": "x"})], TODAY, None)
    assert saved == 0 and [(e["line"], e["field"]) for e in errors] == [(2, "line"), (3, "id_number")]
