"""The exceptions the identity rules raise; the kit's entrypoint turns them into AppErrors."""
from ausm_common.errors import DomainError as KitDomainError

THROTTLED = ("SMS_TOO_FREQUENT", "SMS_DAILY_LIMIT", "ACCOUNT_LOCKED")


class DomainError(KitDomainError):
    """A broken rule: a stable code, a Chinese message for the user and the field it concerns."""

    @property
    def status(self) -> int:
        return 429 if self.code in THROTTLED else 422
