"""CSV exports of the finance lists (UTF-8 with a BOM, so spreadsheet programs read the Chinese)."""
import csv
import io

from flask import Response

from ausm_common.clock import beijing_text
from datetime import datetime


def _time(value):
    return beijing_text(datetime.fromisoformat(value), "%Y-%m-%d %H:%M:%S") if value else ""


def order_rows(orders: list[dict]):
    header = ["订单号码", "缴费对象", "省份", "支付平台", "订单金额（元）", "状态", "创建时间", "支付时间", "支付平台交易号",
              "已退款（元）"]
    rows = [[o["order_no"], o["ref"], o.get("province_code", ""), o["channel_label"], o["amount_yuan"], o["status_label"],
             _time(o["created_at"]), _time(o["paid_at"]), o.get("channel_txn_id") or "", o["refunded_yuan"]]
            for o in orders]
    return header, rows


def refund_rows(refunds: list[dict]):
    header = ["退款单号", "订单号码", "省份", "支付平台", "退款金额（元）", "状态", "原因", "申请时间", "退款成功时间"]
    rows = [[r["refund_no"], r["order_no"], r.get("province_code", ""), r["channel_label"], r["amount_yuan"],
             r["status_label"], r["reason"], _time(r["created_at"]), _time(r["succeeded_at"])] for r in refunds]
    return header, rows


def csv_response(name: str, header: list, rows: list) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}.csv"'})
