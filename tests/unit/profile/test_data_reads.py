"""Reads of unmasked personal data: what may be asked, with what reason, and how the person is told."""
from datetime import datetime, timezone

import pytest

from ausm_common.errors import DomainError
from profiles import data_reads
from profiles.models import DataRead


def test_an_unmask_names_known_fields_and_a_purpose():
    assert data_reads.check_request(["phone", "id_number", "phone"], " 核验身份 ") == (["phone", "id_number"],
                                                                                      "核验身份")
    for fields, purpose, field in ((["photo"], "核验身份", "fields"), ([], "核验身份", "fields"),
                                   (["phone"], "", "purpose"), (["phone"], "x", "purpose"),
                                   (["phone"], "长" * 201, "purpose")):
        with pytest.raises(DomainError) as refused:
            data_reads.check_request(fields, purpose)
        assert refused.value.field == field


def test_masked_views_hide_every_unmaskable_field():
    person = {"name": "陈静", "id_number": "330102199001011234", "phone": "13800001234"}
    masked = data_reads.masked(person)
    assert masked["name"] != "陈静" and "*" in masked["id_number"] and "*" in masked["phone"]


def test_the_person_is_told_who_read_what_and_why():
    at = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
    client = {"kind": "client", "client_id": "pc_33_a", "name": "浙江省会计人员管理系统", "province_code": "330000"}
    row = DataRead(id="r1", account_id="a", fields=["id_number"], purpose="调入核验", at=at,
                   **data_reads.reader_of(client))
    view = data_reads.view(row)
    assert view["reader"] == "浙江省接口客户端（浙江省会计人员管理系统）" and view["fields_label"] == "证件号码"
    assert view["purpose"] == "调入核验" and view["reader_kind"] == "client"
    staff = {"kind": "staff", "id": "s1", "name": "王审核", "department_code": "330102"}
    staff_view = data_reads.view(DataRead(id="r2", account_id="a", fields=["phone"], purpose="电话核实", at=at,
                                          **data_reads.reader_of(staff)))
    assert staff_view["reader"] == "上城区财政局工作人员"
