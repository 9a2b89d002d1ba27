"""帮助中心 and 咨询答疑 API: the guides, the search over the help center, questions to the management department."""
from . import Blueprint
from .. import help_schemas as H
from .. import helpcenter
from ..auth import login_required
from ..rpc import services

blp = Blueprint("help", __name__, url_prefix="/api/v1", description="帮助中心、操作说明与咨询答疑")


def published_answers(module=None) -> list[dict]:
    return services.profile.list_help_articles(module)


@blp.route("/help/search")
@blp.arguments(H.SearchQuery, location="query")
@blp.alt_response(200, schema=H.SearchHitOut(many=True), success=True)
def search(query):
    """搜索帮助中心与操作说明（中文分词，如“照片不合格怎么办”）"""
    return helpcenter.search(query["q"], published_answers())


@blp.route("/help/guides")
@blp.alt_response(200, schema=H.GuideOut(many=True), success=True)
def guides():
    """操作说明：各模块的在线操作指南（章节与内容）"""
    return list(helpcenter.guides())


@blp.route("/help/articles")
@blp.arguments(H.ModuleQuery, location="query")
@blp.alt_response(200, schema=H.ArticleOut(many=True), success=True)
def articles(query):
    """管理部门发布到帮助中心的常见问题解答"""
    return published_answers(query.get("module"))


@blp.route("/questions", methods=["POST"])
@blp.arguments(H.QuestionIn)
@blp.alt_response(201, schema=H.QuestionOut, success=True)
@login_required("person")
def ask(data):
    """咨询答疑：向所属会计管理部门提问"""
    return services.profile.ask_question(data), 201


@blp.route("/questions")
@blp.alt_response(200, schema=H.QuestionOut(many=True), success=True)
@login_required("person")
def my_questions():
    """我的咨询（含管理部门的答复）"""
    return services.profile.list_my_questions()


@blp.route("/questions/<question_id>/messages", methods=["POST"])
@blp.arguments(H.ReplyIn)
@blp.alt_response(200, schema=H.QuestionOut, success=True)
@login_required("person")
def follow_up(data, question_id):
    """继续追问"""
    return services.profile.follow_up_question(question_id, data)


@blp.route("/staff/questions")
@blp.arguments(H.QuestionQueueQuery, location="query")
@blp.alt_response(200, schema=H.QuestionOut(many=True), success=True)
@login_required("staff")
def question_queue(query):
    """本部门及下级部门收到的咨询（status=open 待答复 | answered 已答复）"""
    return services.profile.question_queue(query.get("status"))


@blp.route("/staff/questions/<question_id>")
@blp.alt_response(200, schema=H.QuestionOut, success=True)
@login_required("staff")
def staff_question(question_id):
    """咨询详情"""
    return services.profile.get_question_for_staff(question_id)


@blp.route("/staff/questions/<question_id>/answers", methods=["POST"])
@blp.arguments(H.ReplyIn)
@blp.alt_response(200, schema=H.QuestionOut, success=True)
@login_required("staff")
def answer(data, question_id):
    """答复咨询"""
    return services.profile.answer_question(question_id, data)


@blp.route("/staff/help-articles", methods=["POST"])
@blp.arguments(H.ArticleIn)
@blp.alt_response(201, schema=H.ArticleOut, success=True)
@login_required("staff")
def publish(data):
    """把常见问题的解答发布到帮助中心"""
    return services.profile.publish_help_article(data), 201
