"""ID number rules, with the worked examples of domain-rules.md §1–§2."""
from datetime import date

import pytest

from identity.domain import DomainError, mod11_2_check, normalize_id_number, validate_id_number

TODAY = date(2026, 11, 23)


def code_of(id_type, number):
    with pytest.raises(DomainError) as info:
        validate_id_number(id_type, number, TODAY)
    return info.value.code


@pytest.mark.parametrize("number, check", [
    ("11010519491231002X", "X"), ("440524188001010014", "4"), ("34052419800101001X", "X"),
    ("130701199310302288", "8"), ("110105194902301234", "4"), ("990105194912310023", "3"),
])
def test_check_character_matches_worked_examples(number, check):
    assert mod11_2_check(number[:17]) == check


def test_valid_mainland_number_gives_birth_gender_region():
    info = validate_id_number("mainland_id", "11010519491231002X", TODAY)
    assert info.birth_date == date(1949, 12, 31)
    assert info.gender == "female"
    assert info.region_code == "110105"
    assert validate_id_number("mainland_id", "34052419800101001X", TODAY).gender == "male"


def test_lowercase_x_spaces_and_full_width_are_normalised():
    assert normalize_id_number(" 1101051949 1231002x ") == "11010519491231002X"
    assert normalize_id_number("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"
    assert validate_id_number("mainland_id", "11010519491231002x", TODAY).id_number == "11010519491231002X"


@pytest.mark.parametrize("number, code", [
    ("13070119931030228X", "ID_NUMBER_CHECKSUM"),
    ("110105194902301234", "ID_NUMBER_BIRTHDATE"),
    ("990105194912310023", "ID_NUMBER_REGION"),
    ("110105491231002", "ID_NUMBER_FORMAT"),          # the 15-digit form is for imports only
    ("11010519491231002Y", "ID_NUMBER_FORMAT"),
    ("", "ID_NUMBER_REQUIRED"),
])
def test_bad_mainland_numbers_are_refused_with_their_reason(number, code):
    assert code_of("mainland_id", number) == code


def test_birth_date_in_the_future_is_refused():
    first17 = "11010520301231002"
    assert code_of("mainland_id", first17 + mod11_2_check(first17)) == "ID_NUMBER_BIRTHDATE"


@pytest.mark.parametrize("number, key", [
    ("H32031177", "hk_macau_permit:H32031177"),
    ("H3203117707", "hk_macau_permit:H32031177"),   # re-issue count does not make a new person
    ("m12345678", "hk_macau_permit:M12345678"),
])
def test_home_return_permit(number, key):
    assert validate_id_number("hk_macau_permit", number, TODAY).dedupe_key == key


@pytest.mark.parametrize("id_type, number", [
    ("hk_macau_permit", "X12345678"), ("hk_macau_permit", "H1234567"), ("hk_macau_permit", "H123456789"),
    ("taiwan_permit", "1234567"), ("taiwan_permit", "1234567890"), ("taiwan_permit", "A1234567"),
    ("foreign_passport", "AB12"), ("foreign_passport", "A" * 18), ("foreign_passport", "E1234567*"),
])
def test_other_documents_refuse_bad_shapes(id_type, number):
    assert code_of(id_type, number) == "ID_NUMBER_FORMAT"


def test_taiwan_permit_and_passport_accepted():
    assert validate_id_number("taiwan_permit", "12345678", TODAY).birth_date is None
    assert validate_id_number("foreign_passport", "e-1234 5678", TODAY).id_number == "E12345678"


def test_unknown_id_type():
    assert code_of("driver_licence", "123") == "ID_TYPE_INVALID"
