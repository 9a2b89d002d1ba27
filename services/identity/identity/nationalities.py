"""国籍 of a foreign passport holder: every ISO 3166-1 country with its Chinese name.

The list and the Chinese names are pycountry's (the Debian iso-codes data and its zh_CN translations, pinned in
requirements.txt), so a new or renamed country is a version bump, not an edit here. China itself and its regions
register with their own documents (居民身份证, 港澳 and 台湾 permits), so they are not a passport's nationality.
"""
import functools
import gettext

import pycountry

from .exceptions import DomainError

NOT_FOREIGN = frozenset({"CHN", "HKG", "MAC", "TWN"})
SOURCE = f"ISO 3166-1（pycountry {pycountry.__version__}）"


@functools.lru_cache(maxsize=1)
def nationalities() -> tuple[dict, ...]:
    """[{code: alpha-3, name: Chinese (the common name where ISO has one), name_en}], in ISO's order."""
    zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"], fallback=True).gettext
    out = []
    for country in pycountry.countries:
        if country.alpha_3 in NOT_FOREIGN:
            continue
        english = getattr(country, "common_name", None) or country.name
        out.append({"code": country.alpha_3, "name": zh(english), "name_en": english})
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _names() -> dict:
    return {c["code"]: c["name"] for c in nationalities()}


def nationality_name(code: str | None) -> str | None:
    return _names().get(code or "")


def check_nationality(id_type: str, raw: str | None) -> str | None:
    """The nationality a registration keeps: an ISO alpha-3 code for a foreign passport, nothing otherwise."""
    if id_type != "foreign_passport":
        return None
    code = (raw or "").strip().upper()
    if not code:
        raise DomainError("NATIONALITY_REQUIRED", "护照（外国）注册请选择国籍", "nationality")
    if code not in _names():
        raise DomainError("NATIONALITY_INVALID", "国籍不在可选范围内，请从列表中选择", "nationality")
    return code
