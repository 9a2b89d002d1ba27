"""Every upload purpose and its limits, in one place (domain-rules §7; manuals 003 and 004).

The owning service checks a file by content against its policy; the gateway refuses an oversize body for
the purpose before storing it; the pages read GET /api/v1/upload-policies and check before sending.
"""
from .uploads import MEGAPIXEL, UploadPolicy

KB, MB = 1024, 1024 * 1024

# Online real-name verification: phone photos of the ID card, front, back and held in the hand.
REALNAME_PHOTO = UploadPolicy("realname_photo", ("jpeg", "png"), min_bytes=10 * KB, max_bytes=5 * MB,
                              min_width=300, min_height=300, max_pixels=25 * MEGAPIXEL, label="证件照片")
# Information collection's ID photo: 1寸 nationally (kzp rule), 2寸 where a province says so.
PHOTO = UploadPolicy("photo", ("jpeg",), min_bytes=10 * KB, max_bytes=2 * MB, min_width=295, min_height=413,
                     max_pixels=12 * MEGAPIXEL, label="照片")
# Zhejiang (seeds/003): 2寸, JPG/JPEG, 大于60K, 像素大于等于413*626, 小于3M.
PHOTO_BY_PROVINCE = {
    "330000": UploadPolicy("photo", ("jpeg",), min_bytes=60 * KB, max_bytes=3 * MB - 1, min_width=413,
                           min_height=626, max_pixels=12 * MEGAPIXEL, label="照片",
                           note="2寸标准证件数字照片，红、蓝或白色背景"),
}
# Collection and change proofs: the manuals ask for pictures (scans or photos of certificates).
PROOF = UploadPolicy("proof", ("jpeg", "png"), min_bytes=20 * KB, max_bytes=2 * MB, max_pixels=25 * MEGAPIXEL,
                     label="证明材料", note="清晰完整、摆放端正")
# Manual §5.1: 小于200kb, JPG、JPEG、PNG.
TRANSFER_PROOF = UploadPolicy("transfer_proof", ("jpeg", "png"), min_bytes=1, max_bytes=200 * KB,
                              max_pixels=25 * MEGAPIXEL, label="证明材料")
# Manual §7: 大于20KB且不超过500KB, jpg/png.
QUALIFICATION_PROOF = UploadPolicy("qualification_proof", ("jpeg", "png"), min_bytes=20 * KB, max_bytes=500 * KB,
                                   max_pixels=25 * MEGAPIXEL, label="证明材料")
# Continuing education (CPE) evidence, for the coming cpe service: PDF ≤ 2 MB (manual).
CPE_PROOF = UploadPolicy("cpe_proof", ("pdf",), min_bytes=1, max_bytes=2 * MB, max_pages=20, label="学习证明")

POLICIES = {p.purpose: p for p in (REALNAME_PHOTO, PHOTO, PROOF, TRANSFER_PROOF, QUALIFICATION_PROOF, CPE_PROOF)}
VARIANTS = {"photo": PHOTO_BY_PROVINCE}


def every_policy():
    yield from POLICIES.values()
    for variants in VARIANTS.values():
        yield from variants.values()


# Pillow's decompression-bomb limit: the largest image any policy allows (check_upload turns Pillow's
# warning above it, and its error at twice it, into a refusal before anything is decoded).
MAX_IMAGE_PIXELS = max(p.max_pixels for p in every_policy() if p.images)

COLLECTION_PHOTO_SLOT = "basic.photo"


def policy_for(purpose: str, province_code: str | None = None) -> UploadPolicy:
    """The rule of a purpose, in the province a person belongs to (any code inside the province will do)."""
    province = (province_code or "")[:2] + "0000"
    return VARIANTS.get(purpose, {}).get(province, POLICIES[purpose])


def largest(purpose: str) -> UploadPolicy:
    """The most generous variant of a purpose: what the gateway accepts before the service knows more."""
    return max([POLICIES[purpose], *VARIANTS.get(purpose, {}).values()], key=lambda p: p.max_bytes)


def collection_purpose(slot: str) -> str:
    """A collection slot is the photo or a proof."""
    return "photo" if slot == COLLECTION_PHOTO_SLOT else "proof"


def views() -> list[dict]:
    """Every policy with its province variants, as the pages read them."""
    out = [p.view() for p in POLICIES.values()]
    out += [p.view(code) for purpose, variants in VARIANTS.items() for code, p in variants.items()]
    return out
