"""The province API end to end inside one process: the gateway app (Flask test client) in front of the real
identity, profile and exam services over RabbitMQ, with PostgreSQL, S3 and Redis. A province's client gets a
token (OAuth client credentials), reads only its province, unmasks with a purpose that the person then sees,
imports a batch of scores as a job with an exact per-row report, and receives signed webhooks with a retry."""
import base64
import hashlib
import hmac
import json
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from nameko.standalone.events import event_dispatcher
from sqlalchemy import func, select

from ausm_common import jobs as common_jobs
from ausm_common.clock import iso
from cpe.models import KIT as CpeKit
from exam.models import KIT as ExamKit
from cpe.models import ReportJob
from exam.models import ImportJob
from tests.integration import exam_helpers as h
from tests.integration.test_exam_rpc import now, status_of, wait_for

ZHEJIANG_ADMIN = {"kind": "staff", "id": "it-adm-330000", "name": "浙江省财政厅管理员", "department_code": "330000",
                  "roles": ["admin", "reviewer"]}
NATIONAL_ADMIN = {"kind": "staff", "id": "it-adm-000000", "name": "评价中心管理员", "department_code": "000000",
                  "roles": ["admin", "reviewer"]}
ALL_SCOPES = ["candidates:read", "candidates:unmask", "enrollments:read", "scores:import", "events:subscribe"]


@pytest.fixture(scope="module")
def gateway(config, store, identity, profile, exam):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "gateway"))
    sys.modules.pop("gateway", None)
    from gateway import create_app
    app = create_app({"SANDBOX": True, "TESTING": True, "AMQP_URI": config["AMQP_URI"], "RPC_TIMEOUT": 15,
                      "SECRET_KEY": "integration"})
    app.extensions["object_store"] = store
    return app


def register_client(rpc, staff, province, scopes=ALL_SCOPES, name="省平台"):
    return rpc.as_caller(staff).identity.create_api_client({"name": name, "province_code": province,
                                                            "scopes": scopes})


def token(client, registered, scope=None):
    basic = base64.b64encode(f"{registered['client_id']}:{registered['client_secret']}".encode()).decode()
    data = {"grant_type": "client_credentials", **({"scope": scope} if scope else {})}
    return client.post("/api/province/v1/oauth/token", data=data, headers={"Authorization": f"Basic {basic}"})


def bearer(client, registered, scope=None):
    answer = token(client, registered, scope)
    assert answer.status_code == 200, answer.get_json()
    return {"Authorization": f"Bearer {answer.get_json()['access_token']}"}


def test_tokens_rotation_and_revocation(rpc, gateway):
    client = gateway.test_client()
    registered = register_client(rpc, ZHEJIANG_ADMIN, "330000", ["candidates:read"])
    with pytest.raises(Exception):
        register_client(rpc, ZHEJIANG_ADMIN, "110000")                    # another province's client
    assert register_client(rpc, NATIONAL_ADMIN, "110000")["province_code"] == "110000"

    answer = token(client, registered)
    body = answer.get_json()
    assert answer.status_code == 200 and body["token_type"] == "Bearer" and body["expires_in"] == 600
    assert body["scope"] == "candidates:read"
    header = json.loads(base64.urlsafe_b64decode(body["access_token"].split(".")[0] + "=="))
    keys = client.get("/api/province/v1/.well-known/jwks.json").get_json()["keys"]
    assert header["alg"] == "RS256" and header["kid"] in {k["kid"] for k in keys}
    assert all("d" not in k for k in keys)                                 # public halves only

    wrong = token(client, {**registered, "client_secret": "nope"})
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "invalid_client"
    assert token(client, registered, "scores:import").get_json()["error"] == "invalid_scope"

    rotated = rpc.as_caller(ZHEJIANG_ADMIN).identity.rotate_api_client_secret(registered["client_id"], 3600)
    assert token(client, registered).status_code == 200                    # the old secret, in the overlap
    assert token(client, rotated).status_code == 200
    rpc.as_caller(ZHEJIANG_ADMIN).identity.rotate_api_client_secret(registered["client_id"], 0)
    assert token(client, rotated).status_code == 401                       # no overlap: gone at once

    fresh = rpc.as_caller(ZHEJIANG_ADMIN).identity.rotate_api_client_secret(registered["client_id"], 0)
    headers = bearer(client, fresh)
    assert client.get("/api/province/v1/candidates", headers=headers).status_code == 200
    rpc.as_caller(ZHEJIANG_ADMIN).identity.revoke_api_client(registered["client_id"])
    refused = client.get("/api/province/v1/candidates", headers=headers)   # the same, unexpired token
    assert refused.status_code == 401 and refused.get_json()["code"] == "CLIENT_REVOKED"
    assert token(client, fresh).status_code == 401


def test_a_client_reads_only_its_province_and_its_unmasked_reads_are_shown_to_the_person(rpc, store, gateway):
    client = gateway.test_client()
    data, person = h.approved_candidate(rpc, store)                        # 上城区 (浙江) approved it
    zhejiang = bearer(client, register_client(rpc, ZHEJIANG_ADMIN, "330000"))
    beijing = bearer(client, register_client(rpc, NATIONAL_ADMIN, "110000"))
    read_only = bearer(client, register_client(rpc, ZHEJIANG_ADMIN, "330000", ["candidates:read"]))

    found = client.get(f"/api/province/v1/candidates?id_number={data['id_number']}", headers=zhejiang).get_json()
    assert found["total"] == 1 and found["items"][0]["account_id"] == person["id"]
    assert found["items"][0]["id_number"] != data["id_number"] and "*" in found["items"][0]["id_number"]
    elsewhere = client.get(f"/api/province/v1/candidates?id_number={data['id_number']}", headers=beijing)
    assert elsewhere.get_json()["total"] == 0
    assert client.get(f"/api/province/v1/candidates/{person['id']}", headers=beijing).status_code == 404

    url = f"/api/province/v1/candidates/{person['id']}?unmask=id_number,phone&purpose=核验调入人员身份"
    assert client.get(url, headers=read_only).get_json()["code"] == "SCOPE_REQUIRED"
    no_purpose = client.get(f"/api/province/v1/candidates/{person['id']}?unmask=id_number", headers=zhejiang)
    assert no_purpose.status_code == 422 and "purpose" in no_purpose.get_json()["errors"]
    full = client.get(url, headers=zhejiang).get_json()
    assert full["id_number"] == data["id_number"] and full["unmasked"] == ["id_number", "phone"]

    reads = rpc.as_caller(person).profile.my_data_reads()
    assert len(reads) == 1 and reads[0]["reader_kind"] == "client" and reads[0]["purpose"] == "核验调入人员身份"
    assert reads[0]["fields"] == ["id_number", "phone"] and "浙江省" in reads[0]["reader"]

    unmasked = rpc.as_caller(h.COUNTY_REVIEWER).profile.unmask_person_fields(
        {"account_id": person["id"], "fields": ["phone"], "purpose": "电话联系核实工作单位"})
    assert unmasked["phone"] == data["phone"]
    assert [r["purpose"] for r in rpc.as_caller(person).profile.my_data_reads()][0] == "电话联系核实工作单位"


def test_a_score_batch_with_bad_rows_gives_an_exact_per_row_report_and_duplicates_act_once(rpc, store, exam_db,
                                                                                          gateway):
    client = gateway.test_client()
    person = h.new_candidate(rpc)[1]
    exam_id = h.plans(exam_db)["junior"]
    view = h.ready_to_submit(rpc, store, person, exam_id, h.BEIJING, "high_school",
                             ["junior_practice", "economic_law_basics"], entered=h.ENTERED)
    view = rpc.as_caller(person).exam.submit_enrollment(view["id"])
    h.emit(rpc.amqp_uri, "payment_succeeded", h.payment_event(view["id"], f"PV-{view['id'][:8]}",
                                                              view["amount_fen"], iso(now())))
    wait_for(lambda: status_of(exam_db, view["id"]) == "paid")
    number = view["enrollment_no"]
    beijing_client = register_client(rpc, NATIONAL_ADMIN, "110000")
    beijing = bearer(client, beijing_client)
    zhejiang = bearer(client, register_client(rpc, ZHEJIANG_ADMIN, "330000"))

    listed = client.get(f"/api/province/v1/enrollments?exam_id={exam_id}", headers=beijing).get_json()
    assert number in [e["enrollment_no"] for e in listed["items"]]
    assert number not in [e["enrollment_no"] for e in
                          client.get(f"/api/province/v1/enrollments?exam_id={exam_id}", headers=zhejiang)
                          .get_json()["items"]]

    lines = [{"enrollment_no": number, "subject": "junior_practice", "score": 75},
             {"enrollment_no": number, "subject": "economic_law_basics", "score": 101},
             {"enrollment_no": number, "subject": "intermediate_practice", "score": 80},
             {"enrollment_no": "9999999999999999", "subject": "economic_law_basics", "score": 60},
             {"enrollment_no": number, "subject": "economic_law_basics", "score": 61.5}]
    body = ("\n".join(json.dumps(line) for line in lines[:2]) + "\nnot json\n"
            + "\n".join(json.dumps(line) for line in lines[2:]) + "\n").encode()
    key = f"batch-{uuid.uuid4().hex}"

    def post(_):
        answer = gateway.test_client().post(
            f"/api/province/v1/score-imports?exam_id={exam_id}", data=body,
            headers={**beijing, "Content-Type": "application/x-ndjson", "Idempotency-Key": key})
        assert "job_id" in answer.get_json(), answer.get_json()
        return answer.status_code, answer.get_json()["job_id"]

    with ThreadPoolExecutor(20) as pool:
        answers = list(pool.map(post, range(20)))
    assert {a[0] for a in answers} == {202} and len({a[1] for a in answers}) == 1
    job_id = answers[0][1]
    with exam_db.get_session() as session:
        assert session.scalar(select(func.count()).select_from(ImportJob).where(
            ImportJob.client_id == beijing_client["client_id"])) == 1          # twenty posts, one job
    other = client.post(f"/api/province/v1/score-imports?exam_id={exam_id}", data=body + b"\n",
                        headers={**beijing, "Content-Type": "application/x-ndjson", "Idempotency-Key": key})
    assert other.status_code == 422 and other.get_json()["code"] == "IDEMPOTENCY_KEY_REUSED"

    status = wait_for(lambda: (lambda s: s if s["status"] == "done" else None)(
        client.get(f"/api/province/v1/score-imports/{job_id}", headers=beijing).get_json()), timeout=30)
    assert status["saved"] == 2 and status["refused"] == 4
    result = client.get(f"/api/province/v1/score-imports/{job_id}/result", headers=beijing).get_json()
    assert [(e["line"], e["field"]) for e in result["errors"]] == \
        [(2, "score"), (3, "line"), (4, "subject"), (5, "enrollment_no")]
    assert "101" in result["errors"][0]["reason"]
    assert [s["score"] for s in rpc.as_caller(person).exam.get_enrollment(view["id"])["scores"]] == [61.5, 75.0]
    assert client.get(f"/api/province/v1/score-imports/{job_id}", headers=zhejiang).status_code == 404

    again = uuid.uuid4().hex                                               # the handler runs again, anew
    event_dispatcher({"AMQP_URI": rpc.amqp_uri})("exam", "score_import_queued", {"event_id": again, "job_id": job_id})
    wait_for(lambda: inbox_has(exam_db, again))
    assert client.get(f"/api/province/v1/score-imports/{job_id}", headers=beijing).get_json() == status
    assert client.get(f"/api/province/v1/score-imports/{job_id}/result", headers=beijing).get_json() == result
    assert [s["score"] for s in rpc.as_caller(person).exam.get_enrollment(view["id"])["scores"]] == [61.5, 75.0]
    assert [e["status"] for e in finished(exam_db, job_id)] == ["done"]      # one result, announced once


def inbox_has(exam_db, event_id) -> int:
    with exam_db.get_session() as session:
        return session.scalar(select(func.count()).select_from(ExamKit.inbox).where(
            ExamKit.inbox.event_id == event_id))


def finished(exam_db, job_id) -> list[dict]:
    """The job_finished events exam recorded (its outbox) for one job."""
    with exam_db.get_session() as session:
        rows = session.scalars(select(ExamKit.outbox).where(ExamKit.outbox.event_type == "job_finished"))
        return [r.payload for r in rows if r.payload.get("job_id") == job_id]


class Forgetful:
    """The gateway's object store losing every body it is given (a job whose body is missing when it runs)."""

    def __init__(self, store):
        self.store = store

    def put(self, *args, **kwargs):
        pass

    def __getattr__(self, name):
        return getattr(self.store, name)


class Receiver:
    """A province's webhook endpoint: answers 500 to the first delivery, then 200; keeps what it got."""

    def __init__(self):
        self.received, self.fail_first = [], True
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                code = 500 if receiver.fail_first and len(receiver.received) == 1 else 200
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/ausm"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_webhooks_are_signed_retried_after_a_500_logged_and_replayed(rpc, store, gateway):
    client = gateway.test_client()
    receiver = Receiver()
    headers = bearer(client, register_client(rpc, ZHEJIANG_ADMIN, "330000", ["events:subscribe"]))
    sub = client.post("/api/province/v1/webhooks", json={"url": receiver.url, "events": ["collection_approved"]},
                      headers=headers)
    assert sub.status_code == 201, sub.get_json()
    sub = sub.get_json()
    assert sub["secret"].startswith("whsec_")
    assert "secret" not in client.get("/api/province/v1/webhooks", headers=headers).get_json()[0]

    data, person = h.approved_candidate(rpc, store)                        # collection_approved in 浙江
    wait_for(lambda: len(receiver.received) >= 2, timeout=30)              # the 500, then the retry
    (first_headers, first_body), (headers2, body2) = receiver.received[:2]
    assert first_body == body2 and first_headers["X-Ausm-Delivery"] == headers2["X-Ausm-Delivery"]
    event = json.loads(body2)
    assert event["event_type"] == "collection_approved" and event["data"]["account_id"] == person["id"]
    expected = hmac.new(sub["secret"].encode(), f"{headers2['X-Ausm-Timestamp']}.".encode() + body2,
                        hashlib.sha256).hexdigest()
    assert headers2["X-Ausm-Signature"] == "v1=" + expected

    deliveries = wait_for(lambda: (lambda d: d if d and d[0]["status"] == "delivered" else None)(
        client.get(f"/api/province/v1/webhooks/{sub['id']}/deliveries", headers=headers).get_json()))
    assert len(deliveries) == 1 and deliveries[0]["attempts"] == 2
    assert [entry["status_code"] for entry in deliveries[0]["log"]] == [500, 200]

    replayed = client.post(f"/api/province/v1/webhook-deliveries/{deliveries[0]['id']}/replay", headers=headers)
    assert replayed.status_code == 202 and replayed.get_json()["status"] == "pending"
    wait_for(lambda: len(receiver.received) >= 3)
    assert receiver.received[2][1] == body2 and receiver.received[2][0]["X-Ausm-Delivery"] == deliveries[0]["id"]

    other = bearer(client, register_client(rpc, NATIONAL_ADMIN, "110000", ["events:subscribe"]))
    assert client.get(f"/api/province/v1/webhooks/{sub['id']}/deliveries", headers=other).status_code == 404
    receiver.server.shutdown()


def test_webhook_urls_reaching_internal_addresses_are_refused_with_the_field_named(rpc, gateway):
    """Sandbox mode allows a receiver on 127.0.0.1 (WEBHOOK_ALLOW_PRIVATE), never the metadata address."""
    client = gateway.test_client()
    headers = bearer(client, register_client(rpc, ZHEJIANG_ADMIN, "330000", ["events:subscribe"]))
    for url, code in (("http://169.254.169.254/latest/meta-data/", "WEBHOOK_URL_PRIVATE"),
                      ("http://[::ffff:169.254.169.254]/", "WEBHOOK_URL_PRIVATE"),
                      ("http://2852039166/", "WEBHOOK_URL_INVALID"),
                      ("http://hooks.zj.example@169.254.169.254/", "WEBHOOK_URL_INVALID")):
        answer = client.post("/api/province/v1/webhooks", json={"url": url, "events": ["collection_approved"]},
                             headers=headers)
        assert answer.status_code == 422, answer.get_json()
        assert answer.get_json()["code"] == code and "回调地址" in answer.get_json()["errors"]["url"]
    assert client.get("/api/province/v1/webhooks", headers=headers).get_json() == []


def test_a_cpe_report_job_runs_the_staff_report_within_the_province_and_credits_changed_is_delivered(
        rpc, store, cpe, cpe_db, gateway):
    client = gateway.test_client()
    year = time.gmtime().tm_year
    data, person = h.approved_candidate(rpc, store)                        # managed by 上城区 (浙江)
    zhejiang_client = register_client(rpc, ZHEJIANG_ADMIN, "330000", ["cpe:report", "events:subscribe"])
    zhejiang = bearer(client, zhejiang_client)
    beijing = bearer(client, register_client(rpc, NATIONAL_ADMIN, "110000", ["cpe:report"]))
    ours = rpc.as_caller(ZHEJIANG_ADMIN).cpe.register_institution({"name": "杭州会计培训学校", "province_code": "330000"})
    theirs = rpc.as_caller(NATIONAL_ADMIN).cpe.register_institution({"name": "北京会计培训学校", "province_code": "110000"})
    receiver = Receiver()
    receiver.fail_first = False
    sub = client.post("/api/province/v1/webhooks", json={"url": receiver.url, "events": ["credits_changed"]},
                      headers=zhejiang)
    assert sub.status_code == 201, sub.get_json()

    header = "证件号码,姓名,科目类型,课程名称,培训开始日期,培训结束日期,培训时长（分钟）\n"
    body = (header + f"{data['id_number']},{data['name']},公需科目,职业道德,{year}-04-01,{year}-04-01,90\n"
            + f"{data['id_number']},某某,专业科目,内部控制,{year}-04-02,{year}-04-02,90\n"
            + f"{data['id_number']},{data['name']},专业科目,内部控制,{year}-04-09,{year}-04-08,90\n"
            + f"110101199001011237,无名,专业科目,内部控制,{year}-04-01,{year}-04-01,90\n").encode()
    key = f"cpe-{uuid.uuid4().hex}"
    url = f"/api/province/v1/cpe-reports?institution_code={ours['code']}"
    headers = {**zhejiang, "Content-Type": "text/csv", "Idempotency-Key": key}
    first, retried = client.post(url, data=body, headers=headers), client.post(url, data=body, headers=headers)
    assert first.status_code == 202 and retried.status_code == 202, first.get_json()
    assert retried.headers.get("Idempotent-Replayed") == "true"
    job_id = first.get_json()["job_id"]
    assert retried.get_json()["job_id"] == job_id and first.get_json()["institution_code"] == ours["code"]
    with cpe_db.get_session() as session:
        assert session.scalar(select(func.count()).select_from(ReportJob).where(
            ReportJob.client_id == zhejiang_client["client_id"])) == 1       # a retried POST, one job

    status = wait_for(lambda: (lambda s: s if s["status"] == "done" else None)(
        client.get(f"/api/province/v1/cpe-reports/{job_id}", headers=zhejiang).get_json()), timeout=30)
    assert (status["total"], status["saved"], status["refused"]) == (4, 1, 3)
    result = client.get(f"/api/province/v1/cpe-reports/{job_id}/result", headers=zhejiang).get_json()
    assert [(e["line"], e["field"], e["reason"]) for e in result["errors"]] == [
        (3, "姓名", "姓名与证件号码不一致"), (4, "培训结束日期", result["errors"][1]["reason"]),
        (5, "证件号码", "未找到该证件号码已审核通过的信息采集")]
    assert rpc.as_caller(person).cpe.my_year(year)["public"] == 6          # the staff report's own crediting
    again = uuid.uuid4().hex
    event_dispatcher({"AMQP_URI": rpc.amqp_uri})("cpe", "cpe_report_queued", {"event_id": again, "job_id": job_id})

    def handled():                                                         # the queue event again, anew: run
        with cpe_db.get_session() as session:
            return session.scalar(select(func.count()).select_from(CpeKit.inbox).where(
                CpeKit.inbox.event_id == again))
    wait_for(handled)
    assert client.get(f"/api/province/v1/cpe-reports/{job_id}", headers=zhejiang).get_json() == status
    assert rpc.as_caller(person).cpe.my_year(year)["public"] == 6          # a done job is left alone
    assert client.get(f"/api/province/v1/cpe-reports/{job_id}", headers=beijing).status_code == 404

    # another province's client: its own institution only, and the 浙江 person is a refused row
    line = json.dumps({"id_number": data["id_number"], "name": data["name"], "subject_type": "专业科目",
                       "course": "财务报告", "start_date": f"{year}-05-01", "end_date": f"{year}-05-01",
                       "minutes": 90}, ensure_ascii=False)
    elsewhere = client.post(f"/api/province/v1/cpe-reports?institution_code={ours['code']}", data=line.encode(),
                            headers={**beijing, "Content-Type": "application/x-ndjson"})
    assert elsewhere.status_code == 404
    job = client.post(f"/api/province/v1/cpe-reports?institution_code={theirs['code']}", data=line.encode(),
                      headers={**beijing, "Content-Type": "application/x-ndjson"}).get_json()
    wait_for(lambda: client.get(f"/api/province/v1/cpe-reports/{job['job_id']}", headers=beijing)
             .get_json()["status"] == "done", timeout=30)
    refused = client.get(f"/api/province/v1/cpe-reports/{job['job_id']}/result", headers=beijing).get_json()
    assert refused["saved"] == 0 and refused["errors"] == [
        {"line": 1, "field": "证件号码", "reason": "该人员不属于本省管辖"}]

    def delivered():
        events = [json.loads(b) for _, b in receiver.received]
        return [e for e in events if e["data"].get("account_id") == person["id"]] or None
    event = wait_for(delivered, timeout=30)[0]
    assert event["event_type"] == "credits_changed" and event["data"]["department_code"] == "330102"
    assert event["data"]["year"] == year and event["data"]["public"] == 6
    receiver.server.shutdown()


def test_a_legacy_import_job_lands_good_rows_names_bad_ones_and_the_person_finds_the_record(
        rpc, store, profile_db, gateway):
    """A province's old-platform records as a job (legacy:import): valid rows land, every bad row is named with its
    field and reason, a retried POST makes one job, the queue event twice changes nothing, other provinces and
    clients without the scope see nothing; the person who registers later finds the record in 信息采集."""
    import random

    from profiles.models import KIT as ProfileKit
    from profiles.models import LegacyImportJob, LegacyRecord
    from tests.integration.test_profile_rpc import verified_person
    from tests.support.people import mainland_id
    from tests.support.profile_data import EDUCATION, WORK

    client = gateway.test_client()
    zhejiang_client = register_client(rpc, ZHEJIANG_ADMIN, "330000", ["legacy:import"])
    zhejiang = bearer(client, zhejiang_client)
    beijing = bearer(client, register_client(rpc, NATIONAL_ADMIN, "110000", ["legacy:import"]))
    no_scope = bearer(client, register_client(rpc, ZHEJIANG_ADMIN, "330000", ["candidates:read"]))
    started_data, _ = h.approved_candidate(rpc, store)               # already collected on this platform
    newcomer, renamed = mainland_id(region="330102"), mainland_id(region="330106")
    taiwan = f"{random.randrange(10 ** 10):010d}"                       # the 10-digit pre-2015 permit number
    wrong_check = newcomer[:-1] + ("0" if newcomer[-1] != "0" else "1")
    education = {k: v for k, v in EDUCATION.items() if k != "degree_cert_no"}        # left for the person
    work = {**WORK, "credit_code": "", "phone": ""}
    record = {"id_number": newcomer, "name": "李晓明", "department_code": "330102", "scope": "accountant",
              "basic": {"political_status": "masses", "ethnicity": "han", "address": "杭州市上城区解放路1号"},
              "education": [education], "work": [work]}
    lines = [record,                                                                  # 1 lands
             {**record, "id_number": renamed, "name": "王五", "department_code": "110101"},     # 2 another province
             {**record, "id_number": wrong_check},                                    # 3 check digit
             {**record, "id_number": renamed, "name": "王五",
              "education": [{**education, "end_date": "2007-06-30"}]},               # 4 dates
             "not json",                                                              # 5
             {**record, "name": "李晓明"},                                            # 6 duplicate of line 1
             {**record, "id_number": started_data["id_number"], "name": started_data["name"]},   # 7 started here
             {"id_type": "taiwan_permit", "id_number": taiwan, "name": "陈台生", "department_code": "330100"},  # 8
             {**record, "id_number": renamed, "name": "王五", "department_code": "330106"}]     # 9 lands
    body = "\n".join(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines)
    key = f"legacy-{uuid.uuid4().hex}"
    headers = {**zhejiang, "Content-Type": "application/x-ndjson", "Idempotency-Key": key}
    first = client.post("/api/province/v1/legacy-imports", data=body.encode(), headers=headers)
    retried = client.post("/api/province/v1/legacy-imports", data=body.encode(), headers=headers)
    assert first.status_code == 202 and retried.status_code == 202, first.get_json()
    assert retried.headers.get("Idempotent-Replayed") == "true" and retried.get_json() == first.get_json()
    job_id = first.get_json()["job_id"]
    with profile_db.get_session() as session:
        assert session.scalar(select(func.count()).select_from(LegacyImportJob).where(
            LegacyImportJob.client_id == zhejiang_client["client_id"])) == 1         # a retried POST, one job
    status = wait_for(lambda: (lambda s: s if s["status"] == "done" else None)(
        client.get(f"/api/province/v1/legacy-imports/{job_id}", headers=zhejiang).get_json()), timeout=30)
    assert (status["total"], status["saved"], status["refused"]) == (9, 3, 6), status
    from ausm_common.storage import ObjectMissing
    with profile_db.get_session() as session:
        body_key = session.get(LegacyImportJob, job_id).file_key

    def body_gone():                                   # the batch (names, ID numbers) deleted once the job ended
        try:
            store.get(body_key)
        except ObjectMissing:
            return True
        return False
    wait_for(body_gone, timeout=5)
    result = client.get(f"/api/province/v1/legacy-imports/{job_id}/result", headers=zhejiang).get_json()
    assert [(e["line"], e["field"]) for e in result["errors"]] == [
        (2, "department_code"), (3, "id_number"), (4, "education.0.end_date"), (5, "line"), (6, "id_number"),
        (7, "id_number")], result["errors"]
    reasons = [e["reason"] for e in result["errors"]]
    assert "不属于本省管辖" in reasons[0] and "校验位" in reasons[1] and "应晚于入学时间" in reasons[2]
    assert "与第1行证件号码重复" in reasons[4] and "已在本平台开始信息采集" in reasons[5]
    with profile_db.get_session() as session:
        stored = {r.id_number: r for r in session.scalars(select(LegacyRecord).where(
            LegacyRecord.id_number.in_([newcomer, renamed, taiwan, wrong_check, started_data["id_number"]])))}
    assert set(stored) == {newcomer, renamed, taiwan}                # bad rows left nothing behind
    assert stored[renamed].data["department_code"] == "330106"       # line 9, not the refused lines 2 and 4

    again = uuid.uuid4().hex                                         # the queue event again: a done job stays
    event_dispatcher({"AMQP_URI": rpc.amqp_uri})("profile", "legacy_import_queued", {"event_id": again,
                                                                                    "job_id": job_id})

    def handled():
        with profile_db.get_session() as session:
            return session.scalar(select(func.count()).select_from(ProfileKit.inbox).where(
                ProfileKit.inbox.event_id == again))
    wait_for(handled)
    assert client.get(f"/api/province/v1/legacy-imports/{job_id}", headers=zhejiang).get_json() == status
    assert client.get(f"/api/province/v1/legacy-imports/{job_id}", headers=beijing).status_code == 404
    refused = client.get(f"/api/province/v1/legacy-imports/{job_id}", headers=no_scope)
    assert refused.status_code == 403 and refused.get_json()["code"] == "SCOPE_REQUIRED"

    # CSV: one person a row, headers are the JSON paths; a refused row names its column
    header = "id_number,name,department_code,education.school,education.start_date,education.end_date,work.post.post\n"
    other = mainland_id(region="330102")
    csv_body = (header + f"{other},赵六,330102,浙江大学,2010-09-01,2014-06-30,cashier\n"
                + f"{mainland_id(region='330102')},钱七,330102,浙江大学,2010-09-01,2009-06-30,\n").encode()
    job = client.post("/api/province/v1/legacy-imports", data=csv_body,
                      headers={**zhejiang, "Content-Type": "text/csv"}).get_json()
    wait_for(lambda: client.get(f"/api/province/v1/legacy-imports/{job['job_id']}", headers=zhejiang)
             .get_json()["status"] == "done", timeout=30)
    csv_result = client.get(f"/api/province/v1/legacy-imports/{job['job_id']}/result", headers=zhejiang).get_json()
    assert csv_result["saved"] == 1 and [(e["line"], e["field"]) for e in csv_result["errors"]] == [
        (3, "education.end_date")]
    bad_header = client.post("/api/province/v1/legacy-imports", data=b"id_number,name,department_code,nickname\n1,2,3\n",
                             headers={**zhejiang, "Content-Type": "text/csv"}).get_json()
    wait_for(lambda: client.get(f"/api/province/v1/legacy-imports/{bad_header['job_id']}", headers=zhejiang)
             .get_json()["status"] == "done", timeout=30)
    assert client.get(f"/api/province/v1/legacy-imports/{bad_header['job_id']}/result", headers=zhejiang) \
        .get_json()["errors"][0]["reason"].startswith("未知列：nickname")

    # the person registers later: the record is theirs when the name matches, locked where filled
    _, person = verified_person(rpc, id_number=newcomer)
    started = rpc.as_caller(person).profile.start_collection()
    assert started["imported"] is True and started["education"][0]["school"] == EDUCATION["school"]
    assert "school" in started["education"][0]["locked"] and "degree_cert_no" not in started["education"][0]["locked"]
    _, stranger = verified_person(rpc, id_number=renamed)                # registered as 李晓明, the record says 王五
    assert rpc.as_caller(stranger).profile.start_collection()["imported"] is False
    again = client.post("/api/province/v1/legacy-imports", data=json.dumps(record, ensure_ascii=False).encode(),
                        headers={**zhejiang, "Content-Type": "application/x-ndjson"}).get_json()
    wait_for(lambda: client.get(f"/api/province/v1/legacy-imports/{again['job_id']}", headers=zhejiang)
             .get_json()["status"] == "done", timeout=30)
    claimed = client.get(f"/api/province/v1/legacy-imports/{again['job_id']}/result", headers=zhejiang).get_json()
    assert claimed["saved"] == 0 and "已在本平台开始信息采集" in claimed["errors"][0]["reason"]

    # a batch above the app-wide 30 MB body limit is this route's to take (128 MB), not other routes'
    big = json.dumps({**record, "id_number": mainland_id(region="330102"),
                      "basic": {"address": "路" * (12 * 1024 * 1024)}}, ensure_ascii=False).encode()   # 36 MB
    assert len(big) > 30 * 1024 * 1024
    elsewhere = client.post("/api/province/v1/cpe-reports?institution_code=x", data=big,
                            headers={**zhejiang, "Content-Type": "application/x-ndjson"})
    assert elsewhere.status_code == 413
    taken = client.post("/api/province/v1/legacy-imports", data=big,
                        headers={**zhejiang, "Content-Type": "application/x-ndjson"})
    assert taken.status_code == 202, taken.get_json()
    wait_for(lambda: client.get(f"/api/province/v1/legacy-imports/{taken.get_json()['job_id']}", headers=zhejiang)
             .get_json()["status"] == "done", timeout=60)
    assert [(e["line"], e["field"]) for e in client.get(
        f"/api/province/v1/legacy-imports/{taken.get_json()['job_id']}/result", headers=zhejiang)
        .get_json()["errors"]] == [(1, "basic.address")]


def test_a_score_import_whose_body_is_missing_fails_with_its_reason_and_only_its_client_is_told(
        rpc, store, exam_db, gateway):
    client = gateway.test_client()
    exam_id = h.plans(exam_db)["junior"]
    ours, others = Receiver(), Receiver()
    ours.fail_first = others.fail_first = False
    owner = bearer(client, register_client(rpc, ZHEJIANG_ADMIN, "330000", ["scores:import", "events:subscribe"]))
    neighbour = bearer(client, register_client(rpc, ZHEJIANG_ADMIN, "330000", ["scores:import", "events:subscribe"]))
    subs = [client.post("/api/province/v1/webhooks", json={"url": r.url, "events": ["job_finished"]}, headers=hd)
            for r, hd in ((ours, owner), (others, neighbour))]
    assert [s.status_code for s in subs] == [201, 201], subs[0].get_json()
    secret, neighbour_sub = subs[0].get_json()["secret"], subs[1].get_json()["id"]

    gateway.extensions["object_store"] = Forgetful(store)
    try:
        answer = client.post(f"/api/province/v1/score-imports?exam_id={exam_id}", data=b"x,y,z\n",
                             headers={**owner, "Content-Type": "text/csv"})
    finally:
        gateway.extensions["object_store"] = store
    assert answer.status_code == 202, answer.get_json()
    job_id = answer.get_json()["job_id"]

    status = wait_for(lambda: (lambda s: s if s["status"] != "queued" else None)(
        client.get(f"/api/province/v1/score-imports/{job_id}", headers=owner).get_json()), timeout=30)
    assert (status["status"], status["failure"]) == ("failed", common_jobs.BODY_MISSING)
    assert status["finished_at"] and status["saved"] is None
    refused = client.get(f"/api/province/v1/score-imports/{job_id}/result", headers=owner)
    assert refused.status_code == 409 and refused.get_json()["code"] == "JOB_FAILED"
    assert refused.get_json()["failure"] == common_jobs.BODY_MISSING and "不存在" in refused.get_json()["message"]

    wait_for(lambda: ours.received, timeout=30)                           # told when done: signed, its own job
    headers, body = ours.received[0]
    expected = hmac.new(secret.encode(), f"{headers['X-Ausm-Timestamp']}.".encode() + body, hashlib.sha256)
    assert headers["X-Ausm-Signature"] == "v1=" + expected.hexdigest() and headers["X-Ausm-Event"] == "job_finished"
    event = json.loads(body)
    assert event["event_type"] == "job_finished" and event["data"]["job_id"] == job_id
    assert (event["data"]["kind"], event["data"]["status"], event["data"]["exam_id"]) == ("scores", "failed", exam_id)
    assert event["data"]["failure"] == common_jobs.BODY_MISSING and event["data"]["province_code"] == "330000"
    # the other client of the same province was not told (one fan-out, one transaction: nothing more to come)
    assert client.get(f"/api/province/v1/webhooks/{neighbour_sub}/deliveries", headers=neighbour).get_json() == []
    assert others.received == []

    again = uuid.uuid4().hex                                               # the handler again: still failed, once
    with exam_db.get_session() as session:
        store.put(session.get(ImportJob, job_id).file_key, b"x,y,z\n")          # even with its body back
    event_dispatcher({"AMQP_URI": rpc.amqp_uri})("exam", "score_import_queued", {"event_id": again, "job_id": job_id})
    wait_for(lambda: inbox_has(exam_db, again))
    assert client.get(f"/api/province/v1/score-imports/{job_id}", headers=owner).get_json() == status
    assert [e["status"] for e in finished(exam_db, job_id)] == ["failed"]
    ours.server.shutdown()
    others.server.shutdown()


def test_a_score_import_the_kit_gives_up_on_ends_failed(rpc, store, exam, exam_db, gateway, monkeypatch):
    """A handler that keeps failing (a bug): retried, parked as a dead letter, and the job failed, not queued
    forever."""
    from exam import grading

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the import")

    client = gateway.test_client()
    exam_id = h.plans(exam_db)["junior"]
    headers = bearer(client, register_client(rpc, ZHEJIANG_ADMIN, "330000", ["scores:import"]))
    monkeypatch.setattr(grading, "import_file", broken)
    monkeypatch.setitem(exam.config, "EVENT_MAX_ATTEMPTS", 2)
    answer = client.post(f"/api/province/v1/score-imports?exam_id={exam_id}", data=b"x,y,z\n",
                         headers={**headers, "Content-Type": "text/csv"})
    job_id = answer.get_json()["job_id"]
    status = wait_for(lambda: (lambda s: s if s["status"] != "queued" else None)(
        client.get(f"/api/province/v1/score-imports/{job_id}", headers=headers).get_json()), timeout=30)
    assert status["status"] == "failed" and "停止重试" in status["failure"] and "a bug" not in status["failure"]
    with exam_db.get_session() as session:
        letter = session.scalars(select(ExamKit.dead_letter).where(
            ExamKit.dead_letter.consumer == "handle_score_import_queued")).all()
    parked = [d for d in letter if d.payload.get("job_id") == job_id]
    try:
        assert len(parked) == 1 and parked[0].status == "parked" and parked[0].event_id in status["failure"]
        assert client.get(f"/api/province/v1/score-imports/{job_id}/result", headers=headers).get_json()["code"] \
            == "JOB_FAILED"
        assert [e["status"] for e in finished(exam_db, job_id)] == ["failed"]
    finally:                                       # other tests expect exam to have no dead letters
        with exam_db.get_session() as session:
            for row in parked:
                session.delete(session.get(ExamKit.dead_letter, row.id))


def test_payment_succeeded_reaches_the_webhooks_of_the_orders_province_only(rpc, gateway):
    client = gateway.test_client()
    zhejiang, beijing = Receiver(), Receiver()
    zhejiang.fail_first = beijing.fail_first = False
    for receiver, province in ((zhejiang, "330000"), (beijing, "110000")):
        headers = bearer(client, register_client(rpc, NATIONAL_ADMIN, province, ["events:subscribe"]))
        answer = client.post("/api/province/v1/webhooks", json={"url": receiver.url, "events": ["payment_succeeded"]},
                             headers=headers)
        assert answer.status_code == 201, answer.get_json()
    ref_id = uuid.uuid4().hex                      # a reference no service of ours owns: exam leaves it alone
    event = {"order_no": f"P{ref_id[:12]}", "ref": f"other:{ref_id}", "ref_service": "other", "ref_id": ref_id,
             "payer_id": "x", "province_code": "330000", "amount_fen": 14000, "channel": "alipay",
             "channel_txn_id": "t1", "paid_at": iso(now())}
    dispatch = event_dispatcher({"AMQP_URI": rpc.amqp_uri})
    dispatch("payment", "payment_succeeded", {**event, "event_id": f"pay-{ref_id}"})
    dispatch("payment", "payment_succeeded", {**event, "event_id": f"pay-{ref_id}"})        # redelivered
    delivered = wait_for(lambda: [json.loads(b) for _, b in zhejiang.received
                                  if json.loads(b)["data"].get("ref_id") == ref_id] or None, timeout=30)
    time.sleep(2)                                  # time for a second (wrong) delivery to show up
    delivered = [json.loads(b) for _, b in zhejiang.received if json.loads(b)["data"].get("ref_id") == ref_id]
    assert len(delivered) == 1 and delivered[0]["event_type"] == "payment_succeeded"
    assert delivered[0]["data"]["amount_fen"] == 14000 and delivered[0]["data"]["province_code"] == "330000"
    assert not [b for _, b in beijing.received if ref_id in b.decode()]
    zhejiang.server.shutdown()
    beijing.server.shutdown()
