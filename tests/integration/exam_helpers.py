"""Getting candidates to the exam quickly, through the real services: identity (registration, Alipay sandbox
real name), profile (an approved 信息采集 via its RPCs and a reviewer) and exam (the enrollment steps)."""
from nameko.standalone.events import event_dispatcher
from sqlalchemy import select

from exam.models import ExamPlan
from tests.integration.test_identity_rpc import caller_for, login, register
from tests.integration.test_profile_rpc import fill, verified_person
from tests.support import images
from tests.support.people import mainland_id

ZHEJIANG, BEIJING, JIANGSU = "330000", "110000", "320000"
COUNTY_REVIEWER = {"kind": "staff", "id": "it-330102", "name": "上城区审核员", "department_code": "330102",
                   "roles": ["reviewer"]}
ZHEJIANG_STAFF = {"kind": "staff", "id": "it-330000", "name": "浙江省财政厅审核员", "department_code": ZHEJIANG,
                  "roles": ["reviewer", "realname_reviewer"]}
BEIJING_STAFF = {"kind": "staff", "id": "it-110000", "name": "北京市财政局审核员", "department_code": BEIJING,
                 "roles": ["reviewer"]}
JIANGSU_STAFF = {"kind": "staff", "id": "it-320000", "name": "江苏省财政厅审核员", "department_code": JIANGSU,
                 "roles": ["reviewer"]}
NATIONAL_ADMIN = {"kind": "staff", "id": "it-000000", "name": "评价中心管理员", "department_code": "000000",
                  "roles": ["reviewer", "admin"]}
ENTERED = {"education_level": "bachelor", "degree": "bachelor", "study_mode": "full_time", "school": "首都经济贸易大学",
           "major": "会计学", "graduated_on": "2015-06-30", "employer": "北京某会计师事务所",
           "accounting_started_on": "2015-07-01"}


def plans(exam_db) -> dict:
    with exam_db.get_session() as session:
        return {p.level: p.id for p in session.scalars(select(ExamPlan))}


def approved_candidate(rpc, store):
    """A verified person whose collection (本科 2012, accountant since 2012-07) 上城区 approved."""
    data, person = verified_person(rpc)
    fill(rpc, store, person)
    submitted = rpc.as_caller(person).profile.submit_collection({"pledge": True})
    decided = rpc.as_caller(COUNTY_REVIEWER).profile.decide_collection(submitted["id"], {"decision": "approve"})
    assert decided["status"] == "approved"
    return data, person


def new_candidate(rpc, region="110101"):
    """Real name verified, no 信息采集 at all."""
    return verified_person(rpc, id_number=mainland_id(region=region))


def upload(store, person, data) -> str:
    key = store.new_key(f"incoming/{person['id']}")
    store.put(key, data, "image/jpeg")
    return key


def photo(region):
    return images.jpeg(480, 680, 61 * 1024, seed=81) if region == ZHEJIANG else images.jpeg(320, 440, 12 * 1024, seed=82)


def proof(seed=90):
    return images.jpeg(800, 600, 20 * 1024, seed=seed)


def notice_version(rpc, exam_id, region):
    return rpc.exam.get_region(exam_id, region)["notice"]["version"]


def start(rpc, person, exam_id, region):
    exam = rpc.as_caller(person).exam
    view = exam.start_enrollment(exam_id, region, {"notice_version": notice_version(rpc, exam_id, region),
                                                   "agree": True, "acknowledged": True})
    announcement = rpc.exam.get_region(exam_id, region)["announcement"]["version"]
    return exam.read_announcement(view["id"], {"announcement_version": announcement, "acknowledged": True})


def ready_to_submit(rpc, store, person, exam_id, region, route, subjects, site_id=None, entered=None,
                    locality_reason=None):
    """Through 填写报名信息 and 证明材料上传; returns the view just before 信息确认."""
    exam = rpc.as_caller(person).exam
    view = start(rpc, person, exam_id, region)
    view = exam.choose_route(view["id"], {"route": route, "locality_reason": locality_reason})
    site_id = site_id or view["options"]["sites"][0]["id"]
    view = exam.save_enrollment_info(view["id"], {"site_id": site_id, "subjects": subjects, "entered": entered or {}})
    for i, slot in enumerate(sorted(view["missing_proofs"])):
        data = photo(region) if slot == "photo" else proof(90 + i)
        view = exam.attach_enrollment_file(view["id"], slot, upload(store, person, data))
    assert view["missing_proofs"] == {}, view["missing_proofs"]
    return view


def emit(amqp_uri, event_type, payload):
    """As the payment service would: an event from source `payment`."""
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    dispatch("payment", event_type, payload)


def payment_event(enrollment_id, order_no, amount_fen, paid_at, event_id=None):
    return {"event_id": event_id or f"evt-{order_no}", "order_no": order_no, "ref": f"exam:{enrollment_id}",
            "ref_service": "exam", "ref_id": enrollment_id, "payer_id": "x", "amount_fen": amount_fen,
            "channel": "alipay", "channel_txn_id": f"txn-{order_no}", "paid_at": paid_at}


__all__ = ["caller_for", "login", "register"]


# --- payable enrollments for the payment tests ------------------------------------------------------------

def plan_id(rpc, level="junior") -> str:
    """The current plan of `level` (what the exam list shows), read through RPC."""
    return next(p["id"] for p in rpc.exam.list_exams() if p["level"] == level)


def payable_enrollment(rpc, store, region=BEIJING, level="junior"):
    """A new candidate's 初级 enrollment in 北京 (考后资格审核: payable the moment it is submitted), through the real
    identity and exam services. Returns (person, enrollment_id); the amount is what exam.payable says."""
    person = new_candidate(rpc)[1]
    subjects = ["junior_practice", "economic_law_basics"] if level == "junior" else ["financial_management"]
    view = ready_to_submit(rpc, store, person, plan_id(rpc, level), region, "high_school" if level == "junior"
                           else "bachelor_4", subjects, entered=ENTERED)
    view = rpc.as_caller(person).exam.submit_enrollment(view["id"])
    assert view["status"] == "approved" and view["payable"], view["status"]
    return person, view["id"]


class PayableEnrollments:
    """Many payable enrollments quickly: made in parallel batches (each needs its own candidate: one active
    enrollment per candidate per plan) and handed out one at a time with `take()`."""

    def __init__(self, rpc, store, batch=8, workers=8):
        self.rpc, self.store, self.batch, self.workers, self.ready = rpc, store, batch, workers, []

    def fill(self, count=None):
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(self.workers) as pool:
            self.ready += list(pool.map(lambda _: payable_enrollment(self.rpc, self.store),
                                        range(count or self.batch)))
        return self

    def take(self):
        if not self.ready:
            self.fill()
        return self.ready.pop()
