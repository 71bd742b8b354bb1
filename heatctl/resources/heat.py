"""Heat's own resource types: groups, scaling, waiting, values and test helpers."""

from __future__ import annotations

from typing import ClassVar

from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    allowed_values,
    any_value,
    attribute,
    boolean,
    custom,
    integer,
    length,
    list_of,
    map_of,
    number,
    string,
    value_range,
)
from heatctl.resources.values import UNKNOWN, PropertyValues, Report


@register
class NoneResource(ResourceType):
    """OS::Heat::None: Does nothing; map a type to it in the resource_registry to switch a resource off."""

    type_name = "OS::Heat::None"
    description = (
        "Does nothing; map a type to it in the resource_registry to switch a resource off."
    )
    dynamic_attributes = True
    open_properties = True


@register
class Value(ResourceType):
    """OS::Heat::Value: Holds a value computed from its properties and exposes it as an attribute."""

    type_name = "OS::Heat::Value"
    description = "Holds a value computed from its properties and exposes it as an attribute."
    properties: ClassVar[dict[str, Property]] = {
        "type": string(
            "The type the `value` attribute is converted to.",
            update_allowed=True,
            constraints=(
                allowed_values("string", "number", "comma_delimited_list", "json", "boolean"),
            ),
        ),
        "value": any_value(
            "The expression whose result becomes the `value` attribute.",
            required=True,
            update_allowed=True,
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "value": attribute("The result of the `value` property, converted to `type` when given."),
    }


@register
class RandomString(ResourceType):
    """OS::Heat::RandomString: Generates a random string once and keeps it until replaced."""

    type_name = "OS::Heat::RandomString"
    description = "Generates a random string once and keeps it until replaced."
    properties: ClassVar[dict[str, Property]] = {
        "character_classes": list_of(
            "Character classes to draw from, each with a minimum count.",
            item=map_of(
                "One character class and how many of its characters at least.",
                {
                    "class": string(
                        "The character class.",
                        default="lettersdigits",
                        constraints=(
                            allowed_values(
                                "lettersdigits",
                                "letters",
                                "lowercase",
                                "uppercase",
                                "digits",
                                "hexdigits",
                                "octdigits",
                            ),
                        ),
                    ),
                    "min": integer(
                        "At least this many characters of the class appear in the string.",
                        default=1,
                        constraints=(value_range(min=1, max=512),),
                    ),
                },
            ),
            default=[{"class": "lettersdigits", "min": 1}],
        ),
        "character_sequences": list_of(
            "Explicit character sets to draw from, each with a minimum count.",
            item=map_of(
                "One character set and how many of its characters at least.",
                {
                    "min": integer(
                        "At least this many characters of the set appear in the string.",
                        default=1,
                        constraints=(value_range(min=1, max=512),),
                    ),
                    "sequence": string("The characters of the set.", required=True),
                },
            ),
        ),
        "length": integer(
            "Number of characters to generate.",
            default=32,
            constraints=(value_range(min=1, max=512),),
        ),
        "salt": string("Any value; changing it on update generates a new string."),
        "sequence": string(
            "Old way to name one character class; replaced by `character_classes`.",
            constraints=(
                allowed_values(
                    "lettersdigits",
                    "letters",
                    "lowercase",
                    "uppercase",
                    "digits",
                    "hexdigits",
                    "octdigits",
                ),
            ),
            hidden=True,
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "value": attribute(
            "The generated string (also what get_resource returns).", PropertyType.STRING
        ),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """length must hold the minimum counts of all classes and sequences."""
        length = values.get("length")
        minimums = [
            item.get("min", 1) if isinstance(item, dict) else UNKNOWN
            for name in ("character_classes", "character_sequences")
            for item in values.items(name)
        ]
        unknown = [values.get("character_classes"), values.get("character_sequences")]
        if any(v is UNKNOWN for v in [length, *unknown, *minimums]):
            return
        try:
            total, limit = sum(int(m) for m in minimums), int(length)
        except (TypeError, ValueError):
            return
        if total > limit:
            report(
                ("length",),
                f"length {limit} is smaller than the minimum counts of the character classes "
                f"and sequences together ({total})",
            )


@register
class TestResource(ResourceType):
    """OS::Heat::TestResource: Stores a string and can simulate delays and failures, for testing templates."""

    type_name = "OS::Heat::TestResource"
    description = "Stores a string and can simulate delays and failures, for testing templates."
    properties: ClassVar[dict[str, Property]] = {
        "action_wait_secs": map_of(
            "Per-action delays that override `wait_secs`.",
            {
                "create": number("Seconds to wait after create.", update_allowed=True),
                "delete": number("Seconds to wait after delete.", update_allowed=True),
                "update": number("Seconds to wait after update.", update_allowed=True),
            },
            update_allowed=True,
        ),
        "attr_wait_secs": number(
            "Seconds to wait before an attribute resolves.", default=0, update_allowed=True
        ),
        "client_name": string(
            "Name of a client to poll while waiting.", default="", update_allowed=True
        ),
        "constraint_prop_secs": number(
            "Seconds a custom constraint check takes.",
            default=0,
            update_allowed=True,
            constraints=(custom("test_constr"),),
        ),
        "entity_name": string(
            "Name of the client entity to poll while waiting.", default="", update_allowed=True
        ),
        "fail": boolean(
            "Make the current operation fail when true.", default=False, update_allowed=True
        ),
        "update_replace": boolean(
            "Make an update replace the resource when true.", default=False, update_allowed=True
        ),
        "update_replace_value": string("A value whose change forces replacement."),
        "value": string("The string to store.", default="test_string", update_allowed=True),
        "wait_secs": number(
            "Seconds to wait after each action (-1 waits forever).", default=0, update_allowed=True
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "output": attribute("The stored string (also what get_resource returns)."),
    }


@register
class ResourceGroup(ResourceType):
    """OS::Heat::ResourceGroup: Creates `count` identical nested resources from one definition."""

    type_name = "OS::Heat::ResourceGroup"
    description = "Creates `count` identical nested resources from one definition."
    properties: ClassVar[dict[str, Property]] = {
        "count": integer(
            "How many resources the group holds.",
            default=1,
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "index_var": string(
            "Placeholder replaced by each member's index inside `resource_def`.",
            default="%index%",
            constraints=(length(min=3),),
        ),
        "removal_policies": list_of(
            "Which members to remove first when the group shrinks.",
            item=map_of(
                "One removal policy.",
                {"resource_list": list_of("Member names or ids to remove first.", default=[])},
            ),
            default=[],
            update_allowed=True,
        ),
        "removal_policies_mode": string(
            "Whether new `removal_policies` add to (append) or replace (update) earlier ones.",
            default="append",
            update_allowed=True,
            constraints=(allowed_values("append", "update"),),
        ),
        "resource_def": map_of(
            "The definition every member is created from.",
            {
                "metadata": map_of("Metadata given to every member."),
                "properties": map_of("Properties given to every member."),
                "type": string("Resource type of every member.", required=True),
            },
            required=True,
            update_allowed=True,
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "attributes": attribute(
            "Map of member name to the named attribute of that member.", PropertyType.MAP
        ),
        "refs": attribute("Ids of the members, in index order.", PropertyType.LIST),
        "refs_map": attribute("Map of member name to its id.", PropertyType.MAP),
        "removed_rsrc_list": attribute("Names of members removed so far.", PropertyType.LIST),
    }
    dynamic_attributes = True


@register
class AutoScalingGroup(ResourceType):
    """OS::Heat::AutoScalingGroup: A group of identical resources whose size scaling policies change."""

    type_name = "OS::Heat::AutoScalingGroup"
    description = "A group of identical resources whose size scaling policies change."
    properties: ClassVar[dict[str, Property]] = {
        "cooldown": integer(
            "Seconds after a scaling action during which further actions are ignored.",
            update_allowed=True,
        ),
        "desired_capacity": integer("Number of members to start with.", update_allowed=True),
        "max_size": integer(
            "Largest number of members allowed.",
            required=True,
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "min_size": integer(
            "Smallest number of members allowed.",
            required=True,
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "resource": map_of(
            "The HOT resource definition every member is created from.",
            required=True,
            update_allowed=True,
        ),
        "rolling_updates": map_of(
            "How members are replaced when the definition changes.",
            {
                "max_batch_size": integer(
                    "Members replaced at a time.", default=1, constraints=(value_range(min=1),)
                ),
                "min_in_service": integer(
                    "Members kept in service during a rolling update.",
                    default=0,
                    constraints=(value_range(min=0),),
                ),
                "pause_time": number(
                    "Seconds to wait between batches.", default=0, constraints=(value_range(min=0),)
                ),
            },
            default={"max_batch_size": 1, "min_in_service": 0, "pause_time": 0},
            update_allowed=True,
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "current_size": attribute("Number of members now.", PropertyType.INTEGER),
        "outputs": attribute(
            "Map of member name to the named attribute of that member.", PropertyType.MAP
        ),
        "outputs_list": attribute("List of the named attribute across members.", PropertyType.LIST),
        "refs": attribute("Ids of the members.", PropertyType.LIST),
        "refs_map": attribute("Map of member name to its id.", PropertyType.MAP),
    }
    dynamic_attributes = True


@register
class ScalingPolicy(ResourceType):
    """OS::Heat::ScalingPolicy: Changes the size of an OS::Heat::AutoScalingGroup when signalled."""

    type_name = "OS::Heat::ScalingPolicy"
    description = "Changes the size of an OS::Heat::AutoScalingGroup when signalled."
    properties: ClassVar[dict[str, Property]] = {
        "adjustment_type": string(
            "How `scaling_adjustment` is applied: a change, an exact size, or a percentage.",
            required=True,
            update_allowed=True,
            constraints=(
                allowed_values(
                    "change_in_capacity", "exact_capacity", "percent_change_in_capacity"
                ),
            ),
        ),
        "auto_scaling_group_id": string("Id of the group this policy scales.", required=True),
        "cooldown": number(
            "Seconds after an adjustment during which signals are ignored.", update_allowed=True
        ),
        "min_adjustment_step": integer(
            "Smallest change for percent_change_in_capacity adjustments.",
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "scaling_adjustment": number(
            "Amount of the adjustment (negative to scale down).", required=True, update_allowed=True
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "alarm_url": attribute(
            "Pre-signed URL that triggers the policy (for alarms).", PropertyType.STRING
        ),
        "signal_url": attribute(
            "URL that triggers the policy through the orchestration API.", PropertyType.STRING
        ),
    }


@register
class WaitCondition(ResourceType):
    """OS::Heat::WaitCondition: Waits until its handle has received enough success signals."""

    type_name = "OS::Heat::WaitCondition"
    description = "Waits until its handle has received enough success signals."
    properties: ClassVar[dict[str, Property]] = {
        "count": integer(
            "Success signals needed before creation goes on.",
            default=1,
            update_allowed=True,
            constraints=(value_range(min=1),),
        ),
        "handle": string(
            "The OS::Heat::WaitConditionHandle that receives the signals.", required=True
        ),
        "timeout": number(
            "Seconds to wait for the signals before failing.",
            required=True,
            constraints=(value_range(min=1, max=43200),),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "data": attribute(
            "JSON map of signal id to the data sent with each signal.", PropertyType.STRING
        ),
    }


@register
class WaitConditionHandle(ResourceType):
    """OS::Heat::WaitConditionHandle: Receives signals (e.g. from a server's boot script) for a WaitCondition."""

    type_name = "OS::Heat::WaitConditionHandle"
    description = "Receives signals (e.g. from a server's boot script) for a WaitCondition."
    properties: ClassVar[dict[str, Property]] = {
        "signal_transport": string(
            "How clients send signals to the handle.",
            default="TOKEN_SIGNAL",
            constraints=(
                allowed_values(
                    "CFN_SIGNAL",
                    "TEMP_URL_SIGNAL",
                    "HEAT_SIGNAL",
                    "NO_SIGNAL",
                    "ZAQAR_SIGNAL",
                    "TOKEN_SIGNAL",
                ),
            ),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "curl_cli": attribute(
            "A curl command prefix that sends a signal to the handle.", PropertyType.STRING
        ),
        "endpoint": attribute(
            "URL to signal when signal_transport is TOKEN_SIGNAL.", PropertyType.STRING
        ),
        "signal": attribute(
            "JSON map with everything a client needs to send a signal.", PropertyType.STRING
        ),
        "token": attribute(
            "Token to send with a signal when signal_transport is TOKEN_SIGNAL.",
            PropertyType.STRING,
        ),
    }


@register
class UpdateWaitConditionHandle(ResourceType):
    """OS::Heat::UpdateWaitConditionHandle: A WaitConditionHandle that forgets its signals and gets a new URL on every update."""

    type_name = "OS::Heat::UpdateWaitConditionHandle"
    description = (
        "A WaitConditionHandle that forgets its signals and gets a new URL on every update."
    )


@register
class Stack(ResourceType):
    """OS::Heat::Stack: A nested stack created from a template, possibly in another region."""

    type_name = "OS::Heat::Stack"
    description = "A nested stack created from a template, possibly in another region."
    properties: ClassVar[dict[str, Property]] = {
        "context": map_of(
            "Where and with which credentials the nested stack is created.",
            {
                "ca_cert": string(
                    "CA certificate used to verify the remote endpoint.", update_allowed=True
                ),
                "credential_secret_id": string(
                    "Barbican secret holding the credentials for the remote cloud.",
                    update_allowed=True,
                ),
                "insecure": boolean(
                    "Skip TLS certificate verification when true.",
                    default=False,
                    update_allowed=True,
                ),
                "region_name": string("Region the nested stack is created in."),
            },
            update_allowed=True,
        ),
        "parameters": map_of(
            "Parameter values for the nested template.", default={}, update_allowed=True
        ),
        "template": string("The nested template, as a string.", required=True, update_allowed=True),
        "timeout": integer(
            "Minutes to wait for the nested stack to be created.", update_allowed=True
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "outputs": attribute("Map of the nested stack's outputs.", PropertyType.MAP),
        "stack_name": attribute("Name of the nested stack.", PropertyType.STRING),
    }


@register
class InstanceGroup(ResourceType):
    """OS::Heat::InstanceGroup: A group of identical instances built from a launch configuration."""

    type_name = "OS::Heat::InstanceGroup"
    description = "A group of identical instances built from a launch configuration."
    properties: ClassVar[dict[str, Property]] = {
        "AvailabilityZones": list_of(
            "Availability zones for the instances (not implemented by Heat, but required).",
            required=True,
        ),
        "LaunchConfigurationName": string(
            "The launch configuration the instances are built from.",
            required=True,
            update_allowed=True,
        ),
        "LoadBalancerNames": list_of(
            "Load balancers (AWS::ElasticLoadBalancing::LoadBalancer) to put the instances behind."
        ),
        "Size": integer("Number of instances.", required=True, update_allowed=True),
        "Tags": list_of(
            "Tags given to the instances.",
            item=map_of(
                "One tag.",
                {
                    "Key": string("Tag name.", required=True),
                    "Value": string("Tag value.", required=True),
                },
            ),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "InstanceList": attribute(
            "Comma-separated IP addresses of the instances.", PropertyType.STRING
        ),
    }


@register
class AccessPolicy(ResourceType):
    """OS::Heat::AccessPolicy: Lists the resources that stack users may describe."""

    type_name = "OS::Heat::AccessPolicy"
    description = "Lists the resources that stack users may describe."
    properties: ClassVar[dict[str, Property]] = {
        "AllowedResources": list_of("Names of the resources users may access.", required=True),
    }


@register
class ResourceChain(ResourceType):
    """OS::Heat::ResourceChain: Creates several resources, one per listed type, with the same properties."""

    type_name = "OS::Heat::ResourceChain"
    description = "Creates several resources, one per listed type, with the same properties."
    properties: ClassVar[dict[str, Property]] = {
        "concurrent": boolean(
            "Create the resources in parallel when true, one after another otherwise.",
            default=False,
        ),
        "resource_properties": map_of("Properties given to every resource of the chain."),
        "resources": list_of(
            "Resource types to create, in order.", required=True, update_allowed=True
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "attributes": attribute(
            "Map of member name to the named attribute of that member.", PropertyType.MAP
        ),
        "refs": attribute("Ids of the resources in the chain.", PropertyType.LIST),
    }
    dynamic_attributes = True


@register
class Delay(ResourceType):
    """OS::Heat::Delay: Pauses for a random time within bounds during the chosen actions."""

    type_name = "OS::Heat::Delay"
    description = "Pauses for a random time within bounds during the chosen actions."
    properties: ClassVar[dict[str, Property]] = {
        "actions": list_of(
            "Actions during which to pause.",
            default=["CREATE"],
            update_allowed=True,
            constraints=(allowed_values("CREATE", "DELETE", "SUSPEND", "RESUME"),),
        ),
        "jitter_multiplier": number(
            "Seconds each unit of jitter stands for.",
            default=1.0,
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "max_jitter": number(
            "Largest random extra wait, in units of `jitter_multiplier`.",
            default=0,
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
        "min_wait": number(
            "Shortest wait, in seconds.",
            default=0,
            update_allowed=True,
            constraints=(value_range(min=0),),
        ),
    }


@register
class SwiftSignal(ResourceType):
    """OS::Heat::SwiftSignal: Waits for signals written to a Swift TempURL (an OS::Heat::SwiftSignalHandle)."""

    type_name = "OS::Heat::SwiftSignal"
    description = "Waits for signals written to a Swift TempURL (an OS::Heat::SwiftSignalHandle)."
    properties: ClassVar[dict[str, Property]] = {
        "count": integer(
            "Success signals needed before creation goes on.",
            default=1,
            constraints=(value_range(min=1, max=1000),),
        ),
        "handle": string("TempURL where the signals are written.", required=True),
        "timeout": number(
            "Seconds to wait for the signals before failing.",
            required=True,
            constraints=(value_range(min=1, max=43200),),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "data": attribute("JSON map of the data uploaded with the signals.", PropertyType.STRING),
    }


@register
class SwiftSignalHandle(ResourceType):
    """OS::Heat::SwiftSignalHandle: A Swift TempURL that clients write signals to."""

    type_name = "OS::Heat::SwiftSignalHandle"
    description = "A Swift TempURL that clients write signals to."
    attributes: ClassVar[dict[str, Attribute]] = {
        "curl_cli": attribute("A curl command prefix that sends a signal.", PropertyType.STRING),
        "endpoint": attribute("TempURL to send signals to.", PropertyType.STRING),
        "token": attribute(
            "Always empty: TempURLs need no token (kept for compatibility).", PropertyType.STRING
        ),
    }
