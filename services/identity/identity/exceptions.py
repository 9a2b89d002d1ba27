"""The one exception the identity rules raise; entrypoints turn it into an AppError."""


class DomainError(Exception):
    """A broken rule: a stable code, a Chinese message for the user and the field it concerns."""

    def __init__(self, code: str, message: str, field: str | None = None, extra: dict | None = None):
        super().__init__(message)
        self.code, self.message, self.field, self.extra = code, message, field, extra or {}
