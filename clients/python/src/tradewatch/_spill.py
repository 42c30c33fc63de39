"""Rows that did not fit in memory, on disk: one JSON-lines file per route, read from a saved offset.

At-least-once: a crash between a send and saving the offset resends those rows; the tables' dedup
keys make that harmless for metric rows (events would be counted again).
"""

import json
import logging
import os
from typing import Any, Dict, List, Tuple

try:
    import fcntl
except ImportError:  # Windows: no advisory lock; one process per spill_dir is then the user's to ensure
    fcntl = None  # type: ignore[assignment]

from .errors import TradewatchError

logger = logging.getLogger("tradewatch")


class Spill:
    def __init__(self, directory: str, routes: List[str]):
        os.makedirs(directory, exist_ok=True)
        self.directory = directory
        self._lock_file = open(os.path.join(directory, ".lock"), "w")
        if fcntl is not None:
            try:
                fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                self._lock_file.close()
                raise TradewatchError(f"spill_dir {directory} is used by another process") from None
        self._pending: Dict[str, int] = {}
        for route in routes:
            self._drop_cut_line(route)
            self._pending[route] = self._count(route)

    def _path(self, route: str, suffix: str) -> str:
        return os.path.join(self.directory, route.replace("/", "-") + suffix)

    def _offset(self, route: str) -> int:
        try:
            with open(self._path(route, ".offset")) as f:
                return int(f.read().strip() or 0)
        except FileNotFoundError:
            return 0

    def _drop_cut_line(self, route: str) -> None:
        """A crash in the middle of an append leaves half a line at the end: it was never a row."""
        path = self._path(route, ".jsonl")
        try:
            with open(path, "rb+") as f:
                data = f.read()
                if data and not data.endswith(b"\n"):
                    f.truncate(data.rfind(b"\n") + 1)
        except FileNotFoundError:
            pass

    def _count(self, route: str) -> int:
        try:
            with open(self._path(route, ".jsonl"), "rb") as f:
                f.seek(self._offset(route))
                return sum(1 for line in f if line.strip())
        except FileNotFoundError:
            return 0

    def pending(self, route: str) -> int:
        return self._pending.get(route, 0)

    def total(self) -> int:
        return sum(self._pending.values())

    def append(self, route: str, items: List[Dict[str, Any]]) -> None:
        with open(self._path(route, ".jsonl"), "a", encoding="utf-8") as f:
            for item in items:
                f.write(json.dumps(item, separators=(",", ":")) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self._pending[route] = self._pending.get(route, 0) + len(items)

    def read(self, route: str, limit: int) -> Tuple[List[Dict[str, Any]], int, int]:
        """Up to ``limit`` rows from the saved offset, the offset after them, and the lines consumed."""
        items: List[Dict[str, Any]] = []
        lines = 0
        offset = self._offset(route)
        try:
            with open(self._path(route, ".jsonl"), "rb") as f:
                f.seek(offset)
                while lines < limit:
                    line = f.readline()
                    if not line or not line.endswith(b"\n"):
                        break  # end, or a line cut by a crash mid-write: never half a row
                    offset += len(line)
                    lines += 1
                    if not line.strip():
                        continue
                    try:
                        items.append(json.loads(line))
                    except ValueError:  # a damaged file: say so and go on with the rest
                        logger.error("tradewatch: %s: unreadable line skipped at byte %d: %r", self._path(route, ".jsonl"), offset - len(line), line[:200])
        except FileNotFoundError:
            pass
        return items, offset, lines

    def commit(self, route: str, offset: int, lines: int) -> None:
        """The ``lines`` rows up to ``offset`` are delivered: save the offset, or remove the file once all are."""
        data = self._path(route, ".jsonl")
        size = os.path.getsize(data) if os.path.exists(data) else 0
        self._pending[route] = max(0, self._pending.get(route, 0) - lines)
        if offset >= size:
            for suffix in (".jsonl", ".offset"):
                try:
                    os.remove(self._path(route, suffix))
                except FileNotFoundError:
                    pass
            self._pending[route] = 0
            return
        tmp = self._path(route, ".offset.tmp")
        with open(tmp, "w") as f:
            f.write(str(offset))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self._path(route, ".offset"))

    def close(self) -> None:
        self._lock_file.close()
