"""咨询答疑 and the help center (manual 004 §2.3, §2.4): who a question goes to, what a question, a reply and a
published answer must hold, and how a thread's state follows its last message."""
from .problems import Problem, _choice, _required_text, _text

MODULES = {"account": "注册与登录", "realname": "实名认证", "collection": "信息采集", "change": "信息变更",
           "transfer": "属地关系调转", "qualification": "职称管理", "exam": "会计资格考试报名", "payment": "网上缴费",
           "other": "其他问题"}
QUESTION_STATUSES = {"open": "待答复", "answered": "已答复"}
MAX_TITLE, MAX_TEXT_LEN, MAX_ANSWER_TITLE = 60, 2000, 100


def check_question(module: str | None, title: str | None, text: str | None) -> list[Problem]:
    out = []
    _choice(out, "module", _text(module), MODULES, "问题所属模块", "QUESTION_MODULE")
    _required_text(out, "title", _text(title), "问题标题", "QUESTION_TITLE", MAX_TITLE)
    _required_text(out, "text", _text(text), "问题描述", "QUESTION_TEXT", MAX_TEXT_LEN)
    return out


def check_reply(text: str | None) -> list[Problem]:
    out = []
    _required_text(out, "text", _text(text), "回复内容", "REPLY_TEXT", MAX_TEXT_LEN)
    return out


def check_article(module: str | None, question: str | None, answer: str | None) -> list[Problem]:
    """A common answer for the help center: a module, the question as people ask it, and the answer."""
    out = []
    _choice(out, "module", _text(module), MODULES, "所属模块", "ARTICLE_MODULE")
    _required_text(out, "question", _text(question), "常见问题", "ARTICLE_QUESTION", MAX_ANSWER_TITLE)
    _required_text(out, "answer", _text(answer), "解答内容", "ARTICLE_ANSWER", MAX_TEXT_LEN)
    return out


def question_department(collection_department: str | None, chosen: str | None) -> tuple[str | None, list[Problem]]:
    """A question goes to the person's management department (from their 信息采集); someone without one yet
    chooses the department to ask."""
    if collection_department:
        return collection_department, []
    if _text(chosen):
        return _text(chosen), []
    return None, [Problem("department_code", "QUESTION_DEPARTMENT_REQUIRED",
                          "您尚未完成信息采集，请选择要咨询的会计管理部门")]


def status_after(author: str) -> str:
    """The person's message (question or follow-up) waits for an answer; a staff reply answers it."""
    return "answered" if author == "staff" else "open"
