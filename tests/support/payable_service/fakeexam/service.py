from datetime import datetime, timedelta

from ausm_common import service as kit
from ausm_common.errors import Conflict, not_found
from ausm_common.masking import mask_name
from ausm_common.outbox import record_event
from ausm_common.service import entrypoint, handle_event

from .models import KIT, Enrollment

SUBJECTS = [{"code": "intermediate_accounting", "name": "中级会计实务", "fee_fen": 6000},
            {"code": "financial_management", "name": "财务管理", "fee_fen": 6000}]


class FakeExamService(kit.ServiceBase):
    name = "exam"
    tables = KIT

    @entrypoint
    def fake_enroll(self, data):
        """Test set-up: an approved enrollment of `payer_id` (a paid-for amount and a payment window)."""
        deadline = datetime.fromisoformat(data["deadline"]) if data.get("deadline") else \
            self.clock.now() + timedelta(days=3)
        with self.db.get_session() as session:
            session.add(Enrollment(id=data["id"], payer_id=data["payer_id"],
                                   amount_fen=int(data.get("amount_fen", 12000)), deadline=deadline,
                                   province_code=data.get("province_code", "330000"), status="approved",
                                   payments_seen=0, refunds_seen=[]))
        return {"id": data["id"]}

    @entrypoint
    def fake_state(self, enrollment_id):
        with self.db.get_session() as session:
            row = session.get(Enrollment, enrollment_id)
            return {"status": row.status, "paid_order_no": row.paid_order_no, "payments_seen": row.payments_seen,
                    "refunds_seen": row.refunds_seen}

    @entrypoint
    def payable(self, enrollment_id):
        self.caller.service("payment")
        with self.db.get_session() as session:
            row = session.get(Enrollment, enrollment_id)
            if row is None:
                raise not_found("报名")
            if self.caller.kind == "person" and self.caller.user["id"] != row.payer_id:
                raise not_found("报名")
            if row.status == "paid":
                raise Conflict("NOT_PAYABLE", "该报名已缴费")
            if row.status != "approved" or self.clock.now() >= row.deadline:
                raise Conflict("NOT_PAYABLE", "缴费时间已结束" if row.status == "approved" else "该报名已删除")
            return {"ref": f"exam:{row.id}", "payer_id": row.payer_id, "amount_fen": row.amount_fen,
                    "description": "2026年度中级会计专业技术资格考试报名费（中级会计实务、财务管理）",
                    "deadline": row.deadline.isoformat(), "province_code": row.province_code,
                    "enrollment_no": f"33{row.id[:10]}",
                    "summary": {"name": mask_name("陈静"), "level": "intermediate", "level_label": "中级",
                                "subjects": SUBJECTS, "site": "杭州市上城区报名点", "enrollment_no": f"33{row.id[:10]}"}}

    @handle_event("payment", "payment_succeeded")
    def handle_payment_succeeded(self, session, event):
        row = session.get(Enrollment, event["ref_id"], with_for_update=True)
        if row is None:
            return
        row.payments_seen += 1
        if row.status == "approved" and event["amount_fen"] == row.amount_fen:
            row.status, row.paid_order_no = "paid", event["order_no"]
        elif row.paid_order_no != event["order_no"]:
            record_event(session, KIT.outbox, "enrollment_payment_rejected",
                         {"ref": event["ref"], "ref_id": row.id, "order_no": event["order_no"],
                          "amount_fen": event["amount_fen"], "reason": "该报名已由其他订单缴费"})

    @handle_event("payment", "payment_refunded")
    def handle_payment_refunded(self, session, event):
        row = session.get(Enrollment, event["ref_id"], with_for_update=True)
        if row is not None:
            row.refunds_seen = [*row.refunds_seen, event["refund_no"]]
