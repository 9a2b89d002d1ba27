"""Score import jobs read JSON lines as the CSV import reads its rows, line numbers kept."""
from exam.domain import scores


def test_json_lines_become_rows_and_bad_lines_are_named():
    data = b'{"enrollment_no": "1001", "subject": "junior_practice", "score": 78.5}\nnot json\n[1]\n{"enrollment_no": "1002", "subject": "junior_practice", "score": 101}\n'
    csv_bytes, early = scores.jsonl_to_csv(data)
    assert [(e["line"], e["field"]) for e in early] == [(2, "line"), (3, "line")]
    rows, errors = scores.parse(csv_bytes, scores.JOB_MAX_ROWS)
    assert [r.enrollment_no for r in rows] == ["1001"]
    assert [(e["line"] - 1, e["field"]) for e in errors] == [(4, "score")]


def test_a_job_takes_up_to_a_hundred_thousand_rows():
    body = "报名注册号,科目,成绩\n" + "".join(f"{i:06d},junior_practice,60\n" for i in range(100_001))
    rows, errors = scores.parse(body.encode(), scores.JOB_MAX_ROWS)
    assert len(rows) == 100_000 and errors[-1]["field"] == "file"
