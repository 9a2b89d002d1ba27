"""Demo data for `make run`: staff reviewers and one demo candidate. Safe to run twice."""
import json
import os
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from sqlalchemy import select  # noqa: E402

from ausm_common.clock import utcnow  # noqa: E402
from ausm_common.db import SessionFactory, make_engine  # noqa: E402

from . import accounts, domain, staff  # noqa: E402
from .models import Account  # noqa: E402

DEMO = {"id_type": "mainland_id", "id_number": "11010519491231002X", "name": "张三丰",
        "phone": "13800138000", "password": "Demo@2025x"}
# A second demo person whose real name is already verified (Alipay), to try information collection at once.
DEMO_VERIFIED = {"id_type": "mainland_id", "id_number": "330102198808080017", "name": "李会计",
                 "phone": "13800138001", "password": "Demo@2025x"}


def ensure_demo_candidate(session, hasher, demo=DEMO, verified=False) -> dict:
    now = utcnow()
    info = domain.validate_id_number(demo["id_type"], demo["id_number"], now.date())
    if not session.scalar(select(Account.id).where(Account.dedupe_key == info.dedupe_key)):
        extra = {"realname_status": "verified", "realname_method": "alipay", "realname_at": now} if verified else {}
        session.add(Account(id_type=info.id_type, id_number=info.id_number, dedupe_key=info.dedupe_key,
                            name=demo["name"], gender=info.gender, birth_date=info.birth_date,
                            phone=demo["phone"], password_hash=hasher.hash(demo["password"]), **extra))
    return {"login": demo["id_number"], "phone": demo["phone"], "password": demo["password"], "name": demo["name"]}


def main():
    url = os.environ.get("IDENTITY_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/ausm_identity")
    factory = SessionFactory(make_engine(url, pool_size=1))
    hasher = accounts.password_hasher({})
    with factory.get_session() as session:
        reviewers = staff.ensure_seed_staff(session, hasher) + staff.ensure_finance_staff(session, hasher)
        candidate = ensure_demo_candidate(session, hasher)
        verified = ensure_demo_candidate(session, hasher, DEMO_VERIFIED, verified=True)
    factory.engine.dispose()
    print(json.dumps({"candidate": candidate, "verified_candidate": verified, "staff": reviewers, "staff_password": staff.SEED_PASSWORD},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
