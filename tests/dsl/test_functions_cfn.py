"""CloudFormation functions (AWS 2010-09-09, Heat CFN 2012-12-12, and HOT 2013-05-23),
with Heat 27's semantics (/work/shared/reference/heat.md, section c)."""

from __future__ import annotations

from typing import Any

import pytest

from heatctl.dsl.functions import FunctionError
from tests.dsl.functions_support import SERVER, FakeResources
from tests.dsl.functions_support import run as run_in


def run(value: Any, v: str = "aws", **scope: Any) -> Any:
    return run_in(value, v, **scope)


CFN = ["aws", "heatcfn"]
MAPPINGS = {"RegionMap": {"us-east-1": {"AMI": "ami-1"}, "eu": {"AMI": "ami-2"}}}


def error(value: Any, v: str = "aws", **scope: Any) -> FunctionError:
    with pytest.raises(FunctionError) as info:
        run(value, v, **scope)
    return info.value


@pytest.mark.parametrize("v", [*CFN, "2013-05-23"])
def test_ref_prefers_a_resource_then_a_parameter(v: str) -> None:
    resources = FakeResources(SERVER)
    params = {"KeyName": "k", "server": "shadowed"}
    value = [{"Ref": "server"}, {"Ref": "KeyName"}]
    assert run(value, v, parameters=params, resources=resources) == ["5f0c-server", "k"]


def test_ref_unknown_name() -> None:
    exc = error({"Ref": "Nope"}, resources=FakeResources(SERVER))
    assert exc.message == 'The specified reference "Nope" (in unknown) is incorrect.'


def test_ref_without_resolver_keeps_unknown_names_and_evaluates_parameters() -> None:
    value = [{"Ref": "server"}, {"Ref": "KeyName"}]
    assert run(value, parameters={"KeyName": "k"}) == [{"Ref": "server"}, "k"]


def test_cfn_pseudo_parameters() -> None:
    scope = {"stack_name": "s", "stack_id": "id-1", "project_id": "t1"}
    value = [{"Ref": "AWS::StackName"}, {"Ref": "AWS::StackId"}, {"Ref": "AWS::Region"}]
    assert run(value, **scope) == ["s", "arn:openstack:heat::t1:stacks/s/id-1", "ap-southeast-1"]
    assert run({"Ref": "AWS::Region"}, region="RegionOne") == "RegionOne"
    # the ARN is not known before the stack exists
    assert run({"Ref": "AWS::StackId"}) == {"Ref": "AWS::StackId"}


def test_fn_getatt() -> None:
    resources = FakeResources(SERVER)
    assert run({"Fn::GetAtt": ["server", "name"]}, resources=resources) == "web-1"
    exc = error({"Fn::GetAtt": ["server", "networks", "private"]}, resources=resources)
    assert exc.message == 'Arguments to "Fn::GetAtt" must be of the form [resource_name, attribute]'
    assert run({"Fn::GetAtt": ["server", "name"]}) == {"Fn::GetAtt": ["server", "name"]}


def test_fn_join() -> None:
    assert run({"Fn::Join": ["", ["a", None, "b"]]}) == "ab"
    assert error({"Fn::Join": [",", ["a", 1]]}).message == "Items to join must be strings not 1"
    assert error({"Fn::Join": [",", "a"]}).message == '"Fn::Join" must operate on a list'
    assert error({"Fn::Join": [","]}).message.startswith('Incorrect arguments to "Fn::Join"')


@pytest.mark.parametrize(
    ("index", "collection", "expected"),
    [
        (1, ["a", "b"], "b"),
        ("1", ["a", "b"], "b"),
        (5, ["a", "b"], ""),
        ("k", {"k": "v"}, "v"),
        ("x", {"k": "v"}, ""),
        (0, "", ""),
        (0, None, ""),
        (1, '["a", "b"]', "b"),
        (-1, ["a", "b"], "b"),
    ],
)
def test_fn_select(index: Any, collection: Any, expected: Any) -> None:
    assert run({"Fn::Select": [index, collection]}) == expected


def test_fn_select_errors() -> None:
    assert error({"Fn::Select": [0, {"k": 1}]}).message == 'Index to "Fn::Select" must be a string'
    assert error({"Fn::Select": ["x", ["a"]]}).message == 'Index to "Fn::Select" must be an integer'
    assert error({"Fn::Select": [0, "not json"]}).message.startswith('"Fn::Select": ')
    assert (
        error({"Fn::Select": [0]}).message
        == 'Arguments to "Fn::Select" must be of the form [index, collection]'
    )


def test_fn_split() -> None:
    assert run({"Fn::Split": [",", "a,b"]}) == ["a", "b"]
    assert error({"Fn::Split": [1, "a"]}).message == "Delimiter for Fn::Split must be string"
    assert error({"Fn::Split": [",", 5]}).message == "String to split must be string; got int"
    assert error({"Fn::Split": "a,b"}).message.startswith('Incorrect arguments to "Fn::Split"')


def test_fn_replace() -> None:
    value = {"Fn::Replace": [{"$a": "x", "%b%": 2}, "$a is %b%"]}
    assert run(value) == "x is 2"
    assert error({"Fn::Replace": [{"a": [1]}, "a"]}).message.startswith(
        '"Fn::Replace" params must be strings'
    )
    assert (
        error({"Fn::Replace": [[1], "a"]}).message == '"Fn::Replace" parameters must be a mapping'
    )
    assert error({"Fn::Replace": {"a": 1}}).message.startswith(
        'Incorrect arguments to "Fn::Replace"'
    )


def test_fn_base64_does_not_encode() -> None:
    assert run({"Fn::Base64": "#!/bin/sh\necho hi"}) == "#!/bin/sh\necho hi"
    assert error({"Fn::Base64": ["x"]}).message == '"Fn::Base64" argument must be a string'


def test_fn_getazs() -> None:
    assert run({"Fn::GetAZs": ""}) == ["nova"]
    assert run({"Fn::GetAZs": {"Ref": "AWS::Region"}}, availability_zones=["az1", "az2"]) == [
        "az1",
        "az2",
    ]


def test_fn_findinmap() -> None:
    value = {"Fn::FindInMap": ["RegionMap", {"Ref": "AWS::Region"}, "AMI"]}
    assert run(value, mappings=MAPPINGS, region="eu") == "ami-2"
    exc = error({"Fn::FindInMap": ["Nope", "eu", "AMI"]}, mappings=MAPPINGS)
    assert 'no mapping "Nope"' in exc.message
    exc = error({"Fn::FindInMap": ["RegionMap", "mars", "AMI"]}, mappings=MAPPINGS)
    assert 'mapping "RegionMap" has no entry [mars][AMI]' in exc.message
    assert error({"Fn::FindInMap": ["RegionMap", "eu"]}).message.startswith(
        'Arguments to "Fn::FindInMap"'
    )


def test_fn_memberlisttomap() -> None:
    members = [
        ".member.0.Name=key",
        ".member.0.Value=door",
        ".member.1.Name=k2",
        ".member.1.Value=v=2",
    ]
    assert run({"Fn::MemberListToMap": ["Name", "Value", members]}) == {"key": "door", "k2": "v=2"}
    assert error({"Fn::MemberListToMap": ["Name", "Value"]}).message.startswith(
        "Wrong Arguments try:"
    )
    assert (
        error({"Fn::MemberListToMap": [1, "Value", []]}).message
        == "Fn::MemberListToMap Key Name must be a string"
    )
    assert (
        error({"Fn::MemberListToMap": ["N", "V", [1]]}).message
        == "Member list items must be strings"
    )
    assert error({"Fn::MemberListToMap": ["N", "V", 5]}).message == "Member list must be a list"
    # Heat iterates any iterable: "" and {} give {}
    assert run({"Fn::MemberListToMap": ["N", "V", ""]}) == {}
    assert run({"Fn::MemberListToMap": ["N", "V", {}]}) == {}


def test_fn_resourcefacade() -> None:
    facade = {"metadata": {"a": 1}, "deletion_policy": "Delete", "update_policy": {"x": 1}}
    assert run({"Fn::ResourceFacade": "Metadata"}, facade=facade) == {"a": 1}
    assert run({"Fn::ResourceFacade": "UpdatePolicy"}, facade=facade) == {"x": 1}
    assert run({"Fn::ResourceFacade": "DeletionPolicy"}, facade=facade) == "Delete"
    assert error({"Fn::ResourceFacade": "metadata"}, facade=facade).message.endswith(
        "should be one of: Metadata, DeletionPolicy, UpdatePolicy"
    )


def test_fn_if_only_in_aws_format() -> None:
    value = {"Fn::If": ["IsProd", "big", "small"]}
    assert run(value, conditions={"IsProd": False}) == "small"
    assert run(value, "heatcfn", conditions={"IsProd": False}) == value
    assert run({"Fn::If": [{"Fn::Equals": [1, 1]}, "y", "n"]}) == "y"


def test_condition_functions_are_plain_data_outside_conditions() -> None:
    for value in ({"Fn::Equals": [1, 1]}, {"Fn::Not": [True]}, {"Fn::And": [True, True]}):
        assert run(value) == value


def test_hot_functions_are_plain_data_in_cfn() -> None:
    value = {"get_param": "x", "k": 1}
    assert run({"a": {"get_param": "x"}}) == {"a": {"get_param": "x"}}
    assert run(value) == value


def test_hot_2013_accepts_cfn_functions() -> None:
    value = {"Fn::Join": ["-", [{"get_param": "a"}, {"Ref": "b"}]]}
    assert run(value, "2013-05-23", parameters={"a": "x", "b": "y"}) == "x-y"
    assert run({"Fn::Split": [",", "a,b"]}, "2013-05-23") == ["a", "b"]
