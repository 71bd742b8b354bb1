"""`heatctl translate` on CloudFormation templates, as a user runs it."""

from __future__ import annotations

import json
from pathlib import Path

from heatctl.dsl.loader import load_file, loads


def load_file_text(text: str) -> dict:
    document: dict = loads(text, "stdout")
    return document


WEB = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Parameters": {"KeyName": {"Type": "String"}},
    "Resources": {
        "Web": {
            "Type": "AWS::EC2::Instance",
            "Properties": {
                "ImageId": "cirros",
                "InstanceType": "m1.tiny",
                "KeyName": {"Ref": "KeyName"},
                "UserData": {"Fn::Base64": "#!/bin/sh\n"},
            },
        }
    },
    "Outputs": {"Ip": {"Value": {"Fn::GetAtt": ["Web", "PublicIp"]}}},
}


def write(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document, indent=2))
    return path


def test_translate_prints_hot_and_the_report(run_cli, tmp_path: Path) -> None:
    source = write(tmp_path / "web.template", WEB)
    result = run_cli("translate", str(source), "--report")
    assert result.exit_code == 0, result.output
    assert "type: OS::Nova::Server" in result.stdout
    assert load_file_text(result.stdout)["outputs"]["Ip"]["value"] == {
        "get_attr": ["Web", "first_address"]
    }
    # line 18, column 11 of the JSON file: the "Fn::Base64" key
    assert (
        f"{source}:18:11: approximate: Resources.Web.Properties.UserData.Fn::Base64"
        in result.stderr
    )
    assert "translation report: 1 approximate" in result.stderr


def test_strict_fails_on_an_approximation(run_cli, tmp_path: Path) -> None:
    source = write(tmp_path / "web.template", WEB)
    result = run_cli("translate", str(source), "--strict")
    assert result.exit_code == 3
    assert "Fn::Base64" in result.stderr


def test_invalid_template_gives_every_error_with_its_position(run_cli, tmp_path: Path) -> None:
    broken = {
        **WEB,
        "Outputs": {"A": {"Value": {"Ref": "KeyNme"}}, "B": {"Value": {"Fn::Sub": "x"}}},
    }
    source = write(tmp_path / "broken.template", broken)
    result = run_cli("translate", str(source))
    assert result.exit_code == 3
    assert f"{source}:" in result.stderr
    assert "'KeyNme' does not exist (did you mean 'KeyName'?)" in result.stderr
    assert "Heat has no Fn::Sub" in result.stderr
    assert "Traceback" not in result.output


def test_input_sets_a_parameter_default(run_cli, tmp_path: Path) -> None:
    source = write(tmp_path / "web.template", WEB)
    result = run_cli("translate", str(source), "--json", "-P", "KeyName=mykey")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["hot"]["parameters"]["KeyName"] == {"type": "string", "default": "mykey"}
    assert [e["kind"] for e in document["report"]] == ["approximate"]


def test_nested_stack_is_written_next_to_the_output(run_cli, tmp_path: Path) -> None:
    write(tmp_path / "web.template", WEB)
    parent = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Child": {
                "Type": "AWS::CloudFormation::Stack",
                "Properties": {"TemplateURL": "web.template", "Parameters": {"KeyName": "k"}},
            },
            "Escape": {
                "Type": "AWS::CloudFormation::Stack",
                "Properties": {"TemplateURL": "../web.template"},
            },
        },
    }
    source = write(tmp_path / "parent.template", parent)
    out = tmp_path / "out" / "parent.yaml"
    result = run_cli("translate", str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    main = load_file(out)
    assert main["resources"]["Child"]["properties"]["template"] == {"get_file": "web.hot.yaml"}
    assert main["resources"]["Escape"]["type"] == "AWS::CloudFormation::Stack"
    nested = load_file(tmp_path / "out" / "web.hot.yaml")
    assert nested["resources"]["Web"]["type"] == "OS::Nova::Server"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["parent.yaml", "web.hot.yaml"]
