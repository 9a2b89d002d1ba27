"""The four ID documents a person registers with (domain-rules §1, §2): one set of rules for every service.

identity checks what a person types at registration; profile checks what a province's old platform sends in a
legacy import (where a 10-digit 台湾居民来往大陆通行证 number, the pre-2015 form, is still accepted). Plain
functions; a broken rule raises the kit's DomainError with field `id_number` (or `id_type`)."""
import re
from dataclasses import dataclass
from datetime import date

from .divisions import PROVINCE_PREFIXES
from .errors import DomainError

ID_TYPES = ("mainland_id", "hk_macau_permit", "taiwan_permit", "foreign_passport")
ID_TYPE_LABELS = {
    "mainland_id": "内地居民身份证",
    "hk_macau_permit": "港澳居民来往内地通行证",
    "taiwan_permit": "台湾居民来往大陆通行证",
    "foreign_passport": "护照（外国）",
}


@dataclass(frozen=True)
class IdInfo:
    id_type: str
    id_number: str
    birth_date: date | None
    gender: str | None          # "male" / "female", known only from a mainland ID
    region_code: str | None     # the 6-digit address code of a mainland ID
    dedupe_key: str             # one person, one account: the part of the number that never changes


_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_MAINLAND = re.compile(r"[1-9]\d{5}(18|19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])\d{3}[\dX]")
_HK_MACAU = re.compile(r"[HM]\d{8}(\d{2})?")
_TAIWAN = re.compile(r"\d{8}")
_TAIWAN_LEGACY = re.compile(r"\d{8}(\d{2})?")
_PASSPORT = re.compile(r"[A-Z0-9]{5,17}")


def mod11_2_check(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of GB 11643 (domain-rules §1.2)."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS))
    return "10X98765432"[total % 11]


def normalize_id_number(raw: str | None) -> str:
    """Upper-case, drop spaces, hyphens and brackets users type or paste; full-width forms to ASCII."""
    text = (raw or "").translate({0x3000: 0x20, **{c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}})
    return re.sub(r"[\s\-()（）]", "", text).upper()


def _fail(code, message):
    raise DomainError(code, message, "id_number")


def _mainland(number: str, today: date) -> IdInfo:
    if len(number) != 18 or not _MAINLAND.fullmatch(number):
        _fail("ID_NUMBER_FORMAT", "身份证号码应为18位，前17位为数字，最后一位为数字或X，请核对")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        _fail("ID_NUMBER_BIRTHDATE", "身份证号码中的出生日期不存在，请核对")
    if born > today:
        _fail("ID_NUMBER_BIRTHDATE", "身份证号码中的出生日期晚于今天，请核对")
    if number[:2] not in PROVINCE_PREFIXES:
        _fail("ID_NUMBER_REGION", "身份证号码前两位不是有效的省级行政区划代码，请核对")
    if mod11_2_check(number[:17]) != number[17]:
        _fail("ID_NUMBER_CHECKSUM", "身份证号码校验位不正确，请核对是否输入有误")
    gender = "male" if int(number[16]) % 2 else "female"
    return IdInfo("mainland_id", number, born, gender, number[:6], "mainland_id:" + number)


def validate_id_number(id_type: str, raw: str | None, today: date, legacy: bool = False) -> IdInfo:
    """Check an ID number of one of the four registration types; return what it tells about the person.
    `legacy`: a record from an old provincial platform, which may hold a 10-digit 台湾居民来往大陆通行证 number."""
    if id_type not in ID_TYPES:
        raise DomainError("ID_TYPE_INVALID", "请选择证件类型", "id_type")
    number = normalize_id_number(raw)
    if not number:
        _fail("ID_NUMBER_REQUIRED", "请输入证件号码")
    if id_type == "mainland_id":
        return _mainland(number, today)
    if id_type == "hk_macau_permit":
        if not _HK_MACAU.fullmatch(number):
            _fail("ID_NUMBER_FORMAT", "港澳居民来往内地通行证号码应为H或M开头加8位数字（旧版证件另加2位换证次数）")
        return IdInfo(id_type, number, None, None, None, "hk_macau_permit:" + number[:9])
    if id_type == "taiwan_permit":
        if not (_TAIWAN_LEGACY if legacy else _TAIWAN).fullmatch(number):
            _fail("ID_NUMBER_FORMAT", "台湾居民来往大陆通行证号码应为8位数字" + ("（旧版为10位）" if legacy else ""))
        return IdInfo(id_type, number, None, None, None, "taiwan_permit:" + number)
    if not _PASSPORT.fullmatch(number):
        _fail("ID_NUMBER_FORMAT", "护照号码应为5至17位字母或数字")
    return IdInfo(id_type, number, None, None, None, "foreign_passport:" + number)
