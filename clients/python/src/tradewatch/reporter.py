"""The Reporter: hands rows and events to a Tradewatch collector, batched, retried, never dropped silently."""

import atexit
import logging
import random
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable, Deque, Dict, List, Mapping, Optional, Set

from . import _rows, _schema
from ._spill import Spill
from ._transport import Answer, Transport
from .errors import BufferFull, DeliveryTimeout, Refused, ReporterClosed, TradewatchError, ValidationFailed

logger = logging.getLogger("tradewatch")

ErrorHandler = Callable[[TradewatchError], None]

# Route -> request path. Metric routes come from the registry; events are the collector's fixed routes.
PATHS: Dict[str, str] = {
    **{f"metrics/{kind}": f"/v1/metrics/{kind}" for kind in _schema.METRIC_ROUTES},
    "events/fetch": "/v1/events/fetch",
    "events/trading": "/v1/events/trading",
    "events/api": "/v1/events/api",
}

# Answers worth retrying: the collector is busy, shutting down, restarting or behind a proxy that is.
RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}


def _log_error(error: TradewatchError) -> None:
    logger.error("%s", error)


@dataclass
class _Route:
    name: str
    path: str
    queue: Deque[Dict[str, Any]] = field(default_factory=deque)
    handed: int = 0  # rows ever queued in memory
    settled: int = 0  # of those, rows delivered, refused or moved to the spill file


class Reporter:
    """Sends rows to a collector from a background thread.

    Rows are dicts with the table's column names (``tradewatch._schema.TABLES``); timestamps are
    ISO-8601 strings or timezone-aware ``datetime`` objects (naive ones are refused); a missing
    ``timestamp`` is the time of the call. Wrong field names or types raise ``ValidationFailed`` at
    once; what only the collector can check (ranges, allowed exchanges) comes back as a 400: the
    row is reported to ``on_error`` as ``ValidationFailed`` naming the field, counted in
    ``refused``, and the other rows of its batch are sent again.

    Transient failures (network, 429, 5xx) are retried with exponential backoff and jitter; a
    ``Retry-After`` is waited out. At most ``max_buffered_rows`` wait in memory: beyond that a call
    blocks up to ``put_timeout`` seconds and then raises ``BufferFull``, or, with ``spill_dir``,
    the rows go to a file there that is replayed (also by the next process using that directory).
    ``close()`` (also run at interpreter exit) delivers what is left.
    """

    def __init__(
        self,
        url: str,
        token: Optional[str] = None,
        *,
        batch_size: int = 500,
        flush_interval: float = 1.0,
        max_buffered_rows: int = 100_000,
        put_timeout: float = 30.0,
        spill_dir: Optional[str] = None,
        request_timeout: float = 10.0,
        retry_base: float = 0.2,
        retry_max: float = 30.0,
        close_timeout: float = 10.0,
        on_error: Optional[ErrorHandler] = None,
        close_at_exit: bool = True,
    ):
        if batch_size < 1 or max_buffered_rows < batch_size:
            raise ValueError("batch_size must be >= 1 and max_buffered_rows >= batch_size")
        self._transport = Transport(url, token, request_timeout)
        self.url = url
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self.max_buffered_rows = max_buffered_rows
        self.put_timeout = put_timeout
        self.retry_base = retry_base
        self.retry_max = retry_max
        self.close_timeout = close_timeout
        self.on_error: ErrorHandler = on_error or _log_error
        self.sent = 0
        self.retried = 0
        self.refused = 0
        self._routes = {name: _Route(name, path) for name, path in PATHS.items()}
        self._cond = threading.Condition()
        self._buffered = 0
        self._closing = False
        self._closed = False
        self._flush_requested = False
        self._spill = Spill(spill_dir, list(PATHS)) if spill_dir else None
        self._thread = threading.Thread(target=self._run, name="tradewatch-reporter", daemon=True)
        self._thread.start()
        if close_at_exit:
            atexit.register(self._close_at_exit)

    # ---- public API: one method per route -------------------------------------------------

    def daemon(self, row: Mapping[str, Any]) -> None:
        """A daemon_metrics row: a data daemon's status sample."""
        self._metric("daemon", row)

    def exchange(self, row: Mapping[str, Any]) -> None:
        """An exchange_status row: one WebSocket feed's health."""
        self._metric("exchange", row)

    def pipeline(self, row: Mapping[str, Any]) -> None:
        """A pipeline_metrics row (usually better sent as fetch events: the collector aggregates them)."""
        self._metric("pipeline", row)

    def trading(self, row: Mapping[str, Any]) -> None:
        """A trading_metrics row: a strategy's position and performance."""
        self._metric("trading", row)

    def fetch_event(self, event: Mapping[str, Any]) -> None:
        """One fetch of one data type for one symbol (``POST /v1/events/fetch``)."""
        self._put("events/fetch", _rows.normalize("events/fetch", event, _schema.FETCH_EVENT))

    def trading_event(self, event: Mapping[str, Any]) -> None:
        """An order placed or filled, a mark price or a position snapshot (``POST /v1/events/trading``)."""
        route = "events/trading"
        self._put(route, _rows.normalize(route, event, _rows.trading_event_fields(route, event)))

    def api_call(self, event: Mapping[str, Any]) -> None:
        """One exchange API call with its outcome and latency (``POST /v1/events/api``)."""
        self._put("events/api", _rows.normalize("events/api", event, _schema.API_CALL_EVENT))

    def _metric(self, kind: str, row: Mapping[str, Any]) -> None:
        route = f"metrics/{kind}"
        self._put(route, _rows.normalize(route, row, _rows.table_fields(_schema.METRIC_ROUTES[kind])))

    @property
    def buffered(self) -> int:
        """Rows waiting: in memory plus in the spill file."""
        with self._cond:
            return self._buffered + (self._spill.total() if self._spill else 0)

    def flush(self, timeout: Optional[float] = None) -> None:
        """Blocks until every row handed over before the call is delivered or refused (spilled rows too).

        Raises DeliveryTimeout when ``timeout`` seconds pass first (the rows stay queued).
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            targets = {r.name: r.handed for r in self._routes.values()}
            self._flush_requested = True
            self._cond.notify_all()
            while not self._flushed(targets):
                if not self._thread.is_alive():
                    raise TradewatchError("the reporter's sender thread is not running")
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise DeliveryTimeout(f"flush: {self._pending_locked()} row(s) still undelivered after {timeout} s", self._pending_locked())
                self._cond.wait(remaining if remaining is not None else 1.0)

    def close(self, timeout: Optional[float] = None) -> None:
        """Delivers what is queued (waiting up to ``timeout``, default ``close_timeout``) and stops.

        Rows still undelivered then are written to the spill file when there is one (the next
        Reporter with that ``spill_dir`` sends them); otherwise DeliveryTimeout says how many remain.
        """
        with self._cond:
            if self._closed:
                return
            self._closing = True
        atexit.unregister(self._close_at_exit)
        timeout = self.close_timeout if timeout is None else timeout
        try:
            self.flush(timeout)
        except DeliveryTimeout:
            if self._spill is None:
                raise
        finally:
            with self._cond:
                self._closed = True
                self._cond.notify_all()
            self._thread.join(max(1.0, self._transport_timeout()))
            with self._cond:
                leftover = self._move_memory_to_spill() if self._spill else 0
                if self._spill:
                    self._spill.close()
            self._transport.close()
            if leftover:
                logger.warning("tradewatch: %d undelivered row(s) kept in %s for the next run", leftover, self._spill.directory if self._spill else "")

    def __enter__(self) -> "Reporter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _close_at_exit(self) -> None:
        try:
            self.close()
        except TradewatchError as e:
            logger.error("tradewatch: at exit: %s", e)

    def _transport_timeout(self) -> float:
        return self._transport._timeout

    # ---- queueing ----------------------------------------------------------------------------

    def _put(self, route_name: str, item: Dict[str, Any]) -> None:
        route = self._routes[route_name]
        deadline = time.monotonic() + self.put_timeout
        with self._cond:
            while True:
                if self._closing:
                    raise ReporterClosed(f"{route_name}: the reporter is closed")
                if self._buffered < self.max_buffered_rows:
                    route.queue.append(item)
                    route.handed += 1
                    self._buffered += 1
                    if len(route.queue) >= self.batch_size:
                        self._cond.notify_all()
                    return
                if self._spill is not None:
                    self._spill.append(route_name, [item])
                    return
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise BufferFull(
                        f"{route_name}: {self._buffered} rows buffered (max_buffered_rows) for {self.put_timeout} s; "
                        "the collector is not taking them (see the log), nothing was queued"
                    )
                self._cond.wait(remaining)

    def _flushed(self, targets: Dict[str, int]) -> bool:
        memory_done = all(self._routes[name].settled >= handed for name, handed in targets.items())
        return memory_done and (self._spill is None or self._spill.total() == 0)

    def _pending_locked(self) -> int:
        return self._buffered + (self._spill.total() if self._spill else 0)

    def _move_memory_to_spill(self) -> int:
        assert self._spill is not None
        moved = 0
        for route in self._routes.values():
            if route.queue:
                items = list(route.queue)
                self._spill.append(route.name, items)
                route.queue.clear()
                route.settled += len(items)
                moved += len(items)
        self._buffered -= moved
        return moved

    # ---- the sender thread -------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                if self._closed:
                    return
                self._cond.wait_for(self._due, timeout=self.flush_interval)
                if self._closed:
                    return
                self._flush_requested = False
            try:
                self._send_all()
            except Exception:  # a bug here must not end delivery silently: log it and go on
                logger.exception("tradewatch: sender failed; retrying")
                self._sleep(self.retry_base)

    def _due(self) -> bool:
        return self._closed or self._flush_requested or any(len(r.queue) >= self.batch_size for r in self._routes.values())

    def _send_all(self) -> None:
        """Sends every route's memory queue, then its spill file, batch by batch."""
        for route in self._routes.values():
            while not self._closed:
                with self._cond:
                    batch = [route.queue[i] for i in range(min(self.batch_size, len(route.queue)))]
                if not batch:
                    break
                done = self._deliver(route.name, route.path, batch)
                with self._cond:
                    for _ in range(done):
                        route.queue.popleft()
                    route.settled += done
                    self._buffered -= done
                    self._cond.notify_all()
            while self._spill is not None and not self._closed:
                with self._cond:
                    if self._spill.pending(route.name) == 0 or self._buffered >= self.max_buffered_rows:
                        break
                    batch, offset, lines = self._spill.read(route.name, self.batch_size)
                    if lines == 0:
                        break
                done = self._deliver(route.name, route.path, batch) if batch else 0
                if done < len(batch):
                    break  # closing: the file keeps them
                with self._cond:
                    self._spill.commit(route.name, offset, lines)
                    self._cond.notify_all()

    def _deliver(self, route: str, path: str, batch: List[Dict[str, Any]]) -> int:
        """Sends ``batch`` until every row is delivered or refused; returns len(batch), or fewer if closing stops it."""
        attempt = 0
        pending = list(batch)
        size = len(pending)
        while pending:
            if self._closed:
                return len(batch) - len(pending)
            part = pending[:size]
            try:
                answer: Optional[Answer] = self._transport.post(path, part)
            except Exception as e:  # http.client raises OSError or HTTPException: all transient here
                answer = None
                reason = f"{type(e).__name__}: {e}"
            if answer is not None and answer.status < 300:
                with self._cond:
                    self.sent += len(part)
                del pending[: len(part)]
                attempt = 0
                size = len(pending)
                continue
            if answer is not None and answer.status == 400:
                bad = self._refuse_invalid(route, part, answer.body)
                pending = [row for i, row in enumerate(part) if i not in bad] + pending[len(part):]
                size = len(pending)
                continue
            if answer is not None and answer.status == 413 and len(part) > 1:
                size = max(1, len(part) // 2)
                continue
            if answer is not None and answer.status not in RETRY_STATUSES:
                self._refuse_all(route, part, answer)
                del pending[: len(part)]
                size = len(pending)
                continue
            # Transient: wait (Retry-After, or exponential backoff with jitter) and send again.
            if answer is not None:
                reason = f"HTTP {answer.status}"
            delay = answer.retry_after if answer is not None and answer.retry_after is not None else None
            if delay is None:
                ceiling = min(self.retry_max, self.retry_base * (2 ** attempt))
                delay = ceiling / 2 + random.uniform(0, ceiling / 2)
            attempt += 1
            with self._cond:
                self.retried += len(part)
            logger.warning("tradewatch: %s: %d row(s) not delivered (%s); retrying in %.2f s", route, len(part), reason, delay)
            self._sleep(delay)
        return len(batch)

    def _sleep(self, seconds: float) -> None:
        """Waits, but wakes early when close() gives up."""
        with self._cond:
            self._cond.wait_for(lambda: self._closed, timeout=seconds)

    def _refuse_invalid(self, route: str, part: List[Dict[str, Any]], body: Any) -> Set[int]:
        """Reports each row a 400 names; returns their indexes. Without row issues the whole part is refused."""
        issues = body.get("issues") if isinstance(body, dict) else None
        by_row: Dict[int, List[Dict[str, Any]]] = {}
        for issue in issues or []:
            row = issue.get("row") if isinstance(issue, dict) else None
            if isinstance(row, int) and 0 <= row < len(part):
                by_row.setdefault(row, []).append(issue)
        if not by_row:
            by_row = {i: [{"path": "", "message": str(body)}] for i in range(len(part))}
        for index, row_issues in by_row.items():
            first = row_issues[0]
            reason = "; ".join(f"{i.get('path') or 'row'}: {i.get('message')}" for i in row_issues) if len(row_issues) > 1 else str(first.get("message"))
            self._report(ValidationFailed(route, str(first.get("path") or ""), reason, part[index], index), 1)
        return set(by_row)

    def _refuse_all(self, route: str, part: List[Dict[str, Any]], answer: Answer) -> None:
        body = answer.body
        message = body.get("message") or body.get("error") if isinstance(body, dict) else str(body)
        self._report(Refused(route, answer.status, str(message), len(part)), len(part))

    def _report(self, error: TradewatchError, rows: int) -> None:
        with self._cond:
            self.refused += rows
        try:
            self.on_error(error)
        except Exception:
            logger.exception("tradewatch: on_error raised while handling: %s", error)
