"""The Python code blocks of clients/python/README.md and of the Python section of docs/integrations.md
run as written (addresses pointed at the test's collector, ccxt at the fake exchange) and their rows arrive."""

import os
import re

import pytest

from tradewatch_testing import unique_name
from tradewatch_testing.fake_exchange import FakeBybit
from tradewatch_testing.plugin import ROOT

REPORTER_CALL = re.compile(r"\breporter\.(daemon|exchange|pipeline|trading|fetch_event|trading_event|api_call)\(")
CCXT_CALL = re.compile(r"\bexchange\.fetch_\w+\(")


def python_blocks(path, heading=None):
    text = open(os.path.join(ROOT, path), encoding="utf-8").read()
    if heading is not None:
        start = text.index(f"\n## {heading}\n")
        end = text.find("\n## ", start + 1)
        text = text[start:end if end >= 0 else None]
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


@pytest.mark.parametrize("path, heading, count", [("clients/python/README.md", None, 3), ("docs/integrations.md", "Python", 4)])
def test_the_documented_examples_run_and_their_rows_arrive(collector, questdb, path, heading, count):
    host = unique_name("doc-host")
    address = collector.url.removeprefix("http://")
    fake = FakeBybit()
    ran = []
    try:
        blocks = python_blocks(path, heading)
        assert len(blocks) == count
        for block in blocks:
            code = (block.replace("127.0.0.1:8080", address).replace("port=8000", "port=0").replace("fetcher-1", host)
                    .replace("ccxt.bybit()", "FAKE.configure(ccxt.bybit())"))
            namespace = {}
            exec(compile(code, path, "exec"), {"FAKE": fake, "__name__": "doc_example"}, namespace)
            if "server" in namespace:
                namespace["server"].close()
            if "reporter" in namespace:
                reporter = namespace["reporter"]
                reporter.close()  # a no-op when the example closed it
                expected = len(REPORTER_CALL.findall(block)) + 2 * len(CCXT_CALL.findall(block))  # a ccxt fetch: an API call and a fetch event
                ran.append((reporter.sent, reporter.refused, expected))
    finally:
        fake.close()
    assert ran and all(sent == expected and refused == 0 for sent, refused, expected in ran), ran
    assert questdb.wait_for(f"SELECT * FROM daemon_metrics WHERE host = '{host}'", lambda r: len(r) >= 1)
    assert questdb.wait_for(f"SELECT * FROM exchange_api_calls WHERE host = '{host}'", lambda r: len(r) >= 1)
