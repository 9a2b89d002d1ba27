"""The payment service (built on the kit's ServiceBase, imported as `kit.` so that `nameko run` finds only this
module's service class): thin entrypoints over orders, flows, notifications and reconcile."""
import logging

from nameko.extensions import DependencyProvider
from nameko.timer import timer
from sqlalchemy import select

from ausm_common import service as kit
from ausm_common.errors import AppError, not_found
from ausm_common.service import entrypoint, handle_event, load

from . import domain, flows, money, notifications, orders, reconcile, schemas, staff as finance, views
from .adapters import build_channels
from .models import KIT, AuditEntry, Order, Refund

log = logging.getLogger(__name__)


class Channels(DependencyProvider):
    """The channel adapters, chosen by config (sandbox or the merchant's real settings)."""

    def setup(self):
        self.channels = build_channels(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.channels


class PaymentService(kit.ServiceBase):
    name = "payment"
    tables = KIT

    channels = Channels()

    # --- helpers --------------------------------------------------------------------------
    def _ctx(self) -> flows.Ctx:
        return flows.Ctx(self.db, self.channels, self.clock.now,
                         str(self.config.get("PAYMENT_NOTIFY_BASE_URL") or "http://127.0.0.1:8000"))

    def _payable(self, ref: str, person_id: str | None) -> domain.Payable:
        service, ref_id = domain.parse_ref(ref)
        return domain.read_payable(getattr(self.services, service).payable(ref_id), ref, person_id)

    def _owned(self, session, order_no: str) -> Order:
        order = session.get(Order, order_no)
        caller = self.caller
        platform_service = caller.via not in (None, "gateway") and caller.kind is None
        if order is None or not (platform_service or caller.kind == "person" and order.payer_id == caller.user["id"]):
            raise not_found("订单")
        return order

    def _view(self, session, order: Order, with_qr=True) -> dict:
        refunds = session.scalars(select(Refund).where(Refund.order_no == order.order_no)
                                  .order_by(Refund.created_at)).all()
        return views.order_view(order, refunds, self.clock.now(), with_qr=with_qr)

    # --- the person's orders -----------------------------------------------------------------
    @entrypoint
    def channels_offered(self):
        return [{"code": c, "label": domain.CHANNEL_LABELS[c]} for c in domain.CHANNELS if c in self.channels]

    @entrypoint
    def get_payable(self, ref):
        """The payment page: what is payable (from its owner), and this person's orders for it."""
        person = self.caller.person_id()
        try:
            payable, refusal = self._payable(ref, person), None
        except AppError as exc:
            if exc.code not in ("NOT_PAYABLE",):
                raise
            payable, refusal = None, {"code": exc.code, "message": exc.message}
        with self.db.get_session() as session:
            rows = session.scalars(select(Order).where(Order.ref == ref, Order.payer_id == person)
                                   .order_by(Order.created_at.desc())).all()
            mine = [self._view(session, o) for o in rows]
        summary = payable.summary if payable else (mine[0]["summary"] if mine else {})
        return {"ref": ref, "summary": summary, "refusal": refusal, "orders": mine,
                "payable": None if payable is None else {
                    "amount_fen": payable.amount_fen, "amount_yuan": money.fen_to_yuan(payable.amount_fen),
                    "description": payable.description, "deadline": payable.deadline.isoformat(),
                    "warnings": list(payable.warnings)},
                "open_order": next((o for o in mine if o["status"] == "pending"), None),
                "settled_order": next((o for o in mine if o["settled"]), None),
                "channels": self.channels_offered()}

    @entrypoint(sensitive=("data",))
    def create_order(self, data):
        """生成订单: after the phone's SMS code (identity checks and uses it up), the QR of the chosen channel."""
        person = self.caller.person_id()
        data = load(schemas.CreateOrderSchema(), data)
        phone = schemas.national_phone(data["phone"])
        self.services.identity.verify_sms_code(phone, "payment", data["sms_code"])
        payable = self._payable(data["ref"], person)
        order_no = flows.open_order(self._ctx(), payable, data["channel"], phone, data["email"])
        with self.db.get_session() as session:
            return self._view(session, session.get(Order, order_no))

    @entrypoint
    def switch_channel(self, order_no, data):
        """Another channel for the same reference: the open order is closed at its channel first."""
        data = load(schemas.SwitchSchema(), data)
        with self.db.get_session() as session:
            order = self._owned(session, order_no)
            ref, phone, email = order.ref, order.phone, order.email
        payable = self._payable(ref, self.caller.person_id())
        new_no = flows.open_order(self._ctx(), payable, data["channel"], phone, email)
        with self.db.get_session() as session:
            return self._view(session, session.get(Order, new_no))

    @entrypoint
    def get_order(self, order_no):
        """The order page's poll: an open order is brought up to date with its channel (at most every 3 s)."""
        with self.db.get_session() as session:
            pending = self._owned(session, order_no).status == "pending"
        if pending:
            flows.sync(self._ctx(), order_no)
        with self.db.get_session() as session:
            return self._view(session, session.get(Order, order_no))

    @entrypoint
    def my_orders(self):
        person = self.caller.person_id()
        with self.db.get_session() as session:
            rows = session.scalars(select(Order).where(Order.payer_id == person)
                                   .order_by(Order.created_at.desc()).limit(200)).all()
            return [self._view(session, o, with_qr=False) for o in rows]

    @entrypoint
    def receipt(self, order_no):
        """What the receipt PDF shows (the gateway draws it): only for a paid order of the caller."""
        with self.db.get_session() as session:
            order = self._owned(session, order_no)
            if not order.paid_at:
                raise AppError("NOT_PAID", "订单尚未支付，没有缴费凭证")
            return self._view(session, order, with_qr=False)

    # --- the channels -------------------------------------------------------------------------
    @entrypoint
    def accept_notification(self, channel, headers, body):
        """A channel's notification as the gateway received it; the answer is what that channel expects."""
        self.caller.service("gateway")
        adapter = self.channels.get(channel)
        if adapter is None:
            return {"status": 404, "body": "unknown channel", "content_type": "text/plain"}
        ok = notifications.accept(self.db, adapter, dict(headers or {}), body or "", self.clock.now())
        ack = adapter.acknowledgement(ok)
        return {"status": ack.status, "body": ack.body, "content_type": ack.content_type}

    @timer(interval=5)
    def check_open_orders(self):
        """No notification came: ask the channel about every open order every 20 s (paid within a minute)."""
        ctx = self._ctx()
        with self.db.get_session() as session:
            due = orders.claim_orders_to_check(session, ctx.now())
        for order_no in due:
            try:
                flows.sync(ctx, order_no, force=True)
            except Exception:
                log.exception("checking order %s failed", order_no)

    @timer(interval=2)
    def carry_out_refunds(self):
        ctx = self._ctx()
        with self.db.get_session() as session:
            due = orders.due_refunds(session, ctx.now())
        for refund_no in due:
            try:
                flows.carry_out_refund(ctx, refund_no)
            except Exception:
                log.exception("refund %s failed", refund_no)

    @handle_event("exam", "enrollment_payment_rejected")
    def handle_enrollment_payment_rejected(self, session, event):
        order = orders.lock_order(session, str(event.get("order_no") or ""))
        if order is None:
            log.warning("rejection for unknown order %s: nothing changed", event.get("order_no"))
            return
        orders.reject_payment(session, order, str(event.get("reason") or ""), self.clock.now())

    # --- finance staff --------------------------------------------------------------------------
    @entrypoint
    def staff_orders(self, query=None):
        prefix = finance.finance_scope(self.caller.staff())
        query = load(schemas.StaffQuerySchema(), query)
        with self.db.get_session() as session:
            rows = session.scalars(finance.orders_query(query, prefix)).all()
            refunds = {}
            for refund in session.scalars(select(Refund).where(Refund.order_no.in_([o.order_no for o in rows]))):
                refunds.setdefault(refund.order_no, []).append(refund)
            return [views.order_view(o, refunds.get(o.order_no, []), staff=True) for o in rows]

    @entrypoint
    def staff_refunds(self, query=None):
        prefix = finance.finance_scope(self.caller.staff())
        query = load(schemas.StaffQuerySchema(), query)
        with self.db.get_session() as session:
            return [{**views.refund_view(r), "province_code": o.province_code, "ref": o.ref,
                     "description": o.description} for r, o in session.execute(finance.refunds_query(query, prefix))]

    @entrypoint
    def reconcile_day(self, day, channel=None):
        """对账: each channel's statement of the Beijing day matched line by line to our records."""
        staff = self.caller.staff()
        prefix = finance.finance_scope(staff)
        day = load(schemas.FixSchema(only=("day",)), {"day": day})["day"]
        results = []
        for name in ([channel] if channel else list(self.channels)):
            lines = self._ctx().channel(name).statement(day)
            with self.db.get_session() as session:
                results.append(reconcile.within(session, reconcile.compare(session, name, day, lines), prefix))
        with self.db.get_session() as session:
            finance.audit(session, staff, "reconcile", day.isoformat(),
                          {r["channel"]: {"lines": r["lines"], "differences": len(r["differences"])} for r in results},
                          self.clock.now())
        return results

    @entrypoint
    def fix_difference(self, data):
        """Apply the fix of one difference, after checking it is still there; audited."""
        staff = self.caller.staff()
        prefix = finance.finance_scope(staff)
        data = load(schemas.FixSchema(), data)
        lines = self._ctx().channel(data["channel"]).statement(data["day"])
        with self.db.get_session() as session:
            result = reconcile.within(session, reconcile.compare(session, data["channel"], data["day"], lines), prefix)
        found = next((d for d in result["differences"] if d["kind"] == data["kind"] and d["key"] == data["key"]), None)
        if found is None:
            raise AppError("DIFFERENCE_GONE", "该差异已不存在（可能已处理），请重新对账")
        if data["kind"] == "missing_payment":
            outcome = flows.fix_missing_payment(self._ctx(), data["channel"], data["key"], found["order_no"])
        else:
            outcome = flows.fix_missing_refund(self._ctx(), data["key"])
        with self.db.get_session() as session:
            finance.audit(session, staff, f"fix_{data['kind']}", found["order_no"] or data["key"],
                          {"difference": found, "outcome": outcome, "day": data["day"].isoformat()}, self.clock.now())
        return {"difference": found, "outcome": outcome}

    @entrypoint
    def staff_audit(self, limit=100):
        prefix = finance.finance_scope(self.caller.staff())
        with self.db.get_session() as session:
            query = select(AuditEntry).order_by(AuditEntry.at.desc()).limit(min(int(limit), 500))
            if prefix:
                query = query.where(AuditEntry.department_code.startswith(prefix))
            return [finance.audit_view(e) for e in session.scalars(query)]
