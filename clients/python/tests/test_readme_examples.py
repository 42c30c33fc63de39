"""The code blocks of clients/python/README.md run as written (addresses pointed at the test's collector,
the ccxt one at the fake exchange) and do what the README says."""

import os
import re
from datetime import datetime, timezone

from tradewatch_testing import unique_name
from tradewatch_testing.fake_exchange import FakeBybit
from tradewatch_testing.plugin import ROOT

README = os.path.join(ROOT, "clients", "python", "README.md")


def blocks():
    text = open(README, encoding="utf-8").read()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_the_readme_examples_run_and_their_rows_arrive(collector, questdb):
    host, strategy = unique_name("readme-host"), unique_name("readme-strategy")
    started = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    fake = FakeBybit()
    sent = []
    try:
        code = blocks()
        assert len(code) == 3, "push, status and ccxt examples"
        for block in code:
            block = (block.replace("http://127.0.0.1:8080", collector.url).replace("port=8000", "port=0")
                     .replace("fetcher-1", host).replace('"basis"', repr(strategy)).replace("ccxt.bybit()", "FAKE.configure(ccxt.bybit())"))
            namespace = {}
            exec(compile(block, README, "exec"), {"FAKE": fake, "__name__": "readme"}, namespace)
            if "server" in namespace:
                namespace["server"].close()
            if "reporter" in namespace:
                reporter = namespace["reporter"]
                reporter.close()  # a no-op when the example closed it
                sent.append((reporter.sent, reporter.refused))
    finally:
        fake.close()
    assert sent == [(4, 0), (2, 0)]  # push example: 4 rows; ccxt example: an API call and a fetch event
    daemon = questdb.wait_for(f"SELECT fetch_count FROM daemon_metrics WHERE host = '{host}'", lambda r: len(r) == 1)
    assert daemon == [{"fetch_count": 1200}]
    trading = questdb.wait_for(f"SELECT pnl FROM trading_metrics WHERE strategy = '{strategy}' AND timestamp >= '{started}'", lambda r: len(r) >= 1)
    assert trading[0]["pnl"] == 12.5
    calls = questdb.wait_for(f"SELECT method, outcome FROM exchange_api_calls WHERE host = '{host}'", lambda r: len(r) >= 1)
    assert calls == [{"method": "fetchOpenInterest", "outcome": "ok"}]
