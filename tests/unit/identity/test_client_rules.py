"""Rules of province API clients: scopes, who manages them, secrets in force during rotation, key rotation."""
from datetime import datetime, timedelta, timezone

import pytest

from ausm_common.errors import DomainError, Forbidden
from identity import client_rules as rules

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)


def test_scopes_are_checked_deduplicated_and_ordered():
    assert rules.check_scopes(["scores:import", "candidates:read", "scores:import"]) == \
        ["candidates:read", "scores:import"]


@pytest.mark.parametrize("scopes,code", [([], "SCOPES_REQUIRED"), (None, "SCOPES_REQUIRED"),
                                         (["candidates:write"], "SCOPE_UNKNOWN")])
def test_unknown_or_missing_scopes_are_refused_at_the_field(scopes, code):
    with pytest.raises(DomainError) as exc:
        rules.check_scopes(scopes)
    assert exc.value.code == code and exc.value.field == "scopes"


def test_a_client_belongs_to_a_province_not_a_city_or_the_nation():
    assert rules.check_province("330000") == "330000"
    for code in ("330100", "000000", "990000", "abc"):
        with pytest.raises(DomainError):
            rules.check_province(code)


def staff(code, roles=("admin",)):
    return {"id": "s1", "department_code": code, "roles": list(roles)}


def test_province_admins_manage_their_province_and_national_admins_every_province():
    rules.require_manager(staff("330000"), "330000")
    rules.require_manager(staff("000000"), "110000")
    for who, province in ((staff("330000"), "110000"), (staff("330100"), "330000"),
                          (staff("330000", roles=("reviewer",)), "330000")):
        with pytest.raises(Forbidden):
            rules.require_manager(who, province)


def test_requested_oauth_scopes_must_be_held():
    held = ["candidates:read", "scores:import"]
    assert rules.granted_scopes(None, held) == held
    assert rules.granted_scopes("scores:import", held) == ["scores:import"]
    with pytest.raises(DomainError) as exc:
        rules.granted_scopes("scores:import events:subscribe", held)
    assert exc.value.code == "SCOPE_NOT_GRANTED"


def test_the_previous_secret_works_only_during_the_overlap():
    until = NOW + timedelta(hours=24)
    assert rules.secret_hashes_in_force("new", "old", until, NOW) == ["new", "old"]
    assert rules.secret_hashes_in_force("new", "old", until, until) == ["new"]
    assert rules.secret_hashes_in_force("new", None, None, NOW) == ["new"]


def test_overlap_is_bounded():
    assert rules.overlap_for(None) == timedelta(hours=24)
    assert rules.overlap_for(0) == timedelta(0)
    for bad in (-1, 8 * 24 * 3600):
        with pytest.raises(DomainError):
            rules.overlap_for(bad)


def test_revocation_and_key_rotation():
    assert rules.is_active(None) and not rules.is_active(NOW)
    assert rules.key_needs_rotation(None, NOW)
    signs_until, published_until = rules.key_lifetimes(NOW)
    assert not rules.key_needs_rotation(signs_until, NOW)
    assert rules.key_needs_rotation(signs_until, signs_until)
    # an old key stays published until the last token it signed has expired
    assert published_until >= signs_until + rules.TOKEN_TTL
