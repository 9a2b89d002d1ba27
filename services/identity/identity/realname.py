"""Real-name verification: Alipay, or online with three ID photos reviewed by a province."""
from sqlalchemy import select

from ausm_common import divisions
from ausm_common.errors import Conflict, ValidationFailed, forbidden, not_found
from ausm_common.tokens import new_token
from ausm_common.upload_policies import REALNAME_PHOTO
from ausm_common.uploads import check_upload

from . import domain, ocr
from .models import Account, RealnameRequest, ReviewLog

PHOTO_FIELDS = {"id_front": "证件人像面照片", "id_back": "证件国徽面照片", "id_handheld": "手持证件人像面照片"}
PHOTO_POLICY = REALNAME_PHOTO
RETURN_REASON_MAX = 200


def regions() -> list[dict]:
    """Where an online request can be reviewed: provinces and the separately listed cities."""
    out = [{"code": c, "name": n} for c, n in divisions.provinces() if c[:2] not in ("71", "81", "82")]
    out += [{"code": c, "name": n} for c, n in divisions.SEPARATE_PLAN_CITIES.items()]
    return out


def _check_can_start(session, account: Account):
    if account.realname_status == "verified":
        raise Conflict("REALNAME_ALREADY_VERIFIED", "您已完成实名认证，无需重复认证")
    if account.realname_status == "pending":
        raise Conflict("REALNAME_PENDING", "您的线上实名认证正在审核中，请耐心等待审核结果")


def submit_online(session, store, account: Account, region_code: str, keys: dict, now) -> RealnameRequest:
    """Check every photo by content before anything is recorded; on refusal remove the uploads."""
    try:
        _check_can_start(session, account)
        if region_code not in {r["code"] for r in regions()}:
            raise ValidationFailed("REGION_INVALID", "请选择所在省市", {"region_code": "请选择所在省市"})
        for field, label in PHOTO_FIELDS.items():
            key = keys.get(field)
            if not key or not key.startswith(f"incoming/{account.id}/"):
                raise ValidationFailed("UPLOAD_EMPTY", f"请上传{label}", {field: f"请上传{label}"})
            check_upload(store.get(key), PHOTO_POLICY, field=field, label=label)
    except Exception:
        for key in keys.values():
            if key and key.startswith(f"incoming/{account.id}/"):
                store.delete(key)
        raise
    request = RealnameRequest(account_id=account.id, method="online", region_code=region_code,
                              status="submitted", submitted_at=now,
                              **{f"{f}_key": keys[f] for f in PHOTO_FIELDS})
    account.realname_status = "pending"
    account.realname_method = "online"
    account.realname_province = region_code
    session.add(request)
    session.flush()
    return request


def read_check(account: Account, front: bytes, today, reader=ocr.read_id_numbers) -> tuple[str, str | None]:
    """The number on the 人像面 against the account's: it informs the person and the reviewer, never refuses."""
    if account.id_type != "mainland_id":
        return "not_applicable", None
    return domain.compare_read_id_number(account.id_type, account.id_number, reader(front), today)


def record_photo_check(session, store, request_id: str, today, reader=ocr.read_id_numbers):
    """After the submission (identity's own realname_submitted event): the number on the submitted 人像面, kept
    for the reviewer. Reading takes up to a few seconds, which the submission does not wait for."""
    request = session.get(RealnameRequest, request_id, with_for_update=True)
    if request is None or request.method != "online" or request.id_number_check or not request.id_front_key:
        return None
    account = session.get(Account, request.account_id)
    front = store.get(request.id_front_key) if account.id_type == "mainland_id" else b""
    request.id_number_check, request.id_number_read = read_check(account, front, today, reader)
    return request


def check_id_photo(store, account: Account, key: str, today) -> dict:
    """A 人像面 checked as soon as it is picked, before the submission: read, compared, and removed again."""
    if not key or not key.startswith(f"incoming/{account.id}/"):
        raise ValidationFailed("UPLOAD_EMPTY", "请上传证件人像面照片", {"id_front": "请上传证件人像面照片"})
    try:
        data = store.get(key)
        check_upload(data, PHOTO_POLICY, field="id_front", label=PHOTO_FIELDS["id_front"])
    finally:
        store.delete(key)
    return photo_check_view(*read_check(account, data, today))


PERSON_MESSAGES = {
    "match": "已识别照片上的证件号码，与您注册的证件号码一致。",
    "mismatch": "照片上识别到的证件号码（{read}）与您注册的证件号码不一致。请确认上传的是本人证件的人像面；"
                "如确认无误，仍可提交，由审核人员人工核对。",
    "unreadable": "未能识别照片上的证件号码，请确认照片清晰、号码区完整且无遮挡、无反光；也可直接提交，由审核人员人工核对。",
    "reading": "",
}


def photo_check_view(check: str | None, read: str | None, full: bool = False) -> dict:
    """What the person (the read number masked) or the reviewer (in full) is told of the photo's number."""
    shown = read if full else domain.mask_id_number(read)
    message = PERSON_MESSAGES.get(check, "").format(read=shown) if not full else domain.ID_PHOTO_CHECKS.get(check)
    return {"check": check, "read": shown or None, "message": message or None}


def start_alipay(session, alipay, account: Account, return_url: str, now) -> dict:
    _check_can_start(session, account)
    state = new_token(16)
    session.add(RealnameRequest(account_id=account.id, method="alipay", status="pending", state=state,
                                submitted_at=now))
    return {"redirect_url": alipay.certify_url(state, account.name, account.id_number, return_url), "state": state}


def alipay_request(session, state: str) -> RealnameRequest:
    request = session.scalars(select(RealnameRequest).where(RealnameRequest.state == state,
                                                            RealnameRequest.method == "alipay")).first()
    if request is None:
        raise not_found("认证请求")
    return request


def complete_alipay(session, alipay, params: dict, now) -> tuple[RealnameRequest, Account]:
    try:
        result = alipay.verify_return(params)
    except ValueError:
        raise ValidationFailed("ALIPAY_SIGNATURE_INVALID", "支付宝返回信息校验失败，请重新认证")
    request = alipay_request(session, result.state)
    account = session.get(Account, request.account_id, with_for_update=True)
    if request.status in ("approved", "failed"):
        return request, account          # the same return processed twice
    request.decided_at = now
    if not result.passed:
        request.status = "failed"
        request.reason = result.fail_reason or "支付宝实名认证未通过"
        return request, account
    request.status = "approved"
    _mark_verified(account, "alipay", None, now)
    return request, account


def _mark_verified(account: Account, method: str, region: str | None, now):
    account.realname_status = "verified"
    account.realname_method = method
    account.realname_province = region or account.realname_province
    account.realname_at = now


# --- staff review --------------------------------------------------------------------

def _in_jurisdiction(staff: dict, request: RealnameRequest) -> bool:
    return "realname_reviewer" in staff["roles"] and request.region_code is not None and \
        divisions.within(request.region_code, staff["department_code"])


def review_queue(session, staff: dict, status: str = "submitted") -> list[RealnameRequest]:
    rows = session.scalars(select(RealnameRequest).where(RealnameRequest.method == "online",
                                                         RealnameRequest.status == status)
                           .order_by(RealnameRequest.submitted_at)).all()
    return [r for r in rows if _in_jurisdiction(staff, r)]


def get_for_staff(session, staff: dict, request_id: str, lock=False) -> RealnameRequest:
    request = session.get(RealnameRequest, request_id, with_for_update=lock)
    if request is None or request.method != "online":
        raise not_found("认证申请")
    if not _in_jurisdiction(staff, request):
        raise forbidden("该认证申请不属于您所在管理部门的审核范围")
    return request


def decide(session, staff: dict, request_id: str, approve: bool, reason: str | None, now) -> RealnameRequest:
    request = get_for_staff(session, staff, request_id, lock=True)
    if request.status != "submitted":
        raise Conflict("ALREADY_DECIDED", "该申请已审核，请刷新列表")
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationFailed("REASON_REQUIRED", "退回时请填写退回原因，告诉申请人需要如何修改", {"reason": "请填写退回原因"})
    if len(reason) > RETURN_REASON_MAX:
        raise ValidationFailed("REASON_TOO_LONG", f"退回原因不能超过{RETURN_REASON_MAX}字", {"reason": "退回原因过长"})
    account = session.get(Account, request.account_id, with_for_update=True)
    request.status = "approved" if approve else "returned"
    request.reason = reason or None
    request.decided_at, request.decided_by = now, staff["id"]
    if approve:
        _mark_verified(account, "online", request.region_code, now)
    else:
        account.realname_status = "none"
    log(session, staff, request.id, "approve" if approve else "return", reason or None, now)
    return request


def log(session, staff: dict, request_id: str, action: str, reason, now):
    session.add(ReviewLog(subject="realname_request", subject_id=request_id, staff_id=staff["id"],
                          staff_name=staff["name"], action=action, reason=reason, at=now))


def request_view(request: RealnameRequest, account: Account | None = None, links: dict | None = None,
                 full: bool = False) -> dict:
    view = {"id": request.id, "method": request.method, "status": request.status,
            "region_code": request.region_code,
            "region_name": divisions.name_of(request.region_code) if request.region_code else None,
            "reason": request.reason, "submitted_at": request.submitted_at.isoformat(),
            "decided_at": request.decided_at.isoformat() if request.decided_at else None}
    if account is not None:
        view["applicant"] = {
            "name": account.name if full else domain.mask_name(account.name),
            "id_type_label": domain.ID_TYPE_LABELS[account.id_type],
            "id_number": account.id_number if full else domain.mask_id_number(account.id_number),
            "gender": account.gender,
            "birth_date": account.birth_date.isoformat() if account.birth_date else None}
    if links:
        view["photos"] = links
    if request.method == "online":
        view["id_photo_check"] = photo_check_view(request.id_number_check or "reading", request.id_number_read, full)
    return view


def history(session, request_id: str) -> list[dict]:
    rows = session.scalars(select(ReviewLog).where(ReviewLog.subject_id == request_id).order_by(ReviewLog.at))
    return [{"staff_name": r.staff_name, "action": r.action, "reason": r.reason, "at": r.at.isoformat()}
            for r in rows]


def reads_for_person(session, account_id: str) -> list[dict]:
    """Reviewers opening a person's real-name request see the ID photos and number unmasked (logged as `view`)."""
    from ausm_common import divisions
    from .models import StaffAccount
    rows = session.execute(select(ReviewLog, StaffAccount.department_code).join(
        RealnameRequest, RealnameRequest.id == ReviewLog.subject_id).outerjoin(
        StaffAccount, StaffAccount.id == ReviewLog.staff_id).where(
        RealnameRequest.account_id == account_id, ReviewLog.subject == "realname_request", ReviewLog.action == "view")
        .order_by(ReviewLog.at.desc()).limit(200))
    return [{"id": f"realname-{log.id}", "at": log.at.isoformat(), "reader_kind": "staff",
             "reader_kind_label": "管理部门工作人员",
             "reader": f"{divisions.department_name(code) or '管理部门'}工作人员" if code else "管理部门工作人员",
             "fields": ["name", "id_number"], "fields_label": "实名认证申请（姓名、证件号码、证件照片）",
             "purpose": "实名认证审核"} for log, code in rows]
