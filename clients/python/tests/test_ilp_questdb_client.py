"""The collector's ILP endpoint (POST /write, QuestDB's own path) with the official PyPI `questdb` client."""

from datetime import datetime, timedelta, timezone

import pytest
from questdb import QuestDBError, Sender, TimestampMicros

from tradewatch_testing import unique_name

BASE_US = int((datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)).timestamp()) * 1_000_000


def conf(collector):
    # retry_timeout=0: a refused request is reported at once (a 400 is never retried anyway).
    return f"http::addr=127.0.0.1:{collector.port};auto_flush=off;retry_timeout=0;"


def add_daemon_row(sender, host, i, **columns):
    sender.row(
        "daemon_metrics",
        symbols={"host": host, "env": "dev"},
        columns={"running": True, "memory_rss_bytes": i, "cpu_percent": 1.5 + i, "last_error": f"line {i}", **columns},
        at=TimestampMicros(BASE_US + i),
    )


def test_good_lines_are_stored_exactly(collector, questdb):
    host = unique_name("py-ilp")
    with Sender.from_conf(conf(collector)) as sender:
        for i in range(50):
            add_daemon_row(sender, host, i)
        sender.flush()
    rows = questdb.wait_for(
        f"SELECT timestamp, running, memory_rss_bytes, cpu_percent, last_error FROM daemon_metrics WHERE host = '{host}' ORDER BY timestamp",
        lambda r: len(r) == 50,
    )
    assert len(rows) == 50
    for i, r in enumerate(rows):
        expected_ts = datetime.fromtimestamp((BASE_US + i) / 1e6, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        assert r == {"timestamp": expected_ts, "running": True, "memory_rss_bytes": i, "cpu_percent": 1.5 + i, "last_error": f"line {i}"}


@pytest.mark.parametrize(
    "bad, named",
    [
        ({"colour": "red"}, "column: colour"),
        ({"cpu_percent": 7000.0}, "column: cpu_percent"),
        ({"memory_rss_bytes": "lots"}, "column: memory_rss_bytes"),
    ],
)
def test_a_bad_line_is_refused_naming_the_line_and_nothing_of_the_request_is_stored(collector, questdb, bad, named):
    host = unique_name("py-ilp-bad")
    with Sender.from_conf(conf(collector)) as sender:
        add_daemon_row(sender, host, 0)
        add_daemon_row(sender, host, 1, **bad)
        add_daemon_row(sender, host, 2)
        with pytest.raises(QuestDBError) as e:
            sender.flush()
    assert "line 2" in str(e.value) and named in str(e.value), str(e.value)
    # A later good request from the same host lands; the refused one left nothing behind.
    with Sender.from_conf(conf(collector)) as sender:
        add_daemon_row(sender, host, 10)
        sender.flush()
    rows = questdb.wait_for(f"SELECT memory_rss_bytes FROM daemon_metrics WHERE host = '{host}'", lambda r: len(r) >= 1)
    assert [r["memory_rss_bytes"] for r in rows] == [10]
