"""serve_status polled by the collector's real DaemonCollector (a collector process with a daemon target)."""

import json
import urllib.error
import urllib.request
from datetime import datetime, timezone

from tradewatch import serve_status
from tradewatch_testing import FAST_INTERVALS, unique_name


def test_status_polled_by_the_daemon_collector_gives_daemon_and_exchange_rows(collectors, questdb):
    host = unique_name("py-status")
    error_at = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc)
    status = {
        "running": True, "fetch_count": 1200, "error_count": 3, "liquidation_count": 7, "uptime_seconds": 3600.5,
        "memory_rss_bytes": 123456789, "cpu_percent": 12.5, "parquet_bytes": 987654321,
        "last_error": "bybit: RequestTimeout", "last_error_at": error_at,
        "exchanges": [
            {"exchange": "bybit", "connected": True, "latency_ms": 42.5, "reconnect_count": 2},
            {"exchange": "binance", "connected": False, "reconnect_count": 5, "disconnected_at": error_at},
        ],
    }
    with serve_status(lambda: status, port=0) as server:
        config = {**FAST_INTERVALS, "daemons": {"intervalMs": 500, "targets": [{"url": server.url, "host": host, "env": "staging"}]}}
        c = collectors.start(config=config)
        daemon = questdb.wait_for(f"SELECT * FROM daemon_metrics WHERE host = '{host}' LIMIT 1", lambda r: len(r) == 1)
        exchanges = questdb.wait_for(
            f"SELECT * FROM exchange_status WHERE host = '{host}' ORDER BY timestamp, exchange LIMIT 2", lambda r: len(r) == 2
        )
        c.stop()
    [d] = daemon
    assert {k: d[k] for k in ("env", "running", "fetch_count", "error_count", "liquidation_count", "uptime_seconds",
                              "memory_rss_bytes", "cpu_percent", "parquet_bytes", "last_error", "last_error_at")} == {
        "env": "staging", "running": True, "fetch_count": 1200, "error_count": 3, "liquidation_count": 7,
        "uptime_seconds": 3600.5, "memory_rss_bytes": 123456789, "cpu_percent": 12.5, "parquet_bytes": 987654321,
        "last_error": "bybit: RequestTimeout", "last_error_at": "2026-01-02T03:04:05.678901Z",
    }
    binance, bybit = sorted(exchanges, key=lambda r: r["exchange"])
    assert (bybit["connected"], bybit["latency_ms"], bybit["reconnect_count"], bybit["env"]) == (True, 42.5, 2, "staging")
    assert (binance["connected"], binance["reconnect_count"], binance["disconnected_at"]) == (False, 5, "2026-01-02T03:04:05.678901Z")


def test_a_bad_status_answers_500_naming_the_field_and_the_collector_records_the_daemon_down(collectors, questdb):
    host = unique_name("py-status-bad")
    with serve_status(lambda: {"running": True, "fetch_count": "many"}, port=0) as server:
        try:
            urllib.request.urlopen(server.url, timeout=10)
            raise AssertionError("expected HTTP 500")
        except urllib.error.HTTPError as e:
            assert e.code == 500
            assert "fetch_count: must be an integer" in json.load(e)["message"]
        config = {"daemons": {"intervalMs": 500, "targets": [{"url": server.url, "host": host, "env": "dev"}]}}
        c = collectors.start(config=config)
        [d] = questdb.wait_for(f"SELECT * FROM daemon_metrics WHERE host = '{host}' LIMIT 1", lambda r: len(r) == 1)
        c.stop()
    assert d["running"] is False and "HTTP 500" in d["last_error"]
