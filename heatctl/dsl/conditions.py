"""Named conditions (the `conditions:` / `Conditions:` section) and `condition:` values.

Heat's rules (heat/engine/conditions.py, verified in /work/shared/reference/heat.md):
- each definition is a bool or a condition function (equals, not, and, or, get_param, and
  from 2017-09-01 yaql and contains; CFN: Fn::Equals, Fn::Not, Fn::And, Fn::Or, Ref,
  Fn::FindInMap). A bare string, even "true", is invalid, and so is a value that does not
  evaluate to a bool;
- inside not/and/or (and the first argument of `if`), a string names another condition;
- a condition that refers to itself through others is a cycle, reported with its path;
- any other function of the version is "invalid in this context".

API:
    resolve_conditions(section, scope, path=()) -> dict[str, bool | Unresolved]
    condition_value(cond, scope, path=()) -> bool | Unresolved   # resource/output `condition:`
    check_conditions(section, version) -> list[(path, message)]  # static, every problem
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any

from heatctl.dsl.functions import (
    UNRESOLVED,
    FunctionError,
    Scope,
    Unresolved,
    check_functions,
    evaluate_condition,
    find_references,
)
from heatctl.dsl.functions.checks import Path
from heatctl.dsl.versions import VersionSpec

_IN_PROGRESS = object()


class _Tunnel(Exception):
    """Carries a nested condition's error through the evaluator with its own path."""

    def __init__(self, error: FunctionError) -> None:
        super().__init__(error.message)
        self.error = error


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    names: dict[type, str] = {dict: "a map", list: "a list", str: "a string"}
    return names.get(type(value), type(value).__name__)


def _is_call(value: Any, version: VersionSpec) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return key in version.functions or key in version.condition_functions or key in version.removed


def invalid_definition(name: str, definition: Any) -> str:
    """Heat's message for a definition that is neither a bool nor a condition function."""
    return f'The definition of condition "{name}" is invalid: {definition!r:.200}'


class _LazyConditions(Mapping[str, Any]):
    """Conditions resolved on first use, so they may refer to each other in any order."""

    def __init__(self, section: Mapping[str, Any], scope: Scope, path: Path) -> None:
        self.section = section
        self.scope = dataclasses.replace(scope, conditions=self)
        self.path = path
        self.resolved: dict[str, Any] = {}
        self.chain: list[str] = []

    def __getitem__(self, name: str) -> Any:
        value = self.resolved.get(name)
        if value is _IN_PROGRESS:
            cycle = [*self.chain[self.chain.index(name) :], name]
            raise _Tunnel(FunctionError(_cycle_message(cycle), (*self.path, cycle[0])))
        if name in self.resolved:
            return value
        definition = self.section[name]  # KeyError: not a condition (Mapping contract)
        self.resolved[name] = _IN_PROGRESS
        self.chain.append(name)
        try:
            self.resolved[name] = self._resolve(name, definition)
        except FunctionError as exc:
            raise _Tunnel(exc) from None
        finally:
            self.chain.pop()
            if self.resolved.get(name) is _IN_PROGRESS:
                del self.resolved[name]
        return self.resolved[name]

    def _resolve(self, name: str, definition: Any) -> Any:
        where = (*self.path, name)
        if isinstance(definition, bool):
            return definition
        if not _is_call(definition, self.scope.version):
            raise FunctionError(invalid_definition(name, definition), where)
        result = evaluate_condition(definition, self.scope, where, by_name=False)
        if not isinstance(result, bool | Unresolved):
            raise FunctionError(invalid_definition(name, result), where)
        return result

    def __iter__(self) -> Iterator[str]:
        return iter(self.section)

    def __len__(self) -> int:
        return len(self.section)

    def __contains__(self, name: object) -> bool:
        return name in self.section


def resolve_conditions(
    section: Mapping[str, Any] | None, scope: Scope, path: Path = ()
) -> dict[str, bool | Unresolved]:
    """Every named condition's value (Unresolved when a parameter value is not known).

    `path` is prefixed to error paths (pass ("conditions",) for a whole template).
    Raises FunctionError on the first problem; use check_conditions to list them all.
    """
    if section is None:
        return {}
    if not isinstance(section, Mapping):
        raise FunctionError(
            f"Condition definitions must be a map. Found {_kind(section)} instead", path
        )
    lazy = _LazyConditions(section, scope, path)
    result: dict[str, bool | Unresolved] = {}
    for name in section:
        try:
            result[name] = lazy[name]
        except _Tunnel as tunnel:
            raise tunnel.error from None
    return result


def condition_value(cond: Any, scope: Scope, path: Path = ()) -> bool | Unresolved:
    """A resource or output `condition:`: a condition name, a bool or a condition function.

    `scope.conditions` must hold the resolved named conditions.
    """
    if cond is None:
        return True
    if isinstance(cond, bool):
        return cond
    if isinstance(cond, str):
        if cond not in scope.conditions:
            raise FunctionError(f'Invalid condition "{cond}"', path)
        value = scope.conditions[cond]
        return value if isinstance(value, bool) else UNRESOLVED
    if not _is_call(cond, scope.version):
        raise FunctionError(
            f"a condition must be a condition name, a boolean or a condition function,"
            f" not {_kind(cond)}",
            path,
        )
    return evaluate_condition(cond, scope, path)


def check_conditions(section: Any, version: VersionSpec) -> list[tuple[Path, str]]:
    """Every static problem in a conditions section; paths start at the condition name."""
    if section is None:
        return []
    if not isinstance(section, Mapping):
        return [((), f"Condition definitions must be a map. Found {_kind(section)} instead")]
    problems: list[tuple[Path, str]] = []
    graph: dict[str, list[str]] = {}
    for name, definition in section.items():
        if not isinstance(definition, bool) and not _is_call(definition, version):
            problems.append(((name,), invalid_definition(name, definition)))
            continue
        for where, message in check_functions(
            definition, version, in_condition=True, condition_names=section.keys()
        ):
            problems.append(((name, *where), message))
        graph[name] = [
            ref.name
            for ref in find_references(definition, version, in_condition=True)
            if ref.kind == "condition" and ref.name in section
        ]
    problems.extend(((cycle[0],), _cycle_message(cycle)) for cycle in _cycles(graph))
    return problems


def _cycle_message(cycle: list[str]) -> str:
    return f'Circular definition for condition "{cycle[0]}" ({" -> ".join(cycle)})'


def _cycles(graph: Mapping[str, list[str]]) -> list[list[str]]:
    """One cycle per strongly connected loop, each reported once, from its first member."""
    found: list[list[str]] = []
    seen_in_cycle: set[str] = set()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        trail.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                cycle = [*trail[trail.index(nxt) :], nxt]
                if not seen_in_cycle.intersection(cycle):
                    found.append(cycle)
                    seen_in_cycle.update(cycle)
            elif nxt not in state:
                visit(nxt, trail)
        trail.pop()
        state[node] = 2

    for start in graph:
        if start not in state:
            visit(start, [])
    return found
