"""Typed errors, one hierarchy like ccxt's: catch ``TradewatchError`` for all of them."""

from typing import Any, Mapping, Optional


class TradewatchError(Exception):
    """Base class. ``code`` is stable and machine-readable."""

    code = "tradewatch_error"


class ValidationFailed(TradewatchError):
    """A row or event was refused (by this client or by the collector's HTTP 400).

    ``route`` is where it was sent (``metrics/daemon``, ``events/fetch``…), ``index`` its position in
    the batch (or None for a single call), ``field`` the first offending field ("" for the whole row),
    ``reason`` why, ``row`` the refused row itself.
    """

    code = "validation_failed"

    def __init__(self, route: str, field: str, reason: str, row: Optional[Mapping[str, Any]] = None, index: Optional[int] = None):
        self.route = route
        self.field = field
        self.reason = reason
        self.row = dict(row) if row is not None else None
        self.index = index
        where = f"{route} row {index}" if index is not None else route
        super().__init__(f"{where}: {field or 'row'}: {reason}" + (f" (row {self.row!r})" if self.row is not None else ""))


class Refused(TradewatchError):
    """The collector refused a request for a reason other than a field (401, 404, 413…): not retried."""

    code = "refused"

    def __init__(self, route: str, status: int, message: str, rows: int):
        self.route = route
        self.status = status
        self.rows = rows
        super().__init__(f"{route}: collector answered HTTP {status} for {rows} row(s): {message}")


class BufferFull(TradewatchError):
    """The buffer stayed full for ``put_timeout`` seconds and no ``spill_dir`` is set: nothing was queued."""

    code = "buffer_full"


class DeliveryTimeout(TradewatchError):
    """``flush()`` or ``close()`` ran out of time with rows still undelivered (``pending`` of them)."""

    code = "delivery_timeout"

    def __init__(self, message: str, pending: int):
        self.pending = pending
        super().__init__(message)


class ReporterClosed(TradewatchError):
    """A row was handed to a reporter after ``close()``."""

    code = "reporter_closed"
