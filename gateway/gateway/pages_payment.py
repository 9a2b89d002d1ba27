"""Browser pages of the payment service: 网上缴费 (step 5 of an enrollment), 我的订单, and the finance staff's
orders, refunds and reconciliation. The pages hold no logic: their scripts call the JSON API."""
from flask import Blueprint, render_template

from .pages import _need

blp = Blueprint("payment_pages", __name__)


@blp.route("/exam/enrollments/<enrollment_id>/payment")
def enrollment_payment(enrollment_id):
    return _need("person", "pages.login") or render_template("payment/pay.html", ref=f"exam:{enrollment_id}",
                                                             enrollment_id=enrollment_id)


@blp.route("/me/orders")
def my_orders():
    return _need("person", "pages.login") or render_template("payment/orders.html")


@blp.route("/staff/finance")
def finance():
    return _need("staff", "pages.staff_login") or render_template("payment/finance.html")
