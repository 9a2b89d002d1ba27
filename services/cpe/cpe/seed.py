"""Reference data for `make run` and the test stack: the national standard as the first rule version (财会〔2018〕10号,
in force from 2018-07-01), 山西's training rate (2021: 45 minutes = 1 class hour = 3 credits, at most 10 a day) and a
demo training institution registered by 浙江. Safe to run twice: what exists is kept."""
import json
import os
import warnings
from datetime import date

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from sqlalchemy import select  # noqa: E402

from ausm_common.db import SessionFactory, make_engine  # noqa: E402

from .models import Institution, RuleVersion  # noqa: E402

VERSIONS = (("000000", date(2018, 7, 1), {}),
            ("140000", date(2021, 1, 1), {"training": {"minutes_per_class_hour": 45, "credits_per_class_hour": 3,
                                                      "daily_cap_class_hours": 10}}))
DEMO_INSTITUTION = ("浙江省会计人员继续教育示范培训中心", "330000")


def seed(session) -> dict:
    added = 0
    for province, effective_from, rules in VERSIONS:
        found = session.scalars(select(RuleVersion).where(RuleVersion.province_code == province,
                                                          RuleVersion.effective_from == effective_from)).first()
        if found is None:
            session.add(RuleVersion(province_code=province, effective_from=effective_from, rules=rules,
                                    created_by="seed"))
            added += 1
    name, province = DEMO_INSTITUTION
    institution = session.scalars(select(Institution).where(Institution.name == name)).first()
    if institution is None:
        institution = Institution(name=name, province_code=province, registered_by="seed")
        session.add(institution)
        session.flush()
    return {"rule_versions_added": added, "institution": {"code": institution.code, "name": name}}


def main():
    url = os.environ.get("CPE_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/ausm_cpe")
    factory = SessionFactory(make_engine(url, pool_size=1))
    with factory.get_session() as session:
        result = seed(session)
    factory.engine.dispose()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
