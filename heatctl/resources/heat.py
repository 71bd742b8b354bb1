"""Heat's own resource types: values, random strings, waiting and signals, nested stacks, test helpers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from heatctl.engine.lifecycle import not_in_cloud
from heatctl.engine.wait import Wait
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
    list_of,
    map_of,
    number,
    string,
    value_range,
)
from heatctl.resources.values import UNKNOWN, PropertyValues, Report

if TYPE_CHECKING:
    from heatctl.engine.lifecycle import ResourceContext


class _StateOnly:
    """Lifecycle steps of types with no cloud object (their state is heatctl's own).
    Not a base class: the types below pick these functions by name."""

    @staticmethod
    def named(ctx: ResourceContext) -> None:
        ctx.physical_id = ctx.physical_id or ctx.physical_name()

    @staticmethod
    def done(self: Any, ctx: ResourceContext) -> Wait | None:
        return None

    @staticmethod
    def no_attributes(self: Any, ctx: ResourceContext) -> dict[str, Any]:
        return {}


@register
class NoneResource(ResourceType):
    """OS::Heat::None: Does nothing; map a type to it in the resource_registry to switch a resource off."""

    type_name = "OS::Heat::None"
    description = (
        "Does nothing; map a type to it in the resource_registry to switch a resource off."
    )
    dynamic_attributes = True
    open_properties = True

    def create(self, ctx: ResourceContext) -> Wait | None:
        _StateOnly.named(ctx)
        return None

    check_create_complete = update = check_update_complete = _StateOnly.done
    delete = check_delete_complete = _StateOnly.done
    resolve_attributes = _StateOnly.no_attributes
    find_by_tag = not_in_cloud


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

    def create(self, ctx: ResourceContext) -> Wait | None:
        _StateOnly.named(ctx)
        return None

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        from heatctl.engine.builtin import convert_value

        return {"value": convert_value(ctx.properties)}

    check_create_complete = update = check_update_complete = _StateOnly.done
    delete = check_delete_complete = _StateOnly.done
    find_by_tag = not_in_cloud


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
    # The string is often a password: stored apart from the other state and masked.
    secret_attributes: ClassVar[tuple[str, ...]] = ("value",)

    def create(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.builtin import random_string

        _StateOnly.named(ctx)
        ctx.data["reference_attribute"] = "value"
        ctx.attributes["value"] = random_string(ctx.properties)
        return None

    check_create_complete = update = check_update_complete = _StateOnly.done
    delete = check_delete_complete = _StateOnly.done
    resolve_attributes = _StateOnly.no_attributes
    find_by_tag = not_in_cloud

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """length must hold the minimum counts of all classes and sequences."""
        length = values.get("length")
        names = ("character_classes", "character_sequences")
        minimums = [item.get("min", 1) for name in names for _, item in values.entries(name)]
        if sum(len(values.items(name)) for name in names) != len(minimums):
            return  # some entry is still a function call
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

    @classmethod
    def replace_on_update(cls, old: dict[str, Any], new: dict[str, Any]) -> bool:
        from heatctl.engine.builtin import test_replaces

        return test_replaces(old, new)

    def create(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.builtin import test_start

        if not ctx.properties.get("fail"):
            _StateOnly.named(ctx)
        return test_start(ctx, "create")

    def update(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.builtin import test_update

        return test_update(ctx)

    def delete(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.builtin import test_start

        return test_start(ctx, "delete", store_value=False)

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.builtin import test_check

        return test_check(ctx)

    check_update_complete = check_delete_complete = check_create_complete

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        return {"output": ctx.data.get("value")}

    find_by_tag = not_in_cloud


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
class AccessPolicy(ResourceType):
    """OS::Heat::AccessPolicy: Lists the resources that stack users may describe."""

    type_name = "OS::Heat::AccessPolicy"
    description = "Lists the resources that stack users may describe."
    properties: ClassVar[dict[str, Property]] = {
        "AllowedResources": list_of("Names of the resources users may access.", required=True),
    }

    def create(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_waits import check_allowed_resources

        check_allowed_resources(ctx)
        _StateOnly.named(ctx)
        return None

    check_create_complete = update = check_update_complete = _StateOnly.done
    delete = check_delete_complete = _StateOnly.done
    resolve_attributes = _StateOnly.no_attributes
    find_by_tag = not_in_cloud
