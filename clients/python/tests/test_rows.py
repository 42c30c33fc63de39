"""Pure logic of the client (no collector, no QuestDB): local row checks, Retry-After, ccxt outcomes."""

from datetime import datetime, timedelta, timezone

import ccxt
import pytest

from tradewatch import ValidationFailed, outcome_of
from tradewatch._rows import normalize, table_fields
from tradewatch._transport import parse_retry_after

DAEMON = table_fields("daemon_metrics")


def test_datetimes_become_utc_iso_with_microseconds():
    cet = timezone(timedelta(hours=1))
    row = normalize("metrics/daemon", {"timestamp": datetime(2026, 11, 30, 13, 0, 0, 123456, tzinfo=cet), "host": "h", "env": "dev", "running": True}, DAEMON)
    assert row["timestamp"] == "2026-11-30T12:00:00.123456Z"


def test_naive_datetime_is_refused_naming_the_field():
    with pytest.raises(ValidationFailed) as e:
        normalize("metrics/daemon", {"timestamp": datetime(2026, 11, 30), "host": "h", "env": "dev", "running": True}, DAEMON)
    assert e.value.field == "timestamp" and "naive" in e.value.reason


@pytest.mark.parametrize(
    "row, field, reason",
    [
        ({"host": "h", "env": "dev", "running": True, "colour": "red"}, "colour", "unknown field"),
        ({"host": "h", "env": "dev"}, "running", "is required"),
        ({"host": "h", "env": "dev", "running": "yes"}, "running", "must be a boolean"),
        ({"host": "h", "env": "dev", "running": True, "fetch_count": 1.5}, "fetch_count", "must be an integer"),
        ({"host": "h", "env": "dev", "running": True, "cpu_percent": float("nan")}, "cpu_percent", "finite"),
        ({"host": None, "env": "dev", "running": True}, "host", "must not be None"),
    ],
)
def test_local_checks_name_the_field(row, field, reason):
    with pytest.raises(ValidationFailed) as e:
        normalize("metrics/daemon", row, DAEMON)
    assert e.value.field == field and reason in e.value.reason and e.value.route == "metrics/daemon"


def test_missing_timestamp_is_the_time_of_the_call():
    before = datetime.now(timezone.utc)
    row = normalize("metrics/daemon", {"host": "h", "env": "dev", "running": True, "last_error": None}, DAEMON)
    stamped = datetime.strptime(row["timestamp"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    assert before <= stamped <= datetime.now(timezone.utc)
    assert "last_error" not in row  # None of a nullable column is left out


def test_retry_after_seconds_and_http_date():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    later = (datetime.now(timezone.utc) + timedelta(seconds=30)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert 25 <= parse_retry_after(later) <= 31


def test_outcome_is_the_nearest_listed_ccxt_class():
    assert outcome_of(ccxt.RateLimitExceeded("x")) == "RateLimitExceeded"
    assert outcome_of(ccxt.RequestTimeout("x")) == "RequestTimeout"
    assert outcome_of(ccxt.InvalidNonce("x")) == "NetworkError"  # not listed: its nearest listed ancestor
    assert outcome_of(ccxt.ArgumentsRequired("x")) == "ExchangeError"
    assert outcome_of(ccxt.BadSymbol("x")) == "BadSymbol"  # BadSymbol < BadRequest: the nearer one wins
    assert outcome_of(ValueError("x")) == "other"

    class NetworkError(Exception):  # same name, not ccxt's
        pass

    assert outcome_of(NetworkError()) == "other"
