"""pytest fixtures shared by the repo's Python tests: a real QuestDB (through the repo's launcher,
tools/questdb) and real collector processes (apps/collector). Loaded by the root pytest.ini (-p)."""

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Dict, Iterator, List, Optional

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
TSX = os.path.join(ROOT, "node_modules", ".bin", "tsx")


def free_ports(count: int) -> List[int]:
    """Distinct free TCP ports on 127.0.0.1 (all held open until the last is picked)."""
    sockets = []
    try:
        for _ in range(count):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def unique_name(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


class QuestDB:
    """Query helper against QuestDB's REST ``/exec``."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")

    def query(self, sql: str) -> List[Dict[str, Any]]:
        """Rows as dicts (column name -> value; timestamps as QuestDB's ISO strings)."""
        url = f"{self.url}/exec?{urllib.parse.urlencode({'query': sql})}"
        try:
            with urllib.request.urlopen(url, timeout=30) as res:
                body = json.load(res)
        except urllib.error.HTTPError as e:
            raise AssertionError(f"QuestDB refused {sql!r}: {e.read().decode()}") from None
        names = [c["name"] for c in body.get("columns", [])]
        return [dict(zip(names, row)) for row in body.get("dataset", [])]

    def wait_for(self, sql: str, predicate, timeout: float = 30.0) -> List[Dict[str, Any]]:
        """Polls ``sql`` until ``predicate(rows)`` holds; returns the last rows either way."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                rows = self.query(sql)
            except AssertionError:
                rows = []  # table not created yet
            if predicate(rows) or time.monotonic() > deadline:
                return rows
            time.sleep(0.2)

    def table_exists(self, table: str) -> bool:
        return any(r.get("table_name") == table for r in self.query("tables()"))


def _ping(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/exec?query=select%201", timeout=5) as res:
            return res.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def questdb() -> Iterator[QuestDB]:
    """QUESTDB_URL when set (must answer), else a QuestDB of its own on free ports, stopped at the end."""
    external = os.environ.get("QUESTDB_URL", "").strip()
    if external:
        if not _ping(external):
            pytest.fail(f"QUESTDB_URL={external} does not answer 'select 1'; unset it to let the tests start QuestDB")
        yield QuestDB(external)
        return
    if not os.path.exists(TSX):
        pytest.fail(f"{TSX} is missing: run npm ci first (the tests start QuestDB and the collector with it)")
    data_dir = tempfile.mkdtemp(prefix="tradewatch-pytest-questdb-")
    http, pg, ilp, health = free_ports(4)
    cli = [TSX, "tools/questdb/src/cli.ts"]
    args = ["--data-dir", data_dir, "--http-port", str(http), "--pg-port", str(pg), "--ilp-port", str(ilp), "--min-port", str(health)]
    started = subprocess.run([*cli, "start", *args], cwd=ROOT, capture_output=True, text=True, timeout=180)
    if started.returncode != 0:
        shutil.rmtree(data_dir, ignore_errors=True)
        pytest.fail(f"QuestDB did not start: {started.stdout}{started.stderr}")
    try:
        yield QuestDB(f"http://127.0.0.1:{http}")
    finally:
        subprocess.run([*cli, "stop", "--data-dir", data_dir], cwd=ROOT, capture_output=True, timeout=120)
        shutil.rmtree(data_dir, ignore_errors=True)


class Collector:
    """A collector process (``node --import tsx apps/collector/src/main.ts``) and its JSON log."""

    def __init__(self, env: Dict[str, str]):
        self.logs: List[Dict[str, Any]] = []
        self._listening = threading.Event()
        self.url = ""
        full_env = {
            **os.environ, "TSX_TSCONFIG_PATH": "tsconfig.base.json", "COLLECTOR_PORT": "0", "COLLECTOR_DEMO": "",
            "COLLECTOR_CONFIG": "", "COLLECTOR_TOKENS": "", "LOG_LEVEL": "info", **env,
        }
        self.proc = subprocess.Popen(
            ["node", "--import", "tsx", "apps/collector/src/main.ts"], cwd=ROOT, env=full_env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._listening.wait(120) or not self.url:
            self.proc.kill()
            raise AssertionError(f"collector did not start listening: {self.logs[-20:]}")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            try:
                entry = json.loads(line)
            except ValueError:
                entry = {"msg": line.rstrip()}
            self.logs.append(entry)
            if entry.get("msg") == "collector listening":
                self.url = str(entry["url"])
                self._listening.set()
        self._listening.set()  # exited: stop waiting

    @property
    def port(self) -> int:
        return int(urllib.parse.urlsplit(self.url).port or 0)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush."""
        self.proc.kill()
        self.proc.wait(30)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                return self.proc.wait(10)
        return self.proc.returncode


class CollectorFactory:
    def __init__(self, questdb: QuestDB, workdir: str):
        self.questdb = questdb
        self.workdir = workdir
        self.started: List[Collector] = []

    def start(self, config: Optional[Dict[str, Any]] = None, spool_dir: Optional[str] = None, port: int = 0, **env: str) -> Collector:
        """A collector writing to the test QuestDB with its own spool dir (or ``spool_dir`` to reuse one).
        ``config`` becomes its COLLECTOR_CONFIG file (JSON is YAML)."""
        spool = spool_dir or tempfile.mkdtemp(prefix="spool-", dir=self.workdir)
        values = {"QUESTDB_URL": self.questdb.url, "COLLECTOR_SPOOL_DIR": spool, "COLLECTOR_PORT": str(port), **env}
        if config is not None:
            path = os.path.join(self.workdir, f"collector-{uuid.uuid4().hex[:8]}.json")
            with open(path, "w") as f:
                json.dump(config, f)
            values["COLLECTOR_CONFIG"] = path
        collector = Collector(values)
        self.started.append(collector)
        return collector


# Short aggregation intervals, so events reach QuestDB within a test.
FAST_INTERVALS: Dict[str, Any] = {"pipeline": {"intervalMs": 500}, "apiCalls": {"intervalMs": 500}}


@pytest.fixture
def collectors(questdb: QuestDB, tmp_path) -> Iterator[CollectorFactory]:
    """Starts collectors on demand; every one still running at the end is killed."""
    factory = CollectorFactory(questdb, str(tmp_path))
    try:
        yield factory
    finally:
        for c in factory.started:
            if c.proc.poll() is None:
                c.proc.kill()
                c.proc.wait(30)


@pytest.fixture(scope="module")
def collector(questdb: QuestDB, tmp_path_factory) -> Iterator[Collector]:
    """One collector shared by a test module (short event intervals)."""
    factory = CollectorFactory(questdb, str(tmp_path_factory.mktemp("collector")))
    c = factory.start(config=FAST_INTERVALS)
    try:
        yield c
    finally:
        c.stop()
