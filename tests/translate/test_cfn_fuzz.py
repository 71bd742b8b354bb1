"""Property tests: any CloudFormation-shaped input translates or fails with a diagnostic.

The translator must never raise anything but TranslationError, must never leave a
CloudFormation function in its output, and must give the same output for the same input.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heatctl.dsl.loader import loads
from heatctl.translate.base import TranslationError
from heatctl.translate.cfn import translate_document
from tests.translate.test_cfn_corpus import calls

NAMES = st.sampled_from(["P", "Q", "R", "S", "Web", "Ip", "AWS::Region", "AWS::StackId", "X"])
FUNCTIONS = [
    "Ref", "Fn::GetAtt", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::Replace", "Fn::Base64",
    "Fn::GetAZs", "Fn::FindInMap", "Fn::MemberListToMap", "Fn::ResourceFacade", "Fn::If",
    "Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Fn::Sub", "Condition",
]  # fmt: skip
SCALARS = st.one_of(st.text(max_size=4), st.integers(-2, 3), st.booleans(), st.none(), NAMES)


def values(depth: int = 3) -> st.SearchStrategy[Any]:
    if depth == 0:
        return SCALARS
    inner = values(depth - 1)
    return st.one_of(
        SCALARS,
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(FUNCTIONS), inner, min_size=1, max_size=1),
        st.dictionaries(st.sampled_from(["a", "Key", "Value", "Name"]), inner, max_size=2),
    )


RESOURCE_TYPES = st.sampled_from(
    [
        "AWS::EC2::Instance", "AWS::EC2::EIP", "AWS::EC2::EIPAssociation", "AWS::EC2::Volume",
        "AWS::EC2::SecurityGroup", "AWS::CloudFormation::WaitCondition",
        "AWS::CloudFormation::WaitConditionHandle", "AWS::CloudFormation::Stack",
        "AWS::AutoScaling::AutoScalingGroup", "AWS::AutoScaling::LaunchConfiguration",
        "AWS::AutoScaling::ScalingPolicy", "AWS::S3::Bucket", "AWS::CloudWatch::Alarm",
        "AWS::IAM::User", "OS::Heat::None",
    ]
)  # fmt: skip
PROPERTY_NAMES = st.sampled_from(
    [
        "ImageId", "InstanceId", "EIP", "Handle", "Tags", "SecurityGroupIngress",
        "LaunchConfigurationName", "AutoScalingGroupName", "TemplateURL", "UserData",
        "AccessControl", "Statistic", "Dimensions", "Volumes", "NetworkInterfaces",
    ]
)  # fmt: skip
RESOURCES = st.dictionaries(
    NAMES,
    st.one_of(
        st.fixed_dictionaries(
            {"Type": RESOURCE_TYPES},
            optional={
                "Properties": st.dictionaries(PROPERTY_NAMES, values(), max_size=3),
                "DependsOn": st.one_of(NAMES, st.lists(NAMES, max_size=2)),
                "Condition": NAMES,
                "UpdatePolicy": values(2),
            },
        ),
        SCALARS,
    ),
    max_size=4,
)
DOCUMENTS = st.fixed_dictionaries(
    {"AWSTemplateFormatVersion": st.just("2010-09-09")},
    optional={
        "Parameters": st.dictionaries(
            st.sampled_from(["P", "Q"]),
            st.fixed_dictionaries(
                {"Type": st.sampled_from(["String", "Number", "CommaDelimitedList", "Bogus"])},
                optional={"Default": SCALARS, "MinLength": SCALARS, "NoEcho": SCALARS},
            ),
        ),
        "Mappings": st.just({"M": {"k": {"v": "x"}}}),
        "Conditions": st.dictionaries(st.sampled_from(["C", "D"]), values(2), max_size=2),
        "Resources": RESOURCES,
        "Outputs": st.dictionaries(NAMES, st.fixed_dictionaries({"Value": values()}), max_size=2),
    },
)


@settings(
    max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(DOCUMENTS)
def test_any_document_translates_or_fails_with_diagnostics(document: dict[str, Any]) -> None:
    text = json.dumps(document, indent=1)
    source = loads(text, "f.template")
    try:
        first = translate_document(source, "f.template")
    except TranslationError as exc:
        assert exc.diagnostics
        assert all(d.file == "f.template" for d in exc.diagnostics)
        return
    leftovers = {f for f, _ in calls(first.hot) if f == "Ref" or str(f).startswith("Fn::")}
    # Heat reads the boolean functions outside Conditions as plain data; so does HOT.
    assert leftovers <= {"Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or"}
    if leftovers:
        assert any(e.kind == "untranslated" for e in first.report)
    second = translate_document(loads(text, "f.template"), "f.template")
    assert first.hot == second.hot and first.report == second.report
    if getattr(source, "mark", None):  # (the loader's plain-JSON fallback has no positions)
        assert all(e.line is not None for e in first.report)


# -- valid templates: every resource type with random valid properties ---------------------

TYPES = {
    "Web": ("AWS::EC2::Instance", ["ImageId", "InstanceType", "KeyName", "UserData", "SecurityGroups", "Tags", "SubnetId", "Volumes"]),
    "Ip": ("AWS::EC2::EIP", ["InstanceId", "Domain"]),
    "Assoc": ("AWS::EC2::EIPAssociation", ["InstanceId", "EIP", "AllocationId", "NetworkInterfaceId"]),
    "Vol": ("AWS::EC2::Volume", ["Size", "AvailabilityZone", "Tags"]),
    "Sg": ("AWS::EC2::SecurityGroup", ["GroupDescription", "SecurityGroupIngress"]),
    "Wh": ("AWS::CloudFormation::WaitConditionHandle", []),
    "Wc": ("AWS::CloudFormation::WaitCondition", ["Handle", "Timeout", "Count"]),
    "Cfg": ("AWS::AutoScaling::LaunchConfiguration", ["ImageId", "InstanceType", "UserData"]),
    "Grp": ("AWS::AutoScaling::AutoScalingGroup", ["LaunchConfigurationName", "MinSize", "MaxSize", "LoadBalancerNames"]),
    "Pol": ("AWS::AutoScaling::ScalingPolicy", ["AutoScalingGroupName", "ScalingAdjustment", "AdjustmentType"]),
    "Bk": ("AWS::S3::Bucket", ["AccessControl", "Tags"]),
    "Al": ("AWS::CloudWatch::Alarm", ["MetricName", "Statistic", "AlarmActions", "Dimensions"]),
    "St": ("AWS::CloudFormation::Stack", ["TemplateURL", "Parameters"]),
}  # fmt: skip
REFS = st.sampled_from([{"Ref": n} for n in [*TYPES, "P", "Q", "AWS::StackName", "AWS::Region"]])
SPECIAL = {
    "Tags": st.lists(st.fixed_dictionaries({"Key": st.sampled_from(["a", "b"]), "Value": REFS}), max_size=2),
    "Dimensions": st.lists(st.fixed_dictionaries({"Name": st.just("n"), "Value": REFS}), max_size=1),
    "Volumes": st.lists(st.fixed_dictionaries({"VolumeId": REFS, "Device": st.just("/dev/vdb")}), max_size=1),
    "SecurityGroupIngress": st.lists(
        st.fixed_dictionaries({}, optional={"IpProtocol": st.sampled_from(["tcp", "-1"]), "FromPort": st.sampled_from(["22", -1]), "ToPort": st.just(22), "CidrIp": st.just("0.0.0.0/0"), "SourceSecurityGroupName": REFS}),
        max_size=2,
    ),
    "Statistic": st.one_of(st.sampled_from(["Average", "Sum"]), REFS),
    "AdjustmentType": st.sampled_from(["ChangeInCapacity", "ExactCapacity"]),
    "AccessControl": st.sampled_from(["Private", "PublicRead", "PublicReadWrite"]),
}  # fmt: skip
VALID_VALUES = st.recursive(
    st.one_of(st.text(max_size=3), st.integers(0, 3), REFS),
    lambda inner: st.one_of(
        st.lists(inner, max_size=2),
        st.builds(
            lambda d, xs: {"Fn::Join": [d, xs]},
            st.sampled_from(["", ","]),
            st.lists(inner, max_size=2),
        ),
        st.builds(lambda i, xs: {"Fn::Select": [i, xs]}, st.sampled_from(["0", "1"]), inner),
        st.builds(lambda x: {"Fn::Base64": x}, inner),
        st.builds(lambda a, b: {"Fn::If": ["C", a, b]}, inner, inner),
        st.builds(lambda k: {"Fn::FindInMap": ["M", k, "v"]}, st.sampled_from(["k", {"Ref": "P"}])),
        st.builds(lambda r: {"Fn::GetAtt": [r, "PublicIp"]}, st.just("Web")),
    ),
    max_leaves=4,
)


@st.composite
def valid_documents(draw: st.DrawFn) -> dict[str, Any]:
    resources = {}
    for name, (kind, names) in TYPES.items():
        chosen = (
            draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
            if names
            else []
        )
        props = {n: draw(SPECIAL.get(n, VALID_VALUES)) for n in chosen}
        resources[name] = {"Type": kind, "Properties": props}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": {"P": {"Type": "String"}, "Q": {"Type": "CommaDelimitedList"}},
        "Mappings": {"M": {"k": {"v": "x"}}},
        "Conditions": {"C": {"Fn::Equals": [{"Ref": "P"}, "x"]}},
        "Resources": resources,
        "Outputs": {"O": {"Value": draw(VALID_VALUES)}},
    }


@settings(
    max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(valid_documents())
def test_valid_documents_translate_closed_and_deterministic(document: dict[str, Any]) -> None:
    from tests.translate.test_cfn_corpus import dangling_names

    text = json.dumps(document, indent=1)
    try:
        first = translate_document(loads(text, "f.template"), "f.template")
    except TranslationError as exc:
        # Only real problems of the random template (a Fn::Select of a scalar, a Key given
        # by a function, ...), never one about a name: every name used exists.
        messages = " ".join(d.message for d in exc.diagnostics)
        assert "does not exist" not in messages, messages
        assert "no equivalent" not in messages, messages
        return
    assert dangling_names(first.hot) == []
    leftovers = {f for f, _ in calls(first.hot) if f == "Ref" or str(f).startswith("Fn::")}
    assert not leftovers
    second = translate_document(loads(text, "f.template"), "f.template")
    assert first.hot == second.hot and first.report == second.report
