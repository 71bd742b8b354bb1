"""lint_functions: one-key maps that are plain data but look like calls."""

from __future__ import annotations

from heatctl.dsl.functions import lint_functions
from tests.dsl.functions_support import version


def test_hot_lint_messages_in_document_order() -> None:
    value = {
        "a": {"str_split": [",", "a"]},
        "b": {"get_parm": "x"},
        "c": {"equals": [1, 1]},
        "d": {"Fn::GetAtt": ["a", "b"]},
        "e": {"name": "x"},
        "f": {"get_param": {"get_atr": ["a"]}},
        "g": {"Ref": "x"},
    }
    assert lint_functions(value, version("2015-04-30")) == [
        (("a",), "'str_split' is not a function in heat_template_version: 2015-04-30 (it exists from 2015-10-15), so this map is plain data"),
        (("b",), "'get_parm' is not a function (did you mean 'get_param'?), so this map is plain data"),
        (("c",), "'equals' is a condition function, and heat_template_version: 2015-04-30 has no conditions, so this map is plain data"),
        (("d",), "'Fn::GetAtt' is a CloudFormation function, not one of HOT, so this map is plain data; use get_attr"),
        (("f", "get_param"), "'get_atr' is not a function (did you mean 'get_attr'?), so this map is plain data"),
    ]  # fmt: skip


def test_condition_functions_outside_and_inside_conditions() -> None:
    wallaby = version("wallaby")
    (problem,) = lint_functions({"props": {"not": True}}, wallaby)
    assert problem[1].startswith("'not' is a function only in a condition")
    assert lint_functions({"if": [{"equals": [1, 1]}, {"and": 1}, 2]}, wallaby) == [
        (("if", 1), lint_functions({"and": 1}, wallaby)[0][1])
    ]
    assert lint_functions({"and": ["a", {"not": "b"}]}, wallaby, in_condition=True) == []


def test_cfn_lint() -> None:
    aws = version("aws")
    assert lint_functions({"x": {"get_attr": ["a", "b"]}}, aws) == [
        (
            ("x",),
            "'get_attr' is a HOT function, not one of CloudFormation, so this map is plain data",
        )
    ]
    assert lint_functions({"x": {"Fn::Equals": [1, 1]}}, aws)[0][1].startswith(
        "'Fn::Equals' is a function only in a condition"
    )
    assert lint_functions({"x": {"Fn::If": ["c", 1, 2]}}, version("heatcfn")) == [
        (
            ("x",),
            "'Fn::If' is not a function in HeatTemplateFormatVersion: 2012-12-12"
            " (use AWSTemplateFormatVersion), so this map is plain data",
        )
    ]


def test_ordinary_maps_are_not_flagged() -> None:
    value = {
        "properties": {
            "name": "x",
            "networks": [{"network": "private"}],
            "metadata": {"role": "web"},
        }
    }
    assert lint_functions(value, version("wallaby")) == []
