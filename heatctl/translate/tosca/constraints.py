"""Check a TOSCA value against a TOSCA constraint (for defaults and given inputs)."""

from __future__ import annotations

import re
from collections.abc import Sized
from typing import Any

from heatctl.translate.tosca.values import UNITS, ValueProblem, parse_scalar


def _comparable(kind: str, value: Any) -> Any:
    if kind in UNITS and isinstance(value, str):
        return parse_scalar(value, kind)
    return value


def violation(kind: str, operator: str, operand: Any, value: Any) -> str | None:
    """A description of how `value` breaks the constraint, or None when it holds."""
    try:
        actual = _comparable(kind, value)
        if operator == "valid_values" and isinstance(operand, list):
            allowed = [_comparable(kind, v) for v in operand]
            return None if actual in allowed else f"{value!r} is not one of {operand}"
        if operator == "equal":
            return None if actual == _comparable(kind, operand) else f"{value!r} is not {operand!r}"
        if operator in ("greater_than", "greater_or_equal", "less_than", "less_or_equal"):
            bound = _comparable(kind, operand)
            ok = {
                "greater_than": lambda: actual > bound,
                "greater_or_equal": lambda: actual >= bound,
                "less_than": lambda: actual < bound,
                "less_or_equal": lambda: actual <= bound,
            }[operator]()
            return None if ok else f"{value!r} is not {operator.replace('_', ' ')} {operand!r}"
        if operator == "in_range" and isinstance(operand, list) and len(operand) == 2:
            low, high = (_comparable(kind, v) if v != "UNBOUNDED" else None for v in operand)
            ok = (low is None or actual >= low) and (high is None or actual <= high)
            return None if ok else f"{value!r} is not in range {operand}"
        if operator in ("length", "min_length", "max_length") and isinstance(value, Sized):
            size = len(value)
            ok = {
                "length": size == operand,
                "min_length": size >= operand,
                "max_length": size <= operand,
            }[operator]
            return None if ok else f"has length {size}, breaking {operator} {operand}"
        if operator == "pattern" and isinstance(value, str):
            return (
                None
                if re.fullmatch(str(operand), value)
                else f"{value!r} does not match pattern {operand!r}"
            )
    except (TypeError, ValueProblem, re.error):
        return f"{value!r} cannot be compared with {operator} {operand!r}"
    return None
