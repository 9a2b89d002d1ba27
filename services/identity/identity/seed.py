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


def ensure_demo_candidate(session, hasher) -> dict:
    info = domain.validate_id_number(DEMO["id_type"], DEMO["id_number"], utcnow().date())
    if not session.scalar(select(Account.id).where(Account.dedupe_key == info.dedupe_key)):
        session.add(Account(id_type=info.id_type, id_number=info.id_number, dedupe_key=info.dedupe_key,
                            name=DEMO["name"], gender=info.gender, birth_date=info.birth_date,
                            phone=DEMO["phone"], password_hash=hasher.hash(DEMO["password"])))
    return {"login": DEMO["id_number"], "phone": DEMO["phone"], "password": DEMO["password"]}


def main():
    url = os.environ.get("IDENTITY_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/ausm_identity")
    factory = SessionFactory(make_engine(url, pool_size=1))
    hasher = accounts.password_hasher({})
    with factory.get_session() as session:
        reviewers = staff.ensure_seed_staff(session, hasher)
        candidate = ensure_demo_candidate(session, hasher)
    factory.engine.dispose()
    print(json.dumps({"candidate": candidate, "staff": reviewers, "staff_password": staff.SEED_PASSWORD},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
