"""Shared counters (rate limits, one-time proofs): one query each, exact under
parallel clients on PostgreSQL."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from digitalstadt.core import counters
from digitalstadt.core.ratelimit import hit


@pytest.mark.django_db
def test_a_hit_counts_up_in_one_query_and_the_limit_holds():
    with CaptureQueriesContext(connection) as queries:
        assert counters.count_hit("t:a", ttl=60) == 1
    assert len(queries) == 1
    assert counters.count_hit("t:a", ttl=60) == 2
    assert counters.count_hit("t:b", ttl=60) == 1
    assert [hit(scope="t", key="x", limit=2, period=60) for _ in range(3)] == [True, True, False]


@pytest.mark.django_db
def test_a_proof_is_used_once(clock):
    assert counters.use_once("pow:1", ttl=60) is True
    assert counters.use_once("pow:1", ttl=60) is False
    assert counters.use_once("pow:2", ttl=60) is True


@pytest.mark.django_db
def test_expired_counters_are_purged_by_retention(clock):
    from digitalstadt.core.models import Counter
    from digitalstadt.core.retention import purge_expired_data

    counters.count_hit("t:old", ttl=5)
    counters.count_hit("t:new", ttl=3600)
    clock.shift(dt.timedelta(seconds=60))
    assert purge_expired_data()["counters"] == 1
    assert list(Counter.objects.values_list("key", flat=True)) == ["t:new"]


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_clients_count_every_hit_exactly_once():
    threads, per_thread = 8, 25
    barrier = threading.Barrier(threads)
    used = []

    def client(i):
        try:
            barrier.wait()
            for n in range(per_thread):
                counters.count_hit("t:shared", ttl=60)
                used.append(counters.use_once(f"pow:{n}", ttl=60))
        finally:
            connection.close()

    workers = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert counters.count_hit("t:shared", ttl=60) == threads * per_thread + 1
    assert used.count(True) == per_thread  # each proof accepted by exactly one client
