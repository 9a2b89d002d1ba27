"""The 公民身份号码 read from the ID photo: Tesseract reads a synthetic card; what a reading means is a rule."""
import os
import shutil
from datetime import date
from types import SimpleNamespace

import pytest

from identity import domain, ocr, realname
from tests.support.id_card import id_card_front
from tests.support.people import mainland_id

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def tesseract():
    if not shutil.which("tesseract"):
        if os.environ.get("CI"):
            raise RuntimeError("Tesseract is required (scripts/ensure-infra.sh ocr)")
        pytest.skip("Tesseract is not installed")


@pytest.mark.parametrize("card", [{}, {"width": 640, "quality": 70}, {"rotate": 1.5}, {"blur": 1.2},
                                  {"on_table": True, "rotate": 1}])
def test_the_number_on_a_card_is_read(tesseract, card):
    number = mainland_id(birth="19880704")
    read = ocr.read_id_numbers(id_card_front(number, **card))
    assert number in read
    assert domain.compare_read_id_number("mainland_id", number, read, TODAY) == ("match", number)


def test_someone_elses_card_is_a_mismatch_naming_the_number_read(tesseract):
    mine, theirs = mainland_id(birth="19880704"), mainland_id(region="110105", birth="19750212")
    read = ocr.read_id_numbers(id_card_front(theirs))
    assert domain.compare_read_id_number("mainland_id", mine, read, TODAY) == ("mismatch", theirs)


def test_a_photo_without_a_number_reads_nothing(tesseract):
    from tests.support import images
    assert ocr.read_id_numbers(images.png_of_zeros(800, 500)) == []


class Engine:
    def __init__(self, fails=None):
        self.fails, self.timeouts = fails, []

    def image_to_string(self, image, lang, config, timeout):
        self.timeouts.append(timeout)
        if self.fails:
            raise self.fails
        return "no number here"


def test_an_engine_that_cannot_run_or_runs_out_of_time_reads_nothing_and_never_raises():
    for failure in (OSError("tesseract is not installed"), RuntimeError("Tesseract process timeout")):
        assert ocr.read_id_numbers(id_card_front(mainland_id()), engine=Engine(failure)) is None
    assert ocr.read_id_numbers(b"not an image") is None


def test_the_engine_gets_what_is_left_of_one_budget():
    engine = Engine()
    assert ocr.read_id_numbers(id_card_front(mainland_id()), engine=engine) == []
    assert len(engine.timeouts) == len(ocr.PASSES)
    assert all(later <= earlier for earlier, later in zip(engine.timeouts, engine.timeouts[1:]))
    assert engine.timeouts[0] <= ocr.BUDGET_SECONDS


def test_candidates_are_the_18_character_runs_and_their_windows():
    assert ocr.candidates_in("公民 3301 0219 9003 1512 3X\n12345") == ["33010219900315123X"]
    assert ocr.candidates_in("2330102199003154896") == ["233010219900315489", "330102199003154896"]


def test_only_a_valid_different_number_is_a_mismatch():
    mine = mainland_id()
    misread = mine[:17] + ("0" if mine[17] != "0" else "1")      # one wrong character: the check digit fails
    assert domain.compare_read_id_number("mainland_id", mine, [misread], TODAY) == ("unreadable", None)
    assert domain.compare_read_id_number("mainland_id", mine, [], TODAY) == ("unreadable", None)
    assert domain.compare_read_id_number("mainland_id", mine, None, TODAY) == ("unreadable", None)
    assert domain.compare_read_id_number("mainland_id", mine, [misread, mine], TODAY) == ("match", mine)
    assert domain.compare_read_id_number("foreign_passport", "E1234567", [mine], TODAY) == ("not_applicable", None)


def test_the_person_sees_the_read_number_masked_and_the_reviewer_in_full():
    other = mainland_id(region="110105")
    account = SimpleNamespace(id_type="mainland_id", id_number=mainland_id())
    check, read = realname.read_check(account, b"photo", TODAY, reader=lambda data: [other])
    assert (check, read) == ("mismatch", other)
    person = realname.photo_check_view(check, read)
    assert person["check"] == "mismatch" and other not in person["message"] and domain.mask_id_number(other) in person["message"]
    assert "仍可提交" in person["message"]
    assert realname.photo_check_view(check, read, full=True)["read"] == other
    passport = SimpleNamespace(id_type="foreign_passport", id_number="E1234567")
    assert realname.read_check(passport, b"photo", TODAY, reader=lambda data: [other]) == ("not_applicable", None)
