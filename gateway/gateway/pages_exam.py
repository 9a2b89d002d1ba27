"""Browser pages of the exam: the candidate's journey (选择考试 → 省份 → 阅读须知 → the enrollment's steps) and the
staff pages (考试设置, 资格审核, 成绩导入). The pages call the exam API (static/exam.js, static/exam-staff.js)."""
from flask import Blueprint, render_template

from .pages import _need

blp = Blueprint("exam_pages", __name__)


@blp.route("/exam")
def exam_list():
    return render_template("exam/list.html")


@blp.route("/exam/<exam_id>/provinces")
def provinces(exam_id):
    return render_template("exam/provinces.html", exam_id=exam_id)


@blp.route("/exam/<exam_id>/provinces/<region_code>/notice")
def notice(exam_id, region_code):
    return _need("person", "pages.login") or render_template("exam/notice.html", exam_id=exam_id,
                                                             region_code=region_code)


@blp.route("/exam/enrollments/<enrollment_id>")
def enrollment(enrollment_id):
    """The step page: it shows the enrollment's current step (or 审核告知 once submitted)."""
    return _need("person", "pages.login") or render_template("exam/enrollment.html", enrollment_id=enrollment_id)


@blp.route("/exam/verify/<enrollment_no>")
def verify(enrollment_no):
    return render_template("exam/verify.html", enrollment_no=enrollment_no)


@blp.route("/staff/exam")
def staff_settings():
    return _need("staff", "pages.staff_login") or render_template("staff/exam_settings.html")


@blp.route("/staff/exam/reviews")
def staff_reviews():
    return _need("staff", "pages.staff_login") or render_template("staff/exam_reviews.html")


@blp.route("/staff/exam/scores")
def staff_scores():
    return _need("staff", "pages.staff_login") or render_template("staff/exam_scores.html")
