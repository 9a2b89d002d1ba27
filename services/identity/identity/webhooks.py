"""Webhook subscriptions of province clients: the events of their province delivered to their URL, signed,
retried with backoff, each attempt logged, any delivery replayable.

Signature: header `X-Ausm-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` with
`X-Ausm-Timestamp` (Unix seconds); a receiver recomputes it and refuses old timestamps (replay protection).
Targets: public addresses only, checked at subscribe time and before every delivery (url_guard.py).
"""
import hashlib
import hmac
import json
import secrets
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert

from ausm_common import divisions
from ausm_common.errors import DomainError, not_found

from . import url_guard
from .models import WebhookDelivery, WebhookSubscription

# payment_succeeded carries the province its order was made for (the paying service said so: exam's `payable`);
# exam's enrollment_registered is the paid enrollment that follows it. cpe's credits_changed carries the person's
# management department. job_finished (any service's province-client job, done or failed) goes only to the
# subscriptions of the client that owns the job (`client_of`), not to its whole province.
EVENTS = ("collection_approved", "transfer_approved", "enrollment_submitted", "payment_succeeded",
          "enrollment_registered", "credits_changed", "job_finished")
OWNED_EVENTS = ("job_finished",)
MAX_ATTEMPTS = 8
MAX_DELAY = timedelta(hours=1)
TIMEOUT_SECONDS = 5
LOG_KEEP = 20


# --- rules (plain functions) -----------------------------------------------------------------------------

def signature(secret: str, timestamp: int, body: bytes) -> str:
    return "v1=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """After the n-th failed attempt: base, 2·base, 4·base … at most an hour."""
    return min(timedelta(seconds=base_seconds * 2 ** max(attempts - 1, 0)), MAX_DELAY)


def check_url(url: str, policy: url_guard.Policy, resolve=url_guard.system_resolve) -> str:
    """A URL identity may deliver to (https, a public address: url_guard); else a DomainError on `url`."""
    url_guard.check(url, policy, resolve)
    return url


def check_events(events) -> list[str]:
    unknown = [e for e in events or [] if e not in EVENTS]
    if not events or unknown:
        raise DomainError("WEBHOOK_EVENTS_INVALID", f"可订阅的事件：{'、'.join(EVENTS)}", "events")
    return [e for e in EVENTS if e in events]


def provinces_of(event_type: str, payload: dict) -> set[str]:
    """The provinces whose jurisdiction an event falls in (a transfer concerns both ends)."""
    codes = {"collection_approved": [payload.get("department_code")],
             "transfer_approved": [payload.get("from_department"), payload.get("to_department")],
             "enrollment_submitted": [payload.get("province_code")],
             "payment_succeeded": [payload.get("province_code")],
             "enrollment_registered": [payload.get("province_code")],
             "credits_changed": [payload.get("department_code")],
             "job_finished": [payload.get("province_code")]}.get(event_type, [])
    return {divisions.province_code(c) for c in codes if c}


def client_of(event_type: str, payload: dict) -> str | None:
    """The one client an event belongs to (its own job), or None for an event of the whole province."""
    return str(payload.get("client_id") or "") if event_type in OWNED_EVENTS else None


# --- persistence -----------------------------------------------------------------------------------------

def subscribe(session, client: dict, data: dict, seal, now, policy: url_guard.Policy,
              resolve=url_guard.system_resolve) -> tuple[WebhookSubscription, str]:
    secret = "whsec_" + secrets.token_urlsafe(32)
    sub = WebhookSubscription(client_id=client["client_id"], province_code=client["province_code"],
                              url=check_url(data["url"], policy, resolve), events=check_events(data["events"]),
                              secret=seal(secret.encode()), active=True, created_at=now)
    session.add(sub)
    session.flush()
    return sub, secret


def owned(session, client: dict, subscription_id: str) -> WebhookSubscription:
    sub = session.get(WebhookSubscription, subscription_id)
    if sub is None or sub.client_id != client["client_id"]:
        raise not_found("订阅")
    return sub


def sub_view(sub: WebhookSubscription) -> dict:
    return {"id": sub.id, "url": sub.url, "events": list(sub.events), "active": sub.active,
            "created_at": sub.created_at.isoformat()}


def delivery_view(d: WebhookDelivery) -> dict:
    iso = lambda v: v.isoformat() if v else None   # noqa: E731
    return {"id": d.id, "subscription_id": d.subscription_id, "event_id": d.event_id, "event_type": d.event_type,
            "status": d.status, "attempts": d.attempts, "last_status_code": d.last_status_code,
            "last_error": d.last_error, "next_attempt_at": iso(d.next_attempt_at),
            "delivered_at": iso(d.delivered_at), "created_at": d.created_at.isoformat(), "log": list(d.log or [])}


def fan_out(session, event_type: str, event: dict, now) -> int:
    """One delivery per matching active subscription; a redelivered event adds nothing (unique per event)."""
    provinces, owner = provinces_of(event_type, event), client_of(event_type, event)
    if not provinces or owner == "":
        return 0
    query = select(WebhookSubscription).where(WebhookSubscription.active.is_(True),
                                              WebhookSubscription.province_code.in_(provinces))
    subs = session.scalars(query if owner is None else query.where(WebhookSubscription.client_id == owner))
    body = {"event_id": event.get("event_id"), "event_type": event_type, "occurred_at": event.get("occurred_at"),
            "data": {k: v for k, v in event.items() if k not in ("event_id", "event_type", "occurred_at")}}
    count = 0
    for sub in subs:
        if event_type not in (sub.events or []):
            continue
        session.execute(pg_insert(WebhookDelivery).values(
            id=secrets.token_hex(16), subscription_id=sub.id, event_id=str(event.get("event_id")),
            event_type=event_type, payload=body, status="pending", attempts=0, next_attempt_at=now, log=[],
            created_at=now).on_conflict_do_nothing(constraint="uq_webhook_delivery_event"))
        count += 1
    return count


def due(session, now, limit: int = 10) -> list[WebhookDelivery]:
    return list(session.scalars(select(WebhookDelivery).where(
        WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at).limit(limit).with_for_update(skip_locked=True)))


def attempt(session, delivery: WebhookDelivery, post, unseal, now, base_seconds: float):
    """POST the delivery once; record the outcome and schedule the next try or give up. A target that is no
    longer allowed (url_guard.TargetRefused: the name now resolves to an internal address) ends the delivery
    at once, its reason in the log; a replay tries again."""
    sub = session.get(WebhookSubscription, delivery.subscription_id)
    if sub is None or not sub.active:
        delivery.status, delivery.next_attempt_at = "failed", None
        delivery.last_error = "订阅已取消"
        return
    body = json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":")).encode()
    timestamp = int(now.timestamp())
    headers = {"Content-Type": "application/json", "X-Ausm-Event": delivery.event_type,
               "X-Ausm-Delivery": delivery.id, "X-Ausm-Timestamp": str(timestamp),
               "X-Ausm-Signature": signature(unseal(sub.secret).decode(), timestamp, body)}
    code, error = None, None
    try:
        code = post(sub.url, body, headers, TIMEOUT_SECONDS)
    except url_guard.TargetRefused as exc:
        return _refused(delivery, exc, now)
    except Exception as exc:          # the receiver's failure, whatever it is, is logged and retried
        error = exc.message if isinstance(exc, DomainError) else f"{type(exc).__name__}: {exc}"[:300]
    delivery.attempts += 1
    delivery.last_status_code, delivery.last_error = code, error or (None if code and 200 <= code < 300
                                                                    else f"HTTP {code}")
    delivery.log = (list(delivery.log or []) + [{"at": now.isoformat(), "status_code": code,
                                                 "error": delivery.last_error}])[-LOG_KEEP:]
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = "delivered", now, None
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = "failed", None
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts, base_seconds)


def _refused(delivery: WebhookDelivery, exc: url_guard.TargetRefused, now):
    delivery.attempts += 1
    delivery.status, delivery.next_attempt_at = "failed", None
    delivery.last_status_code, delivery.last_error = None, f"已拒绝投递：{exc.message}"
    delivery.log = (list(delivery.log or []) + [{"at": now.isoformat(), "status_code": None, "code": exc.code,
                                                 "error": delivery.last_error}])[-LOG_KEEP:]


def replay(session, client: dict, delivery_id: str, now) -> WebhookDelivery:
    delivery = session.get(WebhookDelivery, delivery_id, with_for_update=True)
    if delivery is None:
        raise not_found("投递记录")
    owned(session, client, delivery.subscription_id)
    delivery.status, delivery.attempts, delivery.next_attempt_at = "pending", 0, now
    delivery.log = (list(delivery.log or []) + [{"at": now.isoformat(), "replay": True}])[-LOG_KEEP:]
    return delivery
