"""The exceptions the profile rules raise (the kit's, so its entrypoint turns them into AppErrors)."""
from ausm_common.errors import DomainError, RuleViolations

__all__ = ["DomainError", "RuleViolations"]
