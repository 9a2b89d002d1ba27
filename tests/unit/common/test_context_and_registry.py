"""The signed caller context, the services registry and the clock."""
import time
from datetime import timedelta

import pytest

from ausm_common import context, registry
from ausm_common.clock import Clock, SystemClock, beijing_text
from ausm_common.errors import Forbidden, NotAuthenticated


def test_a_signed_caller_verifies_and_a_changed_one_does_not():
    token = context.sign({"kind": "person", "id": "p1"})
    assert context.verify(token) == {"kind": "person", "id": "p1"}
    prefix, payload, mac = token.split(".")
    other = context.sign({"kind": "staff", "id": "p1", "roles": ["admin"]}).split(".")[1]
    assert context.verify(f"{prefix}.{other}.{mac}") is None          # claims swapped under the old signature
    assert context.verify(f"{prefix}.{payload}.{mac[:-2]}xx") is None
    assert context.verify("") is None and context.verify(None) is None and context.verify("a.b") is None


def test_a_caller_token_expires(monkeypatch):
    token = context.sign({"kind": "person", "id": "p1"}, ttl=60, now=time.time() - 120)
    assert context.verify(token) is None


def test_a_token_signed_with_another_secret_is_nobody(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "one-secret-of-the-platform-xxxxxxxxxxxxxxxx")
    token = context.sign({"kind": "staff", "id": "s"})
    monkeypatch.setenv("SECRET_KEY", "another-secret-of-an-attacker-yyyyyyyyyyyyyy")
    assert context.verify(token) is None


def test_call_context_rules():
    person = context.CallContext.from_headers({context.CALLER_HEADER: context.sign({"kind": "person", "id": "p"}),
                                               context.VIA_HEADER: context.service_token("gateway")})
    assert person.person_id() == "p" and person.via == "gateway"
    with pytest.raises(NotAuthenticated):
        person.staff()
    with pytest.raises(Forbidden):
        person.service("payment")
    with pytest.raises(Forbidden):
        person.ops()
    nobody = context.CallContext.from_headers({context.CALLER_HEADER: "forged", context.VIA_HEADER: "forged"})
    assert nobody.user is None and nobody.via is None
    with pytest.raises(NotAuthenticated):
        nobody.person_id()
    ops = context.CallContext.from_headers({context.VIA_HEADER: context.service_token("ops")})
    assert ops.ops() == "ops"
    # a service token is not a person, even though it verifies
    spoof = context.CallContext.from_headers({context.CALLER_HEADER: context.service_token("gateway")})
    with pytest.raises(NotAuthenticated):
        spoof.person_id()


def test_the_registry_lists_every_service_once_with_derived_names():
    names = registry.names()
    assert "identity" in names and "profile" in names and len(set(names)) == len(names)
    profile = registry.get("profile")
    assert (profile.package, profile.database_env, profile.database_name, profile.module) == \
        ("profiles", "PROFILE_DATABASE_URL", "ausm_profile", "profiles.service")


def test_clocks_store_utc_and_show_beijing_time():
    moved = Clock(offset_seconds=3600)
    assert abs((moved.now() - SystemClock().now()) - timedelta(hours=1)) < timedelta(seconds=5)
    assert moved.now().utcoffset() == timedelta(0)
    from datetime import datetime, timezone
    assert beijing_text(datetime(2026, 1, 1, 16, 30, tzinfo=timezone.utc)) == "2026-01-02 00:30"


def test_a_province_client_caller_is_checked_for_scope_and_is_nobody_else():
    client = {"kind": "client", "id": "pc_33_a", "client_id": "pc_33_a", "province_code": "330000",
              "department_code": "330000", "scopes": ["candidates:read"]}
    ctx = context.CallContext.from_headers({context.CALLER_HEADER: context.sign(client)})
    assert ctx.client("candidates:read")["province_code"] == "330000"
    assert ctx.staff_or_client("candidates:read")["client_id"] == "pc_33_a"
    with pytest.raises(Forbidden) as refused:
        ctx.client("scores:import")
    assert refused.value.code == "SCOPE_REQUIRED"
    with pytest.raises(NotAuthenticated):
        ctx.staff()
    with pytest.raises(NotAuthenticated):
        ctx.person_id()
    staff = context.CallContext.from_headers({context.CALLER_HEADER: context.sign(
        {"kind": "staff", "id": "s", "department_code": "330000", "roles": []})})
    with pytest.raises(NotAuthenticated) as refused:
        staff.client("candidates:read")
    assert refused.value.code == "CLIENT_REQUIRED"
