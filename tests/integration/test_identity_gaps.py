"""修改密码, the options, the field checks and the ID photo's number, over real RabbitMQ, PostgreSQL and S3."""
import time

import pytest

from ausm_common.errors import AppError, NotAuthenticated
from tests.integration.test_identity_rpc import caller_for, login, register, staff_login, upload_photos
from tests.support.id_card import id_card_front
from tests.support.people import PASSWORD, mainland_id

NEW = "Xinmima#2026"


def photo_check(rpc, person, timeout=20):
    """The submitted 人像面's number is read after the submission (identity's own event): wait for it."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        latest = rpc.as_caller(person).identity.realname_status()["latest"]
        if latest["id_photo_check"]["check"] != "reading":
            return latest["id_photo_check"]
        time.sleep(0.3)
    pytest.fail("the ID photo was not read")


def change(rpc, person, current=PASSWORD, new=NEW, code=None, client="it-home"):
    return rpc.as_caller(person).identity.change_password({
        "current_password": current, "password": new, "password_confirm": new, "sms_code": code or "000000",
        "client": client})


def own_code(rpc, person, phone):
    sent = rpc.as_caller(person).identity.send_account_sms_code({"purpose": "change_password", "client": "it"})
    assert sent["phone"] == phone[:3] + "****" + phone[-4:]
    return rpc.identity.sandbox_recent_sms(phone)[0]["code"]


def test_changing_the_password_ends_the_other_sessions_keeps_this_one_and_tells_the_phone(rpc):
    data, _ = register(rpc)
    here, elsewhere = login(rpc, data["id_number"]), login(rpc, data["phone"], client="it-office")
    person = caller_for(rpc, here["token"])
    code = own_code(rpc, person, data["phone"])
    assert change(rpc, person, code=code)["ok"] is True
    with pytest.raises(NotAuthenticated):
        caller_for(rpc, elsewhere["token"])
    assert caller_for(rpc, here["token"])["id"] == person["id"]
    notice = rpc.identity.sandbox_recent_sms(data["phone"])[0]
    assert "登录密码已于" in notice["text"] and notice["code"] is None
    with pytest.raises(NotAuthenticated):
        login(rpc, data["id_number"], client="it-new")
    assert login(rpc, data["id_number"], password=NEW, client="it-new")["token"]


def test_a_wrong_current_password_is_refused_before_the_code_and_counts_toward_the_lock(rpc):
    data, _ = register(rpc)
    person = caller_for(rpc, login(rpc, data["id_number"])["token"])
    code = own_code(rpc, person, data["phone"])
    for attempt in range(5):
        with pytest.raises(AppError) as err:
            change(rpc, person, current="Wrong#2025x", code=code, client="it-guess")
        assert err.value.code in ("CURRENT_PASSWORD_WRONG", "ACCOUNT_LOCKED"), attempt
    assert err.value.code == "ACCOUNT_LOCKED" and "后重试" in err.value.message
    with pytest.raises(AppError) as err:
        change(rpc, person, code=code, client="it-guess")       # the right password, but locked here
    assert err.value.code == "ACCOUNT_LOCKED"
    assert change(rpc, person, code=code, client="it-home")["ok"]  # the code was not used up by the refusals


def test_the_new_password_follows_the_registration_policy(rpc):
    data, _ = register(rpc)
    person = caller_for(rpc, login(rpc, data["id_number"])["token"])
    for new, code in (("short1!", "PASSWORD_TOO_SHORT"), ("Ab#" + data["id_number"][-6:] + "x", "PASSWORD_CONTAINS_ID"),
                      (PASSWORD, "PASSWORD_UNCHANGED")):
        with pytest.raises(AppError) as err:
            change(rpc, person, new=new)
        assert err.value.code == code
    answer = rpc.as_caller(person).identity.check_field("password", "Ab#" + data["phone"][-6:] + "x", {})
    assert answer["ok"] is False and answer["code"] == "PASSWORD_CONTAINS_ID"     # against the own phone


def test_options_and_field_checks_answer_over_rpc(rpc, profile):
    options = rpc.identity.identity_options()
    assert options["id_types"][0] == {"code": "mainland_id", "label": "内地居民身份证",
                                      "placeholder": "请输入18位居民身份证号码", "needs_nationality": False}
    assert len(options["nationalities"]) == 245
    number = mainland_id()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    answer = rpc.identity.check_field("id_number", wrong, {"id_type": "mainland_id"})
    assert answer == {"field": "id_number", "ok": False, "code": "ID_NUMBER_CHECKSUM",
                      "message": "身份证号码校验位不正确，请核对是否输入有误"}
    assert rpc.profile.check_field("credit_code", "91110000600037341M")["code"] == "CREDIT_CODE_CHECKSUM"


def test_a_foreigner_from_anywhere_registers_with_the_nationality_kept(rpc):
    data, account = register(rpc, id_type="foreign_passport", id_number="E" + mainland_id()[-8:],
                             name="Jon Jonsson", nationality="ISL")
    assert account["nationality"] == "ISL" and account["nationality_name"] == "冰岛"
    with pytest.raises(AppError) as err:
        register(rpc, id_type="foreign_passport", id_number="E" + mainland_id()[-8:], nationality="CHN")
    assert err.value.code == "NATIONALITY_INVALID" and "nationality" in err.value.errors


def test_the_id_photos_number_is_told_at_once_and_kept_for_the_reviewer(rpc, db, store):
    data, account = register(rpc)
    person = caller_for(rpc, login(rpc, data["id_number"])["token"])
    theirs = mainland_id(region="110105", birth="19750212")
    key = store.new_key(f"incoming/{account['id']}")
    store.put(key, id_card_front(theirs), "image/jpeg")
    early = rpc.as_caller(person).identity.check_id_photo(key)
    assert early["check"] == "mismatch" and early["read"] == theirs[:3] + "*****" + theirs[-4:]
    assert not store.exists(key)                     # read, then removed: nothing kept before submitting
    request = rpc.as_caller(person).identity.submit_online_realname(
        {"region_code": "330000", **upload_photos(store, account["id"], front=id_card_front(theirs))})
    assert request["status"] == "submitted" and request["id_photo_check"]["check"] == "reading"   # never waited for
    assert photo_check(rpc, person)["check"] == "mismatch"
    detail = rpc.as_caller(staff_login(rpc, db, "330000")).identity.get_realname_request(request["id"])
    assert detail["id_photo_check"] == {"check": "mismatch", "read": theirs,
                                        "message": "照片上识别的证件号码与注册证件号码不一致"}


def test_the_own_card_matches(rpc, store):
    data, account = register(rpc)
    person = caller_for(rpc, login(rpc, data["id_number"])["token"])
    request = rpc.as_caller(person).identity.submit_online_realname(
        {"region_code": "330000", **upload_photos(store, account["id"], front=id_card_front(data["id_number"]))})
    assert request["status"] == "submitted" and photo_check(rpc, person) == {
        "check": "match", "read": data["id_number"][:3] + "*****" + data["id_number"][-4:],
        "message": "已识别照片上的证件号码，与您注册的证件号码一致。"}
