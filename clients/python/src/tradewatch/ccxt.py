"""instrument_ccxt: every unified call of a ccxt exchange reports its outcome and latency, and the
market-data calls Tradewatch tracks report fetch events. For ccxt 4.x, ``ccxt`` and ``ccxt.async_support``
(and ``ccxt.pro``'s ``watch*``). Needs ``pip install tradewatch[ccxt]``."""

import asyncio
import contextvars
import functools
import inspect
import json
import logging
import socket
import time
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple

from . import _schema
from .errors import TradewatchError
from .reporter import Reporter

logger = logging.getLogger("tradewatch")

# ccxt unified method (camelCase) -> Tradewatch data type (CONTRACT: pipeline_metrics.data_type).
DATA_TYPE_OF: Dict[str, str] = {
    "fetchOpenInterest": "oi", "fetchOpenInterests": "oi", "fetchOpenInterestHistory": "oi", "watchOpenInterest": "oi",
    "fetchFundingRate": "funding", "fetchFundingRates": "funding", "fetchFundingRateHistory": "funding",
    "fetchLiquidations": "liquidation", "watchLiquidations": "liquidation", "fetchMyLiquidations": "liquidation",
    "fetchTrades": "trades", "watchTrades": "trades",
    "fetchOHLCV": "ohlcv", "watchOHLCV": "ohlcv",
    "fetchTicker": "ticker", "fetchTickers": "ticker", "watchTicker": "ticker", "watchTickers": "ticker",
    "fetchOrderBook": "orderbook", "watchOrderBook": "orderbook",
}

# Error classes named in the outcome column; anything else is "other".
_OUTCOME_CLASSES = frozenset(o for o in _schema.API_CALL_OUTCOMES if o not in ("ok", "other"))

# Set while an instrumented call runs: ccxt's methods call each other (fetchTicker → loadMarkets →
# fetchMarkets); only the outermost call is the user's, and only it reports.
_inside = contextvars.ContextVar("tradewatch_ccxt_inside", default=False)


def outcome_of(error: BaseException) -> str:
    """The nearest ccxt error class of the contract list on the exception's MRO, else ``other``."""
    for cls in type(error).__mro__:
        if cls.__name__ in _OUTCOME_CLASSES and cls.__module__.startswith("ccxt"):
            return cls.__name__
    return "other"


def _iso_ms(ms: float) -> str:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _timestamp_of(item: Any) -> Optional[float]:
    if isinstance(item, dict):
        ts = item.get("timestamp")
    elif isinstance(item, (list, tuple)) and item:  # OHLCV: [timestamp, open, high, low, close, volume]
        ts = item[0]
    else:
        return None
    return float(ts) if isinstance(ts, (int, float)) and not isinstance(ts, bool) and ts > 0 else None


def _symbol_arg(args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Optional[str]:
    symbol = kwargs.get("symbol", args[0] if args else None)
    return symbol if isinstance(symbol, str) and symbol else None


def _by_symbol(result: Any, symbol: Optional[str]) -> List[Tuple[str, Any, int]]:
    """(symbol, part of the result, records) per symbol the result covers."""
    if symbol is not None:
        return [(symbol, result, len(result) if isinstance(result, (list, tuple)) else 1)]
    if isinstance(result, dict) and result and all(isinstance(v, dict) for v in result.values()):
        return [(str(k), v, 1) for k, v in result.items()]  # fetchTickers / fetchFundingRates: symbol -> item
    if isinstance(result, list):
        groups: Dict[str, List[Any]] = {}
        for item in result:
            if isinstance(item, dict) and isinstance(item.get("symbol"), str):
                groups.setdefault(item["symbol"], []).append(item)
        return [(s, items, len(items)) for s, items in groups.items()]
    return []


def _newest(part: Any) -> Optional[float]:
    items: Iterable[Any] = part if isinstance(part, list) else [part]
    stamps = [t for t in (_timestamp_of(i) for i in items) if t is not None]
    return max(stamps) if stamps else None


class _Instrument:
    def __init__(self, exchange: Any, reporter: Reporter, host: str, env: str):
        self.exchange = exchange
        self.reporter = reporter
        self.host = host
        self.env = env

    def report(self, method: str, args: Tuple[Any, ...], kwargs: Dict[str, Any], started: float, result: Any, error: Optional[BaseException]) -> None:
        now = time.time()
        latency = min((time.perf_counter() - started) * 1000, _schema.LATENCY_MS_MAX)
        stamp = _iso_ms(now * 1000)
        exchange_id = str(self.exchange.id)
        self._emit(self.reporter.api_call, {
            "timestamp": stamp, "host": self.host, "env": self.env, "exchange": exchange_id, "method": method,
            "outcome": "ok" if error is None else outcome_of(error), "latency_ms": latency,
        })
        data_type = DATA_TYPE_OF.get(method)
        if error is not None or data_type is None:
            return
        for symbol, part, records in _by_symbol(result, _symbol_arg(args, kwargs)):
            newest = _newest(part)
            self._emit(self.reporter.fetch_event, {
                "timestamp": stamp, "host": self.host, "env": self.env, "exchange": exchange_id,
                "symbol": symbol[:255], "data_type": data_type, "records": records,
                "bytes": len(json.dumps(part, separators=(",", ":"), default=str)),
                "latency_ms": latency,
                # No timestamp in the answer (some order books): the time it arrived.
                "data_timestamp": _iso_ms(newest) if newest is not None else stamp,
            })

    def _emit(self, send: Callable[[Dict[str, Any]], None], event: Dict[str, Any]) -> None:
        # Monitoring must not break the caller's trading call: a refusal is logged, not raised.
        try:
            send(event)
        except TradewatchError as e:
            logger.error("tradewatch: instrument_ccxt: could not report %s: %s", event.get("method", "fetch"), e)

    def wrap(self, method: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        # One wrapper for sync and async ccxt: an async method (or a sync one that returns a
        # coroutine, as some ccxt.pro watch* do) is timed until its awaitable completes.
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if _inside.get():
                return fn(*args, **kwargs)
            token = _inside.set(True)
            started = time.perf_counter()
            try:
                result = fn(*args, **kwargs)
            except Exception as e:
                self.report(method, args, kwargs, started, None, e)
                raise
            finally:
                _inside.reset(token)
            if inspect.isawaitable(result):
                return self._finish(method, args, kwargs, started, result)
            self.report(method, args, kwargs, started, result, None)
            return result

        wrapper.__tradewatch_wrapped__ = fn  # type: ignore[attr-defined]
        return wrapper

    async def _finish(self, method: str, args: Tuple[Any, ...], kwargs: Dict[str, Any], started: float, awaitable: Any) -> Any:
        token = _inside.set(True)
        try:
            result = await awaitable
        except asyncio.CancelledError:
            raise  # the caller gave up: not an outcome of the exchange
        except Exception as e:
            await _off_loop(self.report, method, args, kwargs, started, None, e)
            raise
        finally:
            _inside.reset(token)
        await _off_loop(self.report, method, args, kwargs, started, result, None)
        return result


async def _off_loop(report: Callable[..., None], *args: Any) -> None:
    """Reports from a worker thread: a full reporter buffer blocks that thread, not the event loop."""
    await asyncio.get_running_loop().run_in_executor(None, functools.partial(report, *args))


def unified_methods(exchange: Any) -> Dict[str, List[str]]:
    """camelCase unified method -> every attribute name (camelCase and snake_case) ccxt exposes it under."""
    snake_of: Dict[str, List[str]] = {}
    for snake, camel in getattr(type(exchange), "_camelcase_cache", {}).items():
        snake_of.setdefault(camel, []).append(snake)
    methods: Dict[str, List[str]] = {}
    for camel in getattr(exchange, "has", {}) or {}:
        if not (camel[:1].islower() and camel.isalnum()):
            continue
        names = [n for n in [camel, *snake_of.get(camel, [])] if callable(getattr(exchange, n, None))]
        if names:
            methods[camel] = names
    return methods


def instrument_ccxt(exchange: Any, reporter: Reporter, host: Optional[str] = None, env: str = "prod") -> Any:
    """Wraps the unified methods of a ccxt exchange instance (sync or async, ``fetch*``, ``watch*``,
    ``create*``… — every camelCase key of ``exchange.has``, under both of its names) and returns it.

    Every call reports an api_call event (method, ``ok`` or the ccxt error class, latency). The
    market-data calls of ``DATA_TYPE_OF`` also report fetch events: one per symbol, records = items
    returned (1 for one object), bytes = JSON length of the result, data_timestamp = newest
    ``timestamp`` in it (the time of arrival when it has none). ``exchange.id`` must be one of the
    collector's allowed exchanges. Instrumenting twice is harmless.
    """
    if not isinstance(env, str) or env not in _schema.ENVIRONMENTS:
        raise ValueError(f"env must be one of {', '.join(_schema.ENVIRONMENTS)}, got {env!r}")
    instrument = _Instrument(exchange, reporter, host or socket.gethostname(), env)
    for camel, names in unified_methods(exchange).items():
        bound = getattr(exchange, camel)
        if getattr(bound, "__tradewatch_wrapped__", None) is not None:
            continue
        wrapped = instrument.wrap(camel, bound)
        for name in names:
            setattr(exchange, name, wrapped)
    return exchange
