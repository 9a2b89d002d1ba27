"""咨询答疑 over RabbitMQ with identity: a question goes to the person's management department; its staff and
those above it answer, a neighbouring or lower department cannot; the person follows up; a common answer is
published to the help center. And the 职称 list's row actions with the library sandbox."""
from datetime import date

from profiles.adapters.qualifications import derived_records
from tests.integration.test_profile_rpc import (_id_with_sequence, app_error, approved_person, staff,
                                                verified_person)
from tests.support import images


def test_questions_go_to_the_persons_department_and_those_above_it(rpc, profile, store, db):
    _, person, _ = approved_person(rpc, store, db)                       # department 330102 上城区
    refused = app_error(rpc.as_caller(person).profile.ask_question, {"module": "nope", "title": "", "text": " "})
    assert refused.code == "VALIDATION_FAILED" and set(refused.errors) == {"module", "title", "text"}
    asked = rpc.as_caller(person).profile.ask_question({
        "module": "collection", "title": "照片不合格怎么办", "text": "上传照片提示像素不足，应该怎么处理？",
        "department_code": "110105"})                                    # ignored: the collection decides
    assert (asked["department_code"], asked["status_label"]) == ("330102", "待答复")

    neighbour = {"kind": "staff", "id": "n" * 32, "name": "拱墅区审核员", "department_code": "330105",
                 "roles": ["reviewer"]}
    own = staff(rpc, db, "330102")
    city, province, beijing = staff(rpc, db, "330100"), staff(rpc, db, "330000"), staff(rpc, db, "110000")
    for outsider in (neighbour, beijing):
        assert asked["id"] not in [q["id"] for q in rpc.as_caller(outsider).profile.question_queue()]
        assert app_error(rpc.as_caller(outsider).profile.answer_question, asked["id"], {"text": "答复"}).code == \
            "OUT_OF_JURISDICTION"
    for insider in (own, city, province):
        waiting = rpc.as_caller(insider).profile.question_queue("open")
        assert asked["id"] in [q["id"] for q in waiting]
        assert next(q for q in waiting if q["id"] == asked["id"])["asker_name"].count("*") >= 1   # masked

    answered = rpc.as_caller(city).profile.answer_question(asked["id"], {"text": "请上传不小于295×413像素的证件照。"})
    assert answered["status"] == "answered"
    mine = rpc.as_caller(person).profile.list_my_questions()[0]
    assert [m["author"] for m in mine["messages"]] == ["person", "staff"] and mine["status_label"] == "已答复"
    assert mine["messages"][1]["text"].startswith("请上传") and mine["messages"][1]["staff_name"]
    followed = rpc.as_caller(person).profile.follow_up_question(asked["id"], {"text": "蓝底还是白底？"})
    assert followed["status"] == "open" and len(followed["messages"]) == 3
    _, stranger = verified_person(rpc)
    assert app_error(rpc.as_caller(stranger).profile.follow_up_question, asked["id"], {"text": "x"}).code == "NOT_FOUND"

    assert app_error(rpc.as_caller(neighbour).profile.publish_help_article, {
        "module": "collection", "question": "照片不合格怎么办？", "answer": "…", "source_question_id": asked["id"]}
    ).code == "OUT_OF_JURISDICTION"
    article = rpc.as_caller(own).profile.publish_help_article({
        "module": "collection", "question": "照片不合格怎么办？", "answer": "请按照片要求重新拍摄后上传。",
        "source_question_id": asked["id"]})
    assert article["department_name"] == "上城区财政局"
    assert article["id"] in [a["id"] for a in rpc.profile.list_help_articles("collection")]   # public


def test_a_person_without_a_department_chooses_one(rpc, profile):
    _, person = verified_person(rpc)
    refused = app_error(rpc.as_caller(person).profile.ask_question, {"module": "account", "title": "t", "text": "x"})
    assert "department_code" in refused.errors
    asked = rpc.as_caller(person).profile.ask_question({"module": "account", "title": "怎么注册", "text": "x",
                                                        "department_code": "330100"})
    assert asked["department_name"] == "杭州市财政局"


def test_qualification_row_actions_follow_the_rules(rpc, profile, store, db):
    id_number = next(n for n in (_id_with_sequence(f"{i:02d}") for i in range(90)) if derived_records(n, date.today()))
    record = derived_records(id_number, date.today())[0]
    _, person, _ = approved_person(rpc, store, db, id_number=id_number)

    def proof(seed):
        key = store.new_key(f"incoming/{person['id']}")
        store.put(key, images.jpeg(500, 400, 25 * 1024, seed=seed), "image/jpeg")
        return key

    # an entry of a certificate the library knows: 未获取 until 更新 makes it a system record
    known = rpc.as_caller(person).profile.submit_qualification("accounting", {
        "level": record.level, "way": record.way, "obtained_date": record.obtained_on.isoformat(),
        "certificate_no": record.certificate_no, "proof_key": proof(60)})
    assert (known["obtained_label"], known["origin_label"]) == ("未获取", "人工审核")
    assert known["actions"] == {"update": True, "delete": True, "edit": True, "print": False}
    assert app_error(rpc.as_caller(person).profile.get_qualification, "0" * 32).code == "NOT_FOUND"
    refreshed = rpc.as_caller(person).profile.refresh_qualification(known["id"])
    assert refreshed["updated"] and refreshed["item"]["obtained_label"] == "已获取"
    assert refreshed["item"]["origin_label"] == "系统记录"
    assert refreshed["item"]["actions"] == {"update": True, "delete": False, "edit": False, "print": True}
    blocked = app_error(rpc.as_caller(person).profile.delete_qualification, known["id"])
    assert blocked.code == "QUALIFICATION_ACTION_NOT_ALLOWED" and "系统记录" in blocked.message

    # an unknown certificate: 更新 finds nothing; 编辑 corrects it and sends it to review again; 删除 removes it
    entry = {"level": "intermediate", "way": "exam", "obtained_date": "2016-10-15", "certificate_no": "Z1633010200123"}
    row = rpc.as_caller(person).profile.submit_qualification("accounting", {**entry, "proof_key": proof(61)})
    assert not rpc.as_caller(person).profile.refresh_qualification(row["id"])["updated"]
    county = staff(rpc, db, "330102")
    rpc.as_caller(county).profile.decide_review_item("qualification", row["id"], {
        "decision": "return", "reasons": {"certificate_no": "证书号与证书图片不一致"}})
    edited = rpc.as_caller(person).profile.edit_qualification(row["id"], {**entry, "certificate_no": "Z1633010200124"})
    assert (edited["status"], edited["data"]["certificate_no"], edited["reasons"]) == ("submitted", "Z1633010200124", {})
    assert edited["proof"] is not None                                   # the old proof is kept
    _, other = verified_person(rpc)
    assert app_error(rpc.as_caller(other).profile.delete_qualification, row["id"]).code == "NOT_FOUND"
    assert rpc.as_caller(person).profile.delete_qualification(row["id"])["deleted"]
    assert row["id"] not in [q["id"] for q in rpc.as_caller(person).profile.list_qualifications()]
    printable = rpc.as_caller(person).profile.get_qualification(known["id"])
    assert printable["actions"]["print"] and printable["person"]["name"]
