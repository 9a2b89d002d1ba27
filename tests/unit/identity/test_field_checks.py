"""The field-check endpoint's identity rules are registration's rules: for any form, checking the fields one by one
finds exactly the problem registration reports, with the same code and message."""
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from identity import field_checks, nationalities, options
from identity.domain import DomainError
from tests.support.people import PASSWORD, mainland_id

TODAY = date(2026, 11, 23)
ORDER = ("id_number", "name", "phone", "password", "password_confirm", "nationality")


def good_form(**overrides):
    data = {"id_type": "mainland_id", "id_number": mainland_id(), "name": "陈静", "phone": "13912345678",
            "password": PASSWORD, "password_confirm": PASSWORD, "nationality": None}
    data.update(overrides)
    return data


def fieldwise(data):
    """What the page learns by leaving each field in turn (the context is the rest of the form)."""
    context = {k: v for k, v in data.items() if v is not None}
    answers = {}
    for field in ORDER:
        if field == "nationality" and data["id_type"] != "foreign_passport":
            continue
        answers[field] = field_checks.check_field(field, data.get(field), context, TODAY)
    return answers


def registration_problem(data):
    try:
        field_checks.check_registration(data, TODAY)
    except DomainError as exc:
        return exc
    return None


def assert_parity(data):
    answers = fieldwise(data)
    problem = registration_problem(data)
    failing = [a for a in answers.values() if not a["ok"]]
    if problem is None:
        assert failing == [], failing
        return
    first = next(a for f, a in answers.items() if not a["ok"])   # registration stops at its first problem
    assert (first["field"], first["code"], first["message"]) == (problem.field, problem.code, problem.message)


BAD_VALUES = {
    "id_number": ["", "33010219900315123", "330102199002301234", "990102199003151234", "ABC",
                  mainland_id(birth="20200101")],
    "name": ["", "张", "张三3", "<b>"],
    "phone": ["", "12012345678", "1391234567"],
    "password": ["short1!", "abcdefgh1", "Password1!", "a" * 21 + "1!", "Kuaiji#13912345678"],
    "password_confirm": ["Kuaiji#2024", ""],
}


@pytest.mark.parametrize("field, value", [(f, v) for f, values in BAD_VALUES.items() for v in values])
def test_a_bad_field_is_reported_as_registration_reports_it(field, value):
    assert_parity(good_form(**{field: value}))


def test_a_wrong_check_digit_gets_the_checksum_message():
    number = mainland_id()
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    answer = field_checks.check_field("id_number", wrong, {"id_type": "mainland_id"}, TODAY)
    assert answer["ok"] is False and answer["code"] == "ID_NUMBER_CHECKSUM" and "校验位" in answer["message"]
    assert registration_problem(good_form(id_number=wrong)).code == "ID_NUMBER_CHECKSUM"


def test_a_password_is_measured_against_the_forms_id_number_and_phone():
    number = mainland_id()
    password = "Ab#" + number[-6:] + "x"
    answer = field_checks.check_field("password", password, {"id_number": number, "phone": "13912345678"}, TODAY)
    assert answer["code"] == "PASSWORD_CONTAINS_ID"
    assert field_checks.check_field("password", password, {}, TODAY)["ok"] is True


def test_the_kept_value_is_the_servers_normal_form():
    answer = field_checks.check_field("phone", "+86 139-1234-5678", {}, TODAY)
    assert answer == {"field": "phone", "ok": True, "value": "13912345678"}
    number = mainland_id()
    assert field_checks.check_field("id_number", number.lower(), {}, TODAY)["value"] == number


def test_an_unknown_field_is_refused():
    with pytest.raises(DomainError) as info:
        field_checks.check_field("salary", "1", {}, TODAY)
    assert info.value.code == "FIELD_UNKNOWN"


text = st.text(alphabet=st.sampled_from("0123456789XHMabc张三·# -+!@"), max_size=20)


@settings(max_examples=300, deadline=None)
@given(id_type=st.sampled_from(["mainland_id", "hk_macau_permit", "taiwan_permit", "foreign_passport"]),
       id_number=st.one_of(text, st.builds(mainland_id)), name=text, phone=st.one_of(text, st.just("13912345678")),
       password=st.one_of(text, st.just(PASSWORD)), same=st.booleans(),
       nationality=st.sampled_from([None, "", "USA", "ISL", "CHN", "ZZZ"]))
def test_any_form_fieldwise_equals_registration(id_type, id_number, name, phone, password, same, nationality):
    assert_parity({"id_type": id_type, "id_number": id_number, "name": name, "phone": phone, "password": password,
                   "password_confirm": password if same else password + "x", "nationality": nationality})


# --- nationalities and the options -----------------------------------------------------------------------

def test_every_iso_country_but_china_and_its_regions_is_a_nationality():
    codes = {c["code"] for c in nationalities.nationalities()}
    assert len(codes) == 245                      # ISO 3166-1's 249 less CHN, HKG, MAC, TWN
    assert {"ISL", "BOL", "CIV", "MNG", "ZWE", "USA"} <= codes and not codes & {"CHN", "HKG", "MAC", "TWN"}
    names = {c["code"]: c["name"] for c in nationalities.nationalities()}
    assert names["ISL"] == "冰岛" and names["KOR"] == "韩国" and names["USA"] == "美国"
    assert all(c["name"] != c["name_en"] for c in nationalities.nationalities())   # every one has a Chinese name


def test_a_passport_needs_a_listed_nationality_and_other_documents_none():
    assert nationalities.check_nationality("foreign_passport", "isl") == "ISL"
    assert nationalities.check_nationality("mainland_id", "USA") is None
    for raw, code in (("", "NATIONALITY_REQUIRED"), ("CHN", "NATIONALITY_INVALID"), ("XYZ", "NATIONALITY_INVALID")):
        with pytest.raises(DomainError) as info:
            nationalities.check_nationality("foreign_passport", raw)
        assert info.value.code == code and info.value.field == "nationality"


def test_the_options_carry_the_labels_the_accounts_show():
    from identity import domain
    found = options.identity_options()
    assert [(t["code"], t["label"]) for t in found["id_types"]] == list(domain.ID_TYPE_LABELS.items())
    assert found["id_types"][0]["label"] == "内地居民身份证"      # the manuals' word
    assert [t["code"] for t in found["id_types"] if t["needs_nationality"]] == ["foreign_passport"]
    assert len(found["nationalities"]) == 245 and "pycountry" in found["nationality_source"]
