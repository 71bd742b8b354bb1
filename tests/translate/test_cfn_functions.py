"""CFN intrinsic functions, parameters, mappings, conditions and outputs -> HOT."""

from __future__ import annotations

import json
import textwrap
from typing import Any

import pytest

from heatctl.dsl.loader import loads
from heatctl.translate.base import Translation, TranslationError
from heatctl.translate.cfn import HOT_VERSION, translate_document
from heatctl.translate.cfn.functions import member_list_constant, select_constant

BASE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Parameters": {
        "Name": {"Type": "String", "Default": "web"},
        "Zones": {"Type": "CommaDelimitedList", "Default": "a,b"},
        "Index": {"Type": "Number", "Default": "1"},
        "Env": {"Type": "String", "Default": "prod"},
    },
    "Mappings": {
        "Sizes": {"prod": {"Flavor": "m1.large"}, "dev": {"Flavor": "m1.tiny"}},
    },
    "Conditions": {"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
    "Resources": {"Thing": {"Type": "OS::Heat::None"}},
}


def translate(document: dict[str, Any] | str, file: str = "t.template") -> Translation:
    """Translate a document given as a dict (serialised through the loader) or as text."""
    text = json.dumps(document, indent=1) if isinstance(document, dict) else document
    return translate_document(loads(textwrap.dedent(text), file), file)


def value_of(expression: Any, **sections: Any) -> tuple[Any, Translation]:
    """The HOT form of `expression` used as an output value, and the whole translation."""
    document = {**BASE, **sections, "Outputs": {"Out": {"Value": expression}}}
    result = translate(document)
    return result.hot["outputs"]["Out"]["value"], result


def errors_of(document: dict[str, Any]) -> list[str]:
    with pytest.raises(TranslationError) as caught:
        translate(document)
    return [d.format() for d in caught.value.diagnostics]


def messages(result: Translation, kind: str | None = None) -> list[str]:
    return [e.message for e in result.report if kind is None or e.kind == kind]


# -- Ref and pseudo parameters -----------------------------------------------------------


def test_ref_parameter_becomes_get_param() -> None:
    assert value_of({"Ref": "Name"})[0] == {"get_param": "Name"}


def test_ref_resource_becomes_get_resource() -> None:
    assert value_of({"Ref": "Thing"})[0] == {"get_resource": "Thing"}


def test_ref_stack_name_is_exact() -> None:
    value, result = value_of({"Ref": "AWS::StackName"})
    assert value == {"get_param": "OS::stack_name"}
    assert result.report == []


def test_ref_stack_id_is_reported_approximate() -> None:
    value, result = value_of({"Ref": "AWS::StackId"})
    assert value == {"get_param": "OS::stack_id"}
    assert any("ARN" in m for m in messages(result, "approximate"))


def test_ref_region_is_heats_constant_and_reported() -> None:
    value, result = value_of({"Ref": "AWS::Region"})
    assert value == "ap-southeast-1"
    [entry] = result.report
    assert entry.kind == "approximate" and entry.line is not None


def test_ref_unsupported_pseudo_parameter_is_an_error() -> None:
    [error] = errors_of({**BASE, "Outputs": {"O": {"Value": {"Ref": "AWS::AccountId"}}}})
    assert "pseudo parameter AWS::AccountId" in error


def test_ref_unknown_name_is_an_error_with_position_and_suggestion() -> None:
    [error] = errors_of({**BASE, "Outputs": {"O": {"Value": {"Ref": "Nme"}}}})
    assert error.startswith("t.template:")
    assert "'Nme' does not exist (did you mean 'Name'?)" in error


def test_every_error_is_collected_not_just_the_first() -> None:
    outputs = {"A": {"Value": {"Ref": "Nope1"}}, "B": {"Value": {"Fn::Sub": "x"}}}
    errors = errors_of({**BASE, "Outputs": outputs})
    assert len(errors) == 2
    assert "Fn::Sub" in errors[1]


# -- string and list functions -----------------------------------------------------------


def test_join_becomes_list_join() -> None:
    value, _ = value_of({"Fn::Join": [",", ["a", {"Ref": "Name"}]]})
    assert value == {"list_join": [",", ["a", {"get_param": "Name"}]]}


def test_join_with_wrong_arguments_is_an_error() -> None:
    [error] = errors_of({**BASE, "Outputs": {"O": {"Value": {"Fn::Join": ["a"]}}}})
    assert "Fn::Join takes a list of 2 arguments" in error


def test_split_becomes_str_split() -> None:
    assert value_of({"Fn::Split": [",", {"Ref": "Name"}]})[0] == {
        "str_split": [",", {"get_param": "Name"}]
    }


def test_replace_swaps_argument_order() -> None:
    value, _ = value_of({"Fn::Replace": [{"%x%": {"Ref": "Name"}}, "hello %x%"]})
    assert value == {
        "str_replace": {"template": "hello %x%", "params": {"%x%": {"get_param": "Name"}}}
    }


def test_base64_is_identity_and_reported() -> None:
    value, result = value_of({"Fn::Base64": {"Ref": "Name"}})
    assert value == {"get_param": "Name"}
    assert [e.kind for e in result.report] == ["approximate"]


def test_select_of_constants_is_folded_with_heats_rules() -> None:
    assert value_of({"Fn::Select": ["1", ["a", "b"]]})[0] == "b"
    assert value_of({"Fn::Select": ["5", ["a", "b"]]})[0] == ""
    assert value_of({"Fn::Select": ["k", {"k": "v"}]})[0] == "v"
    assert select_constant("0", '["x"]') == "x"
    assert select_constant(0, "") == ""


def test_select_on_a_list_parameter_uses_the_get_param_path() -> None:
    value, _ = value_of({"Fn::Select": ["1", {"Ref": "Zones"}]})
    assert value == {"get_param": ["Zones", 1]}


def test_select_on_split_uses_str_split_index_and_reports() -> None:
    value, result = value_of({"Fn::Select": [0, {"Fn::Split": [",", {"Ref": "Name"}]}]})
    assert value == {"str_split": [",", {"get_param": "Name"}, 0]}
    assert any("out of range" in m for m in messages(result, "approximate"))


def test_select_with_dynamic_index_becomes_yaql() -> None:
    value, _ = value_of({"Fn::Select": [{"Ref": "Index"}, ["a", "b"]]})
    assert value == {
        "yaql": {
            "expression": "$.data.list.skip(int($.data.index)).first('')",
            "data": {"list": ["a", "b"], "index": {"get_param": "Index"}},
        }
    }
    keyed, _ = value_of({"Fn::Select": [{"Ref": "Name"}, {"web": 1}]})
    assert keyed["yaql"]["expression"] == "$.data.map.get($.data.key, '')"


def test_get_azs_becomes_a_generated_list_parameter() -> None:
    value, result = value_of({"Fn::Select": ["0", {"Fn::GetAZs": ""}]})
    assert value == {"get_param": ["availability_zones", 0]}
    assert result.hot["parameters"]["availability_zones"] == {
        "type": "comma_delimited_list",
        "default": "nova",
        "description": "Availability zones (Fn::GetAZs in the CloudFormation source)",
    }


def test_generated_parameter_name_avoids_a_clash() -> None:
    parameters = {**BASE["Parameters"], "availability_zones": {"Type": "String"}}
    value, result = value_of({"Fn::GetAZs": ""}, Parameters=parameters)
    assert value == {"get_param": "availability_zones_2"}
    assert "availability_zones_2" in result.hot["parameters"]


def test_member_list_to_map_folds_constants_like_heat() -> None:
    members = [".member.0.Name=a", ".member.0.Value=1", ".member.1.Name=b", "junk=3"]
    assert member_list_constant("Name", "Value", members) == {"a": "1"}
    value, _ = value_of({"Fn::MemberListToMap": ["Name", "Value", members]})
    assert value == {"a": "1"}


def test_member_list_to_map_of_a_parameter_becomes_yaql() -> None:
    value, result = value_of({"Fn::MemberListToMap": ["Name", "Value", {"Ref": "Zones"}]})
    assert value["yaql"]["data"] == {
        "key": "Name",
        "value": "Value",
        "members": {"get_param": "Zones"},
    }
    assert messages(result, "info") == ["Fn::MemberListToMap became a yaql expression"]


def test_resource_facade() -> None:
    assert value_of({"Fn::ResourceFacade": "DeletionPolicy"})[0] == {
        "resource_facade": "deletion_policy"
    }
    [error] = errors_of({**BASE, "Outputs": {"O": {"Value": {"Fn::ResourceFacade": "X"}}}})
    assert "Metadata, DeletionPolicy, UpdatePolicy" in error


def test_get_att_of_os_resource_keeps_the_attribute() -> None:
    resources = {"R": {"Type": "OS::Heat::RandomString"}}
    value, _ = value_of({"Fn::GetAtt": ["R", "value"]}, Resources=resources)
    assert value == {"get_attr": ["R", "value"]}


def test_get_att_of_unknown_resource_is_an_error() -> None:
    [error] = errors_of({**BASE, "Outputs": {"O": {"Value": {"Fn::GetAtt": ["Thng", "x"]}}}})
    assert "resource 'Thng' does not exist (did you mean 'Thing'?)" in error


# -- mappings ----------------------------------------------------------------------------


def test_find_in_map_with_constant_keys_is_the_value() -> None:
    value, result = value_of({"Fn::FindInMap": ["Sizes", "dev", "Flavor"]})
    assert value == "m1.tiny"
    assert "Sizes" not in result.hot["parameters"]


def test_find_in_map_with_parameter_key_reads_a_json_parameter() -> None:
    value, result = value_of({"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Flavor"]})
    assert value == {"get_param": ["Sizes", {"get_param": "Env"}, "Flavor"]}
    assert result.hot["parameters"]["Sizes"] == {
        "type": "json",
        "default": {"prod": {"Flavor": "m1.large"}, "dev": {"Flavor": "m1.tiny"}},
        "description": "Mappings.Sizes of the CloudFormation source",
    }
    [note] = result.report
    assert note.construct == "Mappings.Sizes" and note.line is not None


def test_find_in_map_missing_key_or_map_is_an_error() -> None:
    outputs = {
        "A": {"Value": {"Fn::FindInMap": ["Sizes", "qa", "Flavor"]}},
        "B": {"Value": {"Fn::FindInMap": ["Size", "dev", "Flavor"]}},
    }
    errors = errors_of({**BASE, "Outputs": outputs})
    assert "mapping 'Sizes' has no key 'qa'" in errors[0]
    assert "mapping 'Size' does not exist (did you mean 'Sizes'?)" in errors[1]


# -- conditions --------------------------------------------------------------------------


def test_conditions_section_and_boolean_functions() -> None:
    conditions = {
        "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
        "NotProd": {"Fn::Not": [{"Condition": "IsProd"}]},
        "Both": {"Fn::And": ["IsProd", {"Fn::Equals": ["a", "a"]}]},
        "Either": {"Fn::Or": [{"Condition": "IsProd"}, "NotProd"]},
        "Mapped": {"Fn::Equals": [{"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Flavor"]}, "x"]},
    }
    result = translate({**BASE, "Conditions": conditions})
    assert result.hot["conditions"] == {
        "IsProd": {"equals": [{"get_param": "Env"}, "prod"]},
        "NotProd": {"not": "IsProd"},
        "Both": {"and": ["IsProd", {"equals": ["a", "a"]}]},
        "Either": {"or": ["IsProd", "NotProd"]},
        "Mapped": {"equals": [{"get_param": ["Sizes", {"get_param": "Env"}, "Flavor"]}, "x"]},
    }
    assert result.hot["heat_template_version"] == HOT_VERSION == "2016-10-14"


def test_condition_errors() -> None:
    conditions = {
        "A": {"Fn::Equals": [{"Ref": "Thing"}, "x"]},  # resources are not allowed here
        "B": {"Fn::And": ["A"]},
        "C": {"Fn::Not": ["Nope"]},
        "D": {"Fn::GetAtt": ["Thing", "x"]},
        "E": {"Fn::Equals": [{"Fn::Join": ["", ["a"]]}, "a"]},
    }
    errors = errors_of({**BASE, "Conditions": conditions})
    assert "parameter 'Thing' does not exist" in errors[0]
    assert "at least 2 conditions" in errors[1]
    assert "condition 'Nope' does not exist" in errors[2]
    assert "a condition must be" in errors[3]
    assert "Fn::Join is not allowed in a condition" in errors[4]


def test_fn_if_and_resource_and_output_conditions() -> None:
    resources = {"Thing": {"Type": "OS::Heat::None", "Condition": "IsProd"}}
    outputs = {
        "Out": {
            "Value": {"Fn::If": ["IsProd", {"Ref": "Name"}, "none"]},
            "Condition": "IsProd",
            "Description": "d",
        }
    }
    result = translate({**BASE, "Resources": resources, "Outputs": outputs})
    assert result.hot["resources"]["Thing"] == {"type": "OS::Heat::None", "condition": "IsProd"}
    assert result.hot["outputs"]["Out"] == {
        "description": "d",
        "value": {"if": ["IsProd", {"get_param": "Name"}, "none"]},
        "condition": "IsProd",
    }


def test_fn_if_with_unknown_condition_is_an_error() -> None:
    [error] = errors_of({**BASE, "Outputs": {"O": {"Value": {"Fn::If": ["Nope", 1, 2]}}}})
    assert "condition 'Nope' does not exist" in error


# -- parameters --------------------------------------------------------------------------


def test_parameter_types_and_constraints() -> None:
    parameters = {
        "Size": {
            "Type": "Number",
            "Default": "10",
            "MinValue": "1",
            "MaxValue": 100,
            "ConstraintDescription": "1 to 100",
            "Description": "size",
        },
        "Password": {
            "Type": "String",
            "NoEcho": "true",
            "MinLength": "8",
            "MaxLength": "41",
            "AllowedPattern": "[a-zA-Z0-9]*",
            "Label": "pw",
        },
        "Flavor": {"Type": "String", "AllowedValues": ["m1.small", "m1.large"]},
        "Names": {"Type": "CommaDelimitedList", "Default": "a,b"},
        "Blob": {"Type": "Json"},
        "Flag": {"Type": "Boolean", "NoEcho": False},
    }
    result = translate({**BASE, "Conditions": {}, "Parameters": parameters})
    assert result.hot["parameters"] == {
        "Size": {
            "type": "number",
            "description": "size",
            "default": 10,
            "constraints": [{"range": {"min": 1, "max": 100}, "description": "1 to 100"}],
        },
        "Password": {
            "type": "string",
            "label": "pw",
            "hidden": True,
            "constraints": [
                {"allowed_pattern": "[a-zA-Z0-9]*"},
                {"length": {"min": 8, "max": 41}},
            ],
        },
        "Flavor": {"type": "string", "constraints": [{"allowed_values": ["m1.small", "m1.large"]}]},
        "Names": {"type": "comma_delimited_list", "default": "a,b"},
        "Blob": {"type": "json"},
        "Flag": {"type": "boolean"},
    }
    assert result.report == []


def test_aws_specific_and_list_parameter_types() -> None:
    parameters = {
        "Key": {"Type": "AWS::EC2::KeyPair::KeyName"},
        "Ports": {"Type": "List<Number>"},
        "Zone": {"Type": "AWS::EC2::AvailabilityZone::Name"},
    }
    result = translate({**BASE, "Conditions": {}, "Parameters": parameters})
    assert result.hot["parameters"] == {
        "Key": {"type": "string", "constraints": [{"custom_constraint": "nova.keypair"}]},
        "Ports": {"type": "comma_delimited_list"},
        "Zone": {"type": "string"},
    }
    assert [e.kind for e in result.report] == ["approximate"] * 3
    assert [e.construct for e in result.report] == [
        "Parameters.Key.Type",
        "Parameters.Ports.Type",
        "Parameters.Zone.Type",
    ]


def test_bad_parameters_are_errors() -> None:
    parameters = {"A": {"Type": "Strin"}, "B": {"Type": "String", "Bogus": 1}}
    errors = errors_of({**BASE, "Conditions": {}, "Parameters": parameters})
    assert "unknown parameter type 'Strin'" in errors[0]
    assert "unknown parameter key 'Bogus'" in errors[1]


# -- sections, positions, determinism ----------------------------------------------------


def test_report_positions_point_at_the_construct_in_yaml() -> None:
    text = """\
        HeatTemplateFormatVersion: '2012-12-12'
        Resources:
          R:
            Type: OS::Heat::None
        Outputs:
          O:
            Value:
              Fn::Base64: hello
        Transform: Something
    """
    result = translate(text, "src.yaml")
    assert [e.format() for e in result.report] == [
        "src.yaml:8:7: approximate: Outputs.O.Value.Fn::Base64: Fn::Base64 was dropped:"
        " Heat's Fn::Base64 returns its input unchanged (no encoding), and so does the"
        " translation",
        "src.yaml:9:1: untranslated: Transform: the Transform section has no HOT"
        " equivalent; dropped",
    ]
    assert result.hot == {
        "heat_template_version": "2016-10-14",
        "resources": {"R": {"type": "OS::Heat::None"}},
        "outputs": {"O": {"value": "hello"}},
    }


def test_description_and_section_order() -> None:
    result = translate({**BASE, "Description": "demo", "Outputs": {"O": {"Value": 1}}})
    assert list(result.hot) == [
        "heat_template_version",
        "description",
        "parameters",
        "conditions",
        "resources",
        "outputs",
    ]
    assert result.source_format == "cfn"


def test_output_export_is_reported() -> None:
    outputs = {"O": {"Value": 1, "Export": {"Name": "x"}}}
    result = translate({**BASE, "Outputs": outputs})
    assert messages(result, "untranslated") == ["Export has no HOT equivalent; dropped"]


# -- the yaql expressions, evaluated by yaql itself (Heat's yaql function) ----------------


def run_yaql(expression: str, data: Any) -> Any:
    yaql = pytest.importorskip("yaql")
    import collections.abc  # noqa: F401  yaql 3 uses collections.abc without importing it

    engine = yaql.YaqlFactory().create()
    return engine(expression).evaluate({"data": data}, yaql.create_context())


def test_select_yaql_matches_fn_select() -> None:
    value, _ = value_of({"Fn::Select": [{"Ref": "Index"}, ["a", "b"]]})
    expression = value["yaql"]["expression"]
    assert run_yaql(expression, {"list": ["a", "b"], "index": "1"}) == "b"
    assert run_yaql(expression, {"list": ["a", "b"], "index": 7}) == ""
    keyed, _ = value_of({"Fn::Select": [{"Ref": "Name"}, {"web": 1}]})
    assert run_yaql(keyed["yaql"]["expression"], {"map": {"web": 1}, "key": "web"}) == 1
    assert run_yaql(keyed["yaql"]["expression"], {"map": {"web": 1}, "key": "db"}) == ""


def test_member_list_to_map_yaql_matches_the_constant_folding() -> None:
    members = [
        ".member.0.Name=a",
        ".member.0.Value=1",
        ".member.1.Name=b",
        "x.member.2.Name=c",
        "x.member.2.Value=3",
        ".member.3.Value=v=w",
        ".member.3.Name=d",
    ]
    value, _ = value_of({"Fn::MemberListToMap": ["Name", "Value", {"Ref": "Zones"}]})
    result = run_yaql(value["yaql"]["expression"], {**value["yaql"]["data"], "members": members})
    assert dict(result) == member_list_constant("Name", "Value", members) == {"a": "1", "d": "v=w"}


def test_first_port_yaql() -> None:
    from heatctl.translate.cfn.properties import FIRST_PORT

    addresses = {"private": [{"addr": "10.0.0.3", "port": "p1"}, {"addr": "fd00::3", "port": "p1"}]}
    assert run_yaql(FIRST_PORT, {"addresses": addresses}) == "p1"
