"""Reporter against a real collector process and a real QuestDB."""

import http.server
import os
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest

from tradewatch import BufferFull, Refused, Reporter, ValidationFailed
from tradewatch_testing import free_ports, unique_name

# Whole seconds an hour ago (inside the validation window and the TTL); one millisecond per row.
BASE = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)


def daemon_rows(host, n, start=0):
    return [
        {"timestamp": BASE + timedelta(milliseconds=start + i), "host": host, "env": "dev", "running": True, "memory_rss_bytes": start + i}
        for i in range(n)
    ]


def stored(questdb, host, expected, timeout=60):
    """Waits until `expected` rows of `host` are in daemon_metrics; returns (count, distinct ts, values).
    Only running=true rows are ours: the collector adds a running=false "silent" row for a source
    that stops reporting (its inventory), e.g. while it was down."""
    sql = f"SELECT count() n, count_distinct(timestamp) d, sum(memory_rss_bytes) s FROM daemon_metrics WHERE host = '{host}' AND running"
    rows = questdb.wait_for(sql, lambda r: bool(r) and r[0]["n"] >= expected, timeout)
    return rows[0] if rows else {"n": 0, "d": 0, "s": None}


def test_rows_reach_questdb_exactly(collector, questdb):
    host = unique_name("py-exact")
    errors = []
    with Reporter(collector.url, batch_size=7, flush_interval=0.2, on_error=errors.append) as r:
        stamp = BASE + timedelta(seconds=5)
        r.daemon({"timestamp": stamp, "host": host, "env": "dev", "running": True, "fetch_count": 42, "cpu_percent": 12.5,
                  "last_error": "timeout: it's \"quoted\"", "last_error_at": stamp - timedelta(seconds=1), "uptime_seconds": 3600.25})
        r.exchange({"timestamp": stamp.isoformat(), "exchange": "bybit", "host": host, "env": "dev", "connected": True, "latency_ms": 12.5, "reconnect_count": 3})
        r.trading({"timestamp": stamp, "strategy": host, "symbol": "BTC/USDT:USDT", "venue": "bybit", "env": "dev", "pnl": -12.75, "orders_placed": 10, "orders_filled": 7, "fill_rate": 0.7})
        for row in daemon_rows(host + "-n", 30):
            r.daemon(row)
        r.flush(timeout=60)
        assert (r.sent, r.refused) == (33, 0)
    assert errors == []

    [d] = questdb.wait_for(f"SELECT * FROM daemon_metrics WHERE host = '{host}'", lambda rows: len(rows) == 1)
    assert d["timestamp"] == stamp.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
    assert (d["running"], d["fetch_count"], d["cpu_percent"], d["uptime_seconds"]) == (True, 42, 12.5, 3600.25)
    assert d["last_error"] == "timeout: it's \"quoted\"" and d["last_error_at"].startswith((stamp - timedelta(seconds=1)).strftime("%Y-%m-%dT%H:%M:%S"))
    assert d["memory_rss_bytes"] is None
    [e] = questdb.wait_for(f"SELECT * FROM exchange_status WHERE host = '{host}'", lambda rows: len(rows) == 1)
    assert (e["exchange"], e["connected"], e["latency_ms"], e["reconnect_count"]) == ("bybit", True, 12.5, 3)
    [t] = questdb.wait_for(f"SELECT * FROM trading_metrics WHERE strategy = '{host}'", lambda rows: len(rows) == 1)
    assert (t["symbol"], t["pnl"], t["orders_placed"], t["orders_filled"], t["fill_rate"]) == ("BTC/USDT:USDT", -12.75, 10, 7, 0.7)
    assert stored(questdb, host + "-n", 30) == {"n": 30, "d": 30, "s": sum(range(30))}


def test_400_names_the_row_and_field_and_the_other_rows_still_arrive(collector, questdb):
    host = unique_name("py-400")
    errors = []
    with Reporter(collector.url, batch_size=50, flush_interval=60, on_error=errors.append) as r:
        rows = daemon_rows(host, 10)
        rows[3]["cpu_percent"] = 7000.0  # above the column's limit: only the collector knows
        for row in rows:
            r.daemon(row)
        r.flush(timeout=60)
        for row in daemon_rows(host, 5, start=100):  # later rows
            r.daemon(row)
        r.flush(timeout=60)
        assert (r.sent, r.refused) == (14, 1)
    [error] = errors
    assert isinstance(error, ValidationFailed)
    assert (error.route, error.index, error.field) == ("metrics/daemon", 3, "cpu_percent")
    assert "6400" in error.reason and error.row["memory_rss_bytes"] == 3
    got = stored(questdb, host, 14)
    assert got == {"n": 14, "d": 14, "s": sum(range(10)) - 3 + sum(range(100, 105))}


def test_collector_killed_mid_stream_and_restarted_nothing_lost_nothing_duplicated(collectors, questdb, tmp_path):
    host = unique_name("py-kill")
    [port] = free_ports(1)
    spool = str(tmp_path / "spool")
    first = collectors.start(port=port, spool_dir=spool)
    total = 3000
    r = Reporter(first.url, batch_size=25, flush_interval=0.05, retry_base=0.1, retry_max=1.0, close_at_exit=False)
    feeder = threading.Thread(target=lambda: [r.daemon(row) for row in daemon_rows(host, total)])
    feeder.start()
    deadline = time.monotonic() + 60
    while r.sent < 500 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert 0 < r.sent < total, "the kill must land mid-stream"
    first.kill()
    sent_at_kill = r.sent
    time.sleep(1.0)  # the reporter meets a dead collector and retries
    second = collectors.start(port=port, spool_dir=spool)
    feeder.join(120)
    r.flush(timeout=120)
    r.close()
    assert r.retried > 0 and r.refused == 0 and r.sent >= total and sent_at_kill < total
    assert stored(questdb, host, total) == {"n": total, "d": total, "s": sum(range(total))}
    assert second.stop() == 0


class _Gate:
    """An HTTP proxy in front of the real collector that answers the first request 503 + Retry-After."""

    def __init__(self, target: str, retry_after: int):
        self.times = []
        gate = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gate.times.append(time.monotonic())
                if len(gate.times) == 1:
                    self.send_response(503)
                    self.send_header("Retry-After", str(retry_after))
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"{}")
                    return
                req = urllib.request.Request(target + self.path, data=body, headers={"Content-Type": "application/json"}, method="POST")
                with urllib.request.urlopen(req, timeout=30) as res:
                    data = res.read()
                    self.send_response(res.status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


def test_503_retry_after_is_honoured(collector, questdb):
    host = unique_name("py-503")
    gate = _Gate(collector.url, retry_after=2)
    try:
        with Reporter(gate.url, batch_size=10, flush_interval=0.1, retry_base=0.05, request_timeout=120) as r:
            for row in daemon_rows(host, 10):
                r.daemon(row)
            r.flush(timeout=60)
            assert (r.sent, r.retried, r.refused) == (10, 10, 0)
        assert len(gate.times) == 2
        assert gate.times[1] - gate.times[0] >= 2.0  # not the 50 ms backoff: the collector's Retry-After
        assert stored(questdb, host, 10) == {"n": 10, "d": 10, "s": sum(range(10))}
    finally:
        gate.server.shutdown()


def test_unauthorized_is_refused_loudly_not_retried(collectors):
    c = collectors.start(COLLECTOR_TOKENS="a-token-of-16-chars-or-more")
    errors = []
    with Reporter(c.url, token="wrong-token-of-sixteen-chars", flush_interval=0.1, on_error=errors.append) as r:
        r.daemon({"host": "h", "env": "dev", "running": True})
        r.flush(timeout=30)
        assert (r.sent, r.refused, r.retried) == (0, 1, 0)
    assert isinstance(errors[0], Refused) and errors[0].status == 401


EXIT_SCRIPT = """
import sys
from datetime import datetime, timedelta, timezone
from tradewatch import Reporter
url, host = sys.argv[1], sys.argv[2]
base = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1)
r = Reporter(url, batch_size=10_000, flush_interval=3600, close_timeout=120)  # nothing is sent before exit
for i in range(200):
    r.daemon({"timestamp": base + timedelta(milliseconds=i), "host": host, "env": "dev", "running": True, "memory_rss_bytes": i})
print("handed over", r.sent, flush=True)
"""


def test_rows_handed_over_before_exit_are_delivered_at_exit(collector, questdb):
    host = unique_name("py-atexit")
    out = subprocess.run([sys.executable, "-c", EXIT_SCRIPT, collector.url, host], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "handed over 0"
    assert stored(questdb, host, 200) == {"n": 200, "d": 200, "s": sum(range(200))}


def test_full_buffer_spills_to_disk_and_the_next_reporter_replays_it(collectors, questdb, tmp_path):
    host = unique_name("py-spill")
    [port] = free_ports(1)
    url = f"http://127.0.0.1:{port}"  # nothing listens yet
    spill = str(tmp_path / "spill")
    r = Reporter(url, batch_size=10, max_buffered_rows=20, put_timeout=0.1, spill_dir=spill, retry_max=0.5, close_at_exit=False)
    for row in daemon_rows(host, 100):
        r.daemon(row)  # never blocks: what does not fit goes to the file
    assert r.buffered == 100
    r.close(timeout=0.5)  # collector down: the rest goes to the file too
    assert sum(1 for line in open(os.path.join(spill, "metrics-daemon.jsonl"))) == 100

    collectors.start(port=port)
    with Reporter(url, batch_size=30, spill_dir=spill, flush_interval=0.1) as again:
        again.flush(timeout=60)
        assert again.sent == 100 and again.buffered == 0
    assert not os.path.exists(os.path.join(spill, "metrics-daemon.jsonl"))
    assert stored(questdb, host, 100) == {"n": 100, "d": 100, "s": sum(range(100))}


def test_full_buffer_without_spill_blocks_then_raises_buffer_full():
    [port] = free_ports(1)  # nothing listens: nothing is ever delivered
    r = Reporter(f"http://127.0.0.1:{port}", batch_size=5, max_buffered_rows=5, put_timeout=0.5, retry_max=0.2, close_at_exit=False)
    for row in daemon_rows("h", 5):
        r.daemon(row)
    started = time.monotonic()
    with pytest.raises(BufferFull):
        r.daemon(daemon_rows("h", 1, start=5)[0])
    assert time.monotonic() - started >= 0.5
    assert r.buffered == 5
    with pytest.raises(Exception) as e:
        r.close(timeout=0.2)
    assert "5 row(s) still undelivered" in str(e.value)


def test_an_idle_connection_closed_by_the_collector_is_reopened_without_a_retry(collector, questdb):
    host = unique_name("py-idle")
    with Reporter(collector.url, flush_interval=0.1) as r:
        rows = daemon_rows(host, 2)
        r.daemon(rows[0])
        r.flush(timeout=60)
        time.sleep(6.5)  # longer than Node's keep-alive timeout (5 s): the collector closes the connection
        r.daemon(rows[1])
        r.flush(timeout=60)
        assert (r.sent, r.retried, r.refused) == (2, 0, 0)
    assert stored(questdb, host, 2) == {"n": 2, "d": 2, "s": 1}


def test_threads_handing_rows_at_once_lose_and_duplicate_nothing(collector, questdb):
    host = unique_name("py-threads")
    rows = daemon_rows(host, 2000)
    with Reporter(collector.url, batch_size=100, flush_interval=0.05, max_buffered_rows=300) as r:
        threads = [threading.Thread(target=lambda part=rows[i::4]: [r.daemon(row) for row in part]) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        r.flush(timeout=120)
        assert (r.sent, r.refused) == (2000, 0)
    assert stored(questdb, host, 2000) == {"n": 2000, "d": 2000, "s": sum(range(2000))}
