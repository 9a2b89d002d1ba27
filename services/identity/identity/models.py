"""Tables owned by the identity service. Created by Alembic migrations only."""
import uuid
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ausm_common.clock import utcnow
from ausm_common.db import kit_tables


def new_id() -> str:
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    pass


class Account(Base):
    """A person (accounting professional or candidate)."""
    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    id_type: Mapped[str] = mapped_column(String(24))
    id_number: Mapped[str] = mapped_column(String(32), index=True)
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    nationality: Mapped[str | None] = mapped_column(String(3))
    name: Mapped[str] = mapped_column(String(64))
    gender: Mapped[str | None] = mapped_column(String(8))
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(16), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    realname_status: Mapped[str] = mapped_column(String(16), default="none")  # none|pending|verified
    realname_method: Mapped[str | None] = mapped_column(String(16))
    realname_province: Mapped[str | None] = mapped_column(String(6))
    realname_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    wechat_openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    wechat_nickname: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class StaffAccount(Base):
    """Staff of a management department (national, province, city or county)."""
    __tablename__ = "staff_accounts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    department_code: Mapped[str] = mapped_column(String(6))   # GB/T 2260; 000000 = national
    department_name: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))            # national|province|city|county
    roles: Mapped[list] = mapped_column(JSON, default=list)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Session(Base):
    """A browser session (cookie) or an API bearer token; only the hash is stored."""
    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    subject_kind: Mapped[str] = mapped_column(String(8))      # person|staff
    subject_id: Mapped[str] = mapped_column(String(32), index=True)
    transport: Mapped[str] = mapped_column(String(8))         # cookie|bearer
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginEvent(Base):
    """Login history and the failure counts behind the lockout."""
    __tablename__ = "login_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject_kind: Mapped[str] = mapped_column(String(8))
    subject_id: Mapped[str] = mapped_column(String(32), index=True)
    client: Mapped[str] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    method: Mapped[str] = mapped_column(String(16))            # password|wechat
    success: Mapped[bool] = mapped_column(Boolean)
    cleared: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)


class SmsCode(Base):
    __tablename__ = "sms_codes"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    phone: Mapped[str] = mapped_column(String(16), index=True)
    purpose: Mapped[str] = mapped_column(String(16))           # register|reset_password|change_phone|payment
    code_hash: Mapped[str] = mapped_column(String(64))
    salt: Mapped[str] = mapped_column(String(32))
    client: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SmsMessage(Base):
    """Every message handed to the SMS provider, with its delivery status."""
    __tablename__ = "sms_messages"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    phone: Mapped[str] = mapped_column(String(16), index=True)
    text: Mapped[str] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(8))        # kept only by the sandbox provider
    provider_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))            # sent|delivered|failed
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Captcha(Base):
    __tablename__ = "captchas"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    answer_hash: Mapped[str] = mapped_column(String(64))
    answer: Mapped[str | None] = mapped_column(String(8))      # kept only in sandbox mode
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RealnameRequest(Base):
    """One real-name verification attempt (Alipay or online with photos)."""
    __tablename__ = "realname_requests"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))             # alipay|online
    region_code: Mapped[str | None] = mapped_column(String(6), index=True)
    status: Mapped[str] = mapped_column(String(16))             # pending|submitted|approved|returned|failed
    id_front_key: Mapped[str | None] = mapped_column(String(128))
    id_back_key: Mapped[str | None] = mapped_column(String(128))
    id_handheld_key: Mapped[str | None] = mapped_column(String(128))
    id_number_check: Mapped[str | None] = mapped_column(String(16))   # match|mismatch|unreadable|not_applicable
    id_number_read: Mapped[str | None] = mapped_column(String(32))    # what OCR read on the 人像面, when it counts
    state: Mapped[str | None] = mapped_column(String(64), unique=True)  # alipay authorisation state
    reason: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(32))


class ReviewLog(Base):
    """Every decision (and every view of full personal data) by staff, with who and when."""
    __tablename__ = "review_logs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subject: Mapped[str] = mapped_column(String(32))            # realname_request
    subject_id: Mapped[str] = mapped_column(String(32), index=True)
    staff_id: Mapped[str] = mapped_column(String(32))
    staff_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))             # view|approve|return
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WechatTicket(Base):
    """A QR code shown to be scanned with WeChat, for login or binding."""
    __tablename__ = "wechat_tickets"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    state: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(8))             # login|bind
    account_id: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="waiting")  # waiting|confirmed|consumed|failed
    openid: Mapped[str | None] = mapped_column(String(64))
    nickname: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(String(255))
    sandbox_code: Mapped[str | None] = mapped_column(String(512))   # sandbox WeChat: code after the scan
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiClient(Base):
    """A province system's API client: OAuth 2.0 client credentials, authenticated by a secret (only its argon2
    hash is kept) or by a JWT signed with its private key (private_key_jwt: only the public JWK is kept). A rotation
    keeps the previous secret or key valid until previous_valid_until."""
    __tablename__ = "api_clients"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    scopes: Mapped[list] = mapped_column(JSON, default=list)
    token_endpoint_auth_method: Mapped[str] = mapped_column(String(32), default="client_secret_basic")
    secret_hash: Mapped[str | None] = mapped_column(String(255))           # None for a private_key_jwt client
    previous_secret_hash: Mapped[str | None] = mapped_column(String(255))
    public_jwk: Mapped[dict | None] = mapped_column(JSON)                  # private_key_jwt: the client's public key
    previous_public_jwk: Mapped[dict | None] = mapped_column(JSON)
    previous_valid_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(32))


class SigningKey(Base):
    """A key that signs the API clients' access tokens; published in the JWKS until its last token expires."""
    __tablename__ = "signing_keys"

    kid: Mapped[str] = mapped_column(String(40), primary_key=True)
    algorithm: Mapped[str] = mapped_column(String(16))
    private_key: Mapped[str] = mapped_column(Text)             # sealed with a key derived from SECRET_KEY
    public_jwk: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    signs_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_until: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class WebhookSubscription(Base):
    """A province client's webhook: the events of its province, signed with the subscription's own secret."""
    __tablename__ = "webhook_subscriptions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    client_id: Mapped[str] = mapped_column(String(40), index=True)
    province_code: Mapped[str] = mapped_column(String(6), index=True)
    url: Mapped[str] = mapped_column(String(500))
    events: Mapped[list] = mapped_column(JSON, default=list)
    secret: Mapped[str] = mapped_column(Text)                  # sealed like the signing keys
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebhookDelivery(Base):
    """One event to one subscription: attempts with backoff, each logged; replayable."""
    __tablename__ = "webhook_deliveries"
    __table_args__ = (UniqueConstraint("subscription_id", "event_id", name="uq_webhook_delivery_event"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    subscription_id: Mapped[str] = mapped_column(String(32), index=True)
    event_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))            # pending|delivered|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    log: Mapped[list] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


KIT = kit_tables(Base)
Outbox = KIT.outbox


__all__ = ["Base", "Account", "StaffAccount", "Session", "LoginEvent", "SmsCode", "SmsMessage",
           "Captcha", "RealnameRequest", "ReviewLog", "WechatTicket", "ApiClient", "SigningKey", "WebhookSubscription", "WebhookDelivery", "KIT", "Outbox"]
