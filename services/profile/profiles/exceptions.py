"""The exceptions the profile rules raise; entrypoints turn them into AppErrors."""


class DomainError(Exception):
    """A broken rule: a stable code, a Chinese message for the user and the field it concerns."""

    def __init__(self, code: str, message: str, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.code, self.message, self.field, self.extra = code, message, field, extra or {}


class RuleViolations(DomainError):
    """Several broken rules at once, each a `domain.Problem` naming its field (`education.1.end_date`)."""

    def __init__(self, problems: list):
        super().__init__("VALIDATION_FAILED", "请按提示修改标红的内容")
        self.problems = list(problems)
