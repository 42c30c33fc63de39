"""A ccxt data daemon connected to Tradewatch in a few lines:

- every ccxt call reports itself (instrument_ccxt): latency and outcome per method, and fetch events
  (records, bytes, data timestamp) for open interest, funding and trades;
- the daemon's status is served for the collector's DaemonCollector (serve_status);
- rows go through one Reporter, which batches, retries and delivers what is left at exit.

    pip install 'tradewatch[ccxt]'          # in this repo: bash tools/python/setup-venv.sh
    python daemon.py --collector http://127.0.0.1:8080 --status-port 8000

and add the status URL to the collector's config file:

    daemons:
      targets:
        - url: http://127.0.0.1:8000/status
"""

import argparse
import logging
import os
import signal
import socket
import threading
import time
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional

import ccxt

from tradewatch import Reporter, instrument_ccxt, serve_status


class Daemon:
    def __init__(self, exchange: Any, symbols: List[str]):
        self.exchange = exchange
        self.symbols = symbols
        self.started = time.monotonic()
        self.fetch_count = 0
        self.error_count = 0
        self.last_error: Optional[str] = None
        self.last_error_at: Optional[datetime] = None
        self.stopping = threading.Event()
        self._lock = threading.Lock()

    def fetch_once(self) -> None:
        for symbol in self.symbols:
            for fetch in (self.exchange.fetch_open_interest, self.exchange.fetch_funding_rate, self.exchange.fetch_trades):
                try:
                    fetch(symbol)  # instrumented: reports itself
                    with self._lock:
                        self.fetch_count += 1
                except ccxt.BaseError as e:  # keep running; the error is counted and shown in the status
                    with self._lock:
                        self.error_count += 1
                        self.last_error = f"{type(e).__name__}: {e}"[:4096]
                        self.last_error_at = datetime.now(timezone.utc)

    def status(self) -> Dict[str, Any]:
        """What the DaemonCollector polls (daemon_metrics fields)."""
        with self._lock:
            return {
                "running": not self.stopping.is_set(),
                "fetch_count": self.fetch_count,
                "error_count": self.error_count,
                "uptime_seconds": time.monotonic() - self.started,
                "memory_rss_bytes": rss_bytes(),
                "last_error": self.last_error,
                "last_error_at": self.last_error_at,
            }


def rss_bytes() -> Optional[int]:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None  # not Linux: leave the column empty


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--collector", default=os.environ.get("TRADEWATCH_URL", "http://127.0.0.1:8080"))
    p.add_argument("--exchange", default="bybit", help="a ccxt exchange id the collector allows")
    p.add_argument("--symbols", default="BTC/USDT:USDT,ETH/USDT:USDT")
    p.add_argument("--interval", type=float, default=60.0, help="seconds between rounds")
    p.add_argument("--iterations", type=int, default=0, help="stop after this many rounds (0: run until SIGTERM/Ctrl-C)")
    p.add_argument("--status-port", type=int, default=8000)
    p.add_argument("--env", default="dev", choices=["prod", "staging", "dev"])
    p.add_argument("--host", default=socket.gethostname(), help="the host name the rows carry")
    p.add_argument("--api-url", help="send the exchange's REST calls here instead (a mirror or test server)")
    args = p.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")

    exchange = getattr(ccxt, args.exchange)({"timeout": 10_000})
    exchange.options["fetchMarkets"] = {"types": ["linear"]}  # perpetuals only: fewer markets to load
    if args.api_url:
        exchange.urls["api"] = {key: args.api_url for key in exchange.urls["api"]} if isinstance(exchange.urls["api"], dict) else args.api_url

    reporter = Reporter(args.collector, token=os.environ.get("TRADEWATCH_TOKEN"))
    instrument_ccxt(exchange, reporter, host=args.host, env=args.env)
    daemon = Daemon(exchange, args.symbols.split(","))
    status = serve_status(daemon.status, port=args.status_port, host="127.0.0.1")
    logging.info("status at %s; reporting to %s", status.url, args.collector)

    # SIGTERM (docker stop, systemd) ends the loop like Ctrl-C, so the reporter delivers the rest.
    signal.signal(signal.SIGTERM, lambda *_: daemon.stopping.set())
    rounds = 0
    try:
        while not daemon.stopping.is_set():
            daemon.fetch_once()
            rounds += 1
            if args.iterations and rounds >= args.iterations:
                break
            daemon.stopping.wait(args.interval)
    except KeyboardInterrupt:
        pass
    finally:
        daemon.stopping.set()
        reporter.close()  # delivers what is queued
        status.close()
        logging.info("stopped after %d rounds: %d rows sent, %d refused", rounds, reporter.sent, reporter.refused)


if __name__ == "__main__":
    main()
