"""Conditions inside functions: `if` (HOT and Fn::If), the condition functions
(equals/not/and/or and their Fn:: forms), and the two error functions: a *removed*
function and a function used where a condition is expected.
"""

from __future__ import annotations

from typing import Any

from heatctl.dsl.functions.core import REMOVED, Evaluator, FunctionError, Unresolved, fail


def named_condition(ev: Evaluator, name: Any) -> bool:
    """The value of a condition given by name (or a bool); defers when not yet known.

    None counts as true: Heat's Conditions.is_enabled(None) is True.
    """
    if isinstance(name, bool):
        return name
    if name is None:
        return True
    conditions = ev.scope.conditions
    if not isinstance(name, str) or name not in conditions:
        shown = name if isinstance(name, str) else repr(name)
        raise fail(f'Invalid condition "{shown}"')
    value = conditions[name]
    if isinstance(value, Unresolved):
        ev.unresolved()
    if not isinstance(value, bool):
        raise fail(f'The definition of condition "{name}" is invalid: {value!r:.200}')
    return value


def condition_argument(ev: Evaluator, node: Any) -> bool:
    """A condition operand: a bool, a condition name, or an inline condition function."""
    if isinstance(node, bool):
        return node
    return named_condition(ev, ev.value_in_condition(node))


def _if(ev: Evaluator, raw: Any, fn: str, nullable: bool) -> Any:
    counts = (2, 3) if nullable else (3,)
    if not raw or not isinstance(raw, list) or len(raw) not in counts:
        raise fail(
            f'Arguments to "{fn}" must be of the form: '
            "[condition_name, value_if_true, value_if_false]"
        )
    try:
        chosen = condition_argument(ev, raw[0])
    except FunctionError as exc:
        exc.path = (0, *exc.path)
        raise
    if chosen:
        branch = 1
    elif len(raw) == 2:
        return REMOVED
    else:
        branch = 2
    try:
        return ev.eval(raw[branch])
    except FunctionError as exc:
        exc.path = (branch, *exc.path)
        raise


def if_three(ev: Evaluator, raw: Any) -> Any:
    """`if: [cond, a, b]` (2016-10-14 .. 2018-08-31)."""
    return _if(ev, raw, "if", nullable=False)


def if_nullable(ev: Evaluator, raw: Any) -> Any:
    """`if: [cond, a, b]` or `[cond, a]`, the latter removing the enclosing item (wallaby)."""
    return _if(ev, raw, "if", nullable=True)


def cfn_if(ev: Evaluator, raw: Any) -> Any:
    return _if(ev, raw, "Fn::If", nullable=False)


def _equals(ev: Evaluator, raw: Any, fn: str) -> Any:
    if not raw or not isinstance(raw, list) or len(raw) != 2:
        raise fail(f'Arguments to "{fn}" must be of the form: [value_1, value_2]')
    return ev.value(raw[0], 0) == ev.value(raw[1], 1)


def equals(ev: Evaluator, raw: Any) -> Any:
    return _equals(ev, raw, "equals")


def cfn_equals(ev: Evaluator, raw: Any) -> Any:
    return _equals(ev, raw, "Fn::Equals")


def not_(ev: Evaluator, raw: Any) -> Any:
    if raw is None:
        raise fail('Argument to "not" must be a condition')
    return not condition_argument(ev, raw)


def cfn_not(ev: Evaluator, raw: Any) -> Any:
    if not raw or not isinstance(raw, list) or len(raw) != 1:
        raise fail('Arguments to "Fn::Not" must be of the form: [condition]')
    return not _operand(ev, raw, 0)


def _operands(raw: Any, fn: str) -> list[Any]:
    if not isinstance(raw, list):
        raise fail(f'Arguments to "{fn}" must be a list of conditions')
    if len(raw) < 2:
        raise fail(f'The minimum number of condition arguments to "{fn}" is 2.')
    return raw


def _operand(ev: Evaluator, raw: list[Any], index: int) -> bool:
    try:
        return condition_argument(ev, raw[index])
    except FunctionError as exc:
        exc.path = (index, *exc.path)
        raise


def _all_any(ev: Evaluator, raw: Any, fn: str, want: bool) -> bool:
    # Heat resolves every inline function first, then looks names up with short-circuit.
    items = _operands(raw, fn)
    values = [ev.value_in_condition(item, index) for index, item in enumerate(items)]
    for index, value in enumerate(values):
        try:
            if named_condition(ev, value) is want:
                return want
        except FunctionError as exc:
            exc.path = (index, *exc.path)
            raise
    return not want


def and_(ev: Evaluator, raw: Any) -> Any:
    return _all_any(ev, raw, "and", want=False)


def or_(ev: Evaluator, raw: Any) -> Any:
    return _all_any(ev, raw, "or", want=True)


def cfn_and(ev: Evaluator, raw: Any) -> Any:
    return _all_any(ev, raw, "Fn::And", want=False)


def cfn_or(ev: Evaluator, raw: Any) -> Any:
    return _all_any(ev, raw, "Fn::Or", want=True)


def removed_message(name: str) -> str:
    """Heat's message for a function removed from the template's version."""
    return f"The function {name} is not supported in this version of HOT."


def invalid_message(name: str) -> str:
    """Heat's message for a function used in a condition where it is not allowed."""
    return f'The function "{name}" is invalid in this context'


def removed(name: str) -> Any:
    """An implementation that always fails: `name` was removed from this version."""

    def call(ev: Evaluator, raw: Any) -> Any:
        raise fail(removed_message(name))

    return call


def invalid(name: str) -> Any:
    """An implementation that always fails: `name` is not a condition function."""

    def call(ev: Evaluator, raw: Any) -> Any:
        raise fail(invalid_message(name))

    return call
