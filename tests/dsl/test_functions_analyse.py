"""Fast paths of the functions module give what the plain ones give: `analyse` (one walk)
equals check_functions + find_references, is_partial equals walk_calls, and deferred calls
are evaluated once each."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heatctl.dsl.functions import (
    Scope,
    StaticResources,
    check_functions,
    dispatch_tables,
    evaluate,
    find_references,
    is_partial,
    walk_calls,
)
from heatctl.dsl.functions.checks import analyse
from heatctl.dsl.versions import VERSIONS
from tests.dsl.test_functions_property import SPECS, values

PARAMETERS = ["p", "n", "name"]


def _both(value: Any, spec: Any, names: list[str] | None) -> tuple[Any, Any]:
    expected = (
        check_functions(value, spec, condition_names=names),
        list(find_references(value, spec, parameter_names=PARAMETERS)),
    )
    return analyse(value, spec, parameter_names=PARAMETERS, condition_names=names), expected


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values, st.sampled_from(SPECS), st.sampled_from([None, [], ["c", "on"]]))
def test_analyse_equals_the_two_walks(value: Any, spec: Any, names: list[str] | None) -> None:
    got, expected = _both(value, spec, names)
    assert got == expected


def test_analyse_where_the_two_walks_differ() -> None:
    # A removed function (checks stop, references go on), a function invalid in a
    # condition, an `if` inside a condition, and condition names.
    hot = VERSIONS[("heat_template_version", "2021-04-16")]
    value = {
        "a": {"get_attr": ["server", "first_address"]},
        "b": {"if": [{"and": ["c", {"get_resource": "r"}, {"not": "nope"}]}, 1, {"x": 2}]},
        "c": {"if": [{"or": [{"if": ["c", {"get_param": "p"}, "z"]}, "on"]}, [], None]},
        "d": [{"list_join": ["-"]}, {"get_param": ["p", 0]}, {"Ref": "p"}],
        "e": {"Fn::Join": ["-", [{"get_resource": "inside_removed"}, {"list_join": 1}]]},
    }
    older = [VERSIONS[("heat_template_version", v)] for v in ("2013-05-23", "2016-10-14")]
    cfn = VERSIONS[("AWSTemplateFormatVersion", "2010-09-09")]
    for spec in (hot, *older, cfn):
        for names in (None, ["c"]):
            got, expected = _both(value, spec, names)
            assert got == expected
    (problems, references), _ = _both(value, hot, ["c"])
    assert any("Fn::Join" in where for where, _ in problems)
    assert "inside_removed" in [r.name for r in references]
    assert any('Invalid condition "nope"' in message for _, message in problems)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values, st.sampled_from(SPECS))
def test_is_partial_agrees_with_walk_calls(value: Any, spec: Any) -> None:
    normal, _ = dispatch_tables(spec)
    assert is_partial(value, spec) == (next(walk_calls(value, normal), None) is not None)


class _Counting(StaticResources):
    """Resources whose attributes are not known yet, counting the questions."""

    asked = 0

    def attribute(self, name: str, attr: str, path: list[Any]) -> Any:
        self.asked += 1
        return super().attribute(name, attr, path)


def test_nested_deferred_calls_are_evaluated_once_each() -> None:
    # Each list_join defers (its argument holds an attribute not yet known) and is kept
    # as written with its arguments evaluated: the nested ones must not be evaluated again
    # once per enclosing call (2**depth times).
    spec = VERSIONS[("heat_template_version", "2021-04-16")]
    value: Any = {"get_attr": ["server", "name"]}
    for _ in range(16):
        value = {"list_join": ["-", [value, {"list_join": [",", ["a", "b"]]}]]}
    resources = _Counting({"server"})
    result = evaluate(value, Scope(version=spec, resources=resources))
    assert resources.asked <= 2
    inner = result
    for _ in range(16):  # kept as written, the pure sibling evaluated
        (args,) = inner.values()
        assert args[1][1] == "a,b"
        inner = args[1][0]
    assert inner == {"get_attr": ["server", "name"]}
