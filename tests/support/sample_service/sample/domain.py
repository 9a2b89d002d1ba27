"""The sample's one rule, as a plain function."""
from ausm_common.errors import DomainError


def check_text(text: str) -> str:
    if "禁止" in text:
        raise DomainError("TEXT_FORBIDDEN", "内容含有不允许的词语", "text")
    return text.strip()
