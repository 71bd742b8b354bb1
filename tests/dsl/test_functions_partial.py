"""Partial evaluation: what stays as written when there is no cloud, and why."""

from __future__ import annotations

import copy

import pytest

from heatctl.dsl.functions import (
    UNRESOLVED,
    FunctionError,
    Scope,
    StaticResources,
    evaluate,
    evaluate_condition,
    is_partial,
)
from tests.dsl.functions_support import SERVER, FakeResources, run, version


def test_a_function_over_an_unresolved_argument_stays_with_pure_parts_evaluated() -> None:
    value = {
        "str_replace": {
            "template": {"get_param": "tpl"},
            "params": {"$ip": {"get_attr": ["server", "first_address"]}, "$n": {"get_param": "n"}},
        }
    }
    result = run(value, parameters={"tpl": "ip=$ip n=$n", "n": 2})
    assert result == {
        "str_replace": {
            "template": "ip=$ip n=$n",
            "params": {"$ip": {"get_attr": ["server", "first_address"]}, "$n": 2},
        }
    }


def test_enclosing_functions_stay_too_while_siblings_are_computed() -> None:
    value = {
        "a": {"list_join": [",", [{"str_split": [",", {"get_resource": "r"}]}, "x"]]},
        "b": {"list_join": ["-", ["p", {"get_param": "n"}]]},
    }
    result = run(value, parameters={"n": "q"})
    assert result["a"] == value["a"]
    assert result["b"] == "p-q"


def test_the_same_template_evaluates_fully_with_a_resolver() -> None:
    value = {
        "str_replace": {
            "template": "ip=$ip",
            "params": {"$ip": {"get_attr": ["port", "fixed_ips", 0, "ip_address"]}},
        }
    }
    assert run(value) == value
    assert run(value, resources=FakeResources(SERVER)) == "ip=10.0.0.7"


def test_if_with_unknown_condition_value_stays() -> None:
    value = {"if": ["c", {"get_param": "a"}, 2]}
    assert run(value, parameters={"a": 1}, conditions={"c": UNRESOLVED}) == {"if": ["c", 1, 2]}


def test_conditions_over_unresolved_parameters_are_unresolved() -> None:
    scope = Scope(version=version("wallaby"), parameters={"env": UNRESOLVED})
    cond = {"equals": [{"get_param": "env"}, "prod"]}
    assert evaluate_condition(cond, scope) is UNRESOLVED
    scope = Scope(version=version("wallaby"), parameters={"env": "prod"})
    assert evaluate_condition(cond, scope) is True


def test_is_partial() -> None:
    v = version("wallaby")
    assert is_partial({"a": [{"get_attr": ["r", "x"]}]}, v)
    assert not is_partial({"a": [{"Fn::GetAtt": ["r", "x"]}]}, v)
    assert not is_partial({"a": 1, "b": [1, {"c": "get_attr"}]}, v)


def test_input_is_never_mutated_even_when_partial() -> None:
    value = {
        "a": {"str_replace": {"template": "$x", "params": {"$x": {"get_resource": "r"}}}},
        "b": [{"if": ["no", 1]}, {"get_param": "p"}],
    }
    snapshot = copy.deepcopy(value)
    result = evaluate(
        value, Scope(version=version("wallaby"), parameters={"p": 1}, conditions={"no": False})
    )
    assert value == snapshot
    assert result == {"a": value["a"], "b": [1]}
    assert result["a"] is not value["a"]


def test_static_resources_known_and_unknown() -> None:
    resources = StaticResources(
        names={"net", "server"},
        references={"net": "net-uuid"},
        attributes={"net": {"name": "private", "subnets": ["s1", "s2"], "show": {}}},
        schema={"server": {"first_address", "name"}},
    )
    value = {
        "net": {"get_resource": "net"},
        "subnet": {"get_attr": ["net", "subnets", 1]},
        "all": {"get_attr": ["net"]},
        "server": {"get_resource": "server"},
        "ip": {
            "str_replace": {
                "template": "ip=$ip",
                "params": {"$ip": {"get_attr": ["server", "first_address"]}},
            }
        },
    }
    result = run(value, resources=resources)
    assert result == {
        "net": "net-uuid",
        "subnet": "s2",
        "all": {"name": "private", "subnets": ["s1", "s2"]},
        "server": {"get_resource": "server"},
        "ip": value["ip"],
    }
    with pytest.raises(
        FunctionError, match=r"The Referenced Attribute \(server nope\) is incorrect"
    ):
        run({"get_attr": ["server", "nope"]}, resources=resources)
    with pytest.raises(FunctionError, match='"ghost" \\(in get_resource\\)'):
        run({"get_resource": "ghost"}, resources=resources)
