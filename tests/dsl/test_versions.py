"""Template versions as data: lookup, errors, and what each version allows."""

from __future__ import annotations

import datetime

import pytest

from heatctl.dsl.versions import (
    CFN_KEY,
    HEAT_CFN_KEY,
    HOT_KEY,
    VERSIONS,
    InvalidVersion,
    get_version,
    hot_versions,
    lookup_version,
)
from heatctl.errors import ExitCode

ALIASES = {
    "newton": "2016-10-14",
    "ocata": "2017-02-24",
    "pike": "2017-09-01",
    "queens": "2018-03-02",
    "rocky": "2018-08-31",
    "wallaby": "2021-04-16",
}
DATES = [
    "2013-05-23",
    "2014-10-16",
    "2015-04-30",
    "2015-10-15",
    "2016-04-08",
    "2016-10-14",
    "2017-02-24",
    "2017-09-01",
    "2018-03-02",
    "2018-08-31",
    "2021-04-16",
]


def hot(name: str):  # type: ignore[no-untyped-def]
    return get_version(HOT_KEY, name)


def test_every_heat_version_key_is_accepted() -> None:
    assert [v.name for v in hot_versions()] == DATES
    assert {k for k, _ in VERSIONS} == {HOT_KEY, CFN_KEY, HEAT_CFN_KEY}
    assert len(VERSIONS) == len(DATES) + len(ALIASES) + 2


@pytest.mark.parametrize(("alias", "date"), ALIASES.items())
def test_release_aliases_are_the_same_spec(alias: str, date: str) -> None:
    assert lookup_version({HOT_KEY: alias}) is lookup_version({HOT_KEY: date})
    assert hot(date).release == alias


def test_a_date_object_is_accepted() -> None:
    assert lookup_version({HOT_KEY: datetime.date(2016, 10, 14)}).name == "2016-10-14"


def test_cfn_formats() -> None:
    aws = lookup_version({CFN_KEY: "2010-09-09", "Resources": {}})
    heat = lookup_version({HEAT_CFN_KEY: "2012-12-12"})
    assert aws.format == heat.format == "cfn"
    assert "Fn::If" in aws.functions and "Fn::If" not in heat.functions
    assert aws.conditions_section == "Conditions" and heat.conditions_section is None
    assert "Conditions" in aws.sections and "Conditions" not in heat.sections
    assert "Condition" in aws.resource_keys and "Condition" not in heat.resource_keys
    assert aws.condition_functions["Ref"] == "P"
    assert aws.pseudo_parameters == ("AWS::StackName", "AWS::StackId", "AWS::Region")


def test_unknown_version_lists_valid_ones_and_suggests() -> None:
    with pytest.raises(InvalidVersion) as info:
        lookup_version({HOT_KEY: "2016-10-15"})
    message = str(info.value)
    assert "did you mean '2016-10-14'" in message
    assert "2013-05-23" in message and "wallaby" in message
    assert info.value.exit_code == ExitCode.INVALID
    assert info.value.path == (HOT_KEY,)


def test_misspelt_alias_is_suggested() -> None:
    with pytest.raises(InvalidVersion, match="did you mean 'wallaby'"):
        lookup_version({HOT_KEY: "walaby"})


def test_cfn_unknown_value() -> None:
    with pytest.raises(InvalidVersion, match='"AWSTemplateFormatVersion" should be: 2010-09-09'):
        lookup_version({CFN_KEY: "2010-09-10"})


def test_missing_and_ambiguous_versions() -> None:
    with pytest.raises(InvalidVersion, match="was not provided"):
        lookup_version({"resources": {}})
    with pytest.raises(InvalidVersion, match="found 'heat_template_versoin'"):
        lookup_version({"heat_template_versoin": "2013-05-23"})
    with pytest.raises(InvalidVersion, match="ambiguous"):
        lookup_version({HOT_KEY: "2013-05-23", CFN_KEY: "2010-09-09"})
    with pytest.raises(InvalidVersion):
        lookup_version({HOT_KEY: 20130523})


def test_functions_are_added_version_by_version() -> None:
    assert "repeat" not in hot("2014-10-16").functions
    assert hot("2015-04-30").functions["repeat"] == "L"
    assert "str_split" not in hot("2015-04-30").functions
    assert "map_merge" in hot("2016-04-08").functions
    assert {"yaql", "map_replace", "if"} <= set(hot("newton").functions)
    assert {"filter", "str_replace_strict"} <= set(hot("ocata").functions)
    pike = {"make_url", "list_concat", "list_concat_unique", "str_replace_vstrict", "contains"}
    assert pike <= set(hot("pike").functions)
    assert not pike & set(hot("ocata").functions)


def test_removed_functions() -> None:
    assert hot("2013-05-23").removed == frozenset()
    assert "Ref" in hot("2014-10-16").removed and "Fn::Select" not in hot("2014-10-16").removed
    assert hot("2014-10-16").functions["Fn::Select"] == ""
    assert "Fn::Select" in hot("2015-10-15").removed
    assert "Fn::Select" not in hot("2015-10-15").functions
    for spec in hot_versions():
        assert not spec.removed & set(spec.functions)
        assert "Fn::GetAtt" not in spec.functions and "Fn::GetAtt" not in spec.removed


def test_rocky_is_identical_to_queens() -> None:
    queens, rocky = hot("queens"), hot("rocky")
    assert dict(queens.functions) == dict(rocky.functions)
    assert queens.removed == rocky.removed
    assert queens.parameter_keys == rocky.parameter_keys
    assert dict(queens.condition_functions) == dict(rocky.condition_functions)


def test_condition_functions() -> None:
    assert dict(hot("2016-04-08").condition_functions) == {}
    assert set(hot("newton").condition_functions) == {"get_param", "equals", "not", "and", "or"}
    assert set(hot("ocata").condition_functions) == {"get_param", "equals", "not", "and", "or"}
    assert set(hot("pike").condition_functions) == {
        "get_param",
        "equals",
        "not",
        "and",
        "or",
        "yaql",
        "contains",
    }


def test_sections_and_keys_per_version() -> None:
    old, newton = hot("2016-04-08"), hot("2016-10-14")
    assert "conditions" not in old.sections and "conditions" in newton.sections
    assert not old.has_conditions and newton.has_conditions
    assert not old.has_external_id and newton.has_external_id
    assert "condition" in newton.output_keys and "condition" not in old.output_keys
    assert "delete" in newton.deletion_policies and "delete" not in old.deletion_policies
    assert (
        "modulo" not in newton.constraint_kinds and "modulo" in hot("2017-02-24").constraint_kinds
    )
    assert "tags" not in hot("pike").parameter_keys and "tags" in hot("queens").parameter_keys


def test_specs_are_immutable() -> None:
    spec = hot("wallaby")
    with pytest.raises(TypeError):
        spec.functions["x"] = "y"  # type: ignore[index]
    assert spec.variant("if") == "2/3" and spec.variant("Ref") is None
    assert repr(spec) == "<VersionSpec heat_template_version: 2021-04-16>"
