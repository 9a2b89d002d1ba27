"""The waiting room's queue on a real Redis: the Lua script follows the rule `advance` step by step, and 50
arrivals at the same moment get distinct consecutive tickets and are admitted in ticket order."""
import random
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import redis

from ausm_common.config import redis_url

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "gateway"))
sys.modules.pop("gateway", None)
from gateway import waiting_room as wr  # noqa: E402


@pytest.fixture
def client():
    connection = redis.Redis.from_url(redis_url(), max_connections=64)
    yield connection
    connection.close()


@pytest.fixture
def make_queue(client):
    made = []

    def make(rate, burst):
        queue = wr.Queue(client, f"test:waiting-room:{uuid.uuid4().hex[:8]}", rate, burst)
        made.append(queue)
        return queue
    yield make
    for queue in made:
        queue.reset()


def test_the_script_follows_the_rule(make_queue, client):
    rng = random.Random(8)
    queue = make_queue(rate=3.5, burst=4)
    state, now = wr.State(), 1_000.0
    for _ in range(300):
        now += rng.choice([0, 0, 0.05, 0.1, 0.3, 1.0, 7.0])
        if rng.random() < 0.6:
            turn = queue.arrive(now=now)
            state = wr.advance(state, now, 3.5, 4, arrivals=1)
            assert turn.ticket == state.issued
        else:
            turn = queue.check(max(1, state.issued), now=now)
            state = wr.advance(state, now, 3.5, 4)
        assert (turn.issued, turn.admitted) == (state.issued, state.admitted)
        stored = float(client.hget(queue.keys[0], "tokens"))
        assert stored == pytest.approx(state.tokens, abs=1e-6)


def test_rate_and_burst_can_be_changed_while_running(make_queue, client):
    queue = make_queue(rate=1, burst=1)
    assert queue.arrive(now=0).rate == 1
    client.hset(queue.keys[1], mapping={"rate": 50, "burst": 5})
    turns = [queue.arrive(now=0.1) for _ in range(10)]
    assert turns[0].rate == 50 and turns[-1].admitted == 1 + 5          # 0.1 s at 50/s refills the burst of 5


def test_fifty_simultaneous_arrivals_get_consecutive_places_and_enter_in_order(make_queue):
    queue = make_queue(rate=10, burst=5)
    start = threading.Barrier(50)
    tickets, admitted_at, failures = {}, {}, []

    def candidate(i):
        try:
            start.wait()
            turn = queue.arrive()
            tickets[i] = turn.ticket
            while turn.position > 0:
                time.sleep(0.02)
                turn = queue.check(turn.ticket)
            admitted_at[turn.ticket] = time.monotonic()
        except Exception as exc:   # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=candidate, args=(i,)) for i in range(50)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures
    assert sorted(tickets.values()) == list(range(1, 51))          # distinct and consecutive
    order = [admitted_at[t] for t in range(1, 51)]
    # a later ticket never gets in before an earlier one (beyond one poll interval of the earlier one)
    assert all(order[i] <= order[j] + 0.05 for i in range(50) for j in range(i + 1, 50))
    # the first `burst` at once, then 10 per second: the last one about 4.5 s after the burst
    assert order[4] - began < 1.0
    assert 3.5 < order[-1] - began < 8
