"""报名注册号 and the verification code printed as a QR on the registration form."""
import hashlib
import hmac

LEVEL_DIGITS = {"junior": "1", "intermediate": "2", "senior": "3"}


def enrollment_no(year: int, region_code: str, level: str, sequence: int) -> str:
    """Year, region (4 digits: 大连 2102 is not 辽宁 2100), level and a sequence: 2026 3300 1 0000042 →
    2026330010000042 (16 digits)."""
    return f"{year:04d}{region_code[:4]}{LEVEL_DIGITS[level]}{sequence % 10**7:07d}"


def verification_code(secret: bytes, enrollment_no_: str, enrollment_id: str) -> str:
    return hmac.new(secret, f"exam-form|{enrollment_no_}|{enrollment_id}".encode(), hashlib.sha256).hexdigest()[:16]


def check_code(secret: bytes, enrollment_no_: str, enrollment_id: str, code: str) -> bool:
    return hmac.compare_digest(verification_code(secret, enrollment_no_, enrollment_id), code or "")
