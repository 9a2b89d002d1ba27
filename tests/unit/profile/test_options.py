"""The pages' one source of choices and upload rules: GET /api/v1/collection/options (profiles.views.options)."""
from profiles import domain, views


def test_options_carry_every_label_table_the_pages_show():
    options = views.options()
    assert options["alt_id_types"] == [{"code": "hmt_residence_permit", "label": "港澳台居民居住证"},
                                       {"code": "foreign_permanent_residence", "label": "外国人永久居留身份证"}]
    assert [o["code"] for o in options["archive_modes"]] == list(domain.ARCHIVE_MODES)
    assert [o["label"] for o in options["scopes"]] == list(domain.SCOPES.values())


def test_options_carry_the_upload_rules_the_service_enforces():
    policies = views.options()["upload_policies"]
    assert policies["proof"] == {"kinds": ["jpeg", "png"], "min_bytes": 20 * 1024, "max_bytes": 2 * 1024 * 1024,
                                 "min_width": 0, "min_height": 0, "text": "JPG/PNG格式，20KB～2MB"}
    zhejiang = policies["photo_by_province"]["330000"]
    assert (zhejiang["min_width"], zhejiang["min_height"], zhejiang["kinds"]) == (413, 626, ["jpeg"])
    assert policies["qualification_proof"]["max_bytes"] == 500 * 1024
    assert policies["transfer_proof"]["max_bytes"] == 200 * 1024
