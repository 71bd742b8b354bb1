"""Heat's waiting and signal types: WaitCondition(Handle), UpdateWaitConditionHandle,
SwiftSignal(Handle), Delay, and the lifecycles the AWS::CloudFormation::WaitCondition and
WaitConditionHandle of heatctl.resources.aws take. Behaviour: heatctl.engine.builtin
(WaitCondition) and heatctl.engine.software_waits (the others)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from heatctl.engine.lifecycle import not_in_cloud
from heatctl.engine.wait import Wait
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    allowed_values,
    attribute,
    integer,
    list_of,
    number,
    string,
    value_range,
)

if TYPE_CHECKING:
    from heatctl.engine.lifecycle import ResourceContext

Method = Callable[..., Any]


def _named(ctx: ResourceContext) -> None:
    ctx.physical_id = ctx.physical_id or ctx.physical_name()


def _done(self: Any, ctx: ResourceContext) -> Wait | None:
    return None


def _no_attributes(self: Any, ctx: ResourceContext) -> dict[str, Any]:
    return {}


def _handle_create(self: Any, ctx: ResourceContext) -> Wait | None:
    from heatctl.engine.builtin import handle_attributes

    _named(ctx)
    ctx.attributes.update(handle_attributes(ctx))
    return None


HANDLE_PROPERTIES: dict[str, Property] = {
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
HANDLE_ATTRIBUTES: dict[str, Attribute] = {
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

    def create(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.builtin import wait_start

        _named(ctx)
        return wait_start(ctx)

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.builtin import wait_check

        return wait_check(ctx)

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        from heatctl.engine.builtin import wait_data

        return wait_data(ctx)

    update = check_update_complete = check_create_complete
    delete = check_delete_complete = _done
    find_by_tag = not_in_cloud


@register
class WaitConditionHandle(ResourceType):
    """OS::Heat::WaitConditionHandle: Receives signals (e.g. from a server's boot script) for a WaitCondition."""

    type_name = "OS::Heat::WaitConditionHandle"
    description = "Receives signals (e.g. from a server's boot script) for a WaitCondition."
    properties: ClassVar[dict[str, Property]] = HANDLE_PROPERTIES
    attributes: ClassVar[dict[str, Attribute]] = HANDLE_ATTRIBUTES
    # The token lets whoever holds it signal the handle: stored apart and masked.
    secret_attributes: ClassVar[tuple[str, ...]] = ("token",)

    create = _handle_create
    check_create_complete = update = check_update_complete = _done
    delete = check_delete_complete = _done
    resolve_attributes = _no_attributes
    find_by_tag = not_in_cloud


@register
class UpdateWaitConditionHandle(ResourceType):
    """OS::Heat::UpdateWaitConditionHandle: A WaitConditionHandle that forgets its signals and gets a new URL on every update."""

    type_name = "OS::Heat::UpdateWaitConditionHandle"
    description = (
        "A WaitConditionHandle that forgets its signals and gets a new URL on every update."
    )
    properties: ClassVar[dict[str, Property]] = HANDLE_PROPERTIES
    attributes: ClassVar[dict[str, Attribute]] = HANDLE_ATTRIBUTES
    secret_attributes: ClassVar[tuple[str, ...]] = ("token",)
    # Heat raises UpdateReplace on every update: a new physical id (so new signals are
    # needed), and the WaitCondition that refers to it is replaced with it.
    replace_every_update = True

    create = _handle_create
    check_create_complete = update = check_update_complete = _done
    delete = check_delete_complete = _done
    resolve_attributes = _no_attributes
    find_by_tag = not_in_cloud


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

    def create(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_waits import swift_signal_start

        _named(ctx)
        return swift_signal_start(ctx)

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_waits import swift_signal_check

        return swift_signal_check(ctx)

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        from heatctl.engine.software_waits import swift_signal_data, swift_signals

        try:
            return {"data": swift_signal_data(swift_signals(ctx))}
        except Exception:  # the handle's object is gone: keep what the create saw
            return {}

    update = check_update_complete = delete = check_delete_complete = _done
    find_by_tag = not_in_cloud


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

    def create(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_waits import swift_handle_create

        return swift_handle_create(ctx)

    def delete(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_waits import swift_handle_delete

        return swift_handle_delete(ctx)

    check_create_complete = update = check_update_complete = check_delete_complete = _done
    resolve_attributes = _no_attributes
    find_by_tag = not_in_cloud


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

    def create(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_waits import delay_start

        _named(ctx)
        return delay_start(ctx, "CREATE")

    def delete(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_waits import delay_start

        return delay_start(ctx, "DELETE")

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_waits import delay_check

        return delay_check(ctx)

    check_delete_complete = check_create_complete
    update = check_update_complete = _done
    resolve_attributes = _no_attributes
    find_by_tag = not_in_cloud


def aws_wait_condition_lifecycle() -> tuple[Method, ...]:
    """AWS::CloudFormation::WaitCondition: OS::Heat::WaitCondition's behaviour over the
    CFN property names (Handle, Count, Timeout) and the `Data` attribute."""

    def create(self: Any, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.builtin import wait_start
        from heatctl.engine.software_waits import as_heat_wait

        _named(ctx)
        return wait_start(as_heat_wait(ctx))

    def check(self: Any, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.builtin import wait_check
        from heatctl.engine.software_waits import as_heat_wait

        progress = wait_check(as_heat_wait(ctx))
        if progress is None and "data" in ctx.attributes:
            ctx.attributes["Data"] = ctx.attributes.pop("data")
        return progress

    def resolve_attributes(self: Any, ctx: ResourceContext) -> dict[str, Any]:
        from heatctl.engine.builtin import wait_data
        from heatctl.engine.software_waits import as_heat_wait

        return {"Data": wait_data(as_heat_wait(ctx))["data"]}

    return create, check, check, check, _done, _done, resolve_attributes, not_in_cloud


def aws_handle_lifecycle() -> tuple[Method, ...]:
    """AWS::CloudFormation::WaitConditionHandle: its physical id (Ref) is where signals go;
    `heatctl stack signal` delivers cfn-signal bodies (Status, Reason, UniqueId, Data)."""

    def create(self: Any, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_waits import aws_handle_url

        ctx.physical_id = ctx.physical_id or aws_handle_url(ctx)
        return None

    return create, _done, _done, _done, _done, _done, _no_attributes, not_in_cloud
