"""Counters that hold under concurrency: 50 simultaneous RPC calls to the identity service.

The service runs 10 workers; the other calls wait in RabbitMQ, so every call meets others in flight."""
import eventlet
import pytest
from sqlalchemy import func, select

from ausm_common.clock import utcnow
from ausm_common.errors import AppError
from ausm_common.rpc import RpcClient
from identity import domain
from identity.auth import SMS_PER_CLIENT_DAILY
from identity.models import LoginEvent, SmsCode, SmsMessage
from tests.integration.test_identity_rpc import register
from tests.support.people import PASSWORD, phone

N = 50
WRONG = "Wrong#2025x"


@pytest.fixture(scope="module")
def many(config, identity):
    """One client shared by the N concurrent callers, as the gateway's threads share one."""
    client = RpcClient(config["AMQP_URI"], timeout=60, name="races")
    yield client
    client.close()


def at_once(calls):
    """Run the calls concurrently; each outcome is the result or the AppError it raised."""
    def run(call):
        try:
            return call()
        except AppError as exc:
            return exc
    pile = eventlet.GreenPool(len(calls))
    return list(pile.imap(run, calls))


def codes(outcomes):
    return sorted(o.code if isinstance(o, AppError) else "OK" for o in outcomes)


def login_calls(rpc, many, login, passwords, client):
    """Login calls with captchas solved beforehand, so the logins themselves start together."""
    calls = []
    for password in passwords:
        captcha = rpc.identity.create_captcha()
        answer = rpc.identity.sandbox_captcha_answer(captcha["captcha_id"])["answer"]
        data = {"login": login, "password": password, "captcha_id": captcha["captcha_id"],
                "captcha_answer": answer, "transport": "bearer", "client": client}
        calls.append(lambda data=data: many.identity.login(data))
    return calls


def failures(db, account_id, client, cleared=False):
    """Wrong passwords verified for (account, client): each verification leaves one row."""
    with db.get_session() as session:
        return session.scalar(select(func.count()).select_from(LoginEvent).where(
            LoginEvent.subject_id == account_id, LoginEvent.client == client, LoginEvent.success.is_(False),
            LoginEvent.cleared.is_(cleared)))


def test_fifty_wrong_passwords_at_once_verify_exactly_five_then_the_right_one_is_refused(rpc, many, db):
    data, account = register(rpc)
    outcomes = at_once(login_calls(rpc, many, data["id_number"], [WRONG] * N, "race-wrong"))
    assert failures(db, account["id"], "race-wrong") == domain.LOCK_THRESHOLD
    assert codes(outcomes) == sorted(["LOGIN_FAILED"] * (domain.LOCK_THRESHOLD - 1)
                                     + ["ACCOUNT_LOCKED"] * (N - domain.LOCK_THRESHOLD + 1))
    right = at_once(login_calls(rpc, many, data["id_number"], [PASSWORD], "race-wrong"))[0]
    assert isinstance(right, AppError) and right.code == "ACCOUNT_LOCKED"
    assert failures(db, account["id"], "race-wrong") == domain.LOCK_THRESHOLD   # refused before verification


def test_the_right_password_among_wrong_ones_at_once_passes_only_before_the_lock(rpc, many, db):
    """The calls are served one after another per (account, client): the right password wins only if fewer
    than five wrong ones came before it (and then clears them); the wrong ones after it lock again."""
    data, account = register(rpc)
    outcomes = at_once(login_calls(rpc, many, data["phone"], [WRONG] * (N - 1) + [PASSWORD], "race-mixed"))
    right = outcomes[-1]
    before_right = failures(db, account["id"], "race-mixed", cleared=True)
    assert failures(db, account["id"], "race-mixed") == domain.LOCK_THRESHOLD
    if isinstance(right, AppError):
        assert right.code == "ACCOUNT_LOCKED" and before_right == 0
    else:
        assert right["token"] and before_right < domain.LOCK_THRESHOLD


def test_fifty_codes_at_once_for_a_fresh_phone_send_exactly_one(many, db):
    number = phone()
    outcomes = at_once([lambda: many.identity.send_sms_code(
        {"phone": number, "purpose": "register", "client": f"race-{number}"})] * N)
    assert codes(outcomes) == ["OK"] + ["SMS_TOO_FREQUENT"] * (N - 1)
    with db.get_session() as session:
        assert session.scalar(select(func.count()).select_from(SmsMessage).where(SmsMessage.phone == number)) == 1
        assert session.scalar(select(func.count()).select_from(SmsCode).where(SmsCode.phone == number)) == 1


def test_the_daily_cap_of_a_phone_holds_at_once(many, db):
    number = phone()
    with db.get_session() as session:   # nine earlier codes today, for another purpose
        for _ in range(domain.SMS_DAILY_LIMIT - 1):
            session.add(SmsCode(phone=number, purpose="change_phone", code_hash="-", salt="-", client="race",
                                created_at=utcnow()))
    calls = [lambda p=p: many.identity.send_sms_code({"phone": number, "purpose": p, "client": "race-daily"})
             for p in ("register", "reset_password") * (N // 2)]
    outcomes = at_once(calls)
    assert codes(outcomes).count("OK") == 1
    assert set(codes(outcomes)) == {"OK", "SMS_TOO_FREQUENT", "SMS_DAILY_LIMIT"}
    with db.get_session() as session:
        assert session.scalar(select(func.count()).select_from(SmsCode).where(SmsCode.phone == number)) \
            == domain.SMS_DAILY_LIMIT


def test_the_daily_cap_of_a_network_holds_at_once(many, db):
    client = f"race-net-{phone()}"
    outcomes = at_once([lambda: many.identity.send_sms_code(
        {"phone": phone(), "purpose": "register", "client": client}) for _ in range(N)])
    assert codes(outcomes) == ["OK"] * SMS_PER_CLIENT_DAILY + ["SMS_CLIENT_LIMIT"] * (N - SMS_PER_CLIENT_DAILY)
    with db.get_session() as session:
        assert session.scalar(select(func.count()).select_from(SmsCode).where(SmsCode.client == client)) \
            == SMS_PER_CLIENT_DAILY
