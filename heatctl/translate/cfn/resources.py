"""CFN resources -> HOT resources: which type each becomes, and the resource keys.

Planning comes first (`plan_types`), because how a `Ref` or `Fn::GetAtt` reads in HOT
depends on the type its target resource ends up with. An AWS type becomes its OS::* equivalent
where Heat's semantics match; otherwise it is kept (Heat runs its AWS types natively) and
reported. See the table in docs/translate-cfn.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from heatctl.translate.cfn.context import CfnContext, SourcePath
from heatctl.translate.cfn.properties import PropertyMapper, eip_allocation, instance_ref

# Source type -> (target type, PropertyMapper method name).
TRANSLATED: dict[str, tuple[str, str]] = {
    "AWS::EC2::Instance": ("OS::Nova::Server", "server"),
    "AWS::EC2::Volume": ("OS::Cinder::Volume", "volume"),
    "AWS::EC2::VolumeAttachment": ("OS::Cinder::VolumeAttachment", "volume_attachment"),
    "AWS::EC2::EIP": ("OS::Neutron::FloatingIP", "floating_ip"),
    "AWS::EC2::EIPAssociation": ("OS::Neutron::FloatingIPAssociation", "floating_ip_association"),
    "AWS::EC2::SecurityGroup": ("OS::Neutron::SecurityGroup", "security_group"),
    "AWS::CloudFormation::WaitCondition": ("OS::Heat::WaitCondition", "wait_condition"),
    "AWS::CloudFormation::WaitConditionHandle": (
        "OS::Heat::WaitConditionHandle",
        "wait_condition_handle",
    ),
    "AWS::CloudFormation::Stack": ("OS::Heat::Stack", "stack"),
    "AWS::S3::Bucket": ("OS::Swift::Container", "bucket"),
    "AWS::AutoScaling::AutoScalingGroup": ("OS::Heat::AutoScalingGroup", ""),
    "AWS::AutoScaling::ScalingPolicy": ("OS::Heat::ScalingPolicy", "scaling_policy"),
    "AWS::CloudWatch::Alarm": ("OS::Aodh::Alarm", "alarm"),
}
# AWS types Heat implements (natively or through its default environment), kept as they are.
HEAT_AWS_TYPES = frozenset(
    {
        "AWS::AutoScaling::AutoScalingGroup", "AWS::AutoScaling::LaunchConfiguration",
        "AWS::AutoScaling::ScalingPolicy", "AWS::CloudFormation::Stack",
        "AWS::CloudFormation::WaitCondition", "AWS::CloudFormation::WaitConditionHandle",
        "AWS::EC2::EIP", "AWS::EC2::EIPAssociation", "AWS::EC2::Instance",
        "AWS::EC2::InternetGateway", "AWS::EC2::NetworkInterface", "AWS::EC2::RouteTable",
        "AWS::EC2::SecurityGroup", "AWS::EC2::Subnet", "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::VPC", "AWS::EC2::VPCGatewayAttachment", "AWS::EC2::Volume",
        "AWS::EC2::VolumeAttachment", "AWS::ElasticLoadBalancing::LoadBalancer",
        "AWS::IAM::AccessKey", "AWS::IAM::User", "AWS::S3::Bucket", "AWS::CloudWatch::Alarm",
        "AWS::RDS::DBInstance",
    }
)  # fmt: skip
RESOURCE_KEYS = {
    "Type", "Properties", "Metadata", "DependsOn", "DeletionPolicy", "UpdatePolicy",
    "Description", "Condition",
}  # fmt: skip
_ISO_DURATION = re.compile(r"^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$")


def references(value: Any, path: SourcePath) -> Iterator[tuple[str, SourcePath]]:
    """Every resource/parameter name used by a Ref or Fn::GetAtt in `value`, with its path."""
    if isinstance(value, Mapping):
        if len(value) == 1:
            key, arg = next(iter(value.items()))
            if key == "Ref" and isinstance(arg, str):
                yield arg, path
            elif key == "Fn::GetAtt" and isinstance(arg, list) and arg and isinstance(arg[0], str):
                yield arg[0], path
        for k, v in value.items():
            yield from references(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from references(v, (*path, i))


def is_ref(value: Any, ctx: CfnContext, cfn_type: str) -> str | None:
    """The resource name when `value` is `{"Ref": name}` of a resource of type `cfn_type`."""
    if isinstance(value, Mapping) and set(value) == {"Ref"}:
        name = value["Ref"]
        if isinstance(name, str) and ctx.resource_type(name) == cfn_type:
            return name
    return None


def plan_types(ctx: CfnContext) -> None:
    """Decide the HOT type of every resource (ctx.target_types), reporting kept AWS types."""
    uses: dict[str, list[SourcePath]] = {}
    for name, path in references(ctx.document, ()):
        uses.setdefault(name, []).append(path)
    for name, resource in ctx.resources.items():
        if not isinstance(resource, Mapping) or not isinstance(resource.get("Type"), str):
            ctx.error(("Resources", name), "a resource must be a map with a Type (a string)")
            continue
        props = resource.get("Properties")
        if props is not None and not isinstance(props, Mapping):
            ctx.error(("Resources", name, "Properties"), "Properties must be a map")
        ctx.target_types[name] = _target_type(ctx, name, uses.get(name, []))
    for name in ctx.resources:  # groups first, then what depends on their outcome
        source = ctx.resource_type(name)
        if source == "AWS::AutoScaling::LaunchConfiguration":
            _plan_launch_configuration(ctx, name, uses.get(name, []))
        elif source == "AWS::AutoScaling::ScalingPolicy":
            props = _properties(ctx, name)
            group = is_ref(
                props.get("AutoScalingGroupName"), ctx, "AWS::AutoScaling::AutoScalingGroup"
            )
            if group is None or ctx.target_types.get(group) != "OS::Heat::AutoScalingGroup":
                ctx.target_types[name] = source
                _kept(ctx, name, "its AutoScalingGroupName is not a translated group")


def _properties(ctx: CfnContext, name: str) -> Mapping[str, Any]:
    resource = ctx.resources.get(name)
    props = resource.get("Properties") if isinstance(resource, Mapping) else None
    return props if isinstance(props, Mapping) else {}


def _target_type(ctx: CfnContext, name: str, uses: list[SourcePath]) -> str:
    source = ctx.resource_type(name) or ""
    props = _properties(ctx, name)
    if source == "AWS::CloudFormation::WaitConditionHandle":
        other = [p for p in uses if not _is_wait_condition_handle_property(ctx, p)]
        if other:
            return _kept(ctx, name, "its Ref (the pre-signed URL cfn-signal posts to) is used at"
                         f" line {ctx.position(other[0])[0]}; OS::Heat::WaitConditionHandle takes"
                         " a different signal")  # fmt: skip
    if source == "AWS::EC2::EIPAssociation":
        if eip_allocation(ctx, props) is None:
            return _kept(ctx, name, "its EIP is not an AWS::EC2::EIP of this template, so the"
                         " floating IP id is unknown")  # fmt: skip
        if "NetworkInterfaceId" not in props and instance_ref(ctx, props.get("InstanceId")) is None:
            return _kept(ctx, name, "its InstanceId is not an AWS::EC2::Instance of this"
                         " template, so the port to associate is unknown")  # fmt: skip
    eip_instance = props.get("InstanceId")
    if (
        source == "AWS::EC2::EIP"
        and eip_instance is not None
        and not instance_ref(ctx, eip_instance)
    ):
        return _kept(ctx, name, "its InstanceId is not an AWS::EC2::Instance of this"
                         " template, so the port to associate is unknown")  # fmt: skip
    if source == "AWS::CloudFormation::Stack" and not _local_template(ctx, props):
        return _kept(ctx, name, "its TemplateURL is not a file in the source's directory tree;"
                     " Heat fetches it when the stack is created, OS::Heat::Stack needs the"
                     " template itself")  # fmt: skip
    if source == "AWS::AutoScaling::AutoScalingGroup":
        reason = _group_blocker(ctx, props)
        if reason:
            return _kept(ctx, name, reason)
    if source in TRANSLATED:
        return TRANSLATED[source][0]
    if source.startswith("AWS::") and source != "AWS::AutoScaling::LaunchConfiguration":
        if source in HEAT_AWS_TYPES:
            return _kept(ctx, name, "it has no OS::* equivalent with the same behaviour")
        ctx.note("untranslated", ("Resources", name, "Type"), f"{source} is not a type Heat"
                 " implements; kept as it is")  # fmt: skip
    return source


def _local_template(ctx: CfnContext, props: Mapping[str, Any]) -> bool:
    """True when a nested stack's TemplateURL names a file beside or below the source.

    Absolute paths and `..` are refused: a template must not make the translator read (or
    `-o` write) files outside its own directory tree.
    """
    url = props.get("TemplateURL")
    if not isinstance(url, str) or "://" in url or ctx.base_dir is None:
        return False
    relative = Path(url)
    if relative.is_absolute() or ".." in relative.parts:
        return False
    return (ctx.base_dir / relative).is_file()


def _is_wait_condition_handle_property(ctx: CfnContext, path: SourcePath) -> bool:
    return (
        len(path) == 4
        and path[0] == "Resources"
        and path[2:] == ("Properties", "Handle")
        and ctx.resource_type(str(path[1])) == "AWS::CloudFormation::WaitCondition"
    )


def _group_blocker(ctx: CfnContext, props: Mapping[str, Any]) -> str | None:
    if "LoadBalancerNames" in props:
        return ("LoadBalancerNames: OS::Heat::AutoScalingGroup does not update load balancer"
                " members the way Heat's AWS group does")  # fmt: skip
    if "InstanceId" in props:
        return "InstanceId: the launch configuration is copied from a running instance"
    config = is_ref(
        props.get("LaunchConfigurationName"), ctx, "AWS::AutoScaling::LaunchConfiguration"
    )
    if config is None:
        return "its LaunchConfigurationName is not a launch configuration of this template"
    if "InstanceId" in _properties(ctx, config):
        return "its launch configuration copies a running instance (InstanceId)"
    return None


def _plan_launch_configuration(ctx: CfnContext, name: str, uses: list[SourcePath]) -> None:
    """Drop a launch configuration that only translated groups use (they inline it)."""
    for path in uses:
        user = str(path[1]) if len(path) > 1 and path[0] == "Resources" else ""
        inlined = (
            path[2:] == ("Properties", "LaunchConfigurationName")
            and ctx.target_types.get(user) == "OS::Heat::AutoScalingGroup"
        )
        if not inlined:
            ctx.target_types[name] = "AWS::AutoScaling::LaunchConfiguration"
            _kept(ctx, name, f"it is used at line {ctx.position(path)[0]} other than as the"
                  " launch configuration of a translated group")  # fmt: skip
            return
    del ctx.target_types[name]
    ctx.note("info", ("Resources", name), "the launch configuration is inlined as the"
             " resource definition of the groups that use it")  # fmt: skip


def _kept(ctx: CfnContext, name: str, reason: str) -> str:
    source = ctx.resource_type(name) or ""
    ctx.note("untranslated", ("Resources", name, "Type"), f"kept as {source} (Heat runs it"
             f" natively): {reason}")  # fmt: skip
    return source


class ResourceTranslator:
    """Turns each planned resource into its HOT definition."""

    def __init__(self, ctx: CfnContext, mapper: PropertyMapper) -> None:
        self.ctx = ctx
        self.mapper = mapper

    def resource(self, name: str) -> dict[str, Any] | None:
        """The HOT definition of resource `name`, or None if it was dropped (inlined)."""
        ctx = self.ctx
        source = ctx.resources[name]
        path: SourcePath = ("Resources", name)
        target = ctx.target_types.get(name)
        if target is None or not isinstance(source, Mapping):
            return None  # inlined, or invalid (reported by plan_types)
        out: dict[str, Any] = {"type": target}
        cfn_type = source.get("Type")
        props = source.get("Properties")
        if props is None and target != cfn_type:
            props = {}  # a translated type may need properties of its own (EIP's network)
        if props is not None:
            translated = self.properties(name, cfn_type, target, props, (*path, "Properties"))
            if translated or target == cfn_type:
                out["properties"] = translated
        self.resource_keys(name, source, out, path)
        return out

    def properties(
        self, name: str, cfn_type: Any, target: str, props: Any, path: SourcePath
    ) -> Any:
        """Translated properties: mapped for a translated AWS type, else functions only."""
        if target == cfn_type or not isinstance(props, Mapping):
            return self.mapper.value(props, path)
        if cfn_type == "AWS::AutoScaling::AutoScalingGroup":
            return self.group(name, props, path)
        method = getattr(self.mapper, TRANSLATED[str(cfn_type)][1])
        result: dict[str, Any] = method(name, props, path)
        return result

    def resource_keys(
        self, name: str, source: Mapping[str, Any], out: dict[str, Any], path: SourcePath
    ) -> None:
        """Metadata, DependsOn, DeletionPolicy, UpdatePolicy, Description, Condition."""
        ctx = self.ctx
        for key in source:
            if key not in RESOURCE_KEYS:
                ctx.note("untranslated", (*path, key), f"{key} has no HOT equivalent; dropped")
        if "Metadata" in source:
            out["metadata"] = self.mapper.value(source["Metadata"], (*path, "Metadata"))
        if "DependsOn" in source:
            depends = self.depends_on(source["DependsOn"], (*path, "DependsOn"))
            if depends:
                out["depends_on"] = depends
        if "DeletionPolicy" in source:
            out["deletion_policy"] = self.mapper.value(
                source["DeletionPolicy"], (*path, "DeletionPolicy")
            )
        if "UpdatePolicy" in source:
            self.update_policy(source, out, (*path, "UpdatePolicy"))
        if "Description" in source:
            out["description"] = source["Description"]
        if "Condition" in source:
            condition = self.mapper.values.condition_name(source["Condition"], (*path, "Condition"))
            out["condition"] = condition

    def depends_on(self, value: Any, path: SourcePath) -> Any:
        """DependsOn -> depends_on, leaving out inlined launch configurations."""
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list):
            self.ctx.error(path, "DependsOn must be a resource name or a list of them")
            return None
        kept = []
        for i, dependency in enumerate(names):
            where = path if isinstance(value, str) else (*path, i)
            if not isinstance(dependency, str) or dependency not in self.ctx.resources:
                self.ctx.unknown_name(where, "resource", dependency, list(self.ctx.resources))
            elif dependency in self.ctx.target_types:
                kept.append(dependency)
        if isinstance(value, str) and kept:
            return kept[0]
        return kept

    def update_policy(
        self, source: Mapping[str, Any], out: dict[str, Any], path: SourcePath
    ) -> None:
        """UpdatePolicy -> update_policy; for a translated group, the rolling_updates property."""
        policy = self.mapper.value(source["UpdatePolicy"], path)
        if out["type"] != "OS::Heat::AutoScalingGroup" or not isinstance(policy, Mapping):
            out["update_policy"] = policy
            return
        for key, value in policy.items():
            if key != "AutoScalingRollingUpdate" or not isinstance(value, Mapping):
                self.ctx.note("untranslated", (*path, key), f"{key} has no equivalent; dropped")
                continue
            rolling = {}
            for cfn_key, hot_key in (
                ("MinInstancesInService", "min_in_service"),
                ("MaxBatchSize", "max_batch_size"),
                ("PauseTime", "pause_time"),
            ):
                if cfn_key in value:
                    rolling[hot_key] = value[cfn_key]
            if "pause_time" in rolling:
                rolling["pause_time"] = iso_seconds(rolling["pause_time"])
            out.setdefault("properties", {})["rolling_updates"] = rolling

    def group(self, name: str, props: Mapping[str, Any], path: SourcePath) -> dict[str, Any]:
        """AWS::AutoScaling::AutoScalingGroup -> OS::Heat::AutoScalingGroup, with its launch
        configuration inlined as the scaled OS::Nova::Server."""
        ctx, mapper = self.ctx, self.mapper
        renames = {"MinSize": "min_size", "MaxSize": "max_size", "DesiredCapacity": "desired_capacity",
                   "Cooldown": "cooldown"}  # fmt: skip
        special = frozenset(
            {"LaunchConfigurationName", "VPCZoneIdentifier", "Tags", "AvailabilityZones"}
        )
        out = mapper.rename(props, path, renames, special)
        config = props["LaunchConfigurationName"]["Ref"]
        config_path: SourcePath = ("Resources", config)
        server = mapper.server(config, _properties(ctx, config), (*config_path, "Properties"))
        if "VPCZoneIdentifier" in props:
            zones = mapper.values.select(
                [0, props["VPCZoneIdentifier"]], (*path, "VPCZoneIdentifier"), False
            )
            server["networks"] = [{"subnet": zones}]
        if "Tags" in props:
            server["metadata"] = {
                **server.get("metadata", {}),
                **(mapper.key_values(props["Tags"], (*path, "Tags")) or {}),
            }
        if "AvailabilityZones" in props:
            ctx.note("info", (*path, "AvailabilityZones"), "AvailabilityZones was dropped: Heat's"
                     " AWS group does not place members by it either")  # fmt: skip
        ctx.note("approximate", path[:-1], "members are OS::Nova::Server resources without the"
                 " metering.groupname metadata Heat's AWS group gave them for CloudWatch alarms")  # fmt: skip
        definition: dict[str, Any] = {"type": "OS::Nova::Server", "properties": server}
        config_source = ctx.resources[config]
        if isinstance(config_source, Mapping) and "Metadata" in config_source:
            definition["metadata"] = mapper.value(
                config_source["Metadata"], (*config_path, "Metadata")
            )
            ctx.note("approximate", (*config_path, "Metadata"), "cfn-init in the members reads"
                     f" metadata of resource '{config}', which no longer exists; the metadata is"
                     " on each member instead")  # fmt: skip
        return {**out, "resource": definition}


def iso_seconds(value: Any) -> Any:
    """An ISO 8601 duration like PT1M30S as seconds; anything else unchanged."""
    match = _ISO_DURATION.match(value) if isinstance(value, str) else None
    if not match:
        return value
    hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds
