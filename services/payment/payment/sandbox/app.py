"""The channel sandbox: one small HTTP app standing in for Alipay, WeChat Pay and UnionPay (their gateways, the
payer's app after scanning the QR, their statements), with its own keys. Not deployed; started by `make run`
and the test stack (`python -m payment.sandbox`)."""
import json
import logging
from datetime import date

from flask import Flask, Response, jsonify, render_template, request

from ausm_common.clock import beijing_text

from .channels import Alipay, Answer, Unionpay, Wechat, yuan
from .notifier import SCHEDULES, Notifier
from .store import Refusal, Store

log = logging.getLogger(__name__)
LABELS = {"alipay": "支付宝", "wechat": "微信支付", "unionpay": "云闪付"}
MODES = {"normal": "立即通知", "late": "延迟通知", "times10": "同一通知发送10次", "out_of_order": "乱序通知",
         "none": "不发送通知"}


def _answer(answer: Answer) -> Response:
    return Response(answer.body, status=answer.status, headers=answer.headers)


def create_app(base_url: str, time_scale: float = 60.0, store: Store | None = None) -> Flask:
    app = Flask(__name__)
    app.json.ensure_ascii = False
    store = store or Store()
    notifier = Notifier(time_scale)
    channels = {c.name: c for c in (Alipay(store, notifier, base_url), Wechat(store, notifier, base_url),
                                    Unionpay(store, notifier, base_url))}
    app.extensions.update(sandbox_store=store, sandbox_notifier=notifier, sandbox_channels=channels)
    app.jinja_env.globals["beijing"] = lambda value: beijing_text(value, "%Y-%m-%d %H:%M:%S")

    def pay(channel: str, order_no: str, mode: str = "normal", amount_fen: int | None = None,
            ignore_expiry: bool = False, again: bool = False, delay: float = 10.0) -> dict:
        handler = channels[channel]
        trade, paid = store.pay(channel, order_no, amount_fen, ignore_expiry, again)
        earlier = [p for p in trade.payments if p is not paid]
        if mode == "late":
            handler.notify(trade, paid, "paid", delay=delay)
        elif mode == "times10":
            for i in range(10):
                handler.notify(trade, paid, "paid", delay=i * 0.05, retry=False)
        elif mode == "out_of_order":
            handler.notify(trade, paid, "paid")
            for older in earlier:                     # what happened before arrives after
                handler.notify(trade, older, "paid", delay=0.5)
            if channel == "alipay":                   # and a stale "closed" after the payment
                handler.notify(trade, paid, "closed", delay=0.5, stale=True)
        elif mode != "none":
            handler.notify(trade, paid, "paid")
        log.info("paid %s %s %s fen as %s (%s)", channel, order_no, paid.amount_fen, paid.txn_id, mode)
        return {"channel": channel, "order_no": order_no, "txn_id": paid.txn_id, "amount_fen": paid.amount_fen,
                "paid_at": paid.paid_at.isoformat(), "mode": mode}

    # --- health and the tester's JSON API --------------------------------------------------------------
    @app.get("/healthz")
    def healthz():
        return jsonify({"status": "ok", "time_scale": notifier.time_scale, "schedules": SCHEDULES})

    @app.post("/api/pay")
    def api_pay():
        body = request.get_json(force=True)
        try:
            return jsonify(pay(body["channel"], body["order_no"], body.get("mode", "normal"), body.get("amount_fen"),
                               bool(body.get("ignore_expiry")), bool(body.get("again")),
                               float(body.get("delay", 10))))
        except Refusal as exc:
            return jsonify({"code": exc.code, "message": exc.message}), 409

    @app.get("/api/deliveries")
    def api_deliveries():
        order_no = request.args.get("order_no")
        with notifier.cond:
            rows = [row for row in notifier.log if order_no in (None, row["order_no"])]
        return jsonify({"deliveries": rows, "pending": notifier.pending(order_no)})

    @app.get("/api/trades/<channel>/<order_no>")
    def api_trade(channel, order_no):
        trade = store.get(channel, order_no)
        if trade is None:
            return jsonify({"code": "ORDER_NOT_EXIST"}), 404
        return jsonify({"status": trade.status, "amount_fen": trade.amount_fen, "expires_at": trade.expires_at.isoformat(),
                        "payments": [{"txn_id": p.txn_id, "amount_fen": p.amount_fen} for p in trade.payments],
                        "refunds": [{"refund_no": r.refund_no, "txn_id": r.txn_id, "amount_fen": r.amount_fen}
                                    for r in trade.refunds]})

    # --- the payer's side: scan the QR, pay ---------------------------------------------------------------
    @app.get("/pay/<channel>/<order_no>")
    def payer_page(channel, order_no):
        trade = store.get(channel, order_no) if channel in channels else None
        if trade is None:
            return render_template("payer.html", trade=None, label=LABELS.get(channel, channel)), 404
        return render_template("payer.html", trade=trade, channel=channel, label=LABELS[channel], yuan=yuan,
                               modes=MODES, result=None, now=store.now())

    @app.post("/pay/<channel>/<order_no>")
    def payer_pay(channel, order_no):
        form = request.form
        result, error = None, None
        try:
            amount = round(float(form.get("amount_yuan") or 0) * 100) or None
            result = pay(channel, order_no, form.get("mode", "normal"), amount, form.get("ignore_expiry") == "1",
                         form.get("again") == "1", float(form.get("delay") or 10))
        except (Refusal, ValueError) as exc:
            error = getattr(exc, "message", str(exc))
        trade = store.get(channel, order_no)
        return render_template("payer.html", trade=trade, channel=channel, label=LABELS[channel], yuan=yuan,
                               modes=MODES, result=result, error=error, now=store.now()), 200 if result else 409

    # --- Alipay -------------------------------------------------------------------------------------------
    @app.route("/alipay/gateway.do", methods=["GET", "POST"])
    def alipay_gateway():
        return _answer(channels["alipay"].gateway(request.values.to_dict()))

    @app.get("/alipay/bill/<day>.zip")
    def alipay_bill(day):
        return Response(channels["alipay"].bill(date.fromisoformat(day)), mimetype="application/zip")

    # --- WeChat Pay ---------------------------------------------------------------------------------------
    def wechat_checked(handler):
        path = request.path[len("/wechat"):] + (f"?{request.query_string.decode()}" if request.query_string else "")
        body = request.get_data(as_text=True)
        refused = channels["wechat"].authenticate(request.method, path, body, request.headers.get("Authorization", ""))
        if refused:
            return _answer(refused)
        return _answer(handler(json.loads(body) if body else {}))

    @app.post("/wechat/v3/pay/transactions/native")
    def wechat_native():
        return wechat_checked(channels["wechat"].native)

    @app.get("/wechat/v3/pay/transactions/out-trade-no/<order_no>")
    def wechat_query(order_no):
        return wechat_checked(lambda _: channels["wechat"].query(order_no))

    @app.post("/wechat/v3/pay/transactions/out-trade-no/<order_no>/close")
    def wechat_close(order_no):
        return wechat_checked(lambda _: channels["wechat"].close(order_no))

    @app.post("/wechat/v3/refund/domestic/refunds")
    def wechat_refund():
        return wechat_checked(channels["wechat"].refund)

    @app.get("/wechat/v3/bill/tradebill")
    def wechat_bill():
        return wechat_checked(lambda _: channels["wechat"].bill_url(request.args.get("bill_date", "")))

    @app.get("/wechat/v3/billdownload/file")
    def wechat_bill_file():
        day = date.fromisoformat(request.args.get("token", ""))
        return wechat_checked(lambda _: Answer(200, channels["wechat"].bill(day),
                                               {"Content-Type": "application/octet-stream"}))

    # --- UnionPay -----------------------------------------------------------------------------------------
    def unionpay_checked(handler):
        fields = request.form.to_dict()
        return _answer(channels["unionpay"].authenticate(fields) or handler(fields))

    @app.post("/unionpay/gateway/api/backTransReq.do")
    def unionpay_back():
        return unionpay_checked(channels["unionpay"].back_trans)

    @app.post("/unionpay/gateway/api/queryTrans.do")
    def unionpay_query():
        return unionpay_checked(channels["unionpay"].query)

    @app.post("/unionpay/gateway/api/fileTransfer.do")
    def unionpay_file():
        return unionpay_checked(channels["unionpay"].file_transfer)

    return app
