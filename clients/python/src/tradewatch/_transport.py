"""One keep-alive HTTP connection to the collector (used by the sender thread only)."""

import http.client
import json
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional
from urllib.parse import urlsplit


# What a reused keep-alive connection the server has closed meanwhile fails with.
_STALE = (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError)


@dataclass
class Answer:
    status: int
    body: Any
    retry_after: Optional[float]


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds from a Retry-After header: delta-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())


class Transport:
    def __init__(self, url: str, token: Optional[str], timeout: float):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"url must be http(s)://host[:port], got {url!r}")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._base = parts.path.rstrip("/")
        self._timeout = timeout
        self._headers = {"Content-Type": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._conn: Optional[http.client.HTTPConnection] = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            self._conn = cls(self._host, self._port, timeout=self._timeout)
        return self._conn

    def post(self, path: str, items: List[Dict[str, Any]]) -> Answer:
        """POSTs a JSON array. Raises OSError/HTTPException on network failure (the caller retries)."""
        body = json.dumps(items, separators=(",", ":")).encode()
        reused = self._conn is not None
        try:
            res, raw = self._exchange(path, body)
        except _STALE:
            if not reused:
                raise
            # The server closed the idle keep-alive connection (Node closes them after 5 s): a new one.
            res, raw = self._exchange(path, body)
        if res.getheader("Connection", "").lower() == "close":
            self.close()
        try:
            parsed = json.loads(raw) if raw else None
        except ValueError:
            parsed = raw.decode("utf-8", "replace")
        return Answer(res.status, parsed, parse_retry_after(res.getheader("Retry-After")))

    def _exchange(self, path: str, body: bytes) -> "tuple[http.client.HTTPResponse, bytes]":
        conn = self._connection()
        try:
            conn.request("POST", f"{self._base}{path}", body=body, headers=self._headers)
            res = conn.getresponse()
            return res, res.read()
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
