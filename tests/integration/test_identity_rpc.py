"""The identity service over real RabbitMQ, PostgreSQL and S3."""
import base64
import json

import pytest

from ausm_common.clock import SharedSandboxClock
from sqlalchemy import func, select

from ausm_common.errors import AppError, Forbidden, NotAuthenticated
from identity import staff as staff_rules
from identity.models import Account, Outbox, RealnameRequest, ReviewLog
from tests.support import images
from tests.support.people import PASSWORD, mainland_id, phone


def register(rpc, **overrides):
    data = {"id_type": "mainland_id", "id_number": mainland_id(), "name": "李晓明", "password": PASSWORD,
            "password_confirm": PASSWORD, "phone": phone()}
    data.update(overrides)
    rpc.identity.send_sms_code({"phone": data["phone"], "purpose": "register", "client": f"it-{data['phone']}"})
    data["sms_code"] = rpc.identity.sandbox_recent_sms(data["phone"])[0]["code"]
    return data, rpc.identity.register_account(data)


def login(rpc, login_name, password=PASSWORD, client="it-client"):
    captcha = rpc.identity.create_captcha()
    answer = rpc.identity.sandbox_captcha_answer(captcha["captcha_id"])["answer"]
    return rpc.identity.login({"login": login_name, "password": password, "captcha_id": captcha["captcha_id"],
                               "captcha_answer": answer, "transport": "bearer", "client": client})


def caller_for(rpc, token):
    return rpc.as_service("gateway").identity.resolve_session(token)


def test_register_then_login_by_id_number_and_by_phone(rpc):
    data, account = register(rpc)
    assert account["name"] == "李**" and "*" in account["id_number"] and account["realname_status"] == "none"
    by_id = login(rpc, data["id_number"])
    by_phone = login(rpc, data["phone"])
    assert caller_for(rpc, by_id["token"])["id"] == caller_for(rpc, by_phone["token"])["id"] == account["id"]


def test_second_registration_with_same_id_is_refused_and_saves_nothing(rpc, db):
    data, _ = register(rpc)
    with pytest.raises(AppError) as err:
        register(rpc, id_number=data["id_number"])
    assert err.value.code == "ACCOUNT_EXISTS"
    with db.get_session() as session:
        assert session.scalar(select(func.count()).select_from(Account)
                              .where(Account.id_number == data["id_number"])) == 1


def test_registration_emits_account_registered_through_the_outbox(rpc, db):
    _, account = register(rpc)
    import time
    deadline = time.time() + 5
    while time.time() < deadline:
        with db.get_session() as session:
            row = session.scalars(select(Outbox).where(Outbox.event_type == "account_registered")
                                  .where(Outbox.payload["account_id"].as_string() == account["id"])).first()
            if row is not None and row.published_at is not None:
                return
        time.sleep(0.2)
    pytest.fail("account_registered was not relayed")


def test_wrong_password_gives_same_message_as_unknown_account(rpc):
    data, _ = register(rpc)
    with pytest.raises(NotAuthenticated) as wrong:
        login(rpc, data["id_number"], password="Wrong#2025x")
    with pytest.raises(NotAuthenticated) as unknown:
        login(rpc, mainland_id())
    assert wrong.value.code == unknown.value.code == "LOGIN_FAILED"
    assert unknown.value.message.startswith("账号或密码错误") and wrong.value.message.startswith("账号或密码错误")


def answer(call):
    """What a caller learns from a refused login: everything but the lock's exact time."""
    with pytest.raises(AppError) as err:
        call()
    exc = err.value
    return type(exc).__name__, exc.status, exc.code, exc.message, exc.errors, sorted(exc.extra or {})


def test_a_real_and_an_unknown_account_get_the_same_answers_on_every_try_lock_included(rpc):
    data, _ = register(rpc)
    unknown = mainland_id()
    for attempt in range(7):
        real = answer(lambda: login(rpc, data["id_number"], password="Wrong#2025x", client="enum"))
        assert real == answer(lambda: login(rpc, unknown, password="Wrong#2025x", client="enum")), attempt
    assert real[2] == "ACCOUNT_LOCKED"
    locked = answer(lambda: login(rpc, data["phone"], client="enum"))   # the right password, by phone
    assert locked == real == answer(lambda: login(rpc, unknown, client="enum"))


def test_a_captcha_is_used_up_by_a_failed_login_to_an_unknown_account_too(rpc):
    captcha = rpc.identity.create_captcha()
    solved = rpc.identity.sandbox_captcha_answer(captcha["captcha_id"])["answer"]
    data = {"login": mainland_id(), "password": "Wrong#2025x", "captcha_id": captcha["captcha_id"],
            "captcha_answer": solved, "client": "it-captcha"}
    assert answer(lambda: rpc.identity.login(data))[2] == "LOGIN_FAILED"
    assert answer(lambda: rpc.identity.login(data))[2] == "CAPTCHA_WRONG"


def test_a_real_and_an_unknown_staff_name_get_the_same_answers(rpc, db):
    _staff_caller(db, "330000")
    for attempt in range(6):
        real = answer(lambda: staff_login_with(rpc, staff_rules.seed_username("330000"), "Wrong#2025x"))
        assert real == answer(lambda: staff_login_with(rpc, "reviewer999999", "Wrong#2025x")), attempt
    assert real[2] == "ACCOUNT_LOCKED"


def test_lockout_is_per_client_so_an_attacker_cannot_lock_the_owner_out(rpc):
    data, _ = register(rpc)
    for _ in range(4):
        with pytest.raises(NotAuthenticated):
            login(rpc, data["id_number"], password="Wrong#2025x", client="attacker")
    with pytest.raises(AppError) as fifth:
        login(rpc, data["id_number"], password="Wrong#2025x", client="attacker")
    assert fifth.value.code == "ACCOUNT_LOCKED"
    with pytest.raises(AppError) as locked:
        login(rpc, data["id_number"], client="attacker")   # even the right password waits
    assert locked.value.code == "ACCOUNT_LOCKED" and "locked_until" in locked.value.extra
    assert login(rpc, data["id_number"], client="owner-home")["token"]


def test_password_reset_ends_other_sessions(rpc):
    data, _ = register(rpc)
    old = login(rpc, data["id_number"])
    rpc.identity.send_sms_code({"phone": data["phone"], "purpose": "reset_password", "client": "it"})
    code = rpc.identity.sandbox_recent_sms(data["phone"])[0]["code"]
    rpc.identity.reset_password({"id_number": data["id_number"], "name": data["name"], "phone": data["phone"],
                                 "sms_code": code, "password": "Xinmima#2026", "password_confirm": "Xinmima#2026"})
    with pytest.raises(NotAuthenticated):
        caller_for(rpc, old["token"])
    assert login(rpc, data["id_number"], password="Xinmima#2026")["token"]


def _staff_caller(db, code):
    from identity.accounts import password_hasher
    with db.get_session() as session:
        staff_rules.ensure_seed_staff(session, password_hasher({"ARGON2": {"time_cost": 1, "memory_cost": 8192}}))
    return None


def staff_login_with(rpc, username, password, client="it-staff-enum"):
    captcha = rpc.identity.create_captcha()
    solved = rpc.identity.sandbox_captcha_answer(captcha["captcha_id"])["answer"]
    return rpc.identity.staff_login({"login": username, "password": password, "captcha_id": captcha["captcha_id"],
                                     "captcha_answer": solved, "transport": "bearer", "client": client})


def staff_login(rpc, db, code):
    _staff_caller(db, code)
    result = staff_login_with(rpc, staff_rules.seed_username(code), staff_rules.SEED_PASSWORD, client="it")
    return rpc.as_service("gateway").identity.resolve_session(result["token"])


def upload_photos(store, account_id, front=None):
    keys = {}
    for field, data in (("id_front", front or images.jpeg(640, 400, 10 * 1024, seed=1)),
                        ("id_back", images.jpeg(640, 400, 10 * 1024, seed=2)),
                        ("id_handheld", images.jpeg(480, 640, 10 * 1024, seed=3))):
        key = store.new_key(f"incoming/{account_id}")
        store.put(key, data, "image/jpeg")
        keys[field] = key
    return keys


def test_online_realname_is_reviewed_only_by_the_chosen_province(rpc, db, store):
    data, account = register(rpc)
    person = caller_for(rpc, login(rpc, data["id_number"])["token"])
    request = rpc.as_caller(person).identity.submit_online_realname({"region_code": "330000",
                                                           **upload_photos(store, account["id"])})
    assert request["status"] == "submitted"
    beijing = staff_login(rpc, db, "110000")
    zhejiang = staff_login(rpc, db, "330000")
    assert request["id"] not in [r["id"] for r in rpc.as_caller(beijing).identity.list_realname_requests()]
    with pytest.raises(Forbidden):
        rpc.as_caller(beijing).identity.decide_realname_request(request["id"], {"approve": True})
    detail = rpc.as_caller(zhejiang).identity.get_realname_request(request["id"])
    assert detail["applicant"]["id_number"] == data["id_number"] and set(detail["photos"]) == {
        "id_front", "id_back", "id_handheld"}
    decided = rpc.as_caller(zhejiang).identity.decide_realname_request(request["id"], {"approve": True})
    assert decided["status"] == "approved"
    assert rpc.as_caller(person).identity.get_account()["realname_status"] == "verified"
    with db.get_session() as session:
        actions = session.scalars(select(ReviewLog.action).where(ReviewLog.subject_id == request["id"])).all()
    assert actions == ["view", "approve"]


def test_returned_request_shows_the_reason_and_allows_a_new_submission(rpc, db, store):
    data, account = register(rpc)
    person = caller_for(rpc, login(rpc, data["id_number"])["token"])
    request = rpc.as_caller(person).identity.submit_online_realname({"region_code": "330000",
                                                           **upload_photos(store, account["id"])})
    zhejiang = staff_login(rpc, db, "330000")
    with pytest.raises(AppError) as err:
        rpc.as_caller(zhejiang).identity.decide_realname_request(request["id"], {"approve": False, "reason": " "})
    assert err.value.code == "REASON_REQUIRED"
    rpc.as_caller(zhejiang).identity.decide_realname_request(request["id"], {"approve": False, "reason": "手持照片模糊"})
    status = rpc.as_caller(person).identity.realname_status()
    assert status["status"] == "none" and status["latest"]["reason"] == "手持照片模糊"
    again = rpc.as_caller(person).identity.submit_online_realname({"region_code": "330000",
                                                         **upload_photos(store, account["id"])})
    assert again["status"] == "submitted"


def test_a_non_image_renamed_jpg_is_refused_and_its_upload_removed(rpc, db, store):
    data, account = register(rpc)
    person = caller_for(rpc, login(rpc, data["id_number"])["token"])
    keys = upload_photos(store, account["id"], front=b"%PDF-1.4 not an image at all" * 1000)
    with pytest.raises(AppError) as err:
        rpc.as_caller(person).identity.submit_online_realname({"region_code": "330000", **keys})
    assert err.value.code == "UPLOAD_TYPE" and "id_front" in err.value.errors
    assert not any(store.exists(k) for k in keys.values())
    with db.get_session() as session:
        assert session.scalar(select(func.count()).select_from(RealnameRequest)
                              .where(RealnameRequest.account_id == account["id"])) == 0
        assert session.get(Account, account["id"]).realname_status == "none"


@pytest.mark.parametrize("make_front, code", [
    (lambda: images.jpeg_claiming(30000, 30000), "UPLOAD_PIXELS_TOO_MANY"),        # a decompression bomb's header
    (lambda: images.png_of_zeros(10000, 10000), "UPLOAD_PIXELS_TOO_MANY"),         # 100 megapixels in ~300 KB
    (lambda: images.truncated(images.jpeg(1200, 900, 200 * 1024, seed=3), 0.6), "UPLOAD_CORRUPT"),
], ids=["bomb-header", "100-megapixel-png", "truncated-jpeg"])
def test_hostile_or_broken_photos_are_a_422_refusal_and_their_uploads_removed(rpc, db, store, make_front, code):
    data, account = register(rpc)
    person = caller_for(rpc, login(rpc, data["id_number"])["token"])
    keys = upload_photos(store, account["id"], front=make_front())
    with pytest.raises(AppError) as err:
        rpc.as_caller(person).identity.submit_online_realname({"region_code": "330000", **keys})
    assert err.value.status == 422 and err.value.code == code and set(err.value.errors) == {"id_front"}
    assert not any(store.exists(k) for k in keys.values())
    with db.get_session() as session:
        assert session.get(Account, account["id"]).realname_status == "none"


def test_alipay_realname_refuses_a_different_identity_and_accepts_a_matching_one(rpc):
    data, account = register(rpc)
    person = caller_for(rpc, login(rpc, data["id_number"])["token"])
    started = rpc.as_caller(person).identity.start_alipay_realname("http://gw/realname/alipay/return")
    params = rpc.identity.sandbox_alipay_authorize(started["state"], "王五", data["id_number"])
    result = rpc.identity.complete_alipay_realname(params)
    assert result["status"] == "failed" and "不一致" in result["reason"]
    started = rpc.as_caller(person).identity.start_alipay_realname("http://gw/realname/alipay/return")
    params = rpc.identity.sandbox_alipay_authorize(started["state"], data["name"], data["id_number"])
    tampered = {**params, "passed": "T", "outer_order_no": started["state"], "sign": params["sign"][:-4] + "AAAA"}
    with pytest.raises(AppError) as err:
        rpc.identity.complete_alipay_realname(tampered)
    assert err.value.code == "ALIPAY_SIGNATURE_INVALID"
    assert rpc.identity.complete_alipay_realname(params)["status"] == "approved"
    assert rpc.as_caller(person).identity.get_account()["realname_status"] == "verified"


def test_wechat_bind_then_qr_login(rpc):
    data, account = register(rpc)
    person = caller_for(rpc, login(rpc, data["id_number"])["token"])
    ticket = rpc.as_caller(person).identity.open_wechat_ticket("bind", "http://gw/wechat/callback")
    openid = f"o_{account['id'][:10]}"
    rpc.identity.sandbox_wechat_scan(ticket["state"], openid, "小明")
    code = rpc.identity.sandbox_wechat_poll(ticket["state"])["code"]
    assert rpc.identity.complete_wechat(ticket["state"], code)["status"] == "confirmed"
    assert rpc.as_caller(person).identity.get_account()["wechat_bound"] is True
    ticket = rpc.identity.open_wechat_ticket("login", "http://gw/wechat/callback")
    rpc.identity.sandbox_wechat_scan(ticket["state"], openid, "小明")
    code = rpc.identity.sandbox_wechat_poll(ticket["state"])["code"]
    result = rpc.identity.complete_wechat(ticket["state"], code)
    assert caller_for(rpc, result["session"]["token"])["id"] == account["id"]
    with pytest.raises(AppError) as err:
        rpc.identity.complete_wechat(ticket["state"], code)
    assert err.value.code == "WECHAT_QR_USED"


def test_sms_code_expires_after_three_minutes_on_the_service_clock(rpc, db):
    number = phone()
    rpc.identity.send_sms_code({"phone": number, "purpose": "register", "client": "it"})
    with pytest.raises(AppError) as early:
        rpc.identity.send_sms_code({"phone": number, "purpose": "register", "client": "it"})
    assert early.value.code == "SMS_TOO_FREQUENT"
    code = rpc.identity.sandbox_recent_sms(number)[0]["code"]
    clock = SharedSandboxClock()
    clock.advance(181)
    try:
        with pytest.raises(AppError) as expired:
            rpc.identity.register_account({"id_type": "mainland_id", "id_number": mainland_id(), "name": "赵六",
                                           "password": PASSWORD, "password_confirm": PASSWORD, "phone": number,
                                           "sms_code": code})
        assert expired.value.code == "SMS_CODE_EXPIRED"
    finally:
        clock.reset()


def test_migrations_match_the_models(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from identity.models import Base

    engine = create_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_one_network_gets_at_most_thirty_codes_a_day(rpc):
    from identity.auth import SMS_PER_CLIENT_DAILY
    client = f"it-flood-{phone()}"
    for _ in range(SMS_PER_CLIENT_DAILY):
        rpc.identity.send_sms_code({"phone": phone(), "purpose": "register", "client": client})
    with pytest.raises(AppError) as refused:
        rpc.identity.send_sms_code({"phone": phone(), "purpose": "register", "client": client})
    assert refused.value.code == "SMS_CLIENT_LIMIT" and refused.value.status == 429
    rpc.identity.send_sms_code({"phone": phone(), "purpose": "register", "client": f"other-{client}"})


def test_a_forged_caller_is_refused_and_personal_data_is_for_services_only(rpc):
    data, account = register(rpc)
    person = caller_for(rpc, login(rpc, data["id_number"])["token"])
    assert rpc.as_caller(person).identity.get_account()["id"] == account["id"]
    # a made-up caller: claims to be national staff, unsigned or signed with another key
    made_up = {"kind": "staff", "id": "x", "roles": ["admin", "reviewer"], "department_code": "000000"}
    unsigned = base64.urlsafe_b64encode(json.dumps(made_up).encode()).decode().rstrip("=")
    for token in (f"c1.{unsigned}.AAAA", json.dumps(made_up), "c1.e30.e30"):
        with pytest.raises(AppError) as refused:
            rpc.call("identity", "list_realname_requests", context={"ausm_caller": token})
        assert refused.value.code == "STAFF_REQUIRED"
    # the old way, a caller as an argument, is no caller at all
    with pytest.raises(AppError) as old_way:
        rpc.identity.get_account(person)
    assert old_way.value.status == 400 and old_way.value.code == "BAD_CALL"
    # unmasked personal data: back-end services only; not the gateway acting for a person, nor anyone anonymous
    for caller in (rpc.as_caller(person), rpc.as_service("gateway"), rpc.anonymous()):
        with pytest.raises(AppError) as refused:
            caller.identity.get_person(account["id"])
        assert refused.value.code == "SERVICE_ONLY"
    full = rpc.as_service("profile").identity.get_person(account["id"])
    assert full["full_id_number"] == data["id_number"]
    # resolving a session is the gateway's job
    with pytest.raises(AppError):
        rpc.as_service("profile").identity.resolve_session("whatever")
