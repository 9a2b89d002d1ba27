"""报名表打印 (004 §6.2): the registration form as a PDF with Chinese text, the photo, the 报名注册号 and a QR code
that opens the verification page. Built with reportlab's CID font STSong-Light (no font file) and stored in
object storage; the gateway streams it. A form is rebuilt only when its enrollment has changed."""
import io

from ausm_common.clock import beijing_text
from ausm_common.masking import mask_id_number

from .domain.codes import LEVELS, REVIEW_MODES, STATUSES
from .domain.subjects import yuan

FONT = "STSong-Light"


def _font():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def qr_png(url: str) -> bytes:
    import segno
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=6, border=2)
    return out.getvalue()


def lines(enrollment, plan_name: str, region_name: str, site: dict | None) -> list[tuple[str, str]]:
    person = enrollment.person or {}
    status = STATUSES[enrollment.status]
    return [
        ("报名注册号", enrollment.enrollment_no or ""),
        ("考试名称", plan_name),
        ("报考级别", LEVELS[enrollment.level]),
        ("考生姓名", person.get("name") or ""),
        ("证件类型", person.get("id_type_label") or ""),
        ("证件号码", mask_id_number(person.get("id_number"))),
        ("报考省份", region_name),
        ("报考地市", (site or {}).get("city_name") or ""),
        ("报名点", (site or {}).get("name") or ""),
        ("报考条件", (enrollment.eligibility or {}).get("label") or ""),
        ("报考科目", "、".join(line["name"] for line in enrollment.fee_lines or [])),
        ("报名费", f"{yuan(enrollment.amount_fen or 0)}元"),
        ("资格审核方式", REVIEW_MODES.get(enrollment.review_mode, "")),
        ("报名状态", status),
        ("提交时间", beijing_text(enrollment.submitted_at, "%Y-%m-%d %H:%M:%S")),
    ]


def render(enrollment, plan_name: str, region_name: str, site: dict | None, photo: bytes | None,
           verify_url: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    _font()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{plan_name}报名表 {enrollment.enrollment_no}")
    width, height = A4
    pdf.setFont(FONT, 18)
    pdf.drawCentredString(width / 2, height - 60, plan_name)
    pdf.setFont(FONT, 15)
    pdf.drawCentredString(width / 2, height - 86, "网上报名信息表")
    y = height - 130
    for label, value in lines(enrollment, plan_name, region_name, site):
        pdf.setFont(FONT, 11)
        pdf.drawString(60, y, f"{label}：")
        pdf.drawString(150, y, str(value)[:40])
        pdf.line(150, y - 4, 400, y - 4)
        y -= 26
    if photo:
        try:
            pdf.drawImage(ImageReader(io.BytesIO(photo)), width - 170, height - 300, width=110, height=154,
                          preserveAspectRatio=True)
        except Exception:      # an unreadable photo must not stop the form; the frame stays empty
            pass
    pdf.rect(width - 170, height - 300, 110, 154)
    pdf.drawImage(ImageReader(io.BytesIO(qr_png(verify_url))), width - 170, 90, width=110, height=110)
    pdf.setFont(FONT, 9)
    pdf.drawString(width - 176, 78, "扫码核验报名信息")
    pdf.setFont(FONT, 10)
    pdf.drawString(60, 110, "考生承诺：本人所填报名信息真实、准确，如有虚假，愿承担相应责任。")
    pdf.drawString(60, 90, "考生签名：____________        日期：____________")
    pdf.drawString(60, 60, "报考单位：中华人民共和国财政部    承办单位：财政部会计资格评价中心")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
