"""The profile service's RPC input schemas: shapes, types and bounds, unknown fields dropped, Chinese messages
named by path; the rules' own checks (choices, dates, lengths) are left to the domain."""
import ast
from pathlib import Path

import pytest

from ausm_common.errors import ValidationFailed
from ausm_common.service import load
from profiles import schemas as S

SERVICE = Path(S.__file__).with_name("service.py")


def refused(schema, data) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        load(schema, data)
    assert caught.value.code == "INVALID_INPUT"
    return caught.value.errors


def test_unknown_fields_are_dropped_and_absent_ones_stay_absent():
    assert load(S.BasicIn(), {"ethnicity": "han", "is_admin": True}) == {"ethnicity": "han"}


def test_types_are_checked_with_chinese_messages_named_by_path():
    errors = refused(S.STEPS["education"](), {"segments": [{"school": 1, "studied_abroad": "maybe"}]})
    assert errors == {"segments.0.school": "格式不正确", "segments.0.studied_abroad": "格式不正确"}
    assert refused(S.DecisionIn(), [1]) == {"_schema": "格式不正确"}
    assert refused(S.DecisionIn(), {}) == {"decision": "此项为必填项"}


def test_a_change_segment_is_checked_as_its_kind():
    errors = refused(S.ChangeIn(), {"kind": "work", "operation": "add", "segment": {"posts": [{"post": 5}]}})
    assert errors == {"segment.posts.0.post": "格式不正确"}
    loaded = load(S.ChangeIn(), {"kind": "education", "operation": "add", "segment": {"school": "浙大", "x": 1}})
    assert loaded["segment"] == {"school": "浙大"}


def test_enums_no_rule_explains_are_checked_here():
    assert refused(S.StepIn(), {"step": "payment"}) == {"step": "采集步骤不正确"}
    assert refused(S.ReviewItemIn(), {"kind": "collection", "id": "a" * 32}) == {"kind": "审核类型不正确"}
    assert refused(S.RecordIdIn(), {"id": "../../etc"}) == {"id": "编号格式不正确"}


def test_bounds_are_looser_than_the_rules_so_the_rules_speak_first():
    """A 51-character certificate number is the rule's problem (its own message), not the schema's."""
    assert load(S.QualificationIn(), {"certificate_no": "1" * 51})["certificate_no"] == "1" * 51
    assert refused(S.QualificationIn(), {"certificate_no": "1" * 501}) == {"certificate_no": "长度不能超过500个字符"}


def test_legacy_records_are_shaped_before_the_loader_reads_them():
    assert refused(S.LegacyIn(), {"records": [{"id_number": "x", "department_code": "330102", "basic": "bad"}]}) \
        == {"records.0.basic._schema": "格式不正确"}


def test_every_entrypoint_with_inputs_loads_them_with_a_schema():
    tree = ast.parse(SERVICE.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
                getattr(d, "id", getattr(d, "attr", None)) == "entrypoint" for d in node.decorator_list):
            inputs = [a.arg for a in node.args.args[1:]]
            loads = {n.func.id for n in ast.walk(node) if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "load"}
            assert not inputs or loads, f"{node.name}({', '.join(inputs)}) does not load its input with a schema"
