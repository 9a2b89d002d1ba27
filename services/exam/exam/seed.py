"""Demo data for `make run` and the test stack: a 初级 and a 中级 plan with a window for each of the 36 regions.

The windows are placed around the moment the seed first runs, so all three states can be tried at once:
open now in 浙江省 (考前资格审核), 北京市 (考后资格审核), 江苏省 (no review) and 大连市 (考前); not yet open in
上海市 and every second other region; ended in 天津市 and the rest. Each region has its 阅读须知, 通知公告, fees
and a registration site in its capital (浙江: three sites in two cities). Safe to run twice: what exists is kept.
"""
import json
import os
import warnings
from datetime import datetime, time, timedelta

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from sqlalchemy import select  # noqa: E402

from ausm_common.clock import BEIJING, beijing, utcnow  # noqa: E402
from ausm_common.db import SessionFactory, make_engine  # noqa: E402

from .domain import codes  # noqa: E402
from .models import ExamPlan, Notice, RegionWindow, Site  # noqa: E402

OPEN = {"330000": "pre_exam", "110000": "post_exam", "320000": "none", "210200": "pre_exam"}
NOT_STARTED = {"310000"}
ENDED = {"120000"}
FEES = {"junior": 6000, "intermediate": 7000, "senior": 9000}    # fen per subject (domain-rules §6.7: 40–80 yuan)
ZHEJIANG_SITES = (("330100", "杭州市", "上城区报名点", "杭州市上城区解放路1号", 2000),
                  ("330100", "杭州市", "西湖区报名点", "杭州市西湖区文三路2号", 2000),
                  ("330300", "温州市", "鹿城区报名点", "温州市鹿城区人民路3号", 1000))
ZHEJIANG_PROOFS = {"junior": {"*": [{"slot": "education_certificate", "label": "学历证书"}]},
                   "intermediate": {"*": [{"slot": "work_certificate", "label": "会计工作年限证明（单位盖章）"}]}}

NOTICE = """网上报名承诺

本人自愿报名参加全国会计专业技术资格考试，已阅读并理解报考条件和报名须知，承诺：
一、所填写的报名信息和上传的证明材料真实、准确、完整，如有虚假，愿承担由此产生的一切后果；
二、遵守考试纪律和考场规则，服从考试工作人员管理，不作弊、不协助他人作弊；
三、已知晓《中华人民共和国刑法》第二百八十四条之一关于组织考试作弊罪、非法出售或提供试题答案罪、代替考试罪的规定。
"""
ANNOUNCEMENT = """报考人员必读事项

1. 每名考生只能选择一个省份报名，报名点即考试地点，请如实选择。
2. 报名信息提交后，实行考前资格审核的省份须等待审核通过后缴费；实行考后资格审核的省份可直接缴费，成绩合格后须提交资格审核材料。
3. 缴费截止时间前未缴费的，视为放弃报名；已缴费的报名信息、科目和报名点不能修改，报名费不予退还。
4. 请在报名成功后打印报名表，妥善保管报名注册号。
"""


def plan_year(today) -> int:
    """The exam year being registered for: registration for next year's 初级 opens late in the year."""
    return today.year + 1 if today.month >= 10 else today.year


def _at(day, hour=0) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=BEIJING)


def window_times(state: str, today) -> dict:
    if state == "open":
        opens, closes = today - timedelta(days=3), today + timedelta(days=25)
    elif state == "not_started":
        opens, closes = today + timedelta(days=10), today + timedelta(days=30)
    else:
        opens, closes = today - timedelta(days=40), today - timedelta(days=10)
    return {"registration_opens_at": _at(opens), "registration_closes_at": _at(closes, 12),
            "payment_opens_at": _at(opens), "payment_closes_at": _at(closes, 18)}


def region_state(code: str, index: int) -> str:
    if code in OPEN:
        return "open"
    if code in NOT_STARTED:
        return "not_started"
    if code in ENDED:
        return "ended"
    return "not_started" if index % 2 else "ended"


def capital_site(code: str, name: str) -> tuple:
    city = code if code in codes.SEPARATE_CITIES else code[:2] + "0100"
    city_name = name if code in codes.SEPARATE_CITIES else f"{name}省会城市"
    return (city, city_name, f"{name}报名点", "", 1000)


def ensure_plan(session, year: int, level: str, now) -> ExamPlan:
    plan = session.scalars(select(ExamPlan).where(ExamPlan.year == year, ExamPlan.level == level)).first()
    if plan is None:
        plan = ExamPlan(year=year, level=level, name=codes.plan_name(year, level), created_at=now, updated_at=now,
                        subjects=[{"code": c, "name": n, "duration_minutes": m} for c, n, m in codes.SUBJECTS[level]])
        session.add(plan)
        session.flush()
    return plan


def ensure_windows(session, plan: ExamPlan, today, now) -> int:
    have = {w.region_code for w in session.scalars(select(RegionWindow).where(RegionWindow.exam_id == plan.id))}
    added = 0
    for index, (code, name, area) in enumerate(codes.REGIONS):
        if code in have:
            continue
        state = region_state(code, index)
        fee = FEES[plan.level] - (1000 if code == "110000" else 0)
        session.add(RegionWindow(
            exam_id=plan.id, region_code=code, region_name=name, review_mode=OPEN.get(code, "pre_exam"),
            phone=f"{area}-12345", notice_url="http://www.cpa.gov.cn", updated_at=now,
            textbook_url="http://kzp.mof.gov.cn/textbook", questionnaire_url="http://kzp.mof.gov.cn/questionnaire",
            fees={s["code"]: fee for s in plan.subjects},
            required_proofs=ZHEJIANG_PROOFS.get(plan.level, {}) if code == "330000" else {},
            **window_times(state, today)))
        for kind, title, body in (("notice", "阅读须知", NOTICE), ("announcement", "通知公告", ANNOUNCEMENT)):
            session.add(Notice(exam_id=plan.id, region_code=code, kind=kind, version=1, title=f"{name}{title}",
                               body=body, created_by="seed", created_at=now))
        sites = ZHEJIANG_SITES if code == "330000" else (capital_site(code, name),)
        for city, city_name, site, address, quota in sites:
            session.add(Site(exam_id=plan.id, region_code=code, city_code=city, city_name=city_name, name=site,
                             address=address, quota=quota, taken=0, updated_at=now))
        added += 1
    return added


def seed(session, now=None) -> dict:
    now = now or utcnow()
    today = beijing(now).date()
    out = {}
    for level in ("junior", "intermediate"):
        plan = ensure_plan(session, plan_year(today), level, now)
        out[level] = {"exam_id": plan.id, "name": plan.name, "windows_added": ensure_windows(session, plan, today, now)}
    return out


def main():
    url = os.environ.get("EXAM_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/ausm_exam")
    factory = SessionFactory(make_engine(url, pool_size=1))
    with factory.get_session() as session:
        result = seed(session)
    factory.engine.dispose()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
