"""Hostile and broken uploads are refused by content with the policy's message: decompression bombs,
pixel counts over a purpose's cap, truncated images, unreadable, encrypted or long PDFs."""
import functools

import pytest
from PIL import Image, ImageFile

from ausm_common import upload_policies as registry
from ausm_common.errors import ValidationFailed
from ausm_common.uploads import UploadPolicy, check_upload
from tests.support import images


def refusal(data, policy, field="id_front") -> ValidationFailed:
    with pytest.raises(ValidationFailed) as info:
        check_upload(data, policy, field=field)
    return info.value


@functools.cache
def hundred_megapixel_png() -> bytes:
    return images.png_of_zeros(10000, 10000)


@pytest.mark.parametrize("bomb", [images.jpeg_claiming(30000, 30000), images.png_claiming(30000, 30000),
                                  images.jpeg_claiming(6000, 5000)], ids=["jpeg", "png", "jpeg-30-megapixels"])
def test_header_claiming_30000_by_30000_is_refused_before_decoding(bomb):
    assert len(bomb) < 100 * 1024
    failure = refusal(bomb, registry.REALNAME_PHOTO)
    assert failure.status == 422 and failure.code == "UPLOAD_PIXELS_TOO_MANY"
    assert failure.errors == {"id_front": "证件照片像素过大，不能超过2500万像素，请缩小后重新上传"}
    assert refusal(bomb, registry.TRANSFER_PROOF, "proof").code == "UPLOAD_PIXELS_TOO_MANY"


def test_a_100_megapixel_png_of_a_few_hundred_kb_is_refused():
    data = hundred_megapixel_png()
    assert len(data) < 400 * 1024
    for policy in (registry.REALNAME_PHOTO, registry.PROOF):
        assert refusal(data, policy, "proof").code == "UPLOAD_PIXELS_TOO_MANY"


def test_pillow_limit_is_the_largest_photo_a_policy_allows():
    check_upload(images.jpeg(640, 480, min_bytes=10 * 1024), registry.REALNAME_PHOTO)
    largest = max(p.max_pixels for p in registry.every_policy() if p.images)
    assert Image.MAX_IMAGE_PIXELS == registry.MAX_IMAGE_PIXELS == largest
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_each_purpose_has_its_own_pixel_cap():
    """About 15 megapixels: fine for a proof, more than an ID photo may have."""
    data = images.png_of_zeros(4500, 3400)
    assert registry.PROOF.min_bytes <= len(data) <= registry.PROOF.max_bytes
    assert check_upload(data, registry.PROOF).width == 4500
    capped = UploadPolicy("photo", ("png",), min_bytes=1, max_pixels=12_000_000, label="照片")
    assert refusal(data, capped, "basic.photo").message == "照片像素过大，不能超过1200万像素，请缩小后重新上传"


@pytest.mark.parametrize("make", [lambda: images.jpeg(800, 600, min_bytes=50 * 1024, seed=3),
                                  lambda: images.png(400, 400)], ids=["jpeg", "png"])
def test_an_image_truncated_to_60_percent_is_not_a_valid_photo(make):
    whole = make()
    assert check_upload(whole, registry.REALNAME_PHOTO).width in (800, 400)
    failure = refusal(images.truncated(whole, 0.6), registry.REALNAME_PHOTO)
    assert failure.code == "UPLOAD_CORRUPT"
    assert failure.message == "证件照片无法识别、不完整或已损坏，请重新上传"


def test_cpe_evidence_is_a_readable_pdf_of_at_most_20_pages():
    policy = registry.CPE_PROOF
    assert check_upload(images.pdf(3), policy).pages == 3
    assert check_upload(images.pdf(20), policy).pages == 20
    assert refusal(images.pdf(21), policy, "proof").errors == {"proof": "学习证明不能超过20页"}
    assert refusal(images.pdf(1, password="secret"), policy).code == "UPLOAD_PDF_ENCRYPTED"
    assert refusal(b"%PDF-1.7\n" + bytes(2000), policy).code == "UPLOAD_CORRUPT"
    assert refusal(images.truncated(images.pdf(2), 0.5), policy).code == "UPLOAD_CORRUPT"
    assert refusal(images.jpeg(300, 300), policy).code == "UPLOAD_TYPE"
    assert refusal(images.pdf(1) + b"%" + bytes(2 * 1024 * 1024), policy).code == "UPLOAD_TOO_LARGE"
