"""The receipt (缴费凭证) as a PDF with Chinese text (reportlab's built-in CID font STSong-Light needs no font
file), and a pending order's QR code as SVG. Drawn from the payment service's answers: the payer is masked."""
import io
from datetime import datetime

import segno
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from ausm_common.clock import beijing_text

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def _time(value: str | None) -> str:
    return beijing_text(datetime.fromisoformat(value), "%Y-%m-%d %H:%M:%S") if value else "—"


def receipt_lines(order: dict) -> list[tuple[str, str]]:
    summary = order.get("summary") or {}
    lines = [("缴费人", summary.get("name") or "—"),
             ("报名注册号", summary.get("enrollment_no") or "—"),
             ("缴费项目", order["description"]),
             ("订单号码", order["order_no_display"]),
             ("订单金额", f"¥{order['amount_yuan']}（{order['amount_fen']} 分）"),
             ("支付平台", order["channel_label"]),
             ("支付平台交易号", order.get("channel_txn_id") or "—"),
             ("支付时间", _time(order.get("paid_at")) + "（北京时间）"),
             ("缴费状态", order["status_label"] + ("，报名成功" if order.get("settled") else ""))]
    for refund in order.get("refunds") or []:
        lines.append(("退款", f"¥{refund['amount_yuan']} {refund['status_label']}：{refund['reason']}"))
    return lines


def receipt_pdf(order: dict) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=0)
    pdf.setTitle(f"缴费凭证 {order['order_no']}")
    width, height = A4
    pdf.setFont(FONT, 18)
    pdf.drawCentredString(width / 2, height - 30 * mm, "全国会计人员统一服务管理平台")
    pdf.setFont(FONT, 15)
    pdf.drawCentredString(width / 2, height - 40 * mm, "网上缴费凭证")
    y = height - 58 * mm
    for label, value in receipt_lines(order):
        pdf.setFont(FONT, 11)
        pdf.drawString(28 * mm, y, label)
        for i in range(0, max(len(value), 1), 40):      # long refund reasons wrap at 40 characters
            pdf.drawString(62 * mm, y, value[i:i + 40])
            y -= 7 * mm
        y -= 2 * mm
    pdf.setFont(FONT, 9)
    pdf.drawString(28 * mm, 20 * mm, f"本凭证由平台生成于 {beijing_text(datetime.now().astimezone(), '%Y-%m-%d %H:%M')}（北京时间），"
                                     "订单号码可在平台“我的订单”中核验。")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def order_qr_svg(content: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(content or "-", error="m").save(buffer, kind="svg", scale=6, border=2, xmldecl=False)
    return buffer.getvalue()
