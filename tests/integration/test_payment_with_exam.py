"""The payment seam with the real exam service (shared brief exam-payment-seam.md): the amount and summary come
from exam.payable, a payment registers the enrollment (exam's payable refuses it as 已缴费), and a second payment
of the same enrollment is refunded without undoing the registration."""
import pytest

from ausm_common.errors import AppError
from tests.integration import exam_helpers
from tests.integration.test_payment import (logs, open_order, pay, payment_db, payment_service, pdb,  # noqa: F401
                                            relay, sandbox, wait_for)


@pytest.fixture(scope="module")
def payable_enrollment(rpc, store, exam):
    return exam_helpers.payable_enrollment(rpc, store)


def test_exam_payable_pays_registers_once_and_refunds_a_second_payment(rpc, payment_service, payable_enrollment,
                                                                       sandbox, pdb):
    person, enrollment_id = payable_enrollment
    answer = rpc.as_service("payment").exam.payable(enrollment_id)
    order = open_order(rpc, person, enrollment_id, "wechat")
    assert order["amount_fen"] == answer["amount_fen"] > 0 and order["summary"] == answer["summary"]
    pay(sandbox, "wechat", order["order_no"])

    def registered():
        try:
            rpc.as_service("payment").exam.payable(enrollment_id)
            return False
        except AppError as exc:
            return exc.code == "NOT_PAYABLE"
    wait_for(registered, 60, "exam to register the paid enrollment")
    pay(sandbox, "wechat", order["order_no"], again=True)
    wait_for(lambda: rpc.as_caller(person).payment.get_order(order["order_no"])["refunds"] and
             rpc.as_caller(person).payment.get_order(order["order_no"])["refunds"][0]["status"] == "succeeded", 60,
             "the second payment's refund")
    assert registered()
