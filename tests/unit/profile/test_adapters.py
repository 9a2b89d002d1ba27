"""The profile service's external providers: sandboxes and the signed HTTP clients (against a local server)."""
import json
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from stdnum.cn import uscc

from ausm_common import divisions
from profiles.adapters import (ProviderUnavailable, build_degree_checker, build_employer_directory,
                               build_qualification_library)
from profiles.adapters.degrees import HttpDegreeChecker, SandboxDegreeChecker
from profiles.adapters.employers import (DIRECTORY, Employer, HttpEmployerDirectory, SandboxEmployerDirectory,
                                         credit_code, is_valid_credit_code)
from profiles.domain import EMPLOYER_TYPES, INDUSTRIES
from profiles.adapters.qualifications import (HttpQualificationLibrary, QualificationRecord,
                                              SandboxQualificationLibrary)
from profiles.adapters.signing import sign, verify_signature

TODAY = date(2026, 11, 23)
WITH_RECORDS = "110105198001011014"      # derived: 初级 2005, 中级 2010
NO_RECORDS = "110105198001019914"        # sequence digits 15–16 = 99
OUTAGE = "110105198001019814"            # sequence digits 15–16 = 98


def record(level, on, number, way="exam", issuer="北京市财政局"):
    return QualificationRecord(level, way, on, number, issuer)


# --- qualification library: sandbox ---------------------------------------------------------

@pytest.fixture
def library():
    return SandboxQualificationLibrary(today=lambda: TODAY)


def test_derived_person_has_junior_then_intermediate_records(library):
    records = library.lookup(WITH_RECORDS, "张三")
    assert [(r.level, r.way, r.obtained_on.year) for r in records] == [("junior", "exam", 2005),
                                                                       ("intermediate", "exam", 2010)]
    assert records[0].issuer == "北京市财政局" and records[1].issuer == "财政部 人力资源和社会保障部"
    assert all(len(r.certificate_no) == 13 and r.certificate_no.startswith("11") for r in records)
    assert SandboxQualificationLibrary(today=lambda: TODAY).lookup(WITH_RECORDS, "李四") == records


def test_about_sixty_percent_hold_junior_and_thirty_intermediate(library):
    people = [f"3301021990{m:02d}{d:02d}{s:03d}1" for m in range(1, 13) for d in range(1, 28) for s in (11, 23, 35)]
    levels = [{r.level for r in library.lookup(p, "王五")} for p in people]
    junior = sum("junior" in s for s in levels) / len(people)
    intermediate = sum("intermediate" in s for s in levels) / len(people)
    assert 0.5 < junior < 0.7 and 0.2 < intermediate < 0.4


def test_sequence_99_has_no_records_and_fails_verification(library):
    assert library.lookup(NO_RECORDS, "张三") == []
    assert library.verify(NO_RECORDS, "张三") is False


def test_sequence_98_simulates_an_outage(library):
    with pytest.raises(ProviderUnavailable):
        library.lookup(OUTAGE, "张三")


def test_wrong_name_returns_nothing():
    rec = record("junior", date(2012, 6, 10), "1112100000001")
    lib = SandboxQualificationLibrary(extra={WITH_RECORDS: [rec]}, names={WITH_RECORDS: "张三"})
    assert lib.lookup(WITH_RECORDS, "张三") == [rec]
    assert lib.lookup(WITH_RECORDS, "张叁") == []
    assert lib.verify(WITH_RECORDS, "张叁") is False


def test_certificates_before_2001_are_not_held():
    old, new = record("junior", date(1998, 6, 1), "1198100000001"), record("intermediate", date(2003, 10, 1), "11032")
    lib = SandboxQualificationLibrary(extra={"110105197001010017": [new, old]})
    assert lib.lookup("110105197001010017", "赵六") == [new]
    only_old = SandboxQualificationLibrary(extra={"110105197001010017": [old]})
    assert only_old.verify("110105197001010017", "赵六") is False


def test_derived_records_never_predate_2001_or_today(library):
    for year in range(1955, 2000, 3):
        for seq in range(10, 60, 7):
            for r in library.lookup(f"44030519{year % 100:02d}0315{seq:02d}12", "陈七"):
                assert date(2001, 1, 1) <= r.obtained_on <= TODAY


def test_verify_checks_the_certificate_number_when_given(library):
    number = library.lookup(WITH_RECORDS, "张三")[0].certificate_no
    assert library.verify(WITH_RECORDS, "张三", number) is True
    assert library.verify(WITH_RECORDS, "张三", "1100000000000") is False
    assert library.verify(WITH_RECORDS, "张三") is True


def test_sandbox_latency_and_outage_switch():
    started = time.monotonic()
    SandboxQualificationLibrary(latency=0.05).lookup(NO_RECORDS, "张三")
    assert time.monotonic() - started >= 0.05
    with pytest.raises(ProviderUnavailable):
        SandboxQualificationLibrary(unavailable=True).lookup(WITH_RECORDS, "张三")


# --- 学信网: sandbox -------------------------------------------------------------------------

@pytest.fixture
def chsi():
    return SandboxDegreeChecker(today=lambda: TODAY)


PERSON = ("李娜", "330102199403150026")


@pytest.mark.parametrize("level, number, kind", [
    ("bachelor", "102231201605000123", "education"), ("本科", "102231201604000123", "education"),
    ("associate", "127891201506001234", "education"), ("大专", "507891201506001234", "education"),
    ("master", "102461201902000458", "education"), ("doctoral", "100011202201000077", "education"),
    ("bachelor", "1024642016000001", "degree"), ("硕士研究生", "1024632019000458", "degree"),
    ("master", "Z1024632019000459", "degree"), ("博士", "1000122022000077", "degree"),
    ("bachelor", "1024632019000460", "degree"),          # 以同等学力 硕士
    ("博士研究生", "100011202201000078", "education")])
def test_well_formed_numbers_verify(chsi, level, number, kind):
    result = chsi.verify(*PERSON, level, number, kind=kind)
    assert result.status == "verified" and "学信网" in result.message


@pytest.mark.parametrize("number, kind", [
    ("323232323", "education"), ("10223120160500012", "education"), ("1022312016050001234", "education"),
    ("10223A201605000123", "education"), ("102233201605000123", "education"), ("102231201603000123", "education"),
    ("3232323", "degree"), ("102464201600000", "degree"), ("1024652016000001", "degree"),
    ("X1024642016000001", "degree")])
def test_malformed_numbers_are_a_mismatch(chsi, number, kind):
    assert chsi.verify(*PERSON, "bachelor", number, kind=kind).status == "mismatch"


@pytest.mark.parametrize("number, kind", [("102231201605000000", "education"), ("1024642016000000", "degree"),
                                          ("102231200005000123", "education"), ("1024642007000001", "degree")])
def test_numbers_ending_0000_or_before_online_registration_are_not_found(chsi, number, kind):
    result = chsi.verify(*PERSON, "bachelor", number, kind=kind)
    assert result.status == "not_found" and "上传" in result.message


@pytest.mark.parametrize("level, number, kind", [
    ("bachelor", "102231201606000123", "education"),     # 专科 layer for a 本科 segment
    ("bachelor", "1024622016000001", "degree"),          # 博士 degree for a 本科 segment
    ("master", "1024642016000001", "degree"),            # 学士 degree for a 硕士 segment
    ("associate", "1024642016000001", "degree"),         # 专科 has no degree
    ("bachelor", "102231201605009999", "education"),     # registered to someone else
    ("bachelor", "102231200805000123", "education"),     # issued at 14
    ("bachelor", "102231202805000123", "education")])    # in the future
def test_numbers_that_do_not_fit_the_person_are_a_mismatch(chsi, level, number, kind):
    assert chsi.verify(*PERSON, level, number, kind=kind).status == "mismatch"


def test_registered_numbers_need_the_holders_name():
    chsi = SandboxDegreeChecker(names={"102231201605000123": "李娜"}, today=lambda: TODAY)
    assert chsi.verify("李娜", PERSON[1], "bachelor", "102231201605000123", kind="education").status == "verified"
    assert chsi.verify("李四", PERSON[1], "bachelor", "102231201605000123", kind="education").status == "mismatch"


@pytest.mark.parametrize("level", ["高中", "中专", "high_school", "secondary_vocational", "", "phd?"])
def test_levels_below_associate_cannot_be_checked(chsi, level):
    with pytest.raises(ValueError):
        chsi.verify(*PERSON, level, "102231201605000123", kind="education")


def test_number_ending_0503_simulates_an_outage(chsi):
    with pytest.raises(ProviderUnavailable):
        chsi.verify(*PERSON, "bachelor", "102231201605000503", kind="education")


# --- employers: sandbox ----------------------------------------------------------------------

@pytest.mark.parametrize("parts, expected", [(("91", "350100", "M000100Y"), "91350100M000100Y43"),
                                             (("91", "110000", "60003734"), "91110000600037341L"),
                                             (("91", "230184", "MA1BUFLT"), "91230184MA1BUFLT44"),
                                             (("92", "371000", "MA3MXH0E"), "92371000MA3MXH0E3W")])
def test_credit_code_builder_matches_the_worked_examples(parts, expected):
    assert credit_code(*parts) == expected


def test_every_sandbox_credit_code_is_valid_and_realistic():
    for employer in DIRECTORY:
        code = employer.credit_code
        assert uscc.is_valid(code), code
        assert is_valid_credit_code(code) and credit_code(code[:2], code[2:8], code[8:16]) == code
        assert employer.employer_type in EMPLOYER_TYPES and employer.industry in INDUSTRIES
        assert divisions.name_of(employer.region_code) and employer.address
    regions = {e.region_code for e in DIRECTORY}
    assert {"330102", "110105", "210204"} <= regions and len({r[:2] for r in regions}) >= 6


def test_employer_found_by_credit_code_or_organisation_code():
    directory = SandboxEmployerDirectory()
    found = directory.lookup(" 91330102ma2h7kq398 ")
    assert found.name == "杭州清波数智科技有限公司" and found.region_code == "330102"
    assert directory.lookup("MA2H7KQ3-9") == found and directory.lookup("MA2H7KQ39") == found


def test_unknown_or_invalid_codes_return_none():
    directory = SandboxEmployerDirectory()
    unknown = credit_code("91", "330106", "MA2KP7X1")
    assert uscc.is_valid(unknown) and directory.lookup(unknown) is None
    assert directory.lookup("91330102MA2H7KQ399") is None     # check character wrong
    assert directory.lookup("") is None


def test_extra_employers_and_outage():
    code = credit_code("91", "330106", "MA2KP7X1")
    extra = Employer(code, "杭州示例有限公司", "private", "I", "浙江省杭州市西湖区", "330106")
    assert SandboxEmployerDirectory(extra=[extra]).lookup(code) == extra
    with pytest.raises(ProviderUnavailable):
        SandboxEmployerDirectory(unavailable=True).lookup(code)


# --- build functions ------------------------------------------------------------------------------

def test_build_functions_pick_sandbox_or_http():
    sandbox = {"SANDBOX": True}
    real = {"SANDBOX": False, "QUALIFICATION_API_URL": "https://q.example", "QUALIFICATION_APP_KEY": "k",
            "QUALIFICATION_APP_SECRET": "s", "CHSI_API_URL": "https://c.example", "CHSI_APP_KEY": "k",
            "CHSI_APP_SECRET": "s", "EMPLOYER_API_URL": "https://e.example", "EMPLOYER_APP_KEY": "k",
            "EMPLOYER_APP_SECRET": "s", "CHSI_TIMEOUT": "2.5"}
    assert isinstance(build_qualification_library(sandbox), SandboxQualificationLibrary)
    assert isinstance(build_degree_checker(sandbox), SandboxDegreeChecker)
    assert isinstance(build_employer_directory(sandbox), SandboxEmployerDirectory)
    assert isinstance(build_qualification_library(real), HttpQualificationLibrary)
    assert build_degree_checker(real).client.timeout == 2.5
    assert isinstance(build_employer_directory(real), HttpEmployerDirectory)


# --- the HTTP clients against a local provider --------------------------------------------------

SECRET = "s3cret-for-tests"


class Provider:
    """A local stand-in: records each request, answers with the configured status/body after a delay."""

    def __init__(self):
        self.requests, self.status, self.body, self.delay = [], 200, {"code": 0, "data": None}, 0.0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                provider.requests.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                          "signed": verify_signature(SECRET, "POST", self.path, self.headers, body)})
                time.sleep(provider.delay)
                raw = provider.body if isinstance(provider.body, bytes) else json.dumps(provider.body).encode()
                try:
                    self.send_response(provider.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except OSError:      # the client gave up (timeout test)
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def answer(self, data=None, status=200, code=0, delay=0.0):
        self.body = data if isinstance(data, bytes) else {"code": code, "message": "ok", "data": data}
        self.status, self.delay = status, delay


@pytest.fixture
def provider():
    stand_in = Provider()
    stand_in.thread.start()
    yield stand_in
    stand_in.server.shutdown()
    stand_in.server.server_close()


def test_qualification_request_is_signed_and_answer_parsed(provider):
    provider.answer({"records": [
        {"level": "junior", "way": "exam", "obtained_on": "2012-06-10", "certificate_no": "1112100000001",
         "issuer": "北京市财政局"},
        {"level": "中级", "way": "考试", "obtained_on": "2016-10-20T00:00:00", "certificate_no": "1116200000002",
         "issuer": "财政部 人力资源和社会保障部"}]})
    library = HttpQualificationLibrary(provider.url + "/", "app-key-1", SECRET)
    records = library.lookup(" 11010519491231002x", " 张三 ")
    assert [(r.level, r.way, r.obtained_on) for r in records] == [("junior", "exam", date(2012, 6, 10)),
                                                                  ("intermediate", "exam", date(2016, 10, 20))]
    sent = provider.requests[0]
    assert sent["path"] == "/v1/qualifications/query" and sent["signed"]
    assert sent["headers"]["X-App-Key"] == "app-key-1" and len(sent["headers"]["X-Nonce"]) == 32
    assert json.loads(sent["body"]) == {"id_number": "11010519491231002X", "name": "张三"}
    assert sent["headers"]["X-Signature"] == sign(SECRET, "POST", sent["path"], sent["headers"]["X-Timestamp"],
                                                  sent["headers"]["X-Nonce"], sent["body"])
    assert library.verify("11010519491231002X", "张三", "1116200000002") is True


def test_signature_check_rejects_tampering_and_stale_requests():
    body, headers = b'{"a":1}', {"X-Timestamp": str(int(time.time())), "X-Nonce": "n" * 32}
    headers["X-Signature"] = sign(SECRET, "POST", "/p", headers["X-Timestamp"], headers["X-Nonce"], body)
    assert verify_signature(SECRET, "POST", "/p", headers, body)
    assert not verify_signature(SECRET, "POST", "/p", headers, b'{"a":2}')
    assert not verify_signature("other", "POST", "/p", headers, body)
    assert not verify_signature(SECRET, "POST", "/p", headers, body, now=time.time() + 301)


@pytest.mark.parametrize("answer", [{"data": None}, {"data": {"records": []}}, {"data": None, "status": 404}])
def test_qualification_nobody_found_is_an_empty_list(provider, answer):
    provider.answer(**answer)
    assert HttpQualificationLibrary(provider.url, "k", SECRET).lookup(WITH_RECORDS, "张三") == []


@pytest.mark.parametrize("answer", [
    {"status": 500}, {"status": 401}, {"code": 1003, "data": None}, {"data": b"<html>busy</html>"},
    {"data": {"records": [{"level": "expert", "way": "exam", "obtained_on": "2012-06-10", "certificate_no": "1"}]}},
    {"data": {"records": [{"level": "junior"}]}}])
def test_qualification_failures_raise_provider_unavailable(provider, answer):
    provider.answer(**answer)
    with pytest.raises(ProviderUnavailable):
        HttpQualificationLibrary(provider.url, "k", SECRET).lookup(WITH_RECORDS, "张三")


def test_timeout_raises_provider_unavailable(provider):
    provider.answer({"records": []}, delay=1.0)
    started = time.monotonic()
    with pytest.raises(ProviderUnavailable) as info:
        HttpQualificationLibrary(provider.url, "k", SECRET, timeout=0.2).lookup(WITH_RECORDS, "张三")
    assert time.monotonic() - started < 0.9 and "Timeout" in info.value.reason and info.value.message


def test_refused_connection_raises_provider_unavailable(provider):
    url = provider.url
    provider.server.shutdown()
    provider.server.server_close()
    with pytest.raises(ProviderUnavailable):
        HttpEmployerDirectory(url, "k", SECRET, timeout=1).lookup(DIRECTORY[0].credit_code)


@pytest.mark.parametrize("status, expected", [("verified", "verified"), ("一致", "verified"),
                                              ("not_found", "not_found"), ("查无此证", "not_found"),
                                              ("mismatch", "mismatch"), ("不一致", "mismatch")])
def test_degree_answer_parsed(provider, status, expected):
    provider.answer({"status": status, "message": "学信网答复"})
    result = HttpDegreeChecker(provider.url, "chsi-key", SECRET).verify(
        "李娜", PERSON[1], "本科", "102231201605000123", kind="education")
    assert result.status == expected and result.message == "学信网答复"
    sent = provider.requests[0]
    assert sent["path"] == "/v1/certificates/verify" and sent["signed"]
    assert json.loads(sent["body"]) == {"kind": "education", "name": "李娜", "id_number": PERSON[1],
                                        "education_level": "bachelor", "certificate_no": "102231201605000123"}


def test_degree_unknown_status_or_server_error_raise(provider):
    checker = HttpDegreeChecker(provider.url, "k", SECRET)
    for answer in ({"data": {"status": "maybe"}}, {"status": 503}):
        provider.answer(**answer)
        with pytest.raises(ProviderUnavailable):
            checker.verify("李娜", PERSON[1], "bachelor", "1024642016000001", kind="degree")


def test_degree_below_associate_is_refused_before_any_request(provider):
    with pytest.raises(ValueError):
        HttpDegreeChecker(provider.url, "k", SECRET).verify("李娜", PERSON[1], "高中", "123", kind="education")
    assert provider.requests == []


def test_employer_answer_parsed_with_labels(provider):
    code = DIRECTORY[3].credit_code
    provider.answer({"credit_code": code, "name": "北京朝阳恒信会计师事务所（普通合伙）", "employer_type": "会计师事务所",
                     "industry": "租赁和商务服务业", "address": "北京市朝阳区建国路88号", "region_code": "110105"})
    employer = HttpEmployerDirectory(provider.url, "emp-key", SECRET).lookup(code.lower())
    assert (employer.employer_type, employer.industry, employer.region_code) == ("accounting_firm", "L", "110105")
    sent = provider.requests[0]
    assert sent["signed"] and json.loads(sent["body"]) == {"credit_code": code}


def test_employer_unknown_type_and_industry_labels_fall_back(provider):
    code = DIRECTORY[0].credit_code
    provider.answer({"credit_code": code, "name": "某公司", "employer_type": "有限责任公司", "industry": "未知"})
    employer = HttpEmployerDirectory(provider.url, "k", SECRET).lookup(code)
    assert (employer.employer_type, employer.industry, employer.address) == ("other", "", "")


@pytest.mark.parametrize("answer", [{"data": None}, {"data": None, "status": 404}])
def test_employer_unknown_is_none(provider, answer):
    provider.answer(**answer)
    assert HttpEmployerDirectory(provider.url, "k", SECRET).lookup(DIRECTORY[0].credit_code) is None


def test_employer_server_error_raises(provider):
    provider.answer(status=502)
    with pytest.raises(ProviderUnavailable):
        HttpEmployerDirectory(provider.url, "k", SECRET).lookup(DIRECTORY[0].credit_code)
