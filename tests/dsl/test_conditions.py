"""Named conditions and `condition:` values, with Heat's rules."""

from __future__ import annotations

from typing import Any

import pytest

from heatctl.dsl.conditions import check_conditions, condition_value, resolve_conditions
from heatctl.dsl.functions import UNRESOLVED, FunctionError, Scope
from tests.dsl.functions_support import version


def scope(v: str = "wallaby", **params: Any) -> Scope:
    return Scope(version=version(v), parameters=params)


def resolve(section: Any, v: str = "wallaby", **params: Any) -> dict[str, Any]:
    return resolve_conditions(section, scope(v, **params), ("conditions",))


def failure(section: Any, v: str = "wallaby", **params: Any) -> FunctionError:
    with pytest.raises(FunctionError) as info:
        resolve(section, v, **params)
    return info.value


def test_conditions_refer_to_each_other_in_any_order() -> None:
    section = {
        "both": {"and": ["is_prod", {"not": "is_small"}]},
        "is_prod": {"equals": [{"get_param": "env"}, "prod"]},
        "is_small": {"equals": [{"get_param": "size"}, 1]},
        "always": True,
        "either": {"or": ["is_small", False]},
    }
    assert resolve(section, env="prod", size=2) == {
        "both": True,
        "is_prod": True,
        "is_small": False,
        "always": True,
        "either": False,
    }


def test_pike_adds_contains_and_yaql() -> None:
    section = {"has": {"contains": [{"get_param": "z"}, ["a", "b"]]}}
    assert resolve(section, "pike", z="a") == {"has": True}
    exc = failure(section, "ocata", z="a")
    assert exc.message.startswith('The definition of condition "has" is invalid')
    section = {"y": {"yaql": {"expression": "$.data.n > 1", "data": {"n": 2}}}}
    assert resolve(section, "pike") == {"y": True}


@pytest.mark.parametrize("definition", ["true", "other", 1, None, [True], {"a": 1, "b": 2}])
def test_a_definition_must_be_a_bool_or_a_condition_function(definition: Any) -> None:
    exc = failure({"c": definition, "other": True})
    assert exc.message.startswith('The definition of condition "c" is invalid')
    assert exc.path == ("conditions", "c")


def test_a_function_must_give_a_bool() -> None:
    exc = failure({"c": {"get_param": "env"}}, env="prod")
    assert exc.message == "The definition of condition \"c\" is invalid: 'prod'"
    assert resolve({"c": {"get_param": "flag"}}, flag=True) == {"c": True}


def test_other_functions_are_invalid_in_this_context() -> None:
    exc = failure({"c": {"equals": [{"get_attr": ["r", "a"]}, 1]}})
    assert exc.message == 'The function "get_attr" is invalid in this context'
    assert exc.path == ("conditions", "c", "equals", 0, "get_attr")
    exc = failure({"c": {"get_resource": "r"}})
    assert exc.message == 'The function "get_resource" is invalid in this context'


def test_unknown_condition_name() -> None:
    exc = failure({"c": {"not": "nope"}})
    assert exc.message == 'Invalid condition "nope"'
    assert exc.path == ("conditions", "c", "not")


def test_cycles_are_named() -> None:
    exc = failure({"a": {"not": "b"}, "b": {"and": [True, "c"]}, "c": {"or": ["a", False]}})
    assert exc.message == 'Circular definition for condition "a" (a -> b -> c -> a)'
    assert exc.path == ("conditions", "a")
    exc = failure({"self": {"not": "self"}})
    assert exc.message == 'Circular definition for condition "self" (self -> self)'


def test_errors_in_a_referenced_condition_point_at_it() -> None:
    exc = failure({"a": {"not": "b"}, "b": {"equals": [{"get_param": "missing"}, 1]}})
    assert exc.message == "The Parameter (missing) was not provided."
    assert exc.path == ("conditions", "b", "equals", 0, "get_param")


def test_and_or_arguments() -> None:
    assert (
        failure({"c": {"and": [True]}}).message
        == 'The minimum number of condition arguments to "and" is 2.'
    )
    assert failure({"c": {"or": "x"}}).message == 'Arguments to "or" must be a list of conditions'
    assert failure({"c": {"not": None}}).message == 'Argument to "not" must be a condition'
    # Heat short-circuits name lookups: an unknown name after a decisive value is not looked up
    assert resolve({"c": {"and": [False, "nope"]}}) == {"c": False}


def test_empty_and_bad_sections() -> None:
    assert resolve(None) == {}
    assert failure(["a"]).message == "Condition definitions must be a map. Found a list instead"


def test_unresolved_parameters_give_unresolved_conditions() -> None:
    section = {"p": {"equals": [{"get_param": "env"}, "prod"]}, "q": {"not": "p"}, "r": True}
    result = resolve(section, env=UNRESOLVED)
    assert result == {"p": UNRESOLVED, "q": UNRESOLVED, "r": True}


def test_cfn_conditions() -> None:
    section = {
        "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "NotProd": {"Fn::Not": ["IsProd"]},
        "Both": {"Fn::And": ["IsProd", {"Fn::Equals": [{"Fn::FindInMap": ["M", "a", "b"]}, 1]}]},
    }
    s = Scope(version=version("aws"), parameters={"Env": "prod"}, mappings={"M": {"a": {"b": 1}}})
    assert resolve_conditions(section, s) == {"IsProd": True, "NotProd": False, "Both": True}
    with pytest.raises(FunctionError, match="must be of the form: \\[condition\\]"):
        resolve_conditions({"c": {"Fn::Not": "IsProd"}, "IsProd": True}, s)
    with pytest.raises(FunctionError, match='The function "Fn::GetAtt" is invalid in this context'):
        resolve_conditions({"c": {"Fn::Equals": [{"Fn::GetAtt": ["r", "a"]}, 1]}}, s)


def test_condition_value_for_resources_and_outputs() -> None:
    s = Scope(
        version=version("wallaby"),
        parameters={"n": 3},
        conditions={"on": True, "off": False, "later": UNRESOLVED},
    )
    assert condition_value(None, s) is True
    assert condition_value("on", s) is True and condition_value("off", s) is False
    assert condition_value(False, s) is False
    assert condition_value("later", s) is UNRESOLVED
    assert condition_value({"equals": [{"get_param": "n"}, 3]}, s) is True
    assert condition_value({"not": "on"}, s) is False
    with pytest.raises(FunctionError, match='Invalid condition "nope"') as info:
        condition_value("nope", s, ("resources", "r", "condition"))
    assert info.value.path == ("resources", "r", "condition")
    with pytest.raises(FunctionError, match="not a list"):
        condition_value(["on"], s)


def test_check_conditions_lists_every_problem() -> None:
    section = {
        "bare": "true",
        "bad_fn": {"equals": [{"get_attr": ["r", "a"]}, 1]},
        "unknown": {"not": "nope"},
        "a": {"not": "b"},
        "b": {"not": "a"},
        "fine": {"equals": [{"get_param": "x"}, 1]},
    }
    problems = check_conditions(section, version("wallaby"))
    assert problems == [
        (("bare",), "The definition of condition \"bare\" is invalid: 'true'"),
        (("bad_fn", "equals", 0, "get_attr"), 'The function "get_attr" is invalid in this context'),
        (("unknown", "not"), 'Invalid condition "nope"'),
        (("a",), 'Circular definition for condition "a" (a -> b -> a)'),
    ]
    assert check_conditions(None, version("wallaby")) == []
    assert check_conditions([1], version("wallaby"))[0][1].startswith(
        "Condition definitions must be a map"
    )
