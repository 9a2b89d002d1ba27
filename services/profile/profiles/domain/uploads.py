"""What a photo or proof upload must be (size, format, pixels), per province where it differs."""
from ausm_common.uploads import UploadPolicy


# --- uploads (domain-rules §7; manuals 003 and 004) -----------------------------------------

KB, MB = 1024, 1024 * 1024
DEFAULT_PHOTO_POLICY = UploadPolicy("photo", ("jpeg",), min_bytes=10 * KB, max_bytes=2 * MB,
                                    min_width=295, min_height=413)
# Zhejiang (seeds/003): 2寸, JPG/JPEG, 大于60K, 像素大于等于413*626, 小于3M.
PHOTO_POLICIES = {
    "330000": UploadPolicy("photo", ("jpeg",), min_bytes=60 * KB, max_bytes=3 * MB - 1,
                           min_width=413, min_height=626),
}
# Collection proofs: the manuals ask for pictures (scans or photos of certificates); PDF only for CPE.
PROOF_POLICY = UploadPolicy("proof", ("jpeg", "png"), min_bytes=20 * KB, max_bytes=2 * MB)
# Manual §5.1: 小于200kb, JPG、JPEG、PNG.
TRANSFER_PROOF_POLICY = UploadPolicy("transfer_proof", ("jpeg", "png"), min_bytes=1, max_bytes=200 * KB)
# Manual §7: 大于20KB且不超过500KB, jpg/png.
QUALIFICATION_PROOF_POLICY = UploadPolicy("qualification_proof", ("jpeg", "png"), min_bytes=20 * KB,
                                          max_bytes=500 * KB)


def photo_policy(province_code: str | None) -> UploadPolicy:
    """The photo rule of the province a person belongs to (any code inside the province will do)."""
    code = (province_code or "")[:2] + "0000"
    return PHOTO_POLICIES.get(code, DEFAULT_PHOTO_POLICY)
