"""Parameter values coerced exactly as Heat does, and constraints checked."""

from __future__ import annotations

import pytest

from heatctl.dsl.constraints import ConstraintSyntaxError, make_constraint, violation
from heatctl.dsl.parameters import (
    MASK,
    ParameterDefinition,
    ParameterValueError,
    coerce,
    masked,
    parse_assignments,
    resolve_values,
)


@pytest.mark.parametrize(
    ("kind", "given", "expected"),
    [
        ("string", True, "True"),
        ("string", 5, "5"),
        ("number", "5", 5),
        ("number", "1.5", 1.5),
        ("number", 7, 7),
        ("boolean", "yes", True),
        ("boolean", "Off", False),
        ("boolean", " t ", True),
        ("boolean", 1, True),
        ("boolean", "0", False),
        ("comma_delimited_list", "a, b,c", ["a", " b", "c"]),
        ("comma_delimited_list", "", []),
        ("comma_delimited_list", [1, "x"], ["1", "x"]),
        ("json", '{"a": [1]}', {"a": [1]}),
        ("json", {"a": 1}, {"a": 1}),
        ("json", "", ""),
    ],
)
def test_coercion_matches_heat(kind, given, expected):
    assert coerce(kind, given) == expected


@pytest.mark.parametrize(
    ("kind", "given", "text"),
    [
        ("number", "ten", "must be a number"),
        ("boolean", "maybe", "unrecognized boolean"),
        ("comma_delimited_list", 5, "comma-delimited list"),
        ("json", "{not json", "valid JSON"),
    ],
)
def test_coercion_errors(kind, given, text):
    with pytest.raises(ParameterValueError, match=text):
        coerce(kind, given)


def test_allowed_pattern_must_match_whole_value():
    pattern = make_constraint("allowed_pattern", "[a-z]+")
    assert violation(pattern, "abc", "string") is None
    assert violation(pattern, "abc1", "string") == '"abc1" does not match pattern "[a-z]+"'


def test_constraint_messages_and_descriptions():
    assert violation(make_constraint("range", {"min": 1, "max": 3}), 5, "number") == (
        "5 is out of range (min: 1, max: 3)"
    )
    assert "length (2)" in violation(make_constraint("length", {"min": 3}), "ab", "string")
    described = make_constraint("length", {"min": 3}, "too short")
    assert violation(described, "ab", "string") == "too short"
    values = make_constraint("allowed_values", ["a", "b"])
    assert violation(values, ["a", "b"], "comma_delimited_list") is None
    assert violation(values, ["a", "c"], "comma_delimited_list") is not None
    assert violation(make_constraint("allowed_values", [1, 2]), 2.0, "number") is None
    modulo = make_constraint("modulo", {"step": 2, "offset": 1})
    assert violation(modulo, 3, "number") is None
    assert "is not a multiple of 2" in violation(modulo, 4, "number")


def test_hidden_values_never_in_messages():
    pattern = make_constraint("allowed_pattern", "[a-z]+")
    message = violation(pattern, "Secret123", "string", hidden=True)
    assert "Secret123" not in message and "******" in message


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        ("range", {"min": 5, "max": 1}),
        ("range", {"minimum": 1}),
        ("modulo", {"step": 0, "offset": 0}),
        ("modulo", {"step": 2, "offset": 3}),
        ("allowed_pattern", "("),
        ("allowed_values", "abc"),
    ],
)
def test_bad_constraint_syntax(kind, args):
    with pytest.raises(ConstraintSyntaxError):
        make_constraint(kind, args)


def test_local_custom_constraints():
    ip = make_constraint("custom_constraint", "ip_addr")
    assert violation(ip, "10.0.0.1", "string") is None
    assert violation(ip, "10.0.0.300", "string") is not None
    cidr = make_constraint("custom_constraint", "net_cidr")
    assert violation(cidr, "10.0.0.0/24", "string") is None
    assert violation(cidr, "10.0.0.0", "string") is not None
    # a service lookup cannot be checked without a cloud
    assert violation(make_constraint("custom_constraint", "glance.image"), "x", "string") is None


def _param(name, kind="string", **kwargs):
    return ParameterDefinition(name=name, type=kind, path=("parameters", name), **kwargs)


def test_precedence_given_over_defaults_over_template_default():
    defs = {
        "a": _param("a", default="t", has_default=True),
        "b": _param("b", default="t", has_default=True),
        "c": _param("c", "number", default=1, has_default=True),
    }
    values = resolve_values(defs, {"a": "given"}, {"a": "pd", "b": "pd"})
    assert values.values == {"a": "given", "b": "pd", "c": 1}
    assert not values.problems


def test_unknown_and_missing_parameters():
    defs = {"needed": _param("needed"), "flavor": _param("flavor")}
    values = resolve_values(defs, {"flavour": "x", "flavor": "m1"}, {"ignored": 1})
    messages = [m for _, m, _ in values.problems]
    assert "parameter 'flavour' is not defined in the template (did you mean 'flavor'?)" in messages
    assert "parameter 'needed' was not provided" in messages
    assert not any("ignored" in m for m in messages)
    relaxed = resolve_values(defs, {"flavor": "m1"}, require_all=False)
    assert relaxed.values == {"flavor": "m1"} and not relaxed.problems


def test_masked_and_assignments():
    defs = {"pw": _param("pw", hidden=True), "user": _param("user")}
    assert masked(defs, {"pw": "s3cret", "user": "me"}) == {"pw": MASK, "user": "me"}
    assert parse_assignments(["a=1", "b=x=y", "a=2"]) == {"a": "1,2", "b": "x=y"}
    with pytest.raises(ParameterValueError):
        parse_assignments(["novalue"])


def test_hidden_value_never_in_coercion_errors():
    defs = {"pin": _param("pin", "number", hidden=True)}
    problems = resolve_values(defs, {"pin": "12ab-secret"}).problems
    assert len(problems) == 1
    assert "12ab-secret" not in problems[0][1]
    assert "(******) is not a valid number" in problems[0][1]


def test_cfn_parameters_become_hot_definitions():
    from heatctl.dsl.diagnostics import Diagnostics
    from heatctl.dsl.loader import loads
    from heatctl.dsl.template import parse_template

    doc = loads(
        '{"AWSTemplateFormatVersion": "2010-09-09", "Parameters": {'
        '"Name": {"Type": "String", "MinLength": "2", "MaxLength": 8,'
        '         "AllowedPattern": "[a-z]+", "ConstraintDescription": "lower case, 2-8"},'
        '"Pw": {"Type": "String", "NoEcho": "true"},'
        '"Size": {"Type": "Number", "AllowedValues": ["1", "2"], "Default": "2"},'
        '"Zones": {"Type": "CommaDelimitedList", "Default": "a,b"}}}',
        "t.json",
    )
    diagnostics = Diagnostics()
    template = parse_template(doc, "t.json", diagnostics)
    assert template is not None and not diagnostics.items
    params = template.parameters
    assert params["Pw"].hidden and not params["Name"].hidden
    assert params["Size"].type == "number" and params["Zones"].type == "comma_delimited_list"
    kinds = {c.kind: c for c in params["Name"].constraints}
    assert kinds["length"].args == {"min": 2, "max": 8}
    assert kinds["length"].description == "lower case, 2-8"
    values = resolve_values(params, {"Name": "ABC", "Pw": "x"})
    assert [m for _, m, _ in values.problems] == ["parameter 'Name' is invalid: lower case, 2-8"]
    assert values.values["Zones"] == ["a", "b"] and values.values["Size"] == 2
