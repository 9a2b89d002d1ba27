"""Order and refund numbers a person can read out on the phone: digits only (no O/0 or I/1 to confuse), grouped in
fours when shown, with a Luhn check digit so a misheard or mistyped number is caught before any lookup.

    2611 2704 8295 1736   = Beijing date 261127 + 9 random digits + check digit

16 digits fit every channel (Alipay out_trade_no ≤ 64, WeChat 6–32, UnionPay orderId 8–40 alphanumerics)."""
import re
import secrets
from datetime import datetime

from ausm_common.clock import beijing

LENGTH = 16


def luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return str((10 - total % 10) % 10)


def new_order_no(now: datetime) -> str:
    body = beijing(now).strftime("%y%m%d") + f"{secrets.randbelow(10 ** 9):09d}"
    return body + luhn_digit(body)


def normalize(text: str) -> str:
    """What a person typed or read: spaces and dashes dropped."""
    return re.sub(r"[\s-]", "", text or "")


def is_valid(order_no: str) -> bool:
    return bool(re.fullmatch(r"\d{%d}" % LENGTH, order_no or "")) and luhn_digit(order_no[:-1]) == order_no[-1]


def grouped(order_no: str) -> str:
    return " ".join(order_no[i:i + 4] for i in range(0, len(order_no), 4))


def refund_no(order_no: str, sequence: int) -> str:
    """The n-th refund of an order: 2611270482951736R1 (alphanumeric, as every channel's refund number allows)."""
    return f"{order_no}R{sequence}"
