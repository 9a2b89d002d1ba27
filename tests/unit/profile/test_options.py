"""The pages' one source of choices and their labels: GET /api/v1/collection/options (profiles.views.options).

Upload limits are not among them: they have one source, GET /api/v1/upload-policies (ausm_common.upload_policies).
"""
from profiles import domain, views


def test_options_carry_every_label_table_the_pages_show():
    options = views.options()
    assert options["alt_id_types"] == [{"code": "hmt_residence_permit", "label": "港澳台居民居住证"},
                                       {"code": "foreign_permanent_residence", "label": "外国人永久居留身份证"}]
    assert [o["code"] for o in options["archive_modes"]] == list(domain.ARCHIVE_MODES)
    assert [o["label"] for o in options["scopes"]] == list(domain.SCOPES.values())


def test_options_are_label_tables_only_upload_limits_live_in_the_registry():
    options = views.options()
    assert "upload_policies" not in options
    for name, table in options.items():
        assert all(set(o) == {"code", "label"} for o in table), name
