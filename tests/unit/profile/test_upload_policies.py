"""Photo and proof policies checked against real image bytes (domain-rules §7, manuals 003 and 004)."""
import io
import random

import pytest
from PIL import Image

from ausm_common.errors import ValidationFailed
from ausm_common.uploads import check_upload
from profiles import domain
from tests.support.images import jpeg, png


def noisy_jpeg(width, height, seed=7) -> bytes:
    """Quality-100 noise: about 2 bytes a pixel, for files of several MB made quickly."""
    pixels = random.Random(seed).randbytes(width * height * 3)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(buffer, format="JPEG", quality=100)
    return buffer.getvalue()


def flat_jpeg(width, height) -> bytes:
    """One colour: enough pixels, very few bytes."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (240, 240, 240)).save(buffer, format="JPEG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def refusal(data, policy) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        check_upload(data, policy, field="basic.photo", label="照片")
    return info.value


@pytest.mark.parametrize("province", ["110000", "440000", None, "", "0000"])
def test_default_photo_rule_is_the_national_one(province):
    policy = domain.photo_policy(province)
    assert (policy.kinds, policy.min_bytes, policy.max_bytes) == (("jpeg",), 10 * 1024, 2 * 1024 * 1024)
    assert (policy.min_width, policy.min_height) == (295, 413)


def test_national_photo_accepts_a_one_inch_jpeg():
    info = check_upload(jpeg(295, 413), domain.photo_policy("110000"))
    assert (info.kind, info.width, info.height) == ("jpeg", 295, 413)


@pytest.mark.parametrize("data, code", [
    (jpeg(294, 413), "UPLOAD_PIXELS"),
    (jpeg(295, 412), "UPLOAD_PIXELS"),
    (png(300, 420), "UPLOAD_TYPE"),
    (flat_jpeg(295, 413), "UPLOAD_TOO_SMALL"),
    (noisy_jpeg(1100, 1000), "UPLOAD_TOO_LARGE"),
    (PDF, "UPLOAD_TYPE"),
])
def test_national_photo_refusals(data, code):
    assert refusal(data, domain.photo_policy("110000")).code == code


@pytest.mark.parametrize("code", ["330000", "330100", "330102"])
def test_zhejiang_photo_rule_applies_to_the_whole_province(code):
    policy = domain.photo_policy(code)
    assert (policy.min_width, policy.min_height) == (413, 626)
    assert policy.min_bytes == 60 * 1024 and policy.max_bytes < 3 * 1024 * 1024
    assert "413×626" in policy.describe() and "3MB" in policy.describe()


def test_zhejiang_accepts_a_two_inch_photo_the_national_rule_would_refuse_as_too_large():
    big = noisy_jpeg(1100, 1000)                        # about 2.1 MB
    assert 2 * 1024 * 1024 < len(big) < 3 * 1024 * 1024
    assert check_upload(big, domain.photo_policy("330102")).width == 1100
    assert check_upload(jpeg(413, 626), domain.photo_policy("330000")).height == 626


@pytest.mark.parametrize("data, code", [
    (jpeg(295, 413), "UPLOAD_PIXELS"),               # fine nationally, too small for 2寸
    (jpeg(413, 625), "UPLOAD_PIXELS"),
    (flat_jpeg(413, 626), "UPLOAD_TOO_SMALL"),       # under 60 KB
    (noisy_jpeg(1400, 1300), "UPLOAD_TOO_LARGE"),    # over 3 MB
    (png(420, 630), "UPLOAD_TYPE"),
])
def test_zhejiang_photo_refusals(data, code):
    failure = refusal(data, domain.photo_policy("330000"))
    assert failure.code == code and "basic.photo" in failure.errors


def test_pixel_refusal_says_what_is_required():
    failure = refusal(jpeg(295, 413), domain.photo_policy("330000"))
    assert failure.message == "照片像素为295×413，要求不小于413×626"


def test_collection_proofs_are_pictures_of_20kb_to_2mb():
    policy = domain.PROOF_POLICY
    assert check_upload(png(200, 200), policy).kind == "png"
    assert check_upload(jpeg(300, 300), policy).kind == "jpeg"
    assert refusal(PDF, policy).code == "UPLOAD_TYPE"
    assert refusal(png(60, 60), policy).code == "UPLOAD_TOO_SMALL"
    assert refusal(noisy_jpeg(1100, 1000), policy).code == "UPLOAD_TOO_LARGE"


def test_transfer_proof_is_under_200kb():
    policy = domain.TRANSFER_PROOF_POLICY
    assert check_upload(jpeg(200, 200), policy).kind == "jpeg"
    assert check_upload(png(120, 120), policy).kind == "png"
    assert refusal(noisy_jpeg(400, 300), policy).code == "UPLOAD_TOO_LARGE"  # about 235 KB
    assert refusal(PDF, policy).code == "UPLOAD_TYPE"


def test_qualification_proof_is_20_to_500kb():
    policy = domain.QUALIFICATION_PROOF_POLICY
    assert check_upload(png(100, 100), policy).kind == "png"                 # about 30 KB
    assert check_upload(noisy_jpeg(450, 450), policy).kind == "jpeg"         # about 400 KB
    assert refusal(noisy_jpeg(600, 600), policy).code == "UPLOAD_TOO_LARGE"  # about 700 KB
    assert refusal(flat_jpeg(400, 400), policy).code == "UPLOAD_TOO_SMALL"
    assert refusal(PDF, policy).code == "UPLOAD_TYPE"
