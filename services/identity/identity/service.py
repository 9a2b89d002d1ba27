"""The identity service (built on the kit's ServiceBase, imported as `kit.` so that `nameko run` finds only
this module's service class): thin entrypoints over accounts, auth, realname and wechat modules."""
from functools import partial

from nameko.extensions import DependencyProvider
from nameko.timer import timer

from ausm_common.config import file_link_secret
from ausm_common.errors import Forbidden, NotAuthenticated, not_found
from ausm_common.outbox import record_event
from ausm_common import service as kit
from ausm_common.service import entrypoint, handle_event, load, sandbox_only
from ausm_common.storage import Storage
from ausm_common.tokens import file_link, token_hash

from . import accounts, api_clients, auth, client_rules, domain, webhooks, field_checks, options, realname, schemas, wechat
from . import url_guard
from .adapters.alipay import build_alipay
from .adapters.sms import build_sms
from .adapters.wechat import build_wechat
from .models import KIT, Account, Outbox, StaffAccount


class Providers(DependencyProvider):
    """External providers (SMS, Alipay, WeChat) and the password hasher, chosen by config."""

    def setup(self):
        config = self.container.config
        self.sandbox = bool(config.get("SANDBOX"))
        self.sms, self.alipay, self.wechat = build_sms(config), build_alipay(config), build_wechat(config)
        self.hasher = accounts.password_hasher(config)
        self.dummy_hash = self.hasher.hash("not-a-real-password")
        self.sms_secret = auth.server_secret(config, "SMS_CODE_SECRET")
        self.sms_per_client_daily = int(config.get("SMS_PER_CLIENT_DAILY") or auth.SMS_PER_CLIENT_DAILY)
        self.login_secret = auth.server_secret(config, "SECRET_KEY")
        self.webhook_policy = url_guard.policy_from_config(config)     # refuses to start on an unsafe one

    def get_dependency(self, worker_ctx):
        return self


class IdentityService(kit.ServiceBase):
    name = "identity"
    tables = KIT

    storage = Storage()
    providers = Providers()

    # --- helpers --------------------------------------------------------------------
    def _now(self, session=None):
        return self.clock.now()

    def _person(self, session, lock=False) -> Account:
        account = session.get(Account, self.caller.person_id(), with_for_update=lock)
        if account is None:
            raise NotAuthenticated("NOT_AUTHENTICATED", "请先登录")
        return account

    def _staff(self) -> dict:
        return self.caller.staff()

    # --- captcha and SMS ------------------------------------------------------------
    @entrypoint
    def create_captcha(self):
        with self.db.get_session() as session:
            return auth.create_captcha(session, self._now(), keep_answer=self.providers.sandbox)

    @entrypoint(sensitive=("data",))
    def send_sms_code(self, data):
        data = load(schemas.SendSmsSchema(), data)
        phone = domain.normalize_phone(data["phone"])
        with self.db.get_session() as session:
            return auth.send_sms_code(session, self.providers.sms, self.providers.sms_secret, phone,
                                      data["purpose"], data["client"], self._now(),
                                      per_client_daily=self.providers.sms_per_client_daily)

    @entrypoint(sensitive=("code",))
    def verify_sms_code(self, phone, purpose, code):
        """For other services (payment's SMS step before the QR): check and use up the newest code sent to the
        phone for the purpose, with the rules of registration (3 minutes, limited tries, keyed hash)."""
        self.caller.service()
        data = load(schemas.VerifySmsSchema(), {"phone": phone, "purpose": purpose, "code": code})
        phone = domain.normalize_phone(data["phone"])
        with self.db.get_session() as session:
            auth.consume_sms_code(session, self.providers.sms_secret, phone, data["purpose"], data["code"],
                                  self._now())
        return {"ok": True, "phone": domain.mask_phone(phone)}

    # --- accounts -------------------------------------------------------------------
    @entrypoint(sensitive=("data",))
    def register_account(self, data):
        data = load(schemas.RegisterSchema(), data)
        with self.db.get_session() as session:
            account = accounts.register(session, self.providers.hasher, data, self._now(),
                                        sms_secret=self.providers.sms_secret)
            record_event(session, Outbox, "account_registered",
                         {"account_id": account.id, "id_type": account.id_type})
            return accounts.person_view(account)

    @entrypoint(sensitive=("data",))
    def login(self, data):
        data = load(schemas.LoginSchema(), data)
        with self.db.get_session() as session:
            now = self._now()
            auth.check_captcha(session, data["captcha_id"], data["captcha_answer"], now)
            account = accounts.find_for_login(session, data["login"])
            accounts.check_login(session, self.providers.hasher, "person", account, data["password"],
                                 data["client"], data["user_agent"], now, self.providers.dummy_hash,
                                 login=data["login"], secret=self.providers.login_secret)
            opened = auth.open_session(session, "person", account.id, data["transport"], now)
            return {**opened, "account": accounts.person_view(account)}

    @entrypoint(sensitive=("data",))
    def staff_login(self, data):
        data = load(schemas.StaffLoginSchema(), data)
        with self.db.get_session() as session:
            now = self._now()
            auth.check_captcha(session, data["captcha_id"], data["captcha_answer"], now)
            staff = session.query(StaffAccount).filter_by(username=data["login"].strip().lower(),
                                                         active=True).first()
            accounts.check_login(session, self.providers.hasher, "staff", staff, data["password"],
                                 data["client"], data["user_agent"], now, self.providers.dummy_hash,
                                 login=data["login"], secret=self.providers.login_secret)
            opened = auth.open_session(session, "staff", staff.id, data["transport"], now)
            return {**opened, "staff": accounts.staff_view(staff)}

    @entrypoint(sensitive=("token",))
    def resolve_session(self, token):
        """Who is calling: the gateway asks once per request and signs the answer into every call it makes."""
        self.caller.service("gateway")
        with self.db.get_session() as session:
            row = auth.find_session(session, token, self._now())
            if row.subject_kind == "staff":
                staff = session.get(StaffAccount, row.subject_id)
                if staff is None or not staff.active:
                    raise NotAuthenticated("NOT_AUTHENTICATED", "登录已失效，请重新登录")
                return {"kind": "staff", "session_id": row.id, **accounts.staff_view(staff)}
            account = session.get(Account, row.subject_id)
            return {"kind": "person", "session_id": row.id, "id": account.id,
                    "display_name": domain.mask_name(account.name), "realname_status": account.realname_status}

    @entrypoint(sensitive=("token",))
    def logout(self, token):
        with self.db.get_session() as session:
            row = auth.find_session(session, token, self._now())
            row.revoked_at = self._now()
        return {"ok": True}

    @entrypoint(sensitive=("data",))
    def reset_password(self, data):
        data = load(schemas.ResetPasswordSchema(), data)
        with self.db.get_session() as session:
            account = accounts.reset_password(session, self.providers.hasher, data, self._now(),
                                              sms_secret=self.providers.sms_secret)
            return {"ok": True, "phone": domain.mask_phone(account.phone)}

    @entrypoint
    def identity_options(self):
        return options.identity_options()

    @entrypoint(sensitive=("value", "context"))
    def check_field(self, field, value=None, context=None):
        """One field under the rules registration applies (the pages ask when a person leaves a field)."""
        data = load(schemas.FieldCheckSchema(), {"field": field, "value": value, "context": context or {}})
        context = data["context"]
        if data["field"] == "password" and self.caller.kind == "person" and not context.get("id_number"):
            with self.db.get_session() as session:
                context = accounts.own_field_context(self._person(session), context)
        return field_checks.check_field(data["field"], data["value"], context, self.clock.today())

    @entrypoint
    def send_account_sms_code(self, data):
        """A code to the logged-in person's own phone (修改密码), which the page never sees unmasked."""
        data = load(schemas.SendAccountSmsSchema(), data)
        with self.db.get_session() as session:
            phone = self._person(session).phone
            return auth.send_sms_code(session, self.providers.sms, self.providers.sms_secret, phone,
                                      data["purpose"], data["client"], self._now(),
                                      per_client_daily=self.providers.sms_per_client_daily)

    @entrypoint(sensitive=("data",))
    def change_password(self, data):
        data = load(schemas.ChangePasswordSchema(), data)
        with self.db.get_session() as session:
            account = self._person(session, lock=True)
            accounts.change_password(session, self.providers.hasher, self.providers.sms, account, data, self._now(),
                                     client=data["client"], user_agent=data["user_agent"],
                                     keep_session_id=self.caller.user.get("session_id"),
                                     sms_secret=self.providers.sms_secret)
            return {"ok": True, "phone": domain.mask_phone(account.phone)}

    @entrypoint
    def get_account(self):
        with self.db.get_session() as session:
            return accounts.person_view(self._person(session))

    @entrypoint
    def get_person(self, account_id):
        """For the other back-end services only: the registration data (unmasked) and real-name state of a person."""
        self.caller.backend()
        with self.db.get_session() as session:
            account = session.get(Account, account_id)
            if account is None:
                raise not_found("账号")
            return {**accounts.person_view(account), "full_name": account.name, "full_id_number": account.id_number,
                    "full_phone": account.phone, "realname_province": account.realname_province}

    @entrypoint(sensitive=("data",))
    def change_phone(self, data):
        data = load(schemas.ChangePhoneSchema(), data)
        with self.db.get_session() as session:
            account = self._person(session, lock=True)
            accounts.change_phone(session, account, data["phone"], data["sms_code"], self._now(),
                                  sms_secret=self.providers.sms_secret)
            record_event(session, Outbox, "phone_changed", {"account_id": account.id, "phone": account.phone})
            return accounts.person_view(account)

    @entrypoint
    def login_history(self):
        with self.db.get_session() as session:
            kind = self.caller.kind
            subject = self._person(session).id if kind == "person" else self._staff()["id"]
            return accounts.login_history(session, kind, subject)

    # --- real-name verification -----------------------------------------------------
    @entrypoint
    def realname_regions(self):
        return realname.regions()

    @entrypoint
    def realname_status(self):
        with self.db.get_session() as session:
            account = self._person(session)
            latest = session.query(realname.RealnameRequest).filter_by(account_id=account.id) \
                .order_by(realname.RealnameRequest.submitted_at.desc()).first()
            return {"status": account.realname_status, "method": account.realname_method,
                    "latest": realname.request_view(latest) if latest else None}

    @entrypoint
    def my_data_reads(self):
        with self.db.get_session() as session:
            return realname.reads_for_person(session, self._person(session).id)

    @entrypoint
    def submit_online_realname(self, data):
        data = load(schemas.OnlineRealnameSchema(), data)
        keys = {f: data[f] for f in realname.PHOTO_FIELDS}
        with self.db.get_session() as session:
            account = self._person(session, lock=True)
            request = realname.submit_online(session, self.storage, account, data["region_code"], keys,
                                             self._now())
            record_event(session, Outbox, "realname_submitted", {"request_id": request.id})
            return realname.request_view(request)

    @handle_event("identity", "realname_submitted")
    def handle_realname_submitted(self, session, event):
        """The 人像面's number, read once the submission is in (never holding it up)."""
        realname.record_photo_check(session, self.storage, event["request_id"], self._now().date())

    @entrypoint
    def check_id_photo(self, key):
        """The 人像面's number read as soon as the photo is picked (it never blocks the submission)."""
        with self.db.get_session() as session:
            account = self._person(session)
        return realname.check_id_photo(self.storage, account, key, self._now().date())

    @entrypoint
    def start_alipay_realname(self, return_url):
        with self.db.get_session() as session:
            account = self._person(session, lock=True)
            return realname.start_alipay(session, self.providers.alipay, account, return_url, self._now())

    @entrypoint
    def complete_alipay_realname(self, params):
        with self.db.get_session() as session:
            request, account = realname.complete_alipay(session, self.providers.alipay, params, self._now())
            if request.status == "approved":
                record_event(session, Outbox, "realname_verified", {"account_id": account.id, "method": "alipay"})
            return realname.request_view(request)

    @entrypoint
    def list_realname_requests(self, status="submitted"):
        staff = self._staff()
        with self.db.get_session() as session:
            rows = realname.review_queue(session, staff, status)
            owners = {a.id: a for a in session.query(Account).filter(Account.id.in_([r.account_id for r in rows]))}
            return [realname.request_view(r, owners[r.account_id]) for r in rows]

    @entrypoint
    def get_realname_request(self, request_id):
        """Full view with photos for an entitled reviewer; the view itself is recorded."""
        staff = self._staff()
        with self.db.get_session() as session:
            request = realname.get_for_staff(session, staff, request_id)
            secret = file_link_secret()
            links = {f: file_link(secret, getattr(request, f"{f}_key")) for f in realname.PHOTO_FIELDS
                     if getattr(request, f"{f}_key")}
            realname.log(session, staff, request.id, "view", None, self._now())
            view = realname.request_view(request, session.get(Account, request.account_id), links, full=True)
            return {**view, "history": realname.history(session, request.id)}

    @entrypoint
    def decide_realname_request(self, request_id, data):
        staff = self._staff()
        data = load(schemas.DecisionSchema(), data)
        with self.db.get_session() as session:
            request = realname.decide(session, staff, request_id, data["approve"], data["reason"],
                                      self._now())
            if request.status == "approved":
                record_event(session, Outbox, "realname_verified", {"account_id": request.account_id,
                                                                    "method": "online"})
            return realname.request_view(request)

    # --- WeChat ---------------------------------------------------------------------
    @entrypoint
    def open_wechat_ticket(self, purpose, redirect_uri):
        with self.db.get_session() as session:
            account_id = self._person(session).id if purpose == "bind" else None
            return wechat.open_ticket(session, self.providers.wechat, "bind" if account_id else "login",
                                      account_id, redirect_uri, self._now())

    @entrypoint
    def complete_wechat(self, state, code, client="unknown", user_agent=""):
        with self.db.get_session() as session:
            now = self._now()
            ticket, account = wechat.complete(session, self.providers.wechat, state, code, now)
            result = {"purpose": ticket.purpose, "status": ticket.status, "message": ticket.message}
            if ticket.purpose == "login" and ticket.status == "confirmed":
                auth.record_login(session, "person", account.id, client, user_agent, "wechat", True, now)
                result["session"] = auth.open_session(session, "person", account.id, "cookie", now)
            return result

    @entrypoint
    def unbind_wechat(self):
        with self.db.get_session() as session:
            account = self._person(session, lock=True)
            wechat.unbind(account)
            return accounts.person_view(account)

    # --- staff ----------------------------------------------------------------------
    @entrypoint
    def create_staff(self, data):
        staff = self._staff()
        if "admin" not in staff["roles"]:
            raise Forbidden("FORBIDDEN", "只有管理员可以创建工作人员账号")
        data = load(schemas.CreateStaffSchema(), data)
        from . import staff as staff_rules
        with self.db.get_session() as session:
            created = staff_rules.create(session, self.providers.hasher, staff, data)
            return accounts.staff_view(created)

    # --- province API clients --------------------------------------------------------
    @entrypoint
    def create_api_client(self, data):
        data = load(schemas.CreateApiClientSchema(), data)
        with self.db.get_session() as session:
            client, secret = api_clients.register(session, self.providers.hasher, self._staff(), data, self._now())
            return {**api_clients.view(client), **({"client_secret": secret} if secret else {})}

    @entrypoint
    def list_api_clients(self):
        with self.db.get_session() as session:
            return api_clients.listing(session, self._staff())

    @entrypoint
    def rotate_api_client_secret(self, client_id, overlap_seconds=None, public_key=None,
                                 token_endpoint_auth_method=None):
        """A new secret, or a new public key (private_key_jwt); the previous one stays valid for the overlap."""
        data = load(schemas.RotateApiClientSchema(), {"client_id": client_id, "overlap_seconds": overlap_seconds,
                                                      "public_key": public_key,
                                                      "token_endpoint_auth_method": token_endpoint_auth_method})
        with self.db.get_session() as session:
            client = api_clients.managed(session, self._staff(), data["client_id"], lock=True)
            secret = api_clients.rotate(session, self.providers.hasher, client, data["overlap_seconds"], self._now(),
                                        data["public_key"], data["token_endpoint_auth_method"])
            return {**api_clients.view(client), **({"client_secret": secret} if secret else {})}

    @entrypoint
    def revoke_api_client(self, client_id):
        staff = self._staff()
        with self.db.get_session() as session:
            client = api_clients.managed(session, staff, client_id, lock=True)
            api_clients.revoke(client, staff, self._now())
            return api_clients.view(client)

    @entrypoint(sensitive=("data",))
    def authenticate_api_client(self, data):
        """The gateway's token endpoint: a client id and secret (the current one, or the previous one during the
        rotation overlap) of a client that is not revoked; what the client holds."""
        self.caller.service("gateway")
        data = load(schemas.ClientCredentialsSchema(), data)
        with self.db.get_session() as session:
            client = api_clients.authenticate(session, self.providers.hasher, data["client_id"],
                                              data["client_secret"], self._now(), self.providers.dummy_hash)
            return api_clients.caller_claims(client)

    @entrypoint
    def api_client_assertion_keys(self, client_id):
        """The gateway's private_key_jwt check: the public keys in force of an active client, and what it holds
        (INVALID_CLIENT for an unknown, revoked or secret-only client)."""
        self.caller.service("gateway")
        with self.db.get_session() as session:
            return api_clients.assertion_keys(session, str(client_id)[:40], self._now())

    @entrypoint
    def issue_client_token(self, client_id, scope=None):
        """A signed access token for a client the gateway has just authenticated (authenticate_api_client)."""
        self.caller.service("gateway")
        with self.db.get_session() as session:
            client = api_clients.active(session, client_id)
            scopes = client_rules.granted_scopes(scope, list(client.scopes or []))
            return api_clients.issue_token(session, client, scopes, self._now())

    @entrypoint
    def client_jwks(self):
        with self.db.get_session() as session:
            return api_clients.jwks(session, self._now())

    @entrypoint
    def resolve_client(self, client_id, scopes=None):
        """Every call with a token: the client must still be active (revocation takes effect at once); the caller
        holds the token's scopes that the client still holds."""
        self.caller.service("gateway")
        with self.db.get_session() as session:
            return api_clients.caller_claims(api_clients.active(session, client_id), scopes)

    # --- webhooks of province clients -------------------------------------------------
    @entrypoint
    def create_webhook_subscription(self, data):
        client = self.caller.client("events:subscribe")
        data = load(schemas.WebhookSubscriptionSchema(), data)
        with self.db.get_session() as session:
            sub, secret = webhooks.subscribe(session, client, data, api_clients.seal, self._now(),
                                             self.providers.webhook_policy)
            return {**webhooks.sub_view(sub), "secret": secret}

    @entrypoint
    def list_webhook_subscriptions(self):
        client = self.caller.client("events:subscribe")
        with self.db.get_session() as session:
            rows = session.query(webhooks.WebhookSubscription).filter_by(client_id=client["client_id"]) \
                .order_by(webhooks.WebhookSubscription.created_at.desc())
            return [webhooks.sub_view(s) for s in rows]

    @entrypoint
    def cancel_webhook_subscription(self, subscription_id):
        client = self.caller.client("events:subscribe")
        with self.db.get_session() as session:
            sub = webhooks.owned(session, client, str(subscription_id))
            sub.active = False
            return webhooks.sub_view(sub)

    @entrypoint
    def list_webhook_deliveries(self, subscription_id):
        client = self.caller.client("events:subscribe")
        with self.db.get_session() as session:
            sub = webhooks.owned(session, client, str(subscription_id))
            rows = session.query(webhooks.WebhookDelivery).filter_by(subscription_id=sub.id) \
                .order_by(webhooks.WebhookDelivery.created_at.desc()).limit(200)
            return [webhooks.delivery_view(d) for d in rows]

    @entrypoint
    def replay_webhook_delivery(self, delivery_id):
        client = self.caller.client("events:subscribe")
        with self.db.get_session() as session:
            return webhooks.delivery_view(webhooks.replay(session, client, str(delivery_id), self._now()))

    @handle_event("profile", "collection_approved")
    def handle_collection_approved(self, session, event):
        webhooks.fan_out(session, "collection_approved", event, self._now())

    @handle_event("profile", "transfer_approved")
    def handle_transfer_approved(self, session, event):
        webhooks.fan_out(session, "transfer_approved", event, self._now())

    @handle_event("exam", "enrollment_submitted")
    def handle_enrollment_submitted(self, session, event):
        webhooks.fan_out(session, "enrollment_submitted", event, self._now())

    @handle_event("payment", "payment_succeeded")
    def handle_payment_succeeded(self, session, event):
        webhooks.fan_out(session, "payment_succeeded", event, self._now())

    @handle_event("exam", "enrollment_registered")
    def handle_enrollment_registered(self, session, event):
        webhooks.fan_out(session, "enrollment_registered", event, self._now())

    @handle_event("cpe", "credits_changed")
    def handle_credits_changed(self, session, event):
        webhooks.fan_out(session, "credits_changed", event, self._now())

    # job_finished of each service with province-client jobs (ausm_common.jobs): to the owning client only
    @handle_event("exam", "job_finished")
    def handle_exam_job_finished(self, session, event):
        webhooks.fan_out(session, "job_finished", event, self._now())

    @handle_event("cpe", "job_finished")
    def handle_cpe_job_finished(self, session, event):
        webhooks.fan_out(session, "job_finished", event, self._now())

    @handle_event("profile", "job_finished")
    def handle_profile_job_finished(self, session, event):
        webhooks.fan_out(session, "job_finished", event, self._now())

    @timer(interval=1)
    def deliver_webhooks(self):
        """Due deliveries, a few at a time; rows are locked (SKIP LOCKED) so instances share the work."""
        base = float(self.config.get("WEBHOOK_RETRY_BASE_SECONDS") or 30)
        post = partial(url_guard.post, policy=self.providers.webhook_policy)    # checked again, pinned
        try:
            with self.db.get_session() as session:
                now = self._now()
                for delivery in webhooks.due(session, now):
                    webhooks.attempt(session, delivery, post, api_clients.unseal, now, base)
        except Exception:       # a database hiccup: the next tick tries again
            import logging
            logging.getLogger(__name__).exception("webhook delivery round failed")

    # --- sandbox --------------------------------------------------------------------
    @entrypoint
    @sandbox_only
    def sandbox_recent_sms(self, phone):
        with self.db.get_session() as session:
            return auth.recent_sms(session, phone)

    @entrypoint
    @sandbox_only
    def sandbox_captcha_answer(self, captcha_id):
        with self.db.get_session() as session:
            row = session.get(auth.Captcha, captcha_id)
            if row is None:
                raise not_found("验证码")
            return {"captcha_id": row.id, "answer": row.answer}

    @entrypoint
    @sandbox_only
    def sandbox_alipay_context(self, state):
        with self.db.get_session() as session:
            request = realname.alipay_request(session, state)
            account = session.get(Account, request.account_id)
            return {"state": state, "cert_name": account.name, "cert_no": account.id_number,
                    "status": request.status}

    @entrypoint
    @sandbox_only
    def sandbox_alipay_authorize(self, state, cert_name, cert_no):
        """Alipay's side of the sandbox: sign the return for the Alipay account's identity."""
        with self.db.get_session() as session:
            request = realname.alipay_request(session, state)
            account = session.get(Account, request.account_id)
            return self.providers.alipay.authorize(state, (account.name, account.id_number),
                                                   (cert_name.strip(), cert_no.strip()))

    @entrypoint
    @sandbox_only
    def sandbox_wechat_scan(self, state, openid, nickname):
        """WeChat's side of the sandbox: the phone confirmed; a code waits for the QR page."""
        with self.db.get_session() as session:
            ticket = session.query(wechat.WechatTicket).filter_by(state=state).with_for_update().first()
            if ticket is None or ticket.status != "waiting":
                raise not_found("二维码")
            ticket.sandbox_code = self.providers.wechat.issue_code(openid, nickname)
            return {"ok": True}

    @entrypoint
    @sandbox_only
    def sandbox_wechat_poll(self, state):
        with self.db.get_session() as session:
            ticket = session.query(wechat.WechatTicket).filter_by(state=state).first()
            if ticket is None:
                raise not_found("二维码")
            return {"status": ticket.status, "code": ticket.sandbox_code}

    @entrypoint
    def wechat_ticket_status(self, state):
        with self.db.get_session() as session:
            ticket = session.query(wechat.WechatTicket).filter_by(state=state).first()
            if ticket is None:
                raise not_found("二维码")
            return {"status": ticket.status, "purpose": ticket.purpose, "message": ticket.message}


__all__ = ["IdentityService", "token_hash"]
