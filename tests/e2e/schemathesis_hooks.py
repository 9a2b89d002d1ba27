"""Schemathesis hooks for tests/e2e/test_fuzz.py (loaded through SCHEMATHESIS_HOOKS): the province API's bulk
jobs take their body as text (CSV or JSON lines; `{"type": "string", "minLength": 1}` in the document), sent as
the generated string's UTF-8 bytes. A negative case that is not a string at all has no form on the wire as text;
it is sent as an empty body, the one text body the document refuses (and the API answers 422 UPLOAD_EMPTY)."""
import schemathesis


@schemathesis.serializer("text/csv", "application/x-ndjson")
def as_text(ctx, value):
    if isinstance(value, bytes):
        return value
    return value.encode("utf-8") if isinstance(value, str) else b""
