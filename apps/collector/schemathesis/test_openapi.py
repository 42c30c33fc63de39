"""Schemathesis against the /openapi.json of a running collector (real process, real QuestDB).

Bounded: a fixed number of generated requests per operation (settings below), so the module runs in
about a minute on a loaded machine. Checks: no 5xx, every status code and content type documented,
every response body valid against its documented schema, schema-invalid requests refused with 4xx.
Generated *valid-looking* data is not required to be accepted, because two rules depend on the
moment of the request (a timestamp within the table's retention and the future skew) and one on
state (counters never go down); instead every schema's documented examples must be accepted
(test_documented_examples_are_accepted).
"""

import json
import urllib.request
from typing import Any, Dict

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

MAX_EXAMPLES = 15


def test_api_conforms_to_its_document(collector) -> None:
    schema = schemathesis.openapi.from_url(f"{collector.url}/openapi.json")
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance, negative_data_rejection]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    failures = []
    calls = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
        def run(case) -> None:
            calls.append(case.path)
            case.call_and_validate(base_url=collector.url, checks=checks)

        try:
            run()
        except Exception as error:  # collect every operation's failure, then fail once
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert failures == []
    # Every operation was called, most of them many times.
    assert set(calls) >= {op.path for op in operations}
    assert len(calls) >= 5 * len(operations)


def _get(url: str) -> Dict[str, Any]:
    with urllib.request.urlopen(url, timeout=30) as res:
        return json.load(res)


def test_documented_examples_are_accepted(collector, questdb) -> None:
    """A valid row built from the document alone (its enums, bounds and timestamp rule) is stored."""
    doc = _get(f"{collector.url}/openapi.json")
    row = doc["components"]["schemas"]["exchange_status"]
    props = row["properties"]
    assert props["timestamp"]["pattern"].startswith("^\\d{4}")
    exchange = props["exchange"]["enum"][0]
    env = props["env"]["enum"][0]
    host = f"schemathesis-{exchange}"
    from datetime import datetime, timedelta, timezone

    ts = (datetime.now(timezone.utc) - timedelta(seconds=30)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    body = json.dumps({"timestamp": ts, "exchange": exchange, "host": host, "env": env, "connected": True, "latency_ms": props["latency_ms"]["anyOf"][0]["maximum"]}).encode()
    req = urllib.request.Request(f"{collector.url}/v1/metrics/exchange", data=body, method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as res:
        assert res.status == 202
    rows = questdb.wait_for(f"SELECT * FROM exchange_status WHERE host = '{host}' AND timestamp = '{ts}'", lambda r: len(r) == 1)
    assert len(rows) == 1 and rows[0]["exchange"] == exchange
