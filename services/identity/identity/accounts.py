"""Accounts: registration, login, password reset, personal center."""
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from ausm_common.clock import beijing
from ausm_common.errors import Conflict, NotAuthenticated, ValidationFailed

from . import auth, domain, field_checks, nationalities
from .models import Account, LoginEvent, StaffAccount

LOGIN_FAILED = "账号或密码错误"   # the same words for an unknown account and a wrong password


class OffloadedHasher(PasswordHasher):
    """argon2id that runs in eventlet's OS thread pool when the process is green.

    A hash takes ~20 ms of CPU; done on the eventlet hub it stalls every other RPC of the
    service (pings, heartbeats). argon2-cffi releases the GIL, so in the pool two logins also
    use both cores (figures in the README's bench section)."""

    def _run(self, fn, *args):
        try:
            from eventlet import patcher, tpool
        except ImportError:
            return fn(*args)
        return tpool.execute(fn, *args) if patcher.is_monkey_patched("thread") else fn(*args)

    def hash(self, password, *, salt=None):
        return self._run(lambda: super(OffloadedHasher, self).hash(password, salt=salt))

    def verify(self, hash, password):
        return self._run(super().verify, hash, password)


def password_hasher(config: dict) -> PasswordHasher:
    params = config.get("ARGON2", {})
    return OffloadedHasher(time_cost=int(params.get("time_cost", 2)),
                           memory_cost=int(params.get("memory_cost", 19456)),
                           parallelism=int(params.get("parallelism", 1)))


def person_view(account: Account) -> dict:
    """What a person sees of themselves: masked by default."""
    return {
        "id": account.id,
        "id_type": account.id_type,
        "id_type_label": domain.ID_TYPE_LABELS[account.id_type],
        "nationality": account.nationality,
        "nationality_name": nationalities.nationality_name(account.nationality),
        "id_number": domain.mask_id_number(account.id_number),
        "name": domain.mask_name(account.name),
        "gender": account.gender,
        "birth_date": account.birth_date.isoformat() if account.birth_date else None,
        "phone": domain.mask_phone(account.phone),
        "realname_status": account.realname_status,
        "realname_method": account.realname_method,
        "wechat_bound": bool(account.wechat_openid),
        "wechat_nickname": account.wechat_nickname,
        "created_at": account.created_at.isoformat(),
    }


def own_field_context(account: Account, context: dict) -> dict:
    """A logged-in person's field checks (修改密码) measure a new password against their own ID number and phone."""
    return {"id_type": account.id_type, "id_number": account.id_number, "phone": account.phone, **context}


def staff_view(staff: StaffAccount) -> dict:
    return {"id": staff.id, "username": staff.username, "name": staff.name,
            "department_code": staff.department_code, "department_name": staff.department_name,
            "level": staff.level, "roles": list(staff.roles or [])}


def _duplicate_check(session, info, phone):
    if session.scalar(select(Account.id).where(Account.dedupe_key == info.dedupe_key)):
        raise Conflict("ACCOUNT_EXISTS", "该证件号码已注册，请直接登录；如忘记密码请使用“忘记密码”找回",
                       {"id_number": "该证件号码已注册"})
    if session.scalar(select(Account.id).where(Account.phone == phone)):
        raise Conflict("PHONE_TAKEN", "该手机号已被其他账号使用，请更换手机号",
                       {"phone": "该手机号已被其他账号使用"})


def register(session, hasher, data: dict, now, *, sms_secret: bytes) -> Account:
    """All checks first, the SMS code last, then one insert: nothing is half-saved."""
    checked = field_checks.check_registration(data, now.date())
    info, name, phone, nationality = checked.info, checked.name, checked.phone, checked.nationality
    _duplicate_check(session, info, phone)
    auth.consume_sms_code(session, sms_secret, phone, "register", data["sms_code"], now)
    account = Account(id_type=info.id_type, id_number=info.id_number, dedupe_key=info.dedupe_key,
                      nationality=nationality, name=name, gender=info.gender,
                      birth_date=info.birth_date, phone=phone, password_hash=hasher.hash(data["password"]),
                      created_at=now)
    session.add(account)
    try:
        session.flush()
    except IntegrityError:   # a concurrent registration won the race
        session.rollback()
        _duplicate_check(session, info, phone)
        raise
    return account


def find_for_login(session, login: str) -> Account | None:
    login = (login or "").strip().upper()
    try:
        phone = domain.normalize_phone(login)
    except domain.DomainError:
        phone = None
    return session.scalars(select(Account).where(or_(Account.id_number == login, Account.phone == phone))).first()


def verify_password(hasher, password_hash: str, password: str) -> bool:
    try:
        return hasher.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False


def login_counter(kind: str, subject, login: str, secret: bytes) -> tuple[str, str]:
    """Whose failures a login counts: the account's, or, for a name that matches no account, the name's own."""
    if subject is not None:
        return kind, subject.id
    return "unknown", domain.login_pseudonym(secret, kind, login)


def check_login(session, hasher, kind, subject, password, client, user_agent, now, dummy_hash, *,
                login: str, secret: bytes):
    """Verify a password with lockout counted per (account, client).

    Logins of one (account, client) are served one at a time, and a locked account is refused before its
    password is verified: fifty tries at once check five passwords, not fifty. A name that matches no account
    goes through the same steps with its own counter (against a dummy hash that never passes), so the answers,
    warnings and the lock included, are the same whether the account exists or not."""
    counter = login_counter(kind, subject, login, secret)
    auth.lock_login_counter(session, *counter, client)
    auth.check_lockout(session, *counter, client, now)
    verified = verify_password(hasher, subject.password_hash if subject else dummy_hash, password)
    if subject is None or not verified:
        auth.record_login(session, *counter, client, user_agent, "password", False, now)
        session.flush()
        left = auth.failures_left(session, *counter, client, now)
        session.commit()   # the failure stays although the login fails; this also ends the lock
        if left == 0:
            auth.check_lockout(session, *counter, client, now)
        message = f"{LOGIN_FAILED}，再失败{left}次将临时锁定" if left <= 3 else LOGIN_FAILED
        raise NotAuthenticated("LOGIN_FAILED", message, {"password": message})
    if hasher.check_needs_rehash(subject.password_hash):
        subject.password_hash = hasher.hash(password)
    auth.record_login(session, kind, subject.id, client, user_agent, "password", True, now)


def reset_password(session, hasher, data: dict, now, *, sms_secret: bytes) -> Account:
    mismatch = ValidationFailed("RESET_MISMATCH", "填写的信息与注册信息不一致，请核对证件号码、姓名和手机号",
                                {"id_number": "与注册信息不一致"})
    info = domain.validate_id_number(data["id_type"], data["id_number"], now.date())
    phone = domain.normalize_phone(data["phone"])
    account = session.scalars(select(Account).where(Account.dedupe_key == info.dedupe_key)).first()
    if account is None or account.phone != phone or account.name != domain.validate_name(data["name"]):
        raise mismatch
    domain.check_password(data["password"], id_number=account.id_number, phone=account.phone)
    domain.check_password_confirm(data["password"], data["password_confirm"])
    auth.consume_sms_code(session, sms_secret, phone, "reset_password", data["sms_code"], now)
    account.password_hash = hasher.hash(data["password"])
    auth.revoke_sessions(session, "person", account.id, now)
    return account


def change_password(session, hasher, sms, account: Account, data: dict, now, *, client: str, user_agent: str,
                    keep_session_id: str | None, sms_secret: bytes) -> Account:
    """修改密码 while logged in: the new password under the registration policy, the current password (its wrong
    tries count toward the login lockout of this account and client, so a left-open session is no way to guess
    it), then the SMS code sent to the account's phone. Every other session ends; the phone is told."""
    domain.check_password(data["password"], id_number=account.id_number, phone=account.phone)
    domain.check_password_confirm(data["password"], data["password_confirm"])
    auth.lock_login_counter(session, "person", account.id, client)
    auth.check_lockout(session, "person", account.id, client, now)
    if not verify_password(hasher, account.password_hash, data["current_password"]):
        auth.record_login(session, "person", account.id, client, user_agent, "change_password", False, now)
        session.flush()
        left = auth.failures_left(session, "person", account.id, client, now)
        session.commit()   # the failed try stays although the change fails
        if left == 0:
            auth.check_lockout(session, "person", account.id, client, now)
        message = "当前密码错误" + (f"，再失败{left}次将临时锁定" if left <= 3 else "")
        raise ValidationFailed("CURRENT_PASSWORD_WRONG", message, {"current_password": message})
    if data["password"] == data["current_password"]:
        raise ValidationFailed("PASSWORD_UNCHANGED", "新密码不能与当前密码相同", {"password": "新密码不能与当前密码相同"})
    auth.consume_sms_code(session, sms_secret, account.phone, "change_password", data["sms_code"], now)
    account.password_hash = hasher.hash(data["password"])
    auth.revoke_sessions(session, "person", account.id, now, keep_session_id=keep_session_id)
    auth.send_notice(session, sms, account.phone, "password_changed", now,
                     at=f"{beijing(now):%Y-%m-%d %H:%M}")
    return account


def change_phone(session, account: Account, new_phone: str, code: str, now, *, sms_secret: bytes) -> Account:
    phone = domain.normalize_phone(new_phone)
    if phone == account.phone:
        raise ValidationFailed("PHONE_UNCHANGED", "新手机号与当前手机号相同", {"phone": "新手机号与当前手机号相同"})
    if session.scalar(select(Account.id).where(Account.phone == phone)):
        raise Conflict("PHONE_TAKEN", "该手机号已被其他账号使用，请更换手机号", {"phone": "该手机号已被其他账号使用"})
    auth.consume_sms_code(session, sms_secret, phone, "change_phone", code, now)
    account.phone = phone
    return account


def login_history(session, kind: str, subject_id: str, limit: int = 20) -> list[dict]:
    rows = session.scalars(select(LoginEvent).where(LoginEvent.subject_kind == kind,
                                                    LoginEvent.subject_id == subject_id)
                           .order_by(LoginEvent.at.desc()).limit(limit))
    return [{"at": r.at.isoformat(), "client": r.client, "user_agent": r.user_agent, "method": r.method,
             "success": r.success} for r in rows]
