"""Reference data for the profile service: the directory of management departments.

Built from python-stdnum's GB/T 2260 data (current names only); safe to run twice: rows are
inserted or renamed, never duplicated.
"""
import json
import os
import warnings

warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")

from ausm_common.db import SessionFactory, make_engine  # noqa: E402

from . import departments  # noqa: E402


def main():
    url = os.environ.get("PROFILE_DATABASE_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/ausm_profile")
    factory = SessionFactory(make_engine(url, pool_size=1))
    with factory.get_session() as session:
        counts = departments.ensure_directory(session)
    factory.engine.dispose()
    print(json.dumps({"departments": counts}, ensure_ascii=False))


if __name__ == "__main__":
    main()
