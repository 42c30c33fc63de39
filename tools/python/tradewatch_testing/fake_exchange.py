"""A local HTTP server on 127.0.0.1 that answers like Bybit's v5 public REST API, enough for ccxt's
load_markets (linear markets only), fetchOpenInterest, fetchFundingRate(s), fetchTrades and fetchTicker.
Tests can make a path answer with an HTTP status or stall (see ``FakeBybit.fail``)."""

import asyncio
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

SYMBOLS = {"BTCUSDT": ("BTC", "USDT"), "ETHUSDT": ("ETH", "USDT")}

# Data timestamps (ms) the tests check the fetch events against: minutes ago (the collector refuses
# data timestamps older than the tables keep), whole seconds.
_NOW_MS = int(time.time()) * 1000
OI_TIMESTAMPS = [_NOW_MS - 600_000, _NOW_MS - 300_000]  # newest is the second
TRADE_TIMES = [_NOW_MS - 500_000, _NOW_MS - 400_000, _NOW_MS - 450_000]  # newest is the second
SERVER_TIME = _NOW_MS - 200_000  # the "time" of every answer; ccxt uses it as the funding rate's timestamp


def _market(symbol: str) -> Dict[str, Any]:
    base, quote = SYMBOLS[symbol]
    return {
        "symbol": symbol, "contractType": "LinearPerpetual", "status": "Trading", "baseCoin": base, "quoteCoin": quote,
        "launchTime": "1585526400000", "deliveryTime": "0", "deliveryFeeRate": "", "priceScale": "2",
        "leverageFilter": {"minLeverage": "1", "maxLeverage": "100.00", "leverageStep": "0.01"},
        "priceFilter": {"minPrice": "0.50", "maxPrice": "999999.00", "tickSize": "0.50"},
        "lotSizeFilter": {"maxOrderQty": "100.000", "minOrderQty": "0.001", "qtyStep": "0.001", "postOnlyMaxOrderQty": "1000.000"},
        "unifiedMarginTrade": True, "fundingInterval": 480, "settleCoin": quote,
    }


def _ticker(symbol: str) -> Dict[str, Any]:
    return {
        "symbol": symbol, "bidPrice": "19255", "askPrice": "19255.5", "lastPrice": "19255.50", "prevPrice24h": "18634.50",
        "price24hPcnt": "0.033325", "highPrice24h": "19675.00", "lowPrice24h": "18610.00", "markPrice": "19255.00",
        "indexPrice": "19260.68", "openInterest": "48069.549", "turnover24h": "4686694853.047006", "volume24h": "243730.252",
        "fundingRate": "0.0001", "nextFundingTime": str(_NOW_MS + 3_600_000), "predictedDeliveryPrice": "", "basisRate": "",
        "deliveryFeeRate": "", "deliveryTime": "0",
    }


def _answer(result: Dict[str, Any]) -> Dict[str, Any]:
    return {"retCode": 0, "retMsg": "OK", "result": result, "retExtInfo": {}, "time": SERVER_TIME}


class FakeBybit:
    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.requests: List[Tuple[str, Dict[str, List[str]]]] = []
        self._failures: Dict[str, Tuple[int, float]] = {}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                query = parse_qs(parts.query)
                owner.requests.append((parts.path, query))
                status, stall = owner._failures.get(parts.path, (200, 0.0))
                if stall:
                    time.sleep(stall)
                if status != 200:
                    self._send(status, {"retCode": 10006, "retMsg": "Too many visits!"} if status == 429 else {"retCode": 10000, "retMsg": "error"})
                    return
                body = owner.route(parts.path, query)
                self._send(404 if body is None else 200, body if body is not None else {"retCode": 10001, "retMsg": "no such path"})

            def _send(self, status: int, body: Dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                try:
                    self.wfile.write(data)
                except OSError:
                    pass  # the client gave up (a stalled answer): nothing to do

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                pass

        self._server = ThreadingHTTPServer((host, port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://{host}:{self._server.server_address[1]}"

    def route(self, path: str, query: Dict[str, List[str]]) -> Optional[Dict[str, Any]]:
        symbol = (query.get("symbol") or ["BTCUSDT"])[0]
        if path == "/v5/market/instruments-info":
            if query.get("status") == ["PreLaunch"] or query.get("category") != ["linear"]:
                return _answer({"category": "linear", "list": [], "nextPageCursor": ""})
            return _answer({"category": "linear", "list": [_market(s) for s in SYMBOLS], "nextPageCursor": ""})
        if path == "/v5/market/open-interest":
            rows = [{"openInterest": f"{461134384 + i}.0", "timestamp": str(t)} for i, t in enumerate(sorted(OI_TIMESTAMPS, reverse=True))]
            return _answer({"symbol": symbol, "category": "linear", "list": rows, "nextPageCursor": ""})
        if path == "/v5/market/tickers":
            symbols = [symbol] if "symbol" in query else list(SYMBOLS)
            return _answer({"category": "linear", "list": [_ticker(s) for s in symbols]})
        if path == "/v5/market/recent-trade":
            trades = [
                {"execId": str(2100000000007764263 + i), "symbol": symbol, "price": "16618.49", "size": "0.00012",
                 "side": "Buy", "time": str(t), "isBlockTrade": False}
                for i, t in enumerate(TRADE_TIMES)
            ]
            return _answer({"category": "linear", "list": trades})
        return None

    def fail(self, path: str, status: int = 200, stall: float = 0.0) -> None:
        """Make ``path`` answer ``status`` (after ``stall`` seconds); ``status=200, stall=0`` heals it."""
        self._failures[path] = (status, stall)

    def configure(self, exchange: Any) -> Any:
        """Points a ccxt bybit instance (sync, async or pro) at this server, linear markets only.
        A pro instance's WebSocket URLs are left alone (see ``start_ws``)."""
        exchange.urls["api"] = {key: (url if key == "ws" else self.url) for key, url in exchange.urls["api"].items()}
        exchange.options["fetchMarkets"] = {"types": ["linear"]}
        exchange.enableRateLimit = False
        return exchange

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


async def start_ws(exchange: Any) -> Any:
    """A WebSocket server answering like Bybit's public linear stream (in the running event loop):
    each ``publicTrade.<id>`` subscription is acknowledged and answered with a snapshot of the
    trades of ``TRADE_TIMES``. Points the ccxt.pro ``exchange`` at it; returns the aiohttp runner
    (``await runner.cleanup()`` to stop)."""
    from aiohttp import WSMsgType, web  # a dependency of ccxt

    async def stream(request: Any) -> Any:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            body = json.loads(msg.data)
            if body.get("op") == "ping":
                await ws.send_json({"success": True, "ret_msg": "pong", "op": "ping", "conn_id": "fake"})
            if body.get("op") != "subscribe":
                continue
            await ws.send_json({"success": True, "ret_msg": "", "op": "subscribe", "conn_id": "fake", "req_id": body.get("req_id")})
            for topic in body.get("args", []):
                market_id = topic.split(".")[1]
                trades = [
                    {"T": t, "s": market_id, "S": "Buy", "v": "0.001", "p": "16578.50", "L": "PlusTick", "i": f"trade-{i}", "BT": False}
                    for i, t in enumerate(TRADE_TIMES)
                ]
                await ws.send_json({"topic": topic, "type": "snapshot", "ts": SERVER_TIME, "data": trades})
        return ws

    app = web.Application()
    app.router.add_get("/v5/public/linear", stream)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    exchange.urls["api"]["ws"]["public"]["linear"] = f"ws://127.0.0.1:{port}/v5/public/linear"
    await asyncio.sleep(0)
    return runner
