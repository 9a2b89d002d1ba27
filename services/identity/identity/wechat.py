"""WeChat QR login and binding, on top of the WeChat adapter."""
from datetime import timedelta

from sqlalchemy import select

from ausm_common.errors import Conflict, NotAuthenticated, ValidationFailed, not_found
from ausm_common.tokens import new_token

from .adapters.wechat import WechatError
from .models import Account, WechatTicket

TICKET_TTL = timedelta(minutes=5)


def open_ticket(session, wechat, purpose: str, account_id: str | None, redirect_uri: str, now) -> dict:
    state = new_token(16)
    session.add(WechatTicket(state=state, purpose=purpose, account_id=account_id, created_at=now))
    return {"state": state, "qr_url": wechat.qrconnect_url(state, redirect_uri),
            "expires_in": int(TICKET_TTL.total_seconds())}


def _ticket(session, state: str, now) -> WechatTicket:
    ticket = session.scalars(select(WechatTicket).where(WechatTicket.state == state).with_for_update()).first()
    if ticket is None:
        raise not_found("二维码")
    if ticket.status == "waiting" and now - ticket.created_at > TICKET_TTL:
        raise ValidationFailed("WECHAT_QR_EXPIRED", "二维码已过期，请刷新二维码后重新扫码")
    return ticket


def complete(session, wechat, state: str, code: str, now) -> tuple[WechatTicket, Account | None]:
    """The redirect back from WeChat: exchange the code, then log in or bind."""
    ticket = _ticket(session, state, now)
    if ticket.status != "waiting":
        raise Conflict("WECHAT_QR_USED", "该二维码已使用，请刷新二维码")
    try:
        user = wechat.exchange_code(code)
    except WechatError:
        raise ValidationFailed("WECHAT_CODE_INVALID", "微信授权失败，请重新扫码")
    ticket.openid, ticket.nickname = user["openid"], user.get("nickname")
    owner = session.scalars(select(Account).where(Account.wechat_openid == user["openid"])).first()
    if ticket.purpose == "login":
        if owner is None:
            ticket.status = "failed"
            ticket.message = "该微信尚未绑定平台账号，请先使用证件号码或手机号登录，在个人中心绑定微信"
            return ticket, None
        ticket.status, ticket.account_id = "confirmed", owner.id
        return ticket, owner
    account = session.get(Account, ticket.account_id, with_for_update=True)
    if owner is not None and owner.id != account.id:
        ticket.status = "failed"
        ticket.message = "该微信已绑定其他账号，请先在其他账号中解绑"
        return ticket, account
    account.wechat_openid, account.wechat_nickname = user["openid"], user.get("nickname")
    ticket.status = "confirmed"
    return ticket, account


def unbind(account: Account):
    if not account.wechat_openid:
        raise Conflict("WECHAT_NOT_BOUND", "尚未绑定微信")
    account.wechat_openid = account.wechat_nickname = None


def require_person(caller: dict | None) -> str:
    if not caller or caller.get("kind") != "person":
        raise NotAuthenticated("NOT_AUTHENTICATED", "请先登录")
    return caller["id"]
