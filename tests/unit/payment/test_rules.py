"""The payment rules without I/O: money in integer fen, order numbers, order states, expiry, what a payable
reference must say and what becomes of each payment."""
from datetime import datetime, timedelta, timezone

import pytest

from ausm_common.errors import DomainError
from payment import domain, money, order_numbers

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=timezone.utc)


# --- money ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,fen", [("120.00", 12000), ("0.01", 1), ("40.50", 4050), ("1000000.00", 100000000)])
def test_yuan_strings_convert_to_fen_exactly(text, fen):
    assert money.yuan_to_fen(text) == fen and money.fen_to_yuan(fen) == text


@pytest.mark.parametrize("text", ["120", "120.0", "1.005", "01.00", "-1.00", "1e2", " 1.00", "1,000.00", 120.0, None])
def test_anything_but_an_exact_two_decimal_yuan_amount_is_no_amount(text):
    assert money.yuan_to_fen(text) is None


@pytest.mark.parametrize("value", [0, -1, 120.0, "12000", True, None, 10 ** 9])
def test_the_platform_holds_only_positive_int_fen(value):
    with pytest.raises(DomainError):
        money.check_fen(value)


def test_wechat_and_unionpay_amounts_are_int_and_digit_strings_only():
    assert money.int_fen(12000) == 12000 and money.int_fen(12000.0) is None and money.int_fen(True) is None
    assert money.digits_to_fen("12000") == 12000 and money.digits_to_fen("012000") is None
    assert money.digits_to_fen("120.00") is None
    assert money.same_amount(12000, 12000) and not money.same_amount(12000, 12001)
    assert not money.same_amount(12000, None)


# --- order numbers ---------------------------------------------------------------------------------------

def test_order_numbers_are_16_digits_of_beijing_date_random_and_a_check_digit():
    numbers = {order_numbers.new_order_no(NOW) for _ in range(200)}
    assert len(numbers) == 200
    for number in numbers:
        assert len(number) == 16 and number.isdigit() and number.startswith("260310")
        assert order_numbers.is_valid(number)
    late = order_numbers.new_order_no(datetime(2026, 3, 10, 17, 0, tzinfo=timezone.utc))   # 01:00 in Beijing
    assert late.startswith("260311")


def test_a_misheard_digit_or_swapped_neighbours_are_caught_by_the_check_digit():
    number = order_numbers.new_order_no(NOW)
    for i in range(15):
        for d in "0123456789":
            if d != number[i]:
                assert not order_numbers.is_valid(number[:i] + d + number[i + 1:])
    swaps = [number[:i] + number[i + 1] + number[i] + number[i + 2:] for i in range(15)
             if number[i] != number[i + 1] and {number[i], number[i + 1]} != {"0", "9"}]
    assert swaps and not any(order_numbers.is_valid(s) for s in swaps)


def test_order_numbers_read_in_groups_of_four_and_typed_with_spaces():
    assert order_numbers.grouped("2603100482951736") == "2603 1004 8295 1736"
    assert order_numbers.normalize("2603 1004-8295 1736") == "2603100482951736"
    assert order_numbers.refund_no("2603100482951736", 2) == "2603100482951736R2"


# --- states ----------------------------------------------------------------------------------------------

def test_orders_move_forward_only():
    allowed = {(a, b) for a in domain.STATUS_LABELS for b in domain.STATUS_LABELS if domain.can_move(a, b)}
    assert allowed == {("pending", "paid"), ("pending", "closed"), ("closed", "paid"), ("paid", "refunded")}
    assert not domain.can_move("paid", "closed") and not domain.can_move("refunded", "paid")
    assert domain.status_label("refunded", 24000, 12000) == "部分退款"
    assert domain.status_label("refunded", 12000, 12000) == "已退款"


def test_the_qr_lasts_15_minutes_never_past_the_payment_window():
    assert domain.order_expiry(NOW, NOW + timedelta(days=2)) == NOW + timedelta(minutes=15)
    assert domain.order_expiry(NOW, NOW + timedelta(minutes=5)) == NOW + timedelta(minutes=5)
    with pytest.raises(DomainError) as closed:
        domain.order_expiry(NOW, NOW + timedelta(seconds=30))
    assert closed.value.code == "PAYMENT_WINDOW_CLOSED" and closed.value.status == 409


def test_the_first_payment_on_an_open_order_settles_and_every_other_is_refunded_with_its_reason():
    expires = NOW + timedelta(minutes=15)
    assert domain.dispose("pending", expires, NOW, False, False) == domain.Disposition(True)
    assert domain.dispose("pending", expires, NOW, False, True).reason == "paid_twice"
    assert domain.dispose("closed", expires, NOW, False, False).reason == "paid_after_close"
    assert domain.dispose("pending", expires, expires + timedelta(seconds=1), False, False).reason == \
        "paid_after_close"
    assert domain.dispose("paid", expires, NOW, True, True).reason == "paid_twice_same_order"
    assert all(domain.REFUND_REASONS[r].endswith("原路退回") for r in domain.REFUND_REASONS)


def test_a_refund_never_exceeds_what_was_paid():
    assert domain.refund_allowed(12000, 0, 12000) == 12000
    assert domain.refund_allowed(12000, 6000, 6000) == 6000
    with pytest.raises(DomainError):
        domain.refund_allowed(12000, 6000, 6001)
    with pytest.raises(DomainError):
        domain.refund_allowed(12000, 0, 0)


# --- payable references ---------------------------------------------------------------------------------

def answer(**overrides):
    return {"ref": "exam:e1", "payer_id": "p1", "amount_fen": 12000, "description": "报名费",
            "deadline": (NOW + timedelta(days=1)).isoformat(), "province_code": "330000", "summary": {"name": "陈*"},
            **overrides}


def test_the_amount_comes_from_payable_checked_on_the_way_in():
    payable = domain.read_payable(answer(), "exam:e1", "p1")
    assert payable.amount_fen == 12000 and payable.province_code == "330000" and payable.summary == {"name": "陈*"}
    assert payable.warnings == ()
    warned = domain.read_payable(answer(warnings=["会计工作年限还差10个月"]), "exam:e1", "p1")
    assert warned.warnings == ("会计工作年限还差10个月",)
    assert domain.read_payable(answer(warnings="x"), "exam:e1", "p1").warnings == ()
    for bad in ({"amount_fen": 120.0}, {"amount_fen": "12000"}, {"amount_fen": 0}, {"ref": "exam:e2"},
                {"deadline": "2026-03-11T10:00:00"}, {"province_code": "33"}):
        with pytest.raises(DomainError):
            domain.read_payable(answer(**bad), "exam:e1", "p1")
    with pytest.raises(DomainError) as other:
        domain.read_payable(answer(), "exam:e1", "p2")
    assert other.value.status == 403


def test_references_name_the_service_that_answers_payable():
    assert domain.parse_ref("exam:4f3a-9") == ("exam", "4f3a-9")
    for bad in ("exam", "exam:", ":x", "Exam:x", "exam:x y", "exam:../x"):
        with pytest.raises(DomainError):
            domain.parse_ref(bad)


def test_payment_succeeded_names_the_province_the_order_was_made_for():
    """Provinces subscribe to it (identity's webhooks route it by province_code)."""
    from datetime import datetime, timezone
    from types import SimpleNamespace

    from payment.orders import succeeded_event
    order = SimpleNamespace(order_no="P1", ref="exam:e1", ref_service="exam", ref_id="e1", payer_id="a1",
                            province_code="330000", channel="alipay")
    paid = SimpleNamespace(amount_fen=14000, channel_txn_id="t1", paid_at=datetime(2026, 11, 27, tzinfo=timezone.utc))
    event = succeeded_event(order, paid)
    assert event["province_code"] == "330000" and event["ref"] == "exam:e1" and event["amount_fen"] == 14000
