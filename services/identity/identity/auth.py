"""Captchas, SMS codes, sessions and login lockout: the persistence around domain rules."""
import base64
import io
import secrets
from datetime import timedelta

from sqlalchemy import func, select, update

from ausm_common.clock import beijing
from ausm_common.db import advisory_xact_lock
from ausm_common.errors import AppError, NotAuthenticated, TooManyRequests, ValidationFailed
from ausm_common.tokens import new_token, token_hash

from . import domain
from .models import Captcha, LoginEvent, Session, SmsCode, SmsMessage

CAPTCHA_TTL = timedelta(minutes=5)
CAPTCHA_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXY3456789"
SESSION_TTL = {"cookie": timedelta(hours=2), "bearer": timedelta(hours=12)}
SMS_PER_CLIENT_DAILY = 30
SMS_TEXT = {
    "register": "您正在注册全国会计人员统一服务管理平台，验证码{code}，3分钟内有效。如非本人操作请忽略。",
    "reset_password": "您正在找回全国会计人员统一服务管理平台登录密码，验证码{code}，3分钟内有效。请勿告知他人。",
    "change_phone": "您正在更换全国会计人员统一服务管理平台绑定手机号，验证码{code}，3分钟内有效。",
    "payment": "您正在全国会计人员统一服务管理平台进行网上缴费，验证码{code}，3分钟内有效。请勿告知他人。",
}


def server_secret(config: dict, name: str) -> bytes:
    """A keying secret from the service config: ``name`` when set, else SECRET_KEY."""
    value = config.get(name) or config.get("SECRET_KEY")
    if not value:
        raise RuntimeError(f"{name} or SECRET_KEY must be set in the identity config")
    return str(value).encode()


# --- captcha -------------------------------------------------------------------------

def create_captcha(session, now, keep_answer: bool) -> dict:
    from captcha.image import ImageCaptcha

    answer = "".join(secrets.choice(CAPTCHA_ALPHABET) for _ in range(4))
    row = Captcha(answer_hash=token_hash(answer), answer=answer if keep_answer else None, created_at=now)
    session.add(row)
    session.flush()
    buffer = io.BytesIO()
    ImageCaptcha(width=140, height=48, font_sizes=(34, 38, 40)).write(answer, buffer, format="png")
    image = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    return {"captcha_id": row.id, "image": image, "expires_in": int(CAPTCHA_TTL.total_seconds())}


def check_captcha(session, captcha_id: str, answer: str, now):
    """One try per captcha: right or wrong, it is used up."""
    fail = ValidationFailed("CAPTCHA_WRONG", "图片验证码错误或已过期，请刷新后重新输入",
                            {"captcha": "图片验证码错误或已过期"})
    if not captcha_id or not answer:
        raise ValidationFailed("CAPTCHA_REQUIRED", "请输入图片验证码", {"captcha": "请输入图片验证码"})
    row = session.get(Captcha, captcha_id, with_for_update=True)
    if row is None or row.used_at is not None or now - row.created_at > CAPTCHA_TTL:
        raise fail
    row.used_at = now
    if not secrets.compare_digest(row.answer_hash, token_hash(answer.strip().upper())):
        session.commit()   # the captcha stays used even though the login fails
        raise fail


# --- SMS codes -------------------------------------------------------------------------

def _latest_code(session, phone, purpose):
    return session.scalars(select(SmsCode).where(SmsCode.phone == phone, SmsCode.purpose == purpose)
                           .order_by(SmsCode.created_at.desc()).limit(1).with_for_update()).first()


def send_sms_code(session, sms, secret: bytes, phone: str, purpose: str, client: str, now,
                  per_client_daily: int = SMS_PER_CLIENT_DAILY) -> dict:
    """Cooldown and daily caps are read and the new code written under locks on the phone, then on the network
    (always in that order), held to the commit: concurrent requests are counted one after another, even for a
    phone that never had a code (no row to lock yet)."""
    day_start = beijing(now).replace(hour=0, minute=0, second=0, microsecond=0)
    advisory_xact_lock(session, "sms-phone", phone)
    last = _latest_code(session, phone, purpose)
    sent_today = session.scalar(select(func.count()).select_from(SmsCode)
                                .where(SmsCode.phone == phone, SmsCode.created_at >= day_start))
    domain.check_sms_send_allowed(last.created_at if last else None, sent_today, now)
    advisory_xact_lock(session, "sms-client", client)
    by_client = session.scalar(select(func.count()).select_from(SmsCode)
                               .where(SmsCode.client == client, SmsCode.created_at >= day_start))
    if by_client >= per_client_daily:
        raise TooManyRequests("SMS_CLIENT_LIMIT", "当前网络今日获取验证码次数过多，请明日再试")
    code = domain.generate_sms_code()
    salt = secrets.token_hex(8)
    session.add(SmsCode(phone=phone, purpose=purpose, code_hash=domain.hash_code(secret, code, salt), salt=salt,
                        client=client, created_at=now))
    text = SMS_TEXT[purpose].format(code=code)
    receipt = sms.send(phone, text)
    message = SmsMessage(phone=phone, text=text if receipt.keeps_code else text.replace(code, "******"),
                         code=code if receipt.keeps_code else None, provider_id=receipt.provider_id,
                         status=receipt.status, sent_at=now)
    session.add(message)
    return {"phone": domain.mask_phone(phone), "status": receipt.status,
            "sent_at": now.isoformat(), "resend_after": int(domain.SMS_RESEND_INTERVAL.total_seconds()),
            "expires_in": int(domain.SMS_CODE_TTL.total_seconds())}


def consume_sms_code(session, secret: bytes, phone: str, purpose: str, code: str, now):
    """Check the newest code for (phone, purpose); a wrong try counts against the code."""
    row = _latest_code(session, phone, purpose)
    if row is None:
        raise ValidationFailed("SMS_CODE_REQUIRED", "请先获取短信验证码", {"sms_code": "请先获取短信验证码"})
    state = domain.SmsCodeState(code_hash=row.code_hash, salt=row.salt, created_at=row.created_at,
                                attempts=row.attempts, used_at=row.used_at)
    try:
        domain.verify_sms_code(state, (code or "").strip(), now, secret)
    except domain.DomainError as exc:
        if exc.code == "SMS_CODE_WRONG":
            row.attempts += 1
            session.commit()
        raise
    row.used_at = now


def recent_sms(session, phone: str, limit: int = 10) -> list[dict]:
    rows = session.scalars(select(SmsMessage).where(SmsMessage.phone == phone)
                           .order_by(SmsMessage.sent_at.desc()).limit(limit))
    return [{"phone": r.phone, "text": r.text, "code": r.code, "sent_at": r.sent_at.isoformat(),
             "status": r.status} for r in rows]


# --- lockout -------------------------------------------------------------------------

def lock_login_counter(session, kind: str, subject_id: str, client: str):
    """One login at a time per (subject, client), held to the commit: the failure count read before a password
    is verified is still the count when the result is written."""
    advisory_xact_lock(session, "login", kind, subject_id, client)


def check_lockout(session, kind: str, subject_id: str, client: str, now):
    since = now - domain.LOCK_WINDOW - domain.LOCK_DURATION
    failures = session.scalars(select(LoginEvent.at).where(
        LoginEvent.subject_kind == kind, LoginEvent.subject_id == subject_id, LoginEvent.client == client,
        LoginEvent.success.is_(False), LoginEvent.cleared.is_(False), LoginEvent.at >= since)).all()
    try:
        domain.check_not_locked(domain.lockout_until(list(failures), now), now)
    except domain.DomainError as exc:
        raise TooManyRequests(exc.code, exc.message, {}, exc.extra)


def record_login(session, kind, subject_id, client, user_agent, method, success, now):
    session.add(LoginEvent(subject_kind=kind, subject_id=subject_id, client=client,
                           user_agent=(user_agent or "")[:255], method=method, success=success, at=now))
    if success:
        session.execute(update(LoginEvent).where(
            LoginEvent.subject_kind == kind, LoginEvent.subject_id == subject_id,
            LoginEvent.client == client, LoginEvent.success.is_(False)).values(cleared=True))


def failures_left(session, kind, subject_id, client, now) -> int:
    since = now - domain.LOCK_WINDOW
    count = session.scalar(select(func.count()).select_from(LoginEvent).where(
        LoginEvent.subject_kind == kind, LoginEvent.subject_id == subject_id, LoginEvent.client == client,
        LoginEvent.success.is_(False), LoginEvent.cleared.is_(False), LoginEvent.at >= since))
    return max(domain.LOCK_THRESHOLD - count, 0)


# --- sessions ------------------------------------------------------------------------

def open_session(session, kind: str, subject_id: str, transport: str, now) -> dict:
    token = new_token()
    expires = now + SESSION_TTL[transport]
    session.add(Session(token_hash=token_hash(token), subject_kind=kind, subject_id=subject_id,
                        transport=transport, created_at=now, expires_at=expires))
    return {"token": token, "expires_at": expires.isoformat(), "transport": transport}


def find_session(session, token: str, now) -> Session:
    row = session.scalars(select(Session).where(Session.token_hash == token_hash(token or ""))).first()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        raise NotAuthenticated("NOT_AUTHENTICATED", "登录已失效，请重新登录")
    return row


def revoke_sessions(session, kind: str, subject_id: str, now, keep_token_hash: str | None = None):
    query = update(Session).where(Session.subject_kind == kind, Session.subject_id == subject_id,
                                  Session.revoked_at.is_(None))
    if keep_token_hash:
        query = query.where(Session.token_hash != keep_token_hash)
    session.execute(query.values(revoked_at=now))


def as_app_error(exc: "domain.DomainError") -> AppError:
    cls = TooManyRequests if exc.code in ("SMS_TOO_FREQUENT", "SMS_DAILY_LIMIT", "ACCOUNT_LOCKED") else ValidationFailed
    return cls(exc.code, exc.message, {exc.field: exc.message} if exc.field else {}, getattr(exc, "extra", None))
