"""Properties of AWS::* resources -> properties of their OS::* equivalents.

One function per source type, each taking the translation context, the value translator,
the resource name and its source properties, and returning the HOT properties. Property
names follow Heat's own AWS resource plugins (heat/engine/resources/aws), so that the
translated resource does what Heat did with the AWS one; the notes in the report say where
that is not exactly so.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from heatctl.translate.cfn.context import CfnContext, SourcePath
from heatctl.translate.cfn.functions import ValueTranslator, is_constant

Props = Mapping[str, Any]
Mapper = Callable[["PropertyMapper", str, Props, SourcePath], dict[str, Any]]

# Properties Heat's AWS plugins declare but never use (implemented=False); dropping them
# changes nothing Heat did.
NOT_IMPLEMENTED = frozenset(
    {
        "DisableApiTermination", "KernelId", "Monitoring", "PlacementGroupName",
        "PrivateIpAddress", "RamDiskId", "SourceDestCheck", "Tenancy",
        "HealthCheckGracePeriod", "HealthCheckType", "Domain",
    }
)  # fmt: skip
ADJUSTMENT_TYPES = {
    "ChangeInCapacity": "change_in_capacity",
    "ExactCapacity": "exact_capacity",
    "PercentChangeInCapacity": "percent_change_in_capacity",
}
SERVER_RENAMES = {
    "ImageId": "image",
    "InstanceType": "flavor",
    "KeyName": "key_name",
    "AvailabilityZone": "availability_zone",
    "UserData": "user_data",
}
EXTERNAL_NETWORK = "floating_network"
FIRST_PORT = "$.data.addresses.values().flatten().first().port"


class PropertyMapper:
    """Property translation for the AWS types that have an OS::* equivalent."""

    def __init__(self, ctx: CfnContext, values: ValueTranslator) -> None:
        self.ctx = ctx
        self.values = values

    def value(self, node: Any, path: SourcePath) -> Any:
        """A translated value."""
        return self.values.value(node, path)

    def rename(
        self, props: Props, path: SourcePath, renames: Mapping[str, str], handled: frozenset[str]
    ) -> dict[str, Any]:
        """Renamed, translated properties; `handled` ones are left to the caller.

        A property Heat ignores is dropped with an info note; one Heat's AWS type does not
        have at all is an error, as Heat's validation would make it.
        """
        out: dict[str, Any] = {}
        for key, val in props.items():
            where = (*path, key)
            if key in handled:
                continue
            if key in renames:
                out[renames[key]] = self.value(val, where)
            elif key in NOT_IMPLEMENTED:
                self.ctx.note("info", where, f"{key} was dropped: Heat ignores it too")
            else:
                self.ctx.error(where, f"unknown property '{key}'")
        return out

    def key_values(
        self,
        items: Any,
        path: SourcePath,
        prefix: str = "",
        names: tuple[str, str] = ("Key", "Value"),
    ) -> dict[str, Any] | None:
        """`[{Key: k, Value: v}, ...]` -> `{prefix+k: v}`; None (reported) if a key is not known.

        `names` are the item's key and value fields (`Name`/`Value` for alarm dimensions).
        """
        key_name, value_name = names
        if not isinstance(items, list):
            self.ctx.note("untranslated", path, f"a {key_name}/{value_name} list given by a"
                          " function cannot become a map; dropped")  # fmt: skip
            return None
        result: dict[str, Any] = {}
        for i, item in enumerate(items):
            key = item.get(key_name) if isinstance(item, Mapping) else None
            if not isinstance(key, str):
                self.ctx.error(
                    (*path, i), f"each item needs a constant {key_name} and a {value_name}"
                )
                continue
            result[prefix + key] = self.value(item.get(value_name), (*path, i, value_name))
        return result

    # -- compute ------------------------------------------------------------------------

    def server(self, name: str, props: Props, path: SourcePath) -> dict[str, Any]:
        """AWS::EC2::Instance (and a launch configuration) -> OS::Nova::Server properties."""
        special = frozenset(
            {
                "SecurityGroups", "SecurityGroupIds", "Tags", "NovaSchedulerHints",
                "NetworkInterfaces", "SubnetId", "Volumes", "BlockDeviceMappings",
            }
        )  # fmt: skip
        out = self.rename(props, path, SERVER_RENAMES, special)
        groups = self.security_groups(props, path)
        if groups is not None:
            out["security_groups"] = groups
        for key, target in (("Tags", "metadata"), ("NovaSchedulerHints", "scheduler_hints")):
            if key in props:
                mapped = self.key_values(props[key], (*path, key))
                if mapped is not None:
                    out[target] = mapped
        networks = self.networks(props, path)
        if networks is not None:
            out["networks"] = networks
        if "BlockDeviceMappings" in props:
            where = (*path, "BlockDeviceMappings")
            out["block_device_mapping"] = self.block_devices(props["BlockDeviceMappings"], where)
        if "Volumes" in props:
            self.volume_attachments(name, props["Volumes"], (*path, "Volumes"))
        if "UserData" in props:
            out["user_data_format"] = self.user_data_format(path)
        return out

    def user_data_format(self, path: SourcePath) -> str:
        """RAW, or HEAT_CFNTOOLS when the resource's metadata has AWS::CloudFormation::Init.

        Heat's AWS instance always wrapped UserData with its cfn-tools boot parts; those
        parts only matter to cfn-init/cfn-hup, which read AWS::CloudFormation::Init.
        """
        resource_path = path[:-1]
        resource = self.ctx.document.get("Resources", {}).get(resource_path[-1], {})
        metadata = resource.get("Metadata") if isinstance(resource, Mapping) else None
        if isinstance(metadata, Mapping) and "AWS::CloudFormation::Init" in metadata:
            self.ctx.note("info", (*path, "UserData"), "user_data_format is HEAT_CFNTOOLS so"
                          " that cfn-init can read AWS::CloudFormation::Init from the metadata")  # fmt: skip
            return "HEAT_CFNTOOLS"
        return "RAW"

    def security_groups(self, props: Props, path: SourcePath) -> Any:
        """SecurityGroups + SecurityGroupIds -> security_groups (names and ids both work)."""
        given = [k for k in ("SecurityGroups", "SecurityGroupIds") if k in props]
        values = [self.value(props[k], (*path, k)) for k in given]
        if not values:
            return None
        if len(values) == 1:
            return values[0]
        if all(isinstance(v, list) for v in values):
            return values[0] + values[1]
        self.ctx.note("untranslated", (*path, given[1]), "SecurityGroups and SecurityGroupIds"
                      " cannot be merged when one is given by a function; SecurityGroupIds"
                      " dropped")  # fmt: skip
        return values[0]

    def networks(self, props: Props, path: SourcePath) -> list[Any] | None:
        """NetworkInterfaces (ports, by DeviceIndex) or SubnetId -> networks."""
        if "NetworkInterfaces" in props:
            where = (*path, "NetworkInterfaces")
            items = props["NetworkInterfaces"]
            if not isinstance(items, list):
                return [{"port": self.value(items, where)}]
            ports: list[tuple[Any, Any]] = []
            for i, item in enumerate(items):
                if isinstance(item, Mapping) and "NetworkInterfaceId" in item:
                    port = self.value(item["NetworkInterfaceId"], (*where, i))
                    ports.append((item.get("DeviceIndex", i), port))
                else:
                    ports.append((i, self.value(item, (*where, i))))
            if all(isinstance(index, int | str) and str(index).isdigit() for index, _ in ports):
                ports.sort(key=lambda pair: int(pair[0]))
            return [{"port": port} for _, port in ports]
        if "SubnetId" in props:
            return [{"subnet": self.value(props["SubnetId"], (*path, "SubnetId"))}]
        return None

    def block_devices(self, items: Any, path: SourcePath) -> Any:
        """BlockDeviceMappings -> block_device_mapping (Ebs SnapshotId/VolumeSize/...)."""
        if not isinstance(items, list):
            return self.value(items, path)
        result = []
        for i, item in enumerate(items):
            if not isinstance(item, Mapping):
                self.ctx.error((*path, i), "a block device mapping must be a map")
                continue
            ebs = item.get("Ebs") or {}
            entry = {"device_name": self.value(item.get("DeviceName"), (*path, i, "DeviceName"))}
            for key, target in (
                ("SnapshotId", "snapshot_id"),
                ("VolumeSize", "volume_size"),
                ("DeleteOnTermination", "delete_on_termination"),
            ):
                if isinstance(ebs, Mapping) and key in ebs:
                    entry[target] = self.value(ebs[key], (*path, i, "Ebs", key))
            for key in ("NoDevice", "VirtualName", "Iops", "VolumeType"):
                if key in item or (isinstance(ebs, Mapping) and key in ebs):
                    self.ctx.note("info", (*path, i), f"{key} was dropped: Heat ignores it too")
            result.append(entry)
        return result

    def volume_attachments(self, name: str, items: Any, path: SourcePath) -> None:
        """Volumes [{VolumeId, Device}] -> one OS::Cinder::VolumeAttachment resource each."""
        if not isinstance(items, list):
            self.ctx.note("untranslated", path, "Volumes given by a function cannot become"
                          " volume attachments; dropped")  # fmt: skip
            return
        for i, item in enumerate(items):
            if not isinstance(item, Mapping):
                self.ctx.error((*path, i), "each volume needs VolumeId and Device")
                continue
            resource = self.ctx.fresh_resource_name(f"{name}Volume{i + 1}")
            self.ctx.extra_resources[resource] = {
                "type": "OS::Cinder::VolumeAttachment",
                "properties": {
                    "instance_uuid": {"get_resource": name},
                    "volume_id": self.value(item.get("VolumeId"), (*path, i, "VolumeId")),
                    "mountpoint": self.value(item.get("Device"), (*path, i, "Device")),
                },
            }
            self.ctx.note("info", (*path, i), f"the volume is attached by the new resource"
                          f" '{resource}' (Heat attached it after creating the server too)")  # fmt: skip

    # -- block storage, addresses, security groups --------------------------------------

    def volume(self, name: str, props: Props, path: SourcePath) -> dict[str, Any]:
        """AWS::EC2::Volume -> OS::Cinder::Volume."""
        renames = {
            "Size": "size",
            "AvailabilityZone": "availability_zone",
            "SnapshotId": "snapshot_id",
        }
        out = self.rename(props, path, renames, frozenset({"Tags"}))
        if "Tags" in props:
            tags = self.key_values(props["Tags"], (*path, "Tags"))
            if tags is not None:
                out["metadata"] = tags
        return out

    def volume_attachment(self, name: str, props: Props, path: SourcePath) -> dict[str, Any]:
        """AWS::EC2::VolumeAttachment -> OS::Cinder::VolumeAttachment."""
        renames = {"InstanceId": "instance_uuid", "VolumeId": "volume_id", "Device": "mountpoint"}
        return self.rename(props, path, renames, frozenset())

    def floating_ip(self, name: str, props: Props, path: SourcePath) -> dict[str, Any]:
        """AWS::EC2::EIP -> OS::Neutron::FloatingIP on a `floating_network` parameter.

        Heat took the first external network it found; HOT needs it named. An InstanceId
        associates the address with the server's first port, as Heat did.
        """
        self.rename(props, path, {}, frozenset({"InstanceId"}))
        network = self.ctx.add_parameter(
            EXTERNAL_NETWORK,
            {
                "type": "string",
                "default": "public",
                "description": "External network for floating IPs (AWS::EC2::EIP took the"
                " first external network it found)",
            },
        )
        self.ctx.note("approximate", path[:-1], f"the floating IP is allocated on the network"
                      f" given by the new parameter '{network}' (default 'public'); Heat used"
                      " the first external network")  # fmt: skip
        out: dict[str, Any] = {"floating_network": {"get_param": network}}
        if props.get("InstanceId") is not None:
            out["port_id"] = self.server_port(props["InstanceId"]["Ref"], (*path, "InstanceId"))
        return out

    def floating_ip_association(self, name: str, props: Props, path: SourcePath) -> dict[str, Any]:
        """AWS::EC2::EIPAssociation -> OS::Neutron::FloatingIPAssociation, on the network
        interface given, or on the instance's first port."""
        floating_ip = eip_allocation(self.ctx, props)
        if "AllocationId" in props:
            floating_ip = self.value(props["AllocationId"], (*path, "AllocationId"))
        if "NetworkInterfaceId" in props:
            port = self.value(props["NetworkInterfaceId"], (*path, "NetworkInterfaceId"))
        else:
            port = self.server_port(props["InstanceId"]["Ref"], (*path, "InstanceId"))
        out = {"floatingip_id": floating_ip, "port_id": port}
        if "PrivateIpAddress" in props:
            where = (*path, "PrivateIpAddress")
            out["fixed_ip_address"] = self.value(props["PrivateIpAddress"], where)
        return out

    def server_port(self, server: str, path: SourcePath) -> dict[str, Any]:
        """The first port of a server of this template, read from its `addresses`.

        Heat associated an address with the first interface Nova listed for the server;
        `addresses` lists the server's networks, each address with its `port`.
        """
        self.ctx.note("approximate", path, "the address goes to the first port listed in the"
                      " server's addresses (Heat took the first interface Nova listed)")  # fmt: skip
        addresses = {"get_attr": [server, "addresses"]}
        return {"yaql": {"expression": FIRST_PORT, "data": {"addresses": addresses}}}

    def security_group(self, name: str, props: Props, path: SourcePath) -> dict[str, Any]:
        """AWS::EC2::SecurityGroup -> OS::Neutron::SecurityGroup with rules."""
        special = frozenset({"SecurityGroupIngress", "SecurityGroupEgress", "VpcId"})
        out = self.rename(props, path, {"GroupDescription": "description"}, special)
        if "VpcId" in props:
            self.ctx.note("info", (*path, "VpcId"), "VpcId was dropped: Neutron security groups"
                          " are not tied to a network")  # fmt: skip
        rules: list[Any] = []
        for key, direction in (
            ("SecurityGroupIngress", "ingress"),
            ("SecurityGroupEgress", "egress"),
        ):
            items = props.get(key) or []
            if not isinstance(items, list):
                self.ctx.note("untranslated", (*path, key), "rules given by a function cannot"
                              " be translated; dropped")  # fmt: skip
                continue
            rules.extend(self.rule(r, direction, (*path, key, i)) for i, r in enumerate(items))
        if rules:
            out["rules"] = rules
        return out

    def rule(self, rule: Any, direction: str, path: SourcePath) -> dict[str, Any]:
        """One ingress/egress rule, converted as Heat's AWS security group converted it."""
        if not isinstance(rule, Mapping):
            self.ctx.error(path, "a security group rule must be a map")
            return {}
        known = {
            "CidrIp", "FromPort", "ToPort", "IpProtocol", "SourceSecurityGroupName",
            "SourceSecurityGroupId", "SourceSecurityGroupOwnerId", "DestinationSecurityGroupId",
        }  # fmt: skip
        for key in rule:
            if key not in known:
                self.ctx.error((*path, key), f"unknown security group rule key '{key}'")
        out: dict[str, Any] = {"direction": direction}
        protocol = self.value(rule.get("IpProtocol"), (*path, "IpProtocol"))
        if protocol not in (None, "-1", -1):  # -1 is "any protocol"; Neutron wants it unset
            out["protocol"] = protocol
        for key, target in (("FromPort", "port_range_min"), ("ToPort", "port_range_max")):
            port = port_number(self.value(rule.get(key), (*path, key)))
            if port is not None:
                out[target] = port
        # Heat left the CIDR out of a rule with no ports at all; kept the same here.
        if ("FromPort" in rule or "ToPort" in rule) and "CidrIp" in rule:
            out["remote_ip_prefix"] = self.value(rule["CidrIp"], (*path, "CidrIp"))
        for key in (
            "SourceSecurityGroupId",
            "DestinationSecurityGroupId",
            "SourceSecurityGroupName",
        ):
            if key in rule:
                out["remote_mode"] = "remote_group_id"
                out["remote_group_id"] = self.value(rule[key], (*path, key))
                break
        return out

    # -- orchestration ------------------------------------------------------------------

    def wait_condition(self, name: str, props: Props, path: SourcePath) -> dict[str, Any]:
        """AWS::CloudFormation::WaitCondition -> OS::Heat::WaitCondition."""
        renames = {"Handle": "handle", "Timeout": "timeout", "Count": "count"}
        out = self.rename(props, path, renames, frozenset({"Handle"}))
        handle = props.get("Handle")
        if (
            isinstance(handle, Mapping)
            and set(handle) == {"Ref"}
            and handle["Ref"] in self.ctx.resources
        ):
            # The handle property wants the handle's reference id: get_resource for both kinds.
            out = {"handle": {"get_resource": handle["Ref"]}, **out}
        elif handle is not None:
            out = {"handle": self.value(handle, (*path, "Handle")), **out}
        return out

    def wait_condition_handle(self, name: str, props: Props, path: SourcePath) -> dict[str, Any]:
        """AWS::CloudFormation::WaitConditionHandle -> OS::Heat::WaitConditionHandle."""
        return self.rename(props, path, {}, frozenset())

    def stack(self, name: str, props: Props, path: SourcePath) -> dict[str, Any]:
        """AWS::CloudFormation::Stack with a local TemplateURL -> OS::Heat::Stack reading the
        template with get_file; a CloudFormation template is translated too."""
        renames = {"Parameters": "parameters", "TimeoutInMinutes": "timeout"}
        out = self.rename(props, path, renames, frozenset({"TemplateURL"}))
        where = (*path, "TemplateURL")
        url = str(props["TemplateURL"])
        nested = self.ctx.nest(url, where) if self.ctx.nest else None
        return {"template": {"get_file": nested or url}, **out}

    def bucket(self, name: str, props: Props, path: SourcePath) -> dict[str, Any]:
        """AWS::S3::Bucket -> OS::Swift::Container with the headers Heat's bucket set."""
        special = frozenset({"AccessControl", "WebsiteConfiguration", "Tags"})
        out = self.rename(props, path, {}, special)
        access = props.get("AccessControl", "Private")
        if access in ("PublicRead", "PublicReadWrite"):
            out["X-Container-Read"] = ".r:*"
        if access == "PublicReadWrite":
            out["X-Container-Write"] = ".r:*"
        if access not in ("PublicRead", "PublicReadWrite"):
            self.ctx.note("approximate", (*path, "AccessControl"), f"AccessControl {access}:"
                          " Heat set the container ACL to the creating project/user, which a"
                          " template cannot name; Swift's default (project access) applies")  # fmt: skip
        meta: dict[str, Any] = {}
        site = props.get("WebsiteConfiguration")
        if isinstance(site, Mapping):
            where = (*path, "WebsiteConfiguration")
            meta["Web-Index"] = self.value(site.get("IndexDocument"), (*where, "IndexDocument"))
            meta["Web-Error"] = self.value(site.get("ErrorDocument"), (*where, "ErrorDocument"))
        if "Tags" in props:
            meta.update(self.key_values(props["Tags"], (*path, "Tags"), "S3-Tag-") or {})
        if meta:
            out["X-Container-Meta"] = meta
        return out

    def alarm(self, name: str, props: Props, path: SourcePath) -> dict[str, Any]:
        """AWS::CloudWatch::Alarm -> OS::Aodh::Alarm, as Heat's default environment runs it
        (its provider template AWS_CloudWatch_Alarm.yaml, inlined)."""
        renames = {
            "AlarmDescription": "description",
            "MetricName": "meter_name",
            "Period": "period",
            "EvaluationPeriods": "evaluation_periods",
            "Threshold": "threshold",
            "AlarmActions": "alarm_actions",
            "OKActions": "ok_actions",
            "InsufficientDataActions": "insufficient_data_actions",
        }
        special = frozenset({"Statistic", "ComparisonOperator", "Dimensions", "Namespace", "Units"})
        out = {"description": "An alarm", **self.rename(props, path, renames, special)}
        out["repeat_actions"] = True
        for key, target, table in (
            ("Statistic", "statistic", STATISTICS),
            ("ComparisonOperator", "comparison_operator", COMPARISONS),
        ):
            if key in props:
                out[target] = self.enumeration(props[key], (*path, key), table)
        if "Dimensions" in props:
            where = (*path, "Dimensions")
            dimensions = self.key_values(props["Dimensions"], where, names=("Name", "Value"))
            out["matching_metadata"] = dimensions or {}
        for key in ("Namespace", "Units"):
            if key in props:
                self.ctx.note(
                    "info", (*path, key), f"{key} was dropped: Heat's alarm ignores it too"
                )
        return out

    def enumeration(self, value: Any, path: SourcePath, table: Mapping[str, str]) -> Any:
        """A CFN enumeration value mapped through `table` (a yaql lookup when not constant)."""
        if isinstance(value, str):
            if value not in table:
                self.ctx.error(path, f"must be one of {', '.join(table)}")
            return table.get(value)
        data = {"map": dict(table), "key": self.value(value, path)}
        return {"yaql": {"expression": "$.data.map.get($.data.key, '')", "data": data}}

    def scaling_policy(self, name: str, props: Props, path: SourcePath) -> dict[str, Any]:
        """AWS::AutoScaling::ScalingPolicy -> OS::Heat::ScalingPolicy."""
        renames = {
            "ScalingAdjustment": "scaling_adjustment",
            "Cooldown": "cooldown",
            "MinAdjustmentStep": "min_adjustment_step",
        }
        special = frozenset({"AutoScalingGroupName", "AdjustmentType"})
        out = self.rename(props, path, renames, special)
        group = props["AutoScalingGroupName"]["Ref"]
        adjustment = props.get("AdjustmentType")
        if isinstance(adjustment, str) and adjustment in ADJUSTMENT_TYPES:
            out["adjustment_type"] = ADJUSTMENT_TYPES[adjustment]
        elif adjustment is not None:
            where = (*path, "AdjustmentType")
            self.ctx.error(where, f"AdjustmentType must be one of {', '.join(ADJUSTMENT_TYPES)}")
        return {"auto_scaling_group_id": {"get_resource": group}, **out}


STATISTICS = {
    "SampleCount": "count",
    "Average": "avg",
    "Sum": "sum",
    "Minimum": "min",
    "Maximum": "max",
}
COMPARISONS = {
    "LessThanOrEqualToThreshold": "le",
    "LessThanThreshold": "lt",
    "GreaterThanThreshold": "gt",
    "GreaterThanOrEqualToThreshold": "ge",
}


def instance_ref(ctx: CfnContext, value: Any) -> str | None:
    """The name of the AWS::EC2::Instance of this template that `value` (a Ref) names."""
    if isinstance(value, Mapping) and set(value) == {"Ref"}:
        name = value["Ref"]
        if isinstance(name, str) and ctx.resource_type(name) == "AWS::EC2::Instance":
            return name
    return None


def eip_allocation(ctx: CfnContext, props: Props) -> Any:
    """The floating IP id an EIPAssociation names: its AllocationId (raw), or
    `get_resource` of the translated EIP its EIP property refers to; None otherwise."""
    if "AllocationId" in props:
        return props["AllocationId"]
    eip = props.get("EIP")
    if isinstance(eip, Mapping) and set(eip) == {"Ref"}:
        target = eip["Ref"]
        if ctx.resource_type(target) == "AWS::EC2::EIP":
            return {"get_resource": target}
    return None


def port_number(value: Any) -> Any:
    """A port as an int; -1 (all ports, for ICMP) and null are left out (None)."""
    if not is_constant(value):
        return value
    if value is None:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    return None if number < 0 else number
