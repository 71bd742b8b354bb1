"""TOSCA values: scalar units, primitive type checks, and input values given as text."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

# Factors to the base unit (bytes, seconds, hertz, bits per second).
UNITS: dict[str, dict[str, float]] = {
    "scalar-unit.size": {
        "b": 1, "kb": 1e3, "kib": 1024, "mb": 1e6, "mib": 1024**2, "gb": 1e9,
        "gib": 1024**3, "tb": 1e12, "tib": 1024**4,
    },
    "scalar-unit.time": {
        "d": 86400, "h": 3600, "m": 60, "s": 1, "ms": 1e-3, "us": 1e-6, "ns": 1e-9,
    },
    "scalar-unit.frequency": {"hz": 1, "khz": 1e3, "mhz": 1e6, "ghz": 1e9},
    "scalar-unit.bitrate": {
        "bps": 1, "kbps": 1e3, "kibps": 1024, "mbps": 1e6, "mibps": 1024**2,
        "gbps": 1e9, "gibps": 1024**3, "tbps": 1e12, "tibps": 1024**4,
    },
}  # fmt: skip
# Bitrate units with a capital B count bytes, not bits.
_BYTE_RATE = re.compile(r"^[KMGT]?i?Bps$")
_SCALAR = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z]+)\s*$")
_VERSION = re.compile(r"^\d+(\.\d+){0,2}(\.[A-Za-z0-9_]+(-\d+)?)?$")

GIB = 1024**3


class ValueProblem(ValueError):
    """A value that does not fit its declared type; the message says why."""


def parse_scalar(value: Any, kind: str) -> float:
    """'4 GB' -> 4e9 (bytes) for kind scalar-unit.size; raises ValueProblem when malformed."""
    match = _SCALAR.match(str(value)) if isinstance(value, str) else None
    if match is None:
        raise ValueProblem(
            f"'{value}' is not a {kind} (a number and a unit, e.g. '{_example(kind)}')"
        )
    number, unit = float(match.group(1)), match.group(2)
    factor = UNITS[kind].get(unit.lower())
    if factor is None:
        units = ", ".join(sorted(UNITS[kind]))
        raise ValueProblem(f"'{unit}' is not a unit of {kind} (units: {units})")
    if kind == "scalar-unit.bitrate" and _BYTE_RATE.match(unit):
        factor *= 8
    return number * factor


def _example(kind: str) -> str:
    return {
        "scalar-unit.size": "10 GB",
        "scalar-unit.time": "30 s",
        "scalar-unit.frequency": "2 GHz",
    }.get(kind, "10 Mbps")


def size_in(value: Any, unit: str, *, round_up: bool = True) -> int | float:
    """A scalar-unit.size in `unit` (GiB, MiB, MB...): '2000 MB' -> 2 GiB, rounded up."""
    amount = parse_scalar(value, "scalar-unit.size") / UNITS["scalar-unit.size"][unit.lower()]
    if round_up:
        return math.ceil(amount - 1e-9)
    return amount


def base_amount(value: Any, kind: str) -> int | float:
    """A scalar unit in its base unit (bytes, seconds, Hz, bps), as an int when whole."""
    amount = parse_scalar(value, kind)
    return int(amount) if float(amount).is_integer() else amount


def check_primitive(value: Any, kind: str) -> None:
    """Raise ValueProblem if a literal value does not fit primitive `kind`."""
    if value is None:
        return
    ok = True
    if kind == "string":
        ok = isinstance(value, str | int | float) and not isinstance(value, bool)
    elif kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "float":
        ok = isinstance(value, int | float) and not isinstance(value, bool)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif kind == "list":
        ok = isinstance(value, list)
    elif kind == "map":
        ok = isinstance(value, dict | Mapping)
    elif kind == "range":
        ok = (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, int) or v == "UNBOUNDED" for v in value)
        )
    elif kind == "version":
        ok = isinstance(value, int | float | str) and bool(_VERSION.match(str(value)))
    elif kind == "timestamp":
        ok = isinstance(value, str) and bool(re.match(r"^\d{4}-\d{1,2}-\d{1,2}", value))
    elif kind.startswith("scalar-unit."):
        parse_scalar(value, kind)
    if not ok:
        raise ValueProblem(f"{_show(value)} is not a valid {kind}")


def _show(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else json.dumps(value, default=str)


def coerce_text(text: str, kind: str) -> Any:
    """An input value given on the command line (always text) as a value of `kind`."""
    if kind == "integer":
        try:
            return int(text)
        except ValueError:
            raise ValueProblem(f"'{text}' is not an integer") from None
    if kind == "float":
        try:
            return float(text)
        except ValueError:
            raise ValueProblem(f"'{text}' is not a number") from None
    if kind == "boolean":
        lowered = text.lower()
        if lowered in ("true", "yes", "1", "on"):
            return True
        if lowered in ("false", "no", "0", "off"):
            return False
        raise ValueProblem(f"'{text}' is not a boolean (true or false)")
    if kind in ("list", "map", "range"):
        try:
            value = json.loads(text)
        except ValueError:
            if kind == "list":
                return [item.strip() for item in text.split(",")] if text else []
            raise ValueProblem(f"'{text}' is not a JSON {kind}") from None
        check_primitive(value, kind)
        return value
    if kind.startswith("scalar-unit."):
        parse_scalar(text, kind)
    return text
