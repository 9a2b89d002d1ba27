"""HTTP shapes of 帮助中心 and 咨询答疑 (requests checked here and again by the profile service)."""
from marshmallow import fields, validate

from .profile_schemas import NULL, Out
from .schemas import In, s

MODULES = ["account", "realname", "collection", "change", "transfer", "qualification", "exam", "payment", "other"]


class SearchQuery(In):
    q = s(100, required=True, metadata={"description": "中文或英文的问题，如“照片不合格怎么办”"})


class ModuleQuery(In):
    module = s(16, validate_also=validate.OneOf(MODULES))


class QuestionIn(In):
    module = s(16, required=True, metadata={"description": " | ".join(MODULES)})
    title = s(60, required=True)
    text = s(2000, required=True)
    department_code = s(6, metadata={"description": "only for someone without a management department yet"})


class ReplyIn(In):
    text = s(2000, required=True)


class QuestionQueueQuery(In):
    status = s(16, validate_also=validate.OneOf(["open", "answered"]))


class ArticleIn(In):
    module = s(16, required=True)
    question = s(100, required=True)
    answer = s(2000, required=True)
    source_question_id = s(32)


class SearchHitOut(Out):
    kind = fields.String(metadata={"description": "guide (操作说明) | faq (常见问题) | answer (咨询答疑)"})
    kind_label = fields.String()
    title = fields.String()
    category = fields.String()
    url = fields.String()
    snippet = fields.String()
    score = fields.Float()


class GuideSectionOut(Out):
    anchor = fields.String()
    title = fields.String()
    paragraphs = fields.List(fields.String())


class GuideOut(Out):
    module = fields.String()
    title = fields.String()
    source = fields.String()
    sections = fields.List(fields.Nested(GuideSectionOut))


class MessageOut(Out):
    author = fields.String(metadata={"description": "person | staff"})
    author_label = fields.String()
    staff_name = fields.String(**NULL)
    department_code = fields.String(**NULL)
    text = fields.String()
    at = fields.String()


class QuestionOut(Out):
    id = fields.String(required=True)
    module = fields.String()
    module_label = fields.String(**NULL)
    title = fields.String()
    status = fields.String(metadata={"description": "open (待答复) | answered (已答复)"})
    status_label = fields.String()
    department_code = fields.String()
    department_name = fields.String(**NULL)
    asker_name = fields.String(metadata={"description": "masked for staff"})
    created_at = fields.String()
    updated_at = fields.String()
    messages = fields.List(fields.Nested(MessageOut))


class ArticleOut(Out):
    id = fields.String(required=True)
    module = fields.String()
    module_label = fields.String(**NULL)
    question = fields.String()
    answer = fields.String()
    department_name = fields.String(**NULL)
    published_at = fields.String()
