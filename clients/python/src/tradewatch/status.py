"""serve_status: a daemon's status over HTTP, in the format the collector's DaemonCollector polls."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Mapping, Optional

from . import _rows, _schema
from .errors import TradewatchError, ValidationFailed

logger = logging.getLogger("tradewatch")

# The collector fills these from the poll (time of the poll, the target's host and env).
_FILLED_BY_COLLECTOR = ("timestamp", "host", "env")


def status_json(status: Mapping[str, Any]) -> Dict[str, Any]:
    """Checks a status dict (daemon_metrics fields, optional ``exchanges``: exchange_status fields)
    and returns it JSON-ready. Raises ValidationFailed naming the field."""
    route = "status"
    status = dict(status)
    exchanges = status.pop("exchanges", None)
    out = _rows.normalize(route, status, _schema.TABLES["daemon_metrics"], stamp=False, optional=_FILLED_BY_COLLECTOR)
    if exchanges is not None:
        if not isinstance(exchanges, (list, tuple)):
            raise ValidationFailed(route, "exchanges", "must be a list of exchange_status dicts")
        out["exchanges"] = [
            _rows.normalize(f"status exchanges[{i}]", e, _schema.TABLES["exchange_status"], stamp=False, optional=_FILLED_BY_COLLECTOR)
            for i, e in enumerate(exchanges)
        ]
    return out


class StatusServer:
    """The running endpoint: ``url`` is what goes into the collector's ``daemons.targets``."""

    def __init__(self, server: ThreadingHTTPServer, thread: threading.Thread):
        self._server = server
        self._thread = thread
        host, port = server.server_address[:2]
        self.host = str(host)
        self.port = int(port)
        self.url = f"http://{self.host}:{self.port}/status"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def __enter__(self) -> "StatusServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve_status(get_status: Callable[[], Mapping[str, Any]], port: int = 8000, host: str = "127.0.0.1") -> StatusServer:
    """Serves ``get_status()`` as JSON on ``GET /status`` (and ``/``) from a background thread.

    ``get_status`` returns daemon_metrics fields (``running`` is required; ``timestamp``, ``host``
    and ``env`` may be left to the collector) and optionally ``exchanges``, a list of exchange_status
    dicts. A status that fails the checks, or a ``get_status`` that raises, answers HTTP 500 with
    the reason: the collector then records the daemon as not running with that error.
    ``port=0`` picks a free port (see ``.port``).
    """

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            if self.path.split("?")[0] not in ("/", "/status"):
                self._send(404, {"error": "not_found", "message": "the status is at /status"})
                return
            try:
                self._send(200, status_json(get_status()))
            except TradewatchError as e:
                logger.error("tradewatch: serve_status: %s", e)
                self._send(500, {"error": "invalid_status", "message": str(e)})
            except Exception as e:
                logger.exception("tradewatch: serve_status: get_status() failed")
                self._send(500, {"error": "get_status_failed", "message": f"{type(e).__name__}: {e}"})

        def _send(self, code: int, body: Dict[str, Any]) -> None:
            data = json.dumps(body, separators=(",", ":")).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep polls out of stderr
            logger.debug("serve_status: " + format, *args)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="tradewatch-status", daemon=True)
    thread.start()
    return StatusServer(server, thread)
