"""How the exam rules refuse: a DomainError with a stable code, the field it concerns and an HTTP-ish status
(422 a value is wrong, 409 the state does not allow it now, 403 not yours to do)."""
from ausm_common.errors import DomainError


class Refused(DomainError):
    def __init__(self, code: str, message: str, field: str | None = None, status: int = 409,
                 extra: dict | None = None):
        super().__init__(code, message, field, extra)
        self.status = status


from dataclasses import dataclass  # noqa: E402

from ausm_common.errors import RuleViolations  # noqa: E402


@dataclass(frozen=True)
class Problem:
    field: str
    code: str
    message: str


def raise_if(problems: dict[str, str], code: str = "ENROLLMENT_INVALID"):
    """Every problem at once, each named by its field ({field: message})."""
    if problems:
        raise RuleViolations([Problem(field, code, message) for field, message in problems.items()], code,
                             "请按提示修改标红的内容")
