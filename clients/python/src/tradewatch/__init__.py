"""Tradewatch client: report daemons, feeds, pipelines, strategies and CCXT calls to a Tradewatch collector.

    from tradewatch import Reporter, serve_status, instrument_ccxt
"""

from .ccxt import instrument_ccxt, outcome_of
from .errors import BufferFull, DeliveryTimeout, Refused, ReporterClosed, TradewatchError, ValidationFailed
from .reporter import Reporter
from .status import StatusServer, serve_status, status_json

__all__ = [
    "Reporter",
    "serve_status",
    "status_json",
    "StatusServer",
    "instrument_ccxt",
    "outcome_of",
    "TradewatchError",
    "ValidationFailed",
    "Refused",
    "BufferFull",
    "DeliveryTimeout",
    "ReporterClosed",
]
