"""instrument_ccxt with the real PyPI ccxt (sync and async_support) against a local server that answers
like Bybit's REST API, reporting through a real collector into a real QuestDB."""

import asyncio
from datetime import datetime, timezone

import ccxt
import ccxt.async_support as ccxt_async
import pytest

from tradewatch import Reporter, instrument_ccxt
from tradewatch_testing import unique_name
from tradewatch_testing.fake_exchange import OI_TIMESTAMPS, SERVER_TIME, TRADE_TIMES, FakeBybit

BTC, ETH = "BTC/USDT:USDT", "ETH/USDT:USDT"
STALL = 0.4  # seconds the fake exchange waits before answering open interest (a latency to measure)
HANG = 10.0  # a stalled answer: far longer than the exchange timeout (1.5 s), even on a loaded machine


def iso(ms):
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class RecordingReporter(Reporter):
    """A real Reporter that also keeps what it was handed, to check the events one by one."""

    def __init__(self, *args, **kwargs):
        self.fetches, self.calls = [], []
        super().__init__(*args, **kwargs)

    def fetch_event(self, event):
        self.fetches.append(dict(event))
        super().fetch_event(event)

    def api_call(self, event):
        self.calls.append(dict(event))
        super().api_call(event)


@pytest.fixture
def fake():
    server = FakeBybit()
    server.fail("/v5/market/open-interest", stall=STALL)
    yield server
    server.close()


def sync_session(exchange, fake):
    exchange.fetch_open_interest(BTC)
    exchange.fetchFundingRate(BTC)  # camelCase name: same wrapper
    exchange.fetch_trades(BTC)
    exchange.fetch_funding_rates()  # plural: one fetch event per symbol
    fake.fail("/v5/market/recent-trade", status=429)
    with pytest.raises(ccxt.RateLimitExceeded):
        exchange.fetch_trades(BTC)
    fake.fail("/v5/market/recent-trade", stall=HANG)  # longer than exchange.timeout
    with pytest.raises(ccxt.RequestTimeout):
        exchange.fetchTrades(BTC)


async def async_session(exchange, fake):
    try:
        await exchange.fetch_open_interest(BTC)
        await exchange.fetchFundingRate(BTC)
        await exchange.fetch_trades(BTC)
        await exchange.fetch_funding_rates()
        fake.fail("/v5/market/recent-trade", status=429)
        with pytest.raises(ccxt.RateLimitExceeded):
            await exchange.fetch_trades(BTC)
        fake.fail("/v5/market/recent-trade", stall=HANG)
        with pytest.raises(ccxt.RequestTimeout):
            await exchange.fetchTrades(BTC)
    finally:
        await exchange.close()


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_calls_report_fetch_events_and_api_calls_that_end_in_questdb(flavour, collector, questdb, fake):
    host = unique_name(f"py-ccxt-{flavour}")
    with RecordingReporter(collector.url, flush_interval=0.2) as reporter:
        if flavour == "sync":
            exchange = instrument_ccxt(fake.configure(ccxt.bybit({"timeout": 1500})), reporter, host=host, env="dev")
            sync_session(exchange, fake)
        else:
            exchange = instrument_ccxt(fake.configure(ccxt_async.bybit({"timeout": 1500})), reporter, host=host, env="dev")
            asyncio.run(async_session(exchange, fake))
        reporter.flush(timeout=60)
        assert reporter.refused == 0

    # Every call the user made, once, with its outcome; loadMarkets inside the first call is not counted again.
    assert [(c["method"], c["outcome"]) for c in reporter.calls] == [
        ("fetchOpenInterest", "ok"), ("fetchFundingRate", "ok"), ("fetchTrades", "ok"), ("fetchFundingRates", "ok"),
        ("fetchTrades", "RateLimitExceeded"), ("fetchTrades", "RequestTimeout"),
    ]
    assert all(c["exchange"] == "bybit" and c["host"] == host and c["env"] == "dev" for c in reporter.calls)
    assert reporter.calls[0]["latency_ms"] >= STALL * 1000
    assert 1500 <= reporter.calls[5]["latency_ms"] < HANG * 1000  # the timeout (1.5 s), not the stall

    got = [(f["symbol"], f["data_type"], f["records"], f["data_timestamp"]) for f in reporter.fetches]
    assert got == [
        (BTC, "oi", 1, iso(max(OI_TIMESTAMPS))),
        (BTC, "funding", 1, iso(SERVER_TIME)),
        (BTC, "trades", 3, iso(max(TRADE_TIMES))),
        (BTC, "funding", 1, iso(SERVER_TIME)),
        (ETH, "funding", 1, iso(SERVER_TIME)),
    ]
    assert reporter.fetches[0]["latency_ms"] >= STALL * 1000 and reporter.fetches[0]["latency_ms"] == reporter.calls[0]["latency_ms"]
    assert all(f["bytes"] > 100 for f in reporter.fetches)

    calls = questdb.wait_for(
        f"SELECT method, outcome, sum(calls) calls FROM exchange_api_calls WHERE host = '{host}' ORDER BY method, outcome",
        lambda rows: sum(r["calls"] for r in rows) == 6,
    )
    assert [(r["method"], r["outcome"], r["calls"]) for r in calls] == [
        ("fetchFundingRate", "ok", 1), ("fetchFundingRates", "ok", 1), ("fetchOpenInterest", "ok", 1),
        ("fetchTrades", "RateLimitExceeded", 1), ("fetchTrades", "RequestTimeout", 1), ("fetchTrades", "ok", 1),
    ]
    pipeline = questdb.wait_for(
        f"SELECT symbol, data_type, sum(records_count) records, max(latency_ms) latency FROM pipeline_metrics "
        f"WHERE host = '{host}' ORDER BY symbol, data_type",
        lambda rows: sum(r["records"] for r in rows) == 7,
    )
    assert [(r["symbol"], r["data_type"], r["records"]) for r in pipeline] == [
        (BTC, "funding", 2), (BTC, "oi", 1), (BTC, "trades", 3), (ETH, "funding", 1),
    ]
    assert next(r for r in pipeline if r["data_type"] == "oi")["latency"] >= STALL * 1000


def test_instrumenting_twice_reports_once(fake, collector):
    with RecordingReporter(collector.url) as reporter:
        exchange = fake.configure(ccxt.bybit())
        instrument_ccxt(exchange, reporter, host="h", env="dev")
        instrument_ccxt(exchange, reporter, host="h", env="dev")
        exchange.fetch_trades(BTC)
        reporter.flush(timeout=30)
    assert [c["method"] for c in reporter.calls] == ["fetchTrades"]  # loadMarkets inside is not a separate call
    assert len(reporter.fetches) == 1


def test_watch_calls_of_ccxt_pro_report_too(fake, collector, questdb):
    import ccxt.pro

    from tradewatch_testing.fake_exchange import start_ws

    host = unique_name("py-ccxt-pro")

    async def session(exchange):
        runner = await start_ws(exchange)
        try:
            return await exchange.watch_trades(BTC)  # ccxt.pro: a sync method that returns a coroutine
        finally:
            await exchange.close()
            await runner.cleanup()

    with RecordingReporter(collector.url, flush_interval=0.2) as reporter:
        exchange = instrument_ccxt(fake.configure(ccxt.pro.bybit({"timeout": 5000})), reporter, host=host, env="dev")
        trades = asyncio.run(session(exchange))
        reporter.flush(timeout=60)
    assert len(trades) == 3
    assert [(c["method"], c["outcome"]) for c in reporter.calls] == [("watchTrades", "ok")]
    assert [(f["symbol"], f["data_type"], f["records"], f["data_timestamp"]) for f in reporter.fetches] == [
        (BTC, "trades", 3, iso(max(TRADE_TIMES))),
    ]
    rows = questdb.wait_for(
        f"SELECT method, outcome, sum(calls) calls FROM exchange_api_calls WHERE host = '{host}'", lambda r: bool(r) and r[0]["calls"] == 1
    )
    assert [(r["method"], r["outcome"], r["calls"]) for r in rows] == [("watchTrades", "ok", 1)]
