"""The help center's guides and its Chinese search (jieba words, BM25): questions as people ask them find the
rules they are about."""
from gateway import helpcenter


def test_the_guides_are_the_manuals_sections_by_module():
    modules = [g["module"] for g in helpcenter.guides()]
    assert modules[:3] == ["account", "realname", "collection"]
    collection = helpcenter.guide("collection")
    assert [s["title"] for s in collection["sections"]][:3] == ["3. 会计人员信息采集", "3.1. 会计管理部门", "3.2. 采集须知"]
    assert any("295 × 413" in p for s in collection["sections"] for p in s["paragraphs"])
    assert helpcenter.guide("nope") is None


def test_words_drop_how_a_question_is_asked():
    assert helpcenter.words("照片不合格怎么办？") == ["照片", "不", "合格"]


def test_a_chinese_question_finds_the_photo_rules():
    results = helpcenter.search("照片不合格怎么办", [])
    assert "照片" in results[0]["title"] and "像素" in results[0]["snippet"] + "".join(
        f["answer"][0] for f in helpcenter.faqs() if f["question"] == results[0]["title"])
    assert "/help/guides/collection#s3-3" in [r["url"] for r in results[:5]]      # 3.3 基本信息: the photo


def test_published_answers_are_searched_too():
    article = {"id": "a" * 32, "module": "transfer", "module_label": "属地关系调转", "question": "调转后档案怎么转移？",
               "answer": "调入地管理部门审核通过后，档案随之转移。"}
    results = helpcenter.search("档案转移", [article])
    assert results[0]["kind"] == "answer" and results[0]["url"] == "/help#answer-" + "a" * 32
    assert helpcenter.search("怎么办", [article]) == []                    # only how, not what


def test_highlight_marks_the_query_words_without_markup():
    pieces = helpcenter.highlight("上传照片不合格时", "照片不合格")
    assert ("照片", True) in pieces and "".join(t for t, _ in pieces) == "上传照片不合格时"
