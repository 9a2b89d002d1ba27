"""Phones, names, passwords, masking, SMS codes and lockout."""
import hashlib
from datetime import date, datetime, timedelta, timezone

import pytest

from identity import domain
from identity.domain import DomainError

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def error(fn, *args, **kwargs):
    with pytest.raises(DomainError) as info:
        fn(*args, **kwargs)
    return info.value


@pytest.mark.parametrize("raw", ["13800138000", "+8619912345678", "008617012345678", "19212345678",
                                 "138 0013 8000", "86-138-0013-8000"])
def test_phones_accepted_and_stored_in_national_form(raw):
    assert len(domain.normalize_phone(raw)) == 11


@pytest.mark.parametrize("raw", ["12012345678", "1380013800", "", "138001380001", "abc"])
def test_phones_refused(raw):
    assert error(domain.normalize_phone, raw).code == "PHONE_INVALID"


@pytest.mark.parametrize("raw, stored", [("张三", "张三"), (" 王  小明 ", "王 小明"), ("阿依古丽•买买提", "阿依古丽·买买提"),
                                         ("John Smith", "John Smith"), ("𠀾䶮", "𠀾䶮")])
def test_names_accepted(raw, stored):
    assert domain.validate_name(raw) == stored


@pytest.mark.parametrize("raw", ["", "张", "张三3", "<script>", "··", "a" * 51])
def test_names_refused(raw):
    assert error(domain.validate_name, raw).code == "NAME_INVALID"


@pytest.mark.parametrize("pw, code", [
    ("Ab#1", "PASSWORD_TOO_SHORT"), ("Ab#1" * 6, "PASSWORD_TOO_LONG"), ("abcdefgh1", "PASSWORD_TOO_SIMPLE"),
    ("abcdefgh#", "PASSWORD_TOO_SIMPLE"), ("12345678#", "PASSWORD_TOO_SIMPLE"), ("Abc 123#x", "PASSWORD_TOO_SIMPLE"),
    ("P@ssw0rd", "PASSWORD_COMMON"),
])
def test_password_policy(pw, code):
    assert error(domain.check_password, pw).code == code


def test_password_may_not_contain_id_or_phone():
    assert error(domain.check_password, "X#231002x", id_number="11010519491231002X").code == "PASSWORD_CONTAINS_ID"
    assert error(domain.check_password, "a#13800138000", phone="13800138000").code == "PASSWORD_CONTAINS_ID"
    domain.check_password("Kuaiji#2025", id_number="11010519491231002X", phone="13800138000")


def test_password_confirm():
    assert error(domain.check_password_confirm, "Kuaiji#2025", "Kuaiji#2026").field == "password_confirm"


def test_masks():
    assert domain.mask_id_number("11010519491231002X") == "110*****002X"
    assert domain.mask_phone("13800138000") == "138****8000"
    assert domain.mask_name("张三丰") == "张**"
    assert domain.mask_name("张三") == "张*"


def test_age_limit():
    domain.check_registration_age(date(2010, 11, 23), date(2026, 11, 23))
    assert error(domain.check_registration_age, date(2010, 11, 24), date(2026, 11, 23)).code == "AGE_TOO_YOUNG"


def test_sms_resend_interval_and_daily_limit():
    err = error(domain.check_sms_send_allowed, NOW - timedelta(seconds=60), 1, NOW)
    assert err.code == "SMS_TOO_FREQUENT" and 119 <= err.extra["retry_after"] <= 121
    domain.check_sms_send_allowed(NOW - timedelta(minutes=3), 9, NOW)
    assert error(domain.check_sms_send_allowed, None, 10, NOW).code == "SMS_DAILY_LIMIT"


SECRET = b"server-secret"


def _state(code="123456", **kw):
    salt = "s"
    return domain.SmsCodeState(code_hash=domain.hash_code(SECRET, code, salt), salt=salt, created_at=NOW, **kw)


def test_sms_code_verification():
    domain.verify_sms_code(_state(), "123456", NOW + timedelta(minutes=2), SECRET)
    assert error(domain.verify_sms_code, _state(), "654321", NOW, SECRET).code == "SMS_CODE_WRONG"
    assert error(domain.verify_sms_code, _state(), "123456", NOW + timedelta(minutes=3, seconds=1), SECRET).code \
        == "SMS_CODE_EXPIRED"
    assert error(domain.verify_sms_code, _state(used_at=NOW), "123456", NOW, SECRET).code == "SMS_CODE_USED"
    assert error(domain.verify_sms_code, _state(attempts=5), "123456", NOW, SECRET).code \
        == "SMS_CODE_TOO_MANY_ATTEMPTS"
    assert error(domain.verify_sms_code, _state(), "", NOW, SECRET).code == "SMS_CODE_REQUIRED"
    assert len(domain.generate_sms_code()) == 6


def test_sms_code_hash_needs_the_server_secret():
    """The database holds the hash and the salt; without the secret, trying all million codes finds nothing."""
    stored, salt = domain.hash_code(SECRET, "042917", "a1b2"), "a1b2"
    assert stored == domain.hash_code(SECRET, "042917", salt)
    assert not [c for c in (f"{n:06d}" for n in range(1_000_000))
                if hashlib.sha256(f"{salt}:{c}".encode()).hexdigest() == stored]
    assert domain.hash_code(b"another-secret", "042917", salt) != stored
    assert domain.hash_code(SECRET, "042917", "c3d4") != stored
    assert error(domain.verify_sms_code, _state(), "123456", NOW, b"another-secret").code == "SMS_CODE_WRONG"


def test_an_unknown_login_name_has_one_counter_whatever_its_spelling():
    pseudonym = domain.login_pseudonym
    assert pseudonym(SECRET, "person", "13912345678") == pseudonym(SECRET, "person", " +86 139-1234-5678 ") \
        == pseudonym(SECRET, "person", "008613912345678")
    assert pseudonym(SECRET, "person", "11010519491231002x") == pseudonym(SECRET, "person", "11010519491231002X ")
    assert pseudonym(SECRET, "staff", "Reviewer330000") == pseudonym(SECRET, "staff", "reviewer330000")
    assert len({pseudonym(SECRET, "person", "13912345678"), pseudonym(SECRET, "person", "13912345679"),
                pseudonym(SECRET, "staff", "13912345678"), pseudonym(b"other", "person", "13912345678")}) == 4
    key = pseudonym(SECRET, "person", "13912345678")
    assert len(key) == 32 and "13912345678" not in key


def test_server_secret_falls_back_to_secret_key():
    from identity.auth import server_secret
    assert server_secret({"SMS_CODE_SECRET": "sms", "SECRET_KEY": "main"}, "SMS_CODE_SECRET") == b"sms"
    assert server_secret({"SMS_CODE_SECRET": "", "SECRET_KEY": "main"}, "SMS_CODE_SECRET") == b"main"
    with pytest.raises(RuntimeError):
        server_secret({"SMS_CODE_SECRET": ""}, "SMS_CODE_SECRET")


def test_lockout_after_five_failures_in_fifteen_minutes():
    four = [NOW - timedelta(minutes=m) for m in (4, 3, 2, 1)]
    assert domain.lockout_until(four, NOW) is None
    five = four + [NOW]
    until = domain.lockout_until(five, NOW)
    assert until == NOW + domain.LOCK_DURATION
    err = error(domain.check_not_locked, until, NOW)
    # the wait is said once, as the Beijing time it ends (08:15 UTC is 16:15 in Beijing)
    assert err.code == "ACCOUNT_LOCKED" and "请于 16:15 后重试" in err.message and "分钟后" not in err.message
    assert "请于 16:16 后重试" in error(domain.check_not_locked, until + timedelta(seconds=20), NOW).message
    assert domain.lockout_until(five, NOW + timedelta(minutes=16)) is None
    spread = [NOW - timedelta(minutes=m) for m in (40, 30, 20, 10, 0)]
    assert domain.lockout_until(spread, NOW) is None
