"""`template resolve`: parameters, conditions and pure functions resolved; references kept."""

from __future__ import annotations

from pathlib import Path

import yaml

from heatctl.dsl.resolve import dump, resolve_file

CONDITIONAL = """\
heat_template_version: 2016-10-14
parameters:
  env: {type: string, default: dev, constraints: [{allowed_values: [dev, prod]}]}
  size: {type: number, default: 2}
conditions:
  is_prod: {equals: [{get_param: env}, prod]}
  not_prod: {not: is_prod}
resources:
  always:
    type: OS::Heat::RandomString
    properties:
      length: {if: [is_prod, 32, 8]}
  prod_only:
    type: OS::Heat::RandomString
    condition: is_prod
  dev_only:
    type: OS::Heat::RandomString
    condition: not_prod
    depends_on: [always, prod_only]
    properties:
      salt: {list_join: ['-', [{get_param: env}, {get_attr: [always, value]}]]}
outputs:
  prod_value:
    condition: is_prod
    value: {get_attr: [prod_only, value]}
  size:
    value: {str_replace: {template: N items, params: {N: {get_param: size}}}}
"""


def resolve_text(tmp_path: Path, text: str, **kwargs):
    path = tmp_path / "t.yaml"
    path.write_text(text)
    return resolve_file(path, **kwargs)


def test_false_conditions_remove_resources_outputs_and_depends_on(tmp_path):
    result = resolve_text(tmp_path, CONDITIONAL)
    assert result.ok, result.diagnostics
    doc = result.document
    assert list(doc["resources"]) == ["always", "dev_only"]
    assert doc["resources"]["always"]["properties"]["length"] == 8
    dev = doc["resources"]["dev_only"]
    assert "condition" not in dev
    assert dev["depends_on"] == "always"
    assert dev["properties"]["salt"] == {
        "list_join": ["-", ["dev", {"get_attr": ["always", "value"]}]]
    }
    assert list(doc["outputs"]) == ["size"]
    assert doc["outputs"]["size"]["value"] == "2 items"
    assert "conditions" not in doc


def test_parameters_change_the_resolution(tmp_path):
    result = resolve_text(tmp_path, CONDITIONAL, parameters={"env": "prod", "size": "5"})
    doc = result.document
    assert list(doc["resources"]) == ["always", "prod_only"]
    assert doc["resources"]["always"]["properties"]["length"] == 32
    assert doc["outputs"]["prod_value"]["value"] == {"get_attr": ["prod_only", "value"]}
    assert doc["parameters"]["size"]["default"] == 5


def test_invalid_parameter_value_is_reported_not_resolved(tmp_path):
    result = resolve_text(tmp_path, CONDITIONAL, parameters={"env": "staging"})
    assert not result.ok and result.document is None
    assert any('"staging" is not an allowed value' in d.message for d in result.diagnostics)


def test_cfn_template_keeps_its_structure(tmp_path):
    text = """\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Size: {Type: Number, Default: '10'}
  DbPassword: {Type: String, NoEcho: 'true', Default: sup3rsecret}
Mappings:
  Sizes: {small: {GB: '1'}, large: {GB: '100'}}
Conditions:
  Big: {'Fn::Equals': [{Ref: Size}, '100']}
Resources:
  Vol:
    Type: AWS::EC2::Volume
    Properties:
      Size: {'Fn::FindInMap': [Sizes, large, GB]}
      AvailabilityZone: {'Fn::Select': [0, {'Fn::GetAZs': ''}]}
  Extra:
    Type: AWS::EC2::Volume
    Condition: Big
    Properties: {Size: {Ref: Size}, AvailabilityZone: nova}
Outputs:
  Id: {Value: {Ref: Vol}}
  Pw: {Value: {'Fn::Join': ['', [pw=, {Ref: DbPassword}]]}}
"""
    result = resolve_text(tmp_path, text)
    assert result.ok, result.diagnostics
    doc = result.document
    assert list(doc) == [
        "AWSTemplateFormatVersion",
        "Parameters",
        "Mappings",
        "Resources",
        "Outputs",
    ]
    assert doc["Resources"]["Vol"]["Properties"] == {"Size": "100", "AvailabilityZone": "nova"}
    assert "Extra" not in doc["Resources"]
    assert doc["Outputs"]["Id"]["Value"] == {"Ref": "Vol"}
    text_out = dump(doc) + dump(doc, "json")
    assert "sup3rsecret" not in text_out
    assert doc["Parameters"]["DbPassword"]["Default"] == "******"
    assert doc["Outputs"]["Pw"]["Value"] == "pw=******"


def test_dump_yaml_uses_literal_blocks():
    text = dump({"a": "line1\nline2\n", "b": [1, {"c": None}]})
    assert "a: |" in text
    assert yaml.safe_load(text) == {"a": "line1\nline2\n", "b": [1, {"c": None}]}


def test_hidden_values_of_other_types_stay_as_written(tmp_path):
    text = (
        "heat_template_version: 2016-10-14\n"
        "parameters:\n  pin: {type: number, hidden: true, default: 1234}\n"
        "  pw: {type: string, hidden: true}\n"
        "resources:\n  r:\n    type: OS::Heat::Value\n"
        "    properties:\n      value: {list_join: [':', [{get_param: pw}, x]]}\n"
        "outputs:\n  p: {value: {get_param: pin}}\n  q: {value: {get_param: pw}}\n"
    )
    result = resolve_text(tmp_path, text, parameters={"pw": "s3cr3t-pw"})
    assert result.ok, result.diagnostics
    doc = result.document
    assert doc["outputs"]["p"]["value"] == {"get_param": "pin"}
    assert doc["outputs"]["q"]["value"] == "******"
    assert doc["resources"]["r"]["properties"]["value"] == "******:x"
    assert "1234" not in dump(doc) and "s3cr3t-pw" not in dump(doc)


def test_references_to_resources_left_out_by_their_condition(tmp_path):
    from heatctl.dsl.validate import validate_file

    path = tmp_path / "t.yaml"
    path.write_text(
        CONDITIONAL.replace(
            "      length: {if: [is_prod, 32, 8]}",
            "      length: {if: [is_prod, 32, 8]}\n      salt: {get_resource: prod_only}",
        )
    )
    messages = [(d.line, d.message) for d in validate_file(path).diagnostics]
    assert messages == [
        (
            13,
            "get_resource refers to 'prod_only', which its condition 'is_prod' leaves out"
            " of the stack (guard the reference with the same condition, e.g. with if)",
        ),
    ]
    # guarded by the same condition: fine; and in prod the resource exists
    path.write_text(
        CONDITIONAL.replace(
            "      length: {if: [is_prod, 32, 8]}",
            "      length: {if: [is_prod, 32, 8]}\n"
            "      salt: {if: [is_prod, {get_resource: prod_only}, none]}",
        )
    )
    assert validate_file(path).valid
    assert resolve_file(path).document["resources"]["always"]["properties"]["salt"] == "none"
