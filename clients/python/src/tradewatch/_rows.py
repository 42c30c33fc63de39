"""Checks and normalises rows and events before they are queued (field names and types from _schema)."""

import math
from datetime import datetime, timezone
from typing import Any, Dict, Mapping, Optional, Tuple

from . import _schema
from .errors import ValidationFailed

Fields = Mapping[str, Mapping[str, object]]


def iso(value: datetime, route: str, field: str) -> str:
    """An aware datetime as the collector's ISO form with microseconds; naive datetimes are refused."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValidationFailed(route, field, "naive datetime: give a timezone-aware one (e.g. datetime.now(timezone.utc))")
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _check_type(route: str, field: str, qdb_type: Optional[object], value: Any) -> Any:
    """JSON-ready value for a column of ``qdb_type`` (None: an event field of unknown type)."""
    if isinstance(value, datetime):
        return iso(value, route, field)
    if isinstance(value, float) and not math.isfinite(value):
        raise ValidationFailed(route, field, "must be a finite number")
    if qdb_type == "BOOLEAN" and not isinstance(value, bool):
        raise ValidationFailed(route, field, f"must be a boolean, got {type(value).__name__}")
    if qdb_type == "LONG" and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValidationFailed(route, field, f"must be an integer, got {type(value).__name__}")
    if qdb_type == "DOUBLE" and (isinstance(value, bool) or not isinstance(value, (int, float))):
        raise ValidationFailed(route, field, f"must be a number, got {type(value).__name__}")
    if qdb_type in ("SYMBOL", "VARCHAR", "TIMESTAMP") and not isinstance(value, str):
        raise ValidationFailed(route, field, f"must be a string, got {type(value).__name__}")
    return value


def normalize(route: str, item: Any, fields: Fields, *, stamp: bool = True, optional: Tuple[str, ...] = ()) -> Dict[str, Any]:
    """A copy of ``item`` ready for JSON: known fields only, required ones present, values of the right
    kind, datetimes as ISO strings. Ranges and allow-lists are the collector's to check.

    ``stamp`` fills a missing ``timestamp`` with now (when the row was handed over, not when it was sent);
    ``optional`` names required fields that the receiver fills itself.
    """
    if not isinstance(item, Mapping):
        raise ValidationFailed(route, "", f"must be a dict, got {type(item).__name__}")
    out: Dict[str, Any] = {}
    for key, value in item.items():
        spec = fields.get(key) if isinstance(key, str) else None
        if spec is None:
            raise ValidationFailed(route, str(key), "unknown field", item)
        if value is None:
            if not spec.get("nullable"):
                raise ValidationFailed(route, key, "must not be None", item)
            continue
        try:
            out[key] = _check_type(route, key, spec.get("type"), value)
        except ValidationFailed as e:
            raise ValidationFailed(route, key, e.reason, item) from None
    if stamp and "timestamp" in fields and "timestamp" not in out:
        out["timestamp"] = now_iso()
    for key, spec in fields.items():
        if spec.get("required") and key not in out and key not in optional:
            raise ValidationFailed(route, key, "is required", item)
    return out


def table_fields(table: str) -> Fields:
    return _schema.TABLES[table]


def trading_event_fields(route: str, event: Any) -> Fields:
    kind = event.get("type") if isinstance(event, Mapping) else None
    fields = _schema.TRADING_EVENTS.get(kind) if isinstance(kind, str) else None
    if fields is None:
        raise ValidationFailed(route, "type", f"must be one of {', '.join(_schema.TRADING_EVENTS)}", event if isinstance(event, Mapping) else None)
    return fields
