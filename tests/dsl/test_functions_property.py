"""Property tests: on any value, for every version, evaluation raises only FunctionError,
static analysis never raises, and evaluation never mutates its input."""

from __future__ import annotations

import contextlib
import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heatctl.dsl.conditions import check_conditions, resolve_conditions
from heatctl.dsl.functions import (
    UNRESOLVED,
    FunctionError,
    Scope,
    check_functions,
    evaluate,
    find_references,
)
from heatctl.dsl.versions import VERSIONS
from tests.dsl.functions_support import SERVER, FakeResources

SPECS = sorted({id(s): s for s in VERSIONS.values()}.values(), key=lambda s: (s.key, s.name))
NAMES = sorted({n for s in SPECS for n in (*s.functions, *s.removed, *s.condition_functions)})
WORDS = ["p", "n", "server", "port", "name", "c", "on", "%a%", "$x", "", ",", "sha256", "0", "-1",
         "expression", "data", "template", "params", "for_each", "keys", "values", "networks",
         "metadata", "host", "query", "port", "permutations", "$.data", "M", "a", "b"]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-3, max_value=70000),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.sampled_from(WORDS),
    st.text(max_size=4),
)


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    keys = st.one_of(st.sampled_from(WORDS), st.text(max_size=3))
    return st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(keys, children, max_size=3),
        st.builds(lambda name, args: {name: args}, st.sampled_from(NAMES), children),
    )


values = st.recursive(scalars, _extend, max_leaves=25)

PARAMS = {"p": "text", "n": 2, "name": ["a", "b"], "a": {"k": [1]}, "b": True}


def _read(key: str) -> str:
    if key == "p":
        return "content"
    raise FunctionError(f"no file {key}")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values, st.sampled_from(SPECS), st.booleans())
def test_evaluate_raises_only_function_error(value: Any, spec: Any, with_cloud: bool) -> None:
    scope = Scope(
        version=spec,
        parameters=PARAMS,
        conditions={"c": True, "on": False},
        resources=FakeResources(SERVER) if with_cloud else None,
        read_file=_read if with_cloud else None,
        facade={"metadata": {"m": 1}} if with_cloud else None,
        mappings={"M": {"a": {"b": 1}}},
    )
    snapshot = copy.deepcopy(value)
    try:
        evaluate(value, scope)
    except FunctionError as exc:
        assert isinstance(exc.message, str) and isinstance(exc.path, tuple)
    assert value == snapshot


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values, st.sampled_from(SPECS), st.booleans())
def test_static_analysis_never_raises(value: Any, spec: Any, in_condition: bool) -> None:
    for path, message in check_functions(
        value, spec, in_condition=in_condition, condition_names={"c"}
    ):
        assert isinstance(path, tuple) and isinstance(message, str)
    for ref in find_references(value, spec, in_condition=in_condition):
        assert ref.kind in {"resource", "attribute", "parameter", "condition", "file"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(st.sampled_from(["c", "on", "a", "b"]), values, max_size=4),
    st.sampled_from(SPECS),
)
def test_conditions_raise_only_function_error(section: dict[str, Any], spec: Any) -> None:
    check_conditions(section, spec)
    with contextlib.suppress(FunctionError):
        resolve_conditions(section, Scope(version=spec, parameters=PARAMS))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values, st.sampled_from(SPECS), st.sets(st.sampled_from(sorted(PARAMS))))
def test_partial_then_full_equals_full(value: Any, spec: Any, unknown: set[str]) -> None:
    """A plan may keep partially evaluated values and finish them once resources exist."""
    common: dict[str, Any] = {
        "version": spec,
        "conditions": {"c": True, "on": False},
        "facade": {"metadata": {"m": 1}},
        "mappings": {"M": {"a": {"b": 1}}},
    }
    full = Scope(parameters=PARAMS, resources=FakeResources(SERVER), read_file=_read, **common)
    known = {k: (UNRESOLVED if k in unknown else v) for k, v in PARAMS.items()}
    partial = Scope(parameters=known, **common)
    try:
        expected = evaluate(value, full)
        first = evaluate(value, partial)
    except FunctionError:
        return  # partial evaluation may also fail where Heat would not look (see evaluate)
    assert evaluate(first, full) == expected
