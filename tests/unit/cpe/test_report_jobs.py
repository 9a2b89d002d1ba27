"""机构报送 as a province client's job: the rows it reads (CSV or JSON lines, as many as a job takes), the
province rule of a row, and the job's per-row report (ausm_common.jobs, shared with exam's score imports)."""
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest

from ausm_common import jobs
from ausm_common.errors import DomainError, NotFound
from cpe import records

HEADER = ",".join(records.REPORT_COLUMNS) + "\n"
ROW = "330102199001011234,张三,公需科目,职业道德,2026-04-01,2026-04-01,90\n"
NOW = datetime(2026, 11, 27, 4, 0, tzinfo=timezone.utc)


def test_json_lines_become_the_report_csv_with_their_line_numbers():
    body = ('{"id_number": "330102199001011234", "name": "张三", "subject_type": "公需科目", "course": "职业道德", '
            '"start_date": "2026-04-01", "end_date": "2026-04-01", "minutes": 90}\n[1]\n\n').encode()
    data, early = jobs.jsonl_to_csv(body, records.REPORT_KEYS, records.REPORT_COLUMNS)
    rows, errors = records.parse_report(data, jobs.MAX_ROWS)
    assert errors == [] and early == [{"line": 2, "field": "line", "message": "该行不是有效的JSON对象"}]
    assert rows[0] == {"line": 2, "证件号码": "330102199001011234", "姓名": "张三", "科目类型": "公需科目",
                       "课程名称": "职业道德", "培训开始日期": "2026-04-01", "培训结束日期": "2026-04-01",
                       "培训时长（分钟）": "90"}
    assert len(rows) == 1                    # the bad line is reported once (early), its empty CSV row skipped


def test_a_job_takes_up_to_100000_rows_and_a_staff_file_5000():
    body = (HEADER + ROW * 5001).encode()
    assert records.parse_report(body)[1][0]["message"] == "一次最多报送5000行"
    assert len(records.parse_report(body, jobs.MAX_ROWS)[0]) == 5001
    too_many = records.parse_report((HEADER + ROW * (jobs.MAX_ROWS + 1)).encode(), jobs.MAX_ROWS)
    assert too_many == ([], [{"line": 0, "field": "file", "message": "一次最多报送100000行"}])


def test_a_person_outside_the_clients_province_is_a_refused_row():
    row = records.parse_report((HEADER + ROW).encode())[0][0]
    people = {"330102199001011234": {"account_id": "a", "name": "张三", "department_code": "110101"}}
    institution = SimpleNamespace(code="i", name="杭州会计培训学校")
    refused = records.report_row(None, row, people, institution, date(2026, 11, 27), NOW, set(), province="330000")
    assert refused == {"field": "证件号码", "message": "该人员不属于本省管辖"}


def test_a_job_is_checked_finished_with_a_sorted_report_and_owned_by_its_client():
    client = {"client_id": "c1", "province_code": "330000"}
    with pytest.raises(DomainError) as refused:
        jobs.check_new(client, "incoming/client/c2/x", "csv", "请提交要报送的培训数据")
    assert refused.value.code == "UPLOAD_EMPTY" and refused.value.field == "file"
    with pytest.raises(DomainError):
        jobs.check_new(client, "incoming/client/c1/x", "xlsx", "x")
    jobs.check_new(client, "incoming/client/c1/x", "jsonl", "x")

    job = SimpleNamespace(id="j", kind="cpe", client_id="c1", file_format="jsonl", status="queued", total=None,
                          saved=None, refused=None, errors=[], created_at=NOW, finished_at=None)
    with pytest.raises(DomainError) as early:
        jobs.result(job)
    assert early.value.code == "JOB_NOT_DONE"
    jobs.finish(job, 1, [{"line": 4, "field": "姓名", "message": "姓名与证件号码不一致"}],
                [{"line": 2, "field": "line", "message": "该行不是有效的JSON对象"}], NOW)
    report = jobs.result(job, institution_code="i")
    assert (report["status"], report["total"], report["saved"], report["refused"]) == ("done", 3, 1, 2)
    assert report["errors"] == [{"line": 2, "field": "line", "reason": "该行不是有效的JSON对象"},
                                {"line": 3, "field": "姓名", "reason": "姓名与证件号码不一致"}]

    class Session:
        def get(self, model, key):
            return job if key == "j" else None
    assert jobs.owned(Session(), object, client, "j") is job
    with pytest.raises(NotFound):
        jobs.owned(Session(), object, {"client_id": "c2"}, "j")
