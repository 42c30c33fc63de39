"""The example daemon, run as a user would (a subprocess), against the fake exchange and a real collector
that polls its status: fetch events, API calls and status rows end in QuestDB; SIGTERM loses nothing."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

from tradewatch_testing import FAST_INTERVALS, free_ports, unique_name
from tradewatch_testing.fake_exchange import FakeBybit

DAEMON = os.path.join(os.path.dirname(__file__), "daemon.py")


def test_example_daemon_reports_fetches_calls_and_status(collectors, questdb):
    host = unique_name("py-example")
    [status_port] = free_ports(1)
    fake = FakeBybit()
    try:
        config = {**FAST_INTERVALS, "daemons": {"intervalMs": 300, "targets": [{"url": f"http://127.0.0.1:{status_port}/status", "host": host, "env": "dev"}]}}
        c = collectors.start(config=config)
        fake.fail("/v5/market/recent-trade", status=429)  # one failing call per round: error_count and last_error
        out = subprocess.run(
            [sys.executable, DAEMON, "--collector", c.url, "--api-url", fake.url, "--status-port", str(status_port),
             "--host", host, "--interval", "0.5", "--iterations", "4", "--symbols", "BTC/USDT:USDT"],
            capture_output=True, text=True, timeout=120,
        )
        assert out.returncode == 0, out.stderr
        assert "4 rounds" in out.stderr and "0 refused" in out.stderr

        calls = questdb.wait_for(
            f"SELECT method, outcome, sum(calls) calls FROM exchange_api_calls WHERE host = '{host}' ORDER BY method, outcome",
            lambda rows: sum(r["calls"] for r in rows) == 12,
        )
        assert [(r["method"], r["outcome"], r["calls"]) for r in calls] == [
            ("fetchFundingRate", "ok", 4), ("fetchOpenInterest", "ok", 4), ("fetchTrades", "RateLimitExceeded", 4),
        ]
        fetches = questdb.wait_for(
            f"SELECT data_type, sum(records_count) records FROM pipeline_metrics WHERE host = '{host}' ORDER BY data_type",
            lambda rows: sum(r["records"] for r in rows) == 8,
        )
        assert [(r["data_type"], r["records"]) for r in fetches] == [("funding", 4), ("oi", 4)]
        status = questdb.query(f"SELECT fetch_count, error_count, last_error FROM daemon_metrics WHERE host = '{host}' AND running ORDER BY timestamp")
        assert status, "the collector polled the daemon's status while it ran"
        # Each round: two good fetches, then one refused; a poll may land anywhere in a round.
        assert all(0 <= r["fetch_count"] - 2 * r["error_count"] <= 2 and r["error_count"] <= 4 for r in status)
        errors = [r for r in status if r["error_count"] > 0]
        assert errors and all("RateLimitExceeded" in r["last_error"] for r in errors)
        c.stop()
    finally:
        fake.close()


def test_sigterm_stops_the_daemon_and_every_call_it_made_is_delivered(collectors, questdb):
    host = unique_name("py-example-term")
    [status_port] = free_ports(1)
    fake = FakeBybit()
    try:
        c = collectors.start(config=FAST_INTERVALS)
        proc = subprocess.Popen(
            [sys.executable, DAEMON, "--collector", c.url, "--api-url", fake.url, "--status-port", str(status_port),
             "--host", host, "--interval", "0.2", "--symbols", "BTC/USDT:USDT"],
            stderr=subprocess.PIPE, text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{status_port}/status", timeout=5) as res:
                    if json.load(res)["fetch_count"] >= 6:
                        break
            except OSError:
                pass
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        rounds = int(re.search(r"stopped after (\d+) rounds", err).group(1))
        assert rounds >= 2
        calls = questdb.wait_for(
            f"SELECT sum(calls) calls FROM exchange_api_calls WHERE host = '{host}'",
            lambda rows: bool(rows) and rows[0]["calls"] == 3 * rounds,
        )
        assert calls[0]["calls"] == 3 * rounds  # every call made before SIGTERM, none lost
        c.stop()
    finally:
        fake.close()
