"""find_references and check_functions: static analysis without evaluation."""

from __future__ import annotations

import pytest

from heatctl.dsl.functions import (
    FunctionError,
    Reference,
    Scope,
    check_functions,
    evaluate,
    find_references,
    function_names,
    is_partial,
)
from heatctl.dsl.versions import VERSIONS, VersionSpec
from tests.dsl.functions_support import version

WALLABY = version("wallaby")


def test_find_references_kinds_and_paths() -> None:
    value = {
        "props": {
            "image": {"get_param": ["cfg", "image"]},
            "port": {"get_resource": "port"},
            "ip": {"get_attr": ["server", "networks", "private", 0]},
            "all": {"get_attr": ["server"]},
            "data": {"get_file": "boot.sh"},
            "sel": {"if": ["is_prod", {"get_resource": "big"}, {"get_resource": "small"}]},
        }
    }
    refs = list(find_references(value, WALLABY))
    assert refs == [
        Reference("parameter", "cfg", ("props", "image"), attr_path=["image"]),
        Reference("resource", "port", ("props", "port")),
        Reference("attribute", "server", ("props", "ip"), "networks", ["private", 0]),
        Reference("attribute", "server", ("props", "all"), None, []),
        Reference("file", "boot.sh", ("props", "data")),
        Reference("condition", "is_prod", ("props", "sel", "if", 0)),
        Reference("resource", "big", ("props", "sel", "if", 1)),
        Reference("resource", "small", ("props", "sel", "if", 2)),
    ]


def test_references_nested_in_function_arguments() -> None:
    value = {"str_replace": {"template": "$a", "params": {"$a": {"get_attr": ["r", "x"]}}}}
    (ref,) = find_references(value, WALLABY)
    assert ref.path == ("str_replace", "params", "$a")


def test_references_respect_the_version() -> None:
    value = [{"Ref": "x"}, {"Fn::GetAtt": ["r", "a"]}]
    assert list(find_references(value, WALLABY)) == []
    aws = version("aws")
    refs = list(find_references(value, aws, parameter_names={"x"}))
    assert [(r.kind, r.name) for r in refs] == [("parameter", "x"), ("attribute", "r")]
    refs = list(find_references([{"Ref": "x"}, {"Ref": "AWS::Region"}], aws))
    assert [(r.kind, r.name) for r in refs] == [("resource", "x"), ("parameter", "AWS::Region")]


def test_condition_references_in_a_condition_context() -> None:
    cond = {"and": ["a", {"not": "b"}, {"equals": [{"get_param": "env"}, "prod"]}, True]}
    refs = [(r.kind, r.name, r.path) for r in find_references(cond, WALLABY, in_condition=True)]
    assert refs == [
        ("condition", "a", ("and", 0)),
        ("condition", "b", ("and", 1, "not")),
        ("parameter", "env", ("and", 2, "equals", 0)),
    ]
    # outside a condition, `and` is data and "a" is a plain string
    assert list(find_references(cond, WALLABY)) == [
        Reference("parameter", "env", ("and", 2, "equals", 0))
    ]


def test_check_functions_removed_and_shapes() -> None:
    value = {
        "a": {"Fn::Join": [",", []]},
        "b": {"get_attr": ["only"]},
        "c": {"str_replace": {"template": "x"}},
        "d": {"list_join": [","]},
        "e": {"repeat": {"template": "x", "for_each": {"%a%": []}, "permutations": "yes"}},
        "f": {"yaql": {"expression": "1 +"}},
        "g": {"if": ["c", 1]},
        "ok": {"str_split": [",", "a,b"]},
    }
    problems = dict(check_functions(value, version("2015-10-15")))
    # repeat L ignores `permutations`; yaql and if are plain data before newton
    assert set(problems) == {("a", "Fn::Join"), ("c", "str_replace"), ("d", "list_join")}
    assert (
        problems[("a", "Fn::Join")]
        == "The function Fn::Join is not supported in this version of HOT."
    )
    problems = dict(check_functions(value, version("2018-08-31")))
    assert problems[("a", "Fn::Join")].startswith("The function Fn::Join")
    assert ("b", "get_attr") not in problems  # one argument is fine from 2015-10-15
    assert problems[("c", "str_replace")].startswith('"str_replace" syntax should be')
    assert problems[("d", "list_join")].startswith('Incorrect arguments to "list_join"')
    assert problems[("e", "repeat")] == '"permutations" should be boolean type for repeat function.'
    assert problems[("f", "yaql")].startswith("Bad expression")
    assert problems[("g", "if")].startswith('Arguments to "if" must be of the form')
    assert ("ok", "str_split") not in problems
    assert ("g", "if") not in dict(check_functions(value, WALLABY))


def test_check_functions_make_url_literal_arguments() -> None:
    value = {"make_url": {"host": ["h"], "port": {"get_param": "port"}, "query": {"a": "b"}}}
    assert check_functions(value, WALLABY) == [
        (("make_url",), 'The "host" argument to "make_url" must be a string')
    ]
    assert check_functions({"make_url": {"port": 0}}, WALLABY) == [
        (("make_url",), "Invalid URL port 0, must be in range 1-65535")
    ]


def test_check_functions_in_conditions() -> None:
    cond = {
        "or": [
            {"get_attr": ["r", "a"]},
            {"equals": [{"digest": ["md5", "x"]}, "y"]},
            "known",
            "unknown",
        ]
    }
    problems = check_functions(cond, WALLABY, in_condition=True, condition_names={"known"})
    assert problems == [
        (("or", 0, "get_attr"), 'The function "get_attr" is invalid in this context'),
        (("or", 1, "equals", 0, "digest"), 'The function "digest" is invalid in this context'),
        (("or", 3), 'Invalid condition "unknown"'),
    ]


def test_check_functions_if_condition_argument() -> None:
    value = {"x": {"if": [{"get_resource": "r"}, 1, 2]}}
    assert check_functions(value, WALLABY) == [
        (("x", "if", 0, "get_resource"), 'The function "get_resource" is invalid in this context')
    ]
    assert check_functions({"if": ["nope", 1, 2]}, WALLABY, condition_names=set()) == [
        (("if", 0), 'Invalid condition "nope"')
    ]


def test_check_functions_accepts_calls_as_arguments() -> None:
    value = {"get_attr": {"get_param": "x"}}
    assert check_functions(value, WALLABY) == [
        (("get_attr",), 'Argument to "get_attr" must be a list')
    ]
    value = {"list_join": [",", {"get_param": "l"}]}
    assert check_functions(value, WALLABY) == []


def test_function_names() -> None:
    names = function_names(WALLABY)
    assert "get_param" in names and "Ref" not in names and "equals" not in names


ALL_NAMES = sorted(
    {n for s in VERSIONS.values() for n in (*s.functions, *s.removed, *s.condition_functions)}
)
ALL_SPECS = sorted({id(s): s for s in VERSIONS.values()}.values(), key=lambda s: s.label)


@pytest.mark.parametrize("spec", ALL_SPECS, ids=lambda s: s.label)
def test_the_plain_data_rule_for_every_version_and_name(spec: VersionSpec) -> None:
    scope = Scope(version=spec, parameters={"x": 1}, conditions={"x": True})
    for name in ALL_NAMES:
        value = {"key": {name: ["x", "x", "x"]}}
        if name in spec.functions:
            assert is_partial(value, spec)
        elif name in spec.removed:
            with pytest.raises(FunctionError, match=f"The function {name} is not supported"):
                evaluate(value, scope)
        else:
            # not a function here (condition functions included): the map is data
            assert not is_partial(value, spec)
            assert evaluate(value, scope) == value
