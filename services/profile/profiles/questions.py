"""咨询答疑: a person asks about a module; the staff of the person's management department (and of those above
it, the reviews' jurisdiction rule) answer; the person follows up; staff publish common answers to the help
center."""
from sqlalchemy import select

from ausm_common.errors import NotFound
from ausm_common.masking import mask_name

from . import departments, domain
from .exceptions import RuleViolations
from .models import HelpArticle, Question, QuestionMessage


def _clean(text: str | None) -> str:
    return (text or "").strip()


def ask(session, account_id: str, asker_name: str, collection_department: str | None, data: dict, now) -> Question:
    department, problems = domain.question_department(collection_department, data.get("department_code"))
    problems += domain.check_question(data.get("module"), data.get("title"), data.get("text"))
    if problems:
        raise RuleViolations(problems)
    if not collection_department:
        departments.get(session, department)          # a department that exists and is open
    question = Question(account_id=account_id, asker_name=asker_name or "", module=data["module"],
                        title=_clean(data["title"]), department_code=department, status="open",
                        created_at=now, updated_at=now)
    session.add(question)
    session.flush()
    _add_message(session, question, "person", None, data["text"], now)
    return question


def _add_message(session, question: Question, author: str, staff: dict | None, text: str, now):
    session.add(QuestionMessage(question_id=question.id, author=author, text=_clean(text), at=now,
                                staff_id=(staff or {}).get("id"), staff_name=(staff or {}).get("name"),
                                department_code=(staff or {}).get("department_code")))
    question.status = domain.status_after(author)
    question.updated_at = now


def follow_up(session, question: Question, text: str | None, now):
    problems = domain.check_reply(text)
    if problems:
        raise RuleViolations(problems)
    _add_message(session, question, "person", None, text, now)


def answer(session, staff: dict, question: Question, text: str | None, now):
    departments.check_jurisdiction(staff, question.department_code)
    problems = domain.check_reply(text)
    if problems:
        raise RuleViolations(problems)
    _add_message(session, question, "staff", staff, text, now)


def own(session, account_id: str, question_id: str, lock=False) -> Question:
    question = session.get(Question, question_id, with_for_update=lock)
    if question is None or question.account_id != account_id:
        raise NotFound("NOT_FOUND", "咨询记录不存在")
    return question


def for_staff(session, staff: dict, question_id: str, lock=False) -> Question:
    question = session.get(Question, question_id, with_for_update=lock)
    if question is None:
        raise NotFound("NOT_FOUND", "咨询记录不存在")
    departments.check_jurisdiction(staff, question.department_code)
    return question


def view(session, question: Question, for_staff_view=False) -> dict:
    messages = session.scalars(select(QuestionMessage).where(QuestionMessage.question_id == question.id)
                               .order_by(QuestionMessage.at, QuestionMessage.id))
    department = session.get(departments.Department, question.department_code)
    return {"id": question.id, "module": question.module, "module_label": domain.MODULES.get(question.module),
            "title": question.title, "status": question.status,
            "status_label": domain.QUESTION_STATUSES.get(question.status, question.status),
            "department_code": question.department_code, "department_name": department.name if department else None,
            "asker_name": mask_name(question.asker_name) if for_staff_view else question.asker_name,
            "created_at": question.created_at.isoformat(), "updated_at": question.updated_at.isoformat(),
            "messages": [{"author": m.author, "author_label": "本人" if m.author == "person" else "管理部门答复",
                          "staff_name": m.staff_name, "department_code": m.department_code,
                          "text": m.text, "at": m.at.isoformat()} for m in messages]}


def mine(session, account_id: str) -> list[dict]:
    rows = session.scalars(select(Question).where(Question.account_id == account_id)
                           .order_by(Question.updated_at.desc()).limit(200))
    return [view(session, q) for q in rows]


def queue(session, staff: dict, status: str | None) -> list[dict]:
    """Questions to the staff member's department and those below it, oldest waiting first."""
    query = select(Question).where(departments.jurisdiction_filter(Question.department_code, staff))
    if status:
        query = query.where(Question.status == status)
    rows = session.scalars(query.order_by(Question.updated_at).limit(500))
    return [view(session, q, for_staff_view=True) for q in rows]


# --- the help center's common answers ---------------------------------------------------------------

def publish(session, staff: dict, data: dict, now) -> HelpArticle:
    """Staff publish a common answer (from a question they may answer, or written directly)."""
    source = data.get("source_question_id")
    if source:
        for_staff(session, staff, source)
    problems = domain.check_article(data.get("module"), data.get("question"), data.get("answer"))
    if problems:
        raise RuleViolations(problems)
    article = HelpArticle(module=data["module"], question=_clean(data["question"]), answer=_clean(data["answer"]),
                          source_question_id=source, department_code=staff["department_code"],
                          published_by=staff.get("name") or "", published_at=now)
    session.add(article)
    session.flush()
    return article


def article_view(session, article: HelpArticle) -> dict:
    department = session.get(departments.Department, article.department_code)
    return {"id": article.id, "module": article.module, "module_label": domain.MODULES.get(article.module),
            "question": article.question, "answer": article.answer,
            "department_name": department.name if department else None,
            "published_at": article.published_at.isoformat()}


def articles(session, module: str | None = None) -> list[dict]:
    query = select(HelpArticle).order_by(HelpArticle.published_at.desc()).limit(1000)
    if module:
        query = query.where(HelpArticle.module == module)
    return [article_view(session, a) for a in session.scalars(query)]
