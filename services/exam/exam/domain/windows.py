"""Registration and payment windows, evaluated in Beijing time against the platform clock (domain-rules §6.6).

Times are stored in UTC; a window is open from its first instant up to and including its last. Pages show
them as the manual does: 2025-01-08 00:00:00 至 2025-01-24 12:00:00.
"""
from dataclasses import dataclass
from datetime import datetime

from ausm_common.clock import as_utc, beijing_text
from .problems import Refused

STATE_LABELS = {"not_started": "未开始", "open": "点击进入", "ended": "已结束"}


@dataclass(frozen=True)
class Window:
    opens_at: datetime
    closes_at: datetime

    def state(self, now: datetime) -> str:
        now = as_utc(now)
        if now < as_utc(self.opens_at):
            return "not_started"
        if now > as_utc(self.closes_at):
            return "ended"
        return "open"

    def is_open(self, now: datetime) -> bool:
        return self.state(now) == "open"

    def text(self) -> str:
        fmt = "%Y-%m-%d %H:%M:%S"
        return f"{beijing_text(self.opens_at, fmt)} 至 {beijing_text(self.closes_at, fmt)}"


def check_window_order(registration: Window, payment: Window) -> list[tuple[str, str]]:
    """(field, message) for a window that cannot work: closes before it opens, or payment ending before
    registration does (an enrollment submitted at the last minute could never be paid)."""
    out = []
    if as_utc(registration.closes_at) <= as_utc(registration.opens_at):
        out.append(("registration_closes_at", "报名截止时间应晚于报名开始时间"))
    if as_utc(payment.closes_at) <= as_utc(payment.opens_at):
        out.append(("payment_closes_at", "缴费截止时间应晚于缴费开始时间"))
    if as_utc(payment.closes_at) < as_utc(registration.closes_at):
        out.append(("payment_closes_at", "缴费截止时间不能早于报名截止时间"))
    if as_utc(payment.opens_at) < as_utc(registration.opens_at):
        out.append(("payment_opens_at", "缴费开始时间不能早于报名开始时间"))
    return out


def require_registration_open(registration: Window, now: datetime, field: str = "window"):
    """Refuse an enrollment change outside the registration window, saying when it is."""
    state = registration.state(now)
    if state == "not_started":
        raise Refused("WINDOW_NOT_STARTED", f"报名尚未开始（报名时间：{registration.text()}）", field)
    if state == "ended":
        raise Refused("WINDOW_CLOSED", f"报名时间已结束（报名时间：{registration.text()}）", field)


def payment_state(payment: Window, now: datetime) -> str:
    return payment.state(now)
