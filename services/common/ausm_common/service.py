"""Small pieces every nameko service shares."""
from marshmallow import ValidationError

from .errors import schema_errors


def load(schema, data: dict) -> dict:
    """Load an RPC input with the service's own schema (other callers exist besides the gateway)."""
    try:
        return schema.load(data or {})
    except ValidationError as exc:
        raise schema_errors(exc.messages)
