"""The divisions update as data: a department of a division that merged away is closed, keeps its records and
their history, and its records go to the successor's staff (PostgreSQL, the profile schema by migrations)."""
from datetime import date

from sqlalchemy import delete

from ausm_common.db import SessionFactory, make_engine
from ausm_common.errors import ValidationFailed
from profiles import departments, views
from profiles.models import Collection, Department


def test_a_merged_division_keeps_its_department_and_records(profile_database_url):
    factory = SessionFactory(make_engine(profile_database_url, pool_size=1))
    try:
        with factory.get_session() as session:
            # what the first directory (python-stdnum's data) held, with a record filed under it
            session.merge(Department(code="330104", name="江干区财政局", division_name="江干区", level="county",
                                     parent_code="330100", province_code="330000"))
            session.add(Collection(id="d" * 32, account_id="a" * 32, status="submitted", department_code="330104",
                                   person={"name": "江干人", "id_number": "330104199001010011"}))
        with factory.get_session() as session:
            counts = departments.ensure_directory(session)
            assert counts["abolished"] >= 1 and counts["dataset"]["as_of"] == "2023-06-30"
        with factory.get_session() as session:
            old = session.get(Department, "330104")
            assert (old.abolished_on, old.successor_code) == (date(2021, 4, 9), "330102")
            assert [d["name"] for d in departments.path(session, "330104")] == ["浙江省财政厅", "杭州市财政局", "江干区财政局"]
            offered = [d["code"] for d in departments.children(session, "330100")]
            assert "330113" in offered and "330114" in offered and "330104" not in offered
            try:
                departments.get(session, "330104")
                raise AssertionError("a closed department was accepted")
            except ValidationFailed as refused:
                assert refused.code == "DEPARTMENT_ABOLISHED" and "上城区财政局" in refused.message
            successor = {"kind": "staff", "department_code": "330102", "roles": ["reviewer"]}
            neighbour = {"kind": "staff", "department_code": "330105", "roles": ["reviewer"]}
            assert "d" * 32 in [r["id"] for r in views.review_queue(session, successor, "collection", "submitted")]
            assert "d" * 32 not in [r["id"] for r in views.review_queue(session, neighbour, "collection", "submitted")]
            assert session.get(Collection, "d" * 32).department_code == "330104"     # history is not rewritten
        with factory.get_session() as session:
            again = departments.ensure_directory(session)
            assert again["abolished"] == 0 and again["added"] == 0                    # running twice changes nothing
    finally:
        with factory.get_session() as session:
            session.execute(delete(Collection).where(Collection.id == "d" * 32))
            session.execute(delete(Department).where(Department.code == "330104"))
        factory.engine.dispose()
