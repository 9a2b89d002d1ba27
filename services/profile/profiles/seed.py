"""Reference data for the profile service: the directory of management departments.

Built from python-stdnum's GB/T 2260 data (current names only); safe to run twice: rows are
inserted or renamed, never duplicated.
"""
import json
import os
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from ausm_common.db import SessionFactory, make_engine  # noqa: E402

from ausm_common.clock import utcnow  # noqa: E402

from . import departments  # noqa: E402
from .models import LegacyRecord  # noqa: E402

# The old Zhejiang platform's record of the verified demo person (identity's DEMO_VERIFIED): what it
# holds is locked in the collection, the missing certificate number and credit code are left to fill.
DEMO_LEGACY = {
    "id_number": "330102198808080017", "name": "李会计", "department_code": "330102", "scope": "accountant",
    "basic": {"political_status": "masses", "ethnicity": "han", "address": "浙江省杭州市上城区解放路100号"},
    "education": [{"study_mode": "full_time", "school": "浙江财经大学", "start_date": "2006-09-01",
                   "end_date": "2010-06-30", "education_level": "bachelor", "degree": "bachelor", "major": "会计学",
                   "education_cert_no": "103211201005000456", "degree_cert_no": "", "studied_abroad": False}],
    "work": [{"start_date": "2010-07-01", "end_date": None, "employer": "杭州清波数智科技有限公司", "credit_code": "",
              "employer_type": "private", "industry": "I", "address": "杭州市上城区清波街道1号", "phone": "",
              "has_accounting_work": True,
              "posts": [{"post_level": "general", "post": "cashier", "start_date": "2010-07-01", "end_date": None}],
              "title": None, "title_date": None}],
}


def ensure_demo_legacy(session) -> bool:
    if session.get(LegacyRecord, DEMO_LEGACY["id_number"]) is not None:
        return False
    from .legacy import load
    national = {"kind": "staff", "department_code": "000000", "roles": ["reviewer"]}
    now = utcnow()
    load(session, national, [DEMO_LEGACY], now.date(), now)
    return True


def main():
    url = os.environ.get("PROFILE_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/ausm_profile")
    factory = SessionFactory(make_engine(url, pool_size=1))
    with factory.get_session() as session:
        counts = departments.ensure_directory(session)
        session.flush()
        legacy = ensure_demo_legacy(session)
    factory.engine.dispose()
    print(json.dumps({"departments": counts, "demo_legacy_record_added": legacy}, ensure_ascii=False))


if __name__ == "__main__":
    main()
