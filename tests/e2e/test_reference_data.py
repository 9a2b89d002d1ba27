"""Reference data through the gateway: served from its cache with ETags, and refreshed by the owning service's
event the moment the data changes; the kit's client from real threads, as the gateway's threads call."""
import threading
import time

import pytest
import requests

from ausm_common import divisions
from ausm_common.db import SessionFactory, make_engine
from ausm_common.rpc import RpcClient
from profiles import departments
from profiles.models import Department

CODE, PARENT = "330102", "330100"


def read(stack, etag=None):
    headers = {"If-None-Match": etag} if etag else {}
    return requests.get(stack.url(f"/api/v1/departments?parent={PARENT}"), headers=headers, timeout=10)


def name_in(response) -> str:
    return next(d["name"] for d in response.json() if d["code"] == CODE)


def wait_for(stack, predicate, seconds=15):
    deadline = time.time() + seconds
    while time.time() < deadline:
        response = read(stack)
        if predicate(response):
            return response
        time.sleep(0.2)
    pytest.fail("the gateway did not serve the changed data in time")


def reload_directory(database_url, rename=None):
    """What profiles.seed does, optionally with a department renamed in the division data."""
    factory = SessionFactory(make_engine(database_url, pool_size=1))
    original = divisions.department_name
    if rename:
        divisions.department_name = lambda code: rename.get(code) or original(code)
    try:
        with factory.get_session() as session:
            return departments.ensure_directory(session)
    finally:
        divisions.department_name = original
        factory.engine.dispose()


def test_a_department_change_reaches_the_gateway_by_event(stack):
    first = read(stack)
    time.sleep(1.5)                                  # the gateway's listener binds on its first reference read
    cached = read(stack)
    assert cached.status_code == 200 and cached.headers["Cache-Control"] == "public, no-cache"
    etag, original_name = cached.headers["ETag"], name_in(cached)
    assert read(stack, etag).status_code == 304
    assert first.content == cached.content

    # changed behind the service's back (no event): the gateway keeps serving what it has
    factory = SessionFactory(make_engine(stack.profile_database_url, pool_size=1))
    with factory.get_session() as session:
        session.get(Department, CODE).name = "上城区财政局（未通知）"
    factory.engine.dispose()
    for _ in range(3):
        assert read(stack, etag).status_code == 304
    try:
        # the way departments change: a reload of the directory, which announces itself through the outbox
        counts = reload_directory(stack.profile_database_url, rename={CODE: "上城区财政局（新名称）"})
        assert counts["renamed"] == 1
        changed = wait_for(stack, lambda r: name_in(r) == "上城区财政局（新名称）")
        assert changed.headers["ETag"] != etag
        assert read(stack, etag).status_code == 200
        assert read(stack, changed.headers["ETag"]).status_code == 304
    finally:
        reload_directory(stack.profile_database_url)
        wait_for(stack, lambda r: name_in(r) == original_name)


def test_collection_options_are_reference_data_too(stack):
    first = requests.get(stack.url("/api/v1/collection/options"), timeout=10)
    assert first.status_code == 200 and first.headers["ETag"] and "Set-Cookie" not in first.headers
    again = requests.get(stack.url("/api/v1/collection/options"), headers={"If-None-Match": first.headers["ETag"]},
                         timeout=10)
    assert again.status_code == 304


def test_sixteen_threads_sharing_one_client_each_get_their_own_answers(stack):
    codes = ["330102", "330105", "330106", "330108", "330109", "330110", "330111", "330112",
             "330122", "330127", "330182", "330203", "330205", "330206", "330211", "330212"]
    client = RpcClient(stack.amqp_uri, timeout=10, name="e2e-threads")
    wrong, errors = [], []
    barrier = threading.Barrier(len(codes))

    def caller(code):
        barrier.wait()
        try:
            for _ in range(25):
                path = client.profile.get_department_path(code)
                if path[-1]["code"] != code:
                    wrong.append((code, path[-1]["code"]))
        except Exception as exc:   # noqa: BLE001 (reported below)
            errors.append(repr(exc))
    threads = [threading.Thread(target=caller, args=(code,)) for code in codes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    client.close()
    assert errors == [] and wrong == []
