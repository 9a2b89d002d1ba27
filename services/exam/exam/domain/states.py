"""The enrollment's states (issue 8 §5) and the transitions between them.

草稿 → 待审核 → 审核退回 / 审核通过(待缴费) → 已缴费(报名成功); 已放弃; 已删除 (and 审核不通过, which releases the seat).
Transitions only move forward; a returned enrollment goes back to 待审核 when its fix is submitted, which is the one
loop the manual has. Asking for the state an enrollment is already in changes nothing (idempotent), so a
redelivered event or a repeated click is harmless.
"""
from .codes import STATUSES
from .problems import Refused

TRANSITIONS = {
    "draft": {"submitted", "approved", "deleted", "abandoned"},
    "submitted": {"approved", "returned", "rejected", "deleted", "abandoned"},
    "returned": {"submitted", "deleted", "abandoned", "rejected"},
    "approved": {"paid", "deleted", "abandoned"},
    "paid": {"abandoned"},          # only when the settling payment is refunded in full
    "rejected": set(),
    "abandoned": set(),
    "deleted": set(),
}
SEAT_HOLDING = ("submitted", "returned", "approved", "paid")


def can_move(current: str, target: str) -> bool:
    return current == target or target in TRANSITIONS.get(current, set())


def move(current: str, target: str) -> bool:
    """True when the state changes, False when it already is `target`; refuses a move backwards."""
    if current == target:
        return False
    if target not in TRANSITIONS.get(current, set()):
        now_label, target_label = STATUSES.get(current, current), STATUSES.get(target, target)
        raise Refused("STATE_CONFLICT", f"报名当前状态为“{now_label}”，不能变为“{target_label}”", "status")
    return True


def releases_seat(current: str, target: str) -> bool:
    return current in SEAT_HOLDING and target not in SEAT_HOLDING


def after_submission(review_mode: str) -> str:
    """考前: wait for review; 考后 or none: payable at once."""
    return "submitted" if review_mode == "pre_exam" else "approved"


def step_of(status: str, review_mode: str, draft_step: int = 1) -> int:
    """Where the step bar stands: 1 填写报名信息 … 6 报名成功."""
    if status in ("draft", "returned"):
        return draft_step if status == "draft" else 1
    if status == "submitted":
        return 4
    if status == "approved":
        return 5
    if status == "paid":
        return 6
    return 4
