"""What a photo or proof upload must be: the platform's registry (ausm_common.upload_policies), by province."""
from ausm_common import upload_policies as registry

KB, MB = registry.KB, registry.MB
DEFAULT_PHOTO_POLICY = registry.PHOTO
PHOTO_POLICIES = registry.PHOTO_BY_PROVINCE
PROOF_POLICY = registry.PROOF
TRANSFER_PROOF_POLICY = registry.TRANSFER_PROOF
QUALIFICATION_PROOF_POLICY = registry.QUALIFICATION_PROOF


def photo_policy(province_code: str | None) -> registry.UploadPolicy:
    """The photo rule of the province a person belongs to (any code inside the province will do)."""
    return registry.policy_for("photo", province_code)
