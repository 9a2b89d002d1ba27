"""Money is integer fen everywhere. Channels speak yuan strings ("40.00", Alipay) or fen (WeChat's integer,
UnionPay's digit string); these functions convert at the edge, exactly, without float or Decimal arithmetic."""
import re

from ausm_common.errors import DomainError

YUAN = re.compile(r"^(0|[1-9]\d{0,9})\.(\d{2})$")
FEN_DIGITS = re.compile(r"^(0|[1-9]\d{0,11})$")
MAX_FEN = 100_000_000          # ¥1,000,000.00: no exam fee comes near it


def check_fen(value, field: str = "amount_fen") -> int:
    """An amount as the platform holds it: a positive int (never bool, float or text) below MAX_FEN."""
    if type(value) is not int or value <= 0 or value > MAX_FEN:
        raise DomainError("AMOUNT_INVALID", "金额不正确（应为以分计的正整数）", field)
    return value


def fen_to_yuan(fen: int) -> str:
    """3000 → "30.00" (Alipay's total_amount, and how pages show money)."""
    check_fen(fen) if fen else None
    return f"{fen // 100}.{fen % 100:02d}"


def yuan_to_fen(text) -> int | None:
    """"30.00" → 3000; anything not exactly a yuan amount with two decimals → None."""
    match = YUAN.match(text) if isinstance(text, str) else None
    return int(match.group(1)) * 100 + int(match.group(2)) if match else None


def digits_to_fen(text) -> int | None:
    """UnionPay's txnAmt "3000" → 3000; None unless plain digits."""
    return int(text) if isinstance(text, str) and FEN_DIGITS.match(text) else None


def int_fen(value) -> int | None:
    """WeChat's amount.total: an int in JSON (a bool or float is not an amount)."""
    return value if type(value) is int else None


def same_amount(expected_fen: int, received_fen: int | None) -> bool:
    return received_fen is not None and received_fen == expected_fen
