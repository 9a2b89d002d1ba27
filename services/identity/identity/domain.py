"""Identity rules as plain functions: ID documents, phones, names, passwords, SMS codes, lockout.

Nothing here touches the database or the network, so every rule is unit-tested on its own.
Formats follow ../shared/docs/domain-rules.md §1, §2 and §4.
"""
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ausm_common import id_documents
from ausm_common.clock import beijing
from ausm_common.errors import DomainError as KitDomainError

from .exceptions import DomainError  # noqa: F401  (re-exported: callers catch domain.DomainError)

ID_TYPES = id_documents.ID_TYPES
# The manuals' words (000, 004 §1): every page reads them from identity's options (GET /api/v1/identity/options).
ID_TYPE_LABELS = id_documents.ID_TYPE_LABELS
ID_NUMBER_PLACEHOLDERS = {
    "mainland_id": "请输入18位居民身份证号码",
    "hk_macau_permit": "请输入通行证号码，如 H12345678",
    "taiwan_permit": "请输入8位通行证号码",
    "foreign_passport": "请输入护照号码",
}
NEEDS_NATIONALITY = ("foreign_passport",)


# --- ID documents (the rules live in ausm_common.id_documents, shared with profile's legacy imports) ---------

IdInfo = id_documents.IdInfo
mod11_2_check = id_documents.mod11_2_check
normalize_id_number = id_documents.normalize_id_number


def validate_id_number(id_type: str, raw: str | None, today: date) -> IdInfo:
    """Check an ID number of one of the four registration types; return what it tells about the person."""
    try:
        return id_documents.validate_id_number(id_type, raw, today)
    except KitDomainError as exc:
        raise DomainError(exc.code, exc.message, exc.field) from None


# --- the number read from the ID photo (online real-name) -----------------------------------

ID_PHOTO_CHECKS = {
    "match": "照片上识别的证件号码与注册证件号码一致",
    "mismatch": "照片上识别的证件号码与注册证件号码不一致",
    "unreadable": "未能从照片上识别出证件号码，请人工核对",
    "not_applicable": "该证件类型不识别号码，请人工核对",
    "reading": "正在识别照片上的证件号码",
}


def compare_read_id_number(id_type: str, registered: str, read: list[str] | None, today: date) -> tuple[str, str | None]:
    """(check, the number that counts) for the numbers OCR read on an ID photo. Only a 居民身份证 is read. A read
    number that is a valid ID number (format, date, region, check digit) and not the registered one is a
    mismatch; a number with a wrong check digit is taken for a misreading, never as proof of a difference."""
    if id_type != "mainland_id":
        return "not_applicable", None
    if read and registered in read:
        return "match", registered
    for number in read or ():
        try:
            return "mismatch", validate_id_number("mainland_id", number, today).id_number
        except DomainError:
            continue
    return "unreadable", None


MIN_AGE = 16


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def check_registration_age(birth: date, today: date):
    if age_on(birth, today) < MIN_AGE:
        raise DomainError("AGE_TOO_YOUNG", f"注册人须年满{MIN_AGE}周岁，请核对证件号码", "id_number")


# --- phone and name --------------------------------------------------------------------------

_PHONE = re.compile(r"(?:(?:\+|00)?86)?(1[3-9]\d{9})")


def normalize_phone(raw: str | None) -> str:
    """Accept +86 / 0086 / 86 prefixes, spaces and hyphens; store the 11-digit national form."""
    text = re.sub(r"[\s\-]", "", raw or "")
    match = _PHONE.fullmatch(text)
    if not match:
        raise DomainError("PHONE_INVALID", "请输入正确的11位中国大陆手机号码", "phone")
    return match.group(1)


# Han characters incl. the extension blocks the 生僻字 picker inserts, letters for foreign names,
# the middle dot of minority and transliterated names.
_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134fA-Za-z·•．.'\- ]{2,50}")


def validate_name(raw: str | None) -> str:
    name = re.sub(r"\s+", " ", (raw or "").strip()).replace("•", "·")
    if not name:
        raise DomainError("NAME_INVALID", "请输入真实姓名", "name")
    if not _NAME.fullmatch(name) or not re.search(r"[^\s·.'\-．]", name):
        raise DomainError("NAME_INVALID", "姓名应为2至50个汉字或字母，可含间隔号“·”；生僻字请使用生僻字按钮输入",
                          "name")
    return name


# --- passwords -------------------------------------------------------------------------------

PASSWORD_MIN, PASSWORD_MAX = 8, 20
PASSWORD_POLICY_TEXT = "密码长度8～20位，须同时包含字母、数字和特殊字符（如 # @ ! $ %），不能包含证件号码或手机号"
COMMON_PASSWORDS = frozenset({
    "password1!", "p@ssw0rd", "p@ssword1", "qwer1234!", "admin@123", "abc@1234", "abc123!@#", "1qaz@wsx",
    "1qaz!qaz", "a123456!", "aa123456!", "zxcv1234!", "passw0rd!", "welcome1!", "qwe123!@#", "a1b2c3!@#",
})


def check_password(password: str | None, *, id_number: str | None = None, phone: str | None = None):
    pw = password or ""
    if len(pw) < PASSWORD_MIN:
        raise DomainError("PASSWORD_TOO_SHORT", f"密码至少{PASSWORD_MIN}位", "password")
    if len(pw) > PASSWORD_MAX:
        raise DomainError("PASSWORD_TOO_LONG", f"密码最多{PASSWORD_MAX}位", "password")
    if (not re.search(r"[A-Za-z]", pw) or not re.search(r"\d", pw) or not re.search(r"[^A-Za-z0-9]", pw)
            or re.search(r"\s", pw)):
        raise DomainError("PASSWORD_TOO_SIMPLE", "密码须同时包含字母、数字和特殊字符，且不能含空格", "password")
    lowered = pw.lower()
    for secret in (id_number, phone):
        if secret and len(secret) >= 6 and (secret.lower() in lowered or secret[-6:].lower() in lowered):
            raise DomainError("PASSWORD_CONTAINS_ID", "密码不能包含证件号码或手机号码", "password")
    if lowered in COMMON_PASSWORDS:
        raise DomainError("PASSWORD_COMMON", "该密码过于常见，容易被猜中，请换一个", "password")


def check_password_confirm(password: str | None, confirm: str | None):
    if (password or "") != (confirm or ""):
        raise DomainError("PASSWORD_MISMATCH", "两次输入的密码不一致", "password_confirm")


# --- masking for display: one implementation for every service -----------------------------

from ausm_common.masking import mask_id_number, mask_name, mask_phone  # noqa: E402,F401


# --- SMS codes -------------------------------------------------------------------------------

SMS_CODE_TTL = timedelta(minutes=3)
SMS_RESEND_INTERVAL = timedelta(minutes=3)
SMS_DAILY_LIMIT = 10
SMS_MAX_ATTEMPTS = 5


def beijing_day(moment: datetime) -> date:
    return beijing(moment).date()


def check_sms_send_allowed(last_sent_at: datetime | None, sent_today: int, now: datetime):
    """One code per phone and purpose every 3 minutes, at most 10 a Beijing day per phone."""
    if last_sent_at is not None and now - last_sent_at < SMS_RESEND_INTERVAL:
        wait = int((SMS_RESEND_INTERVAL - (now - last_sent_at)).total_seconds()) + 1
        raise DomainError("SMS_TOO_FREQUENT", f"验证码已发送，请{wait}秒后再重新获取", "phone",
                          {"retry_after": wait})
    if sent_today >= SMS_DAILY_LIMIT:
        raise DomainError("SMS_DAILY_LIMIT", f"该手机号今日获取验证码已达{SMS_DAILY_LIMIT}次，请明日再试", "phone")


def generate_sms_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def hash_code(secret: bytes, code: str, salt: str) -> str:
    """HMAC-SHA256 keyed with the server's secret. A plain hash of a 6-digit code is reversed by trying all
    million codes; without the secret, the database alone gives nothing away. The per-row salt keeps two
    equal codes from having equal hashes."""
    return hmac.new(secret, f"{salt}:{code}".encode(), hashlib.sha256).hexdigest()


@dataclass
class SmsCodeState:
    code_hash: str
    salt: str
    created_at: datetime
    attempts: int = 0
    used_at: datetime | None = None


def verify_sms_code(state: SmsCodeState, code: str, now: datetime, secret: bytes):
    def fail(err, message):
        raise DomainError(err, message, "sms_code")

    if not code:
        fail("SMS_CODE_REQUIRED", "请输入短信验证码")
    if state.used_at is not None:
        fail("SMS_CODE_USED", "该短信验证码已使用，请重新获取")
    if now - state.created_at > SMS_CODE_TTL:
        fail("SMS_CODE_EXPIRED", "短信验证码已过期，请重新获取")
    if state.attempts >= SMS_MAX_ATTEMPTS:
        fail("SMS_CODE_TOO_MANY_ATTEMPTS", "短信验证码输错次数过多，请重新获取")
    if not hmac.compare_digest(state.code_hash, hash_code(secret, code, state.salt)):
        left = SMS_MAX_ATTEMPTS - state.attempts - 1
        fail("SMS_CODE_WRONG", f"短信验证码错误，还可尝试{left}次" if left else "短信验证码错误，请重新获取")


# --- login lockout ---------------------------------------------------------------------------

LOCK_THRESHOLD = 5
LOCK_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)


def lockout_until(failures: list[datetime], now: datetime) -> datetime | None:
    """Five failures within any 15 minutes lock the account (for that client) for 15 minutes after the fifth."""
    times = sorted(failures)
    until = None
    for i in range(LOCK_THRESHOLD - 1, len(times)):
        if times[i] - times[i - LOCK_THRESHOLD + 1] <= LOCK_WINDOW:
            until = times[i] + LOCK_DURATION
    return until if until and until > now else None


def login_pseudonym(secret: bytes, kind: str, login: str | None) -> str:
    """The failure counter of a login name that matches no account: keyed per kind (person or staff) and per
    name in the form the account lookup uses (a person's phone with or without +86 is one name), so an unknown
    name is counted and locked exactly like an account would be. Keyed, so the stored value gives no name away."""
    name = (login or "").strip()
    if kind == "staff":
        name = name.lower()
    else:
        name = name.upper()
        try:
            name = normalize_phone(name)
        except DomainError:
            pass
    return hmac.new(secret, f"login:{kind}:{name}".encode(), hashlib.sha256).hexdigest()[:32]


def retry_at_text(until: datetime) -> str:
    """The one way a wait is said: "请于 13:12 后重试" (Beijing time, rounded up to the minute)."""
    moment = beijing(until)
    if moment.second or moment.microsecond:
        moment = moment.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return f"请于 {moment:%H:%M} 后重试"


def check_not_locked(until: datetime | None, now: datetime):
    if until is not None and until > now:
        raise DomainError("ACCOUNT_LOCKED", f"密码连续输错{LOCK_THRESHOLD}次，账号已被临时锁定，{retry_at_text(until)}，"
                          "或通过“忘记密码”重置", None, {"locked_until": until.isoformat()})
