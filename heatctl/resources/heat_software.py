"""Heat's software configuration types: configs, deployments, cloud-config, MIME."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from heatctl.engine.lifecycle import not_in_cloud
from heatctl.resources.common import by_name
from heatctl.resources.registry import ResourceType, register
from heatctl.resources.schema import (
    Attribute,
    Property,
    PropertyType,
    allowed_values,
    any_value,
    attribute,
    boolean,
    length,
    list_of,
    map_of,
    string,
)
from heatctl.resources.values import PropertyValues, Report

if TYPE_CHECKING:
    from heatctl.engine.lifecycle import ResourceContext
    from heatctl.engine.wait import Wait

Method = Callable[..., Any]


def _done(self: Any, ctx: ResourceContext) -> Wait | None:
    return None


def _config_lifecycle(builder: str) -> tuple[Method, ...]:
    """Lifecycle of a config type: store the config built by software_config.<builder>,
    delete it on delete, `config` attribute from the store (no cloud object)."""

    def create(self: Any, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine import software_config

        return software_config.create_config(ctx, getattr(software_config, builder))

    def delete(self: Any, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_config import delete_config

        return delete_config(ctx)

    def resolve_attributes(self: Any, ctx: ResourceContext) -> dict[str, Any]:
        from heatctl.engine.software_config import config_attributes

        return config_attributes(ctx)

    return create, _done, _done, _done, delete, _done, resolve_attributes, not_in_cloud


def _deployment_lifecycle(structured: bool) -> tuple[Method, ...]:
    """Lifecycle of a deployment type (heatctl.engine.software_deployment)."""

    def create(self: Any, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_deployment import start

        return start(ctx, "CREATE", structured)

    def update(self: Any, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_deployment import start

        return start(ctx, "UPDATE", structured)

    def check(self: Any, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_deployment import check

        return check(ctx)

    def delete(self: Any, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_deployment import delete

        return delete(ctx, structured)

    def check_delete(self: Any, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_deployment import check_delete

        return check_delete(ctx)

    def resolve_attributes(self: Any, ctx: ResourceContext) -> dict[str, Any]:
        from heatctl.engine.software_deployment import attributes

        return attributes(ctx)

    return create, check, update, check, delete, check_delete, resolve_attributes, not_in_cloud


CONFIG_IO: dict[str, Property] = {
    "inputs": list_of(
        "Inputs the config expects.",
        item=map_of(
            "One input.",
            {
                "default": any_value("Value used when a deployment gives none."),
                "description": string("Description of the input."),
                "name": string("Name of the input.", required=True),
                "replace_on_change": boolean(
                    "Replace the deployment rather than update it when this input changes.",
                    default=False,
                ),
                "type": string(
                    "Type of the input's value.",
                    default="String",
                    constraints=(
                        allowed_values("String", "Number", "CommaDelimitedList", "Json", "Boolean"),
                    ),
                ),
            },
        ),
    ),
    "options": map_of("Options for the configuration tool."),
    "outputs": list_of(
        "Outputs the config produces.",
        item=map_of(
            "One output.",
            {
                "description": string("Description of the output."),
                "error_output": boolean(
                    "Mark the deployment failed when this output has a value.", default=False
                ),
                "name": string("Name of the output.", required=True),
                "type": string(
                    "Type of the output's value.",
                    default="String",
                    constraints=(
                        allowed_values("String", "Number", "CommaDelimitedList", "Json", "Boolean"),
                    ),
                ),
            },
        ),
    ),
}


DEPLOYMENT_COMMON: dict[str, Property] = {
    "actions": list_of(
        "Lifecycle actions of this resource that trigger the deployment.",
        default=["CREATE", "UPDATE"],
        update_allowed=True,
        constraints=(allowed_values("CREATE", "UPDATE", "DELETE", "SUSPEND", "RESUME"),),
    ),
    "config": string("Software config (id) to apply.", update_allowed=True),
    "input_values": map_of("Values for the config's inputs.", update_allowed=True),
    "name": string(
        "Name of the derived config; deployments on a server run in name order.",
        update_allowed=True,
    ),
    "signal_transport": string(
        "How the server reports the deployment's outputs back.",
        default="CFN_SIGNAL",
        constraints=(
            allowed_values(
                "CFN_SIGNAL", "TEMP_URL_SIGNAL", "HEAT_SIGNAL", "NO_SIGNAL", "ZAQAR_SIGNAL"
            ),
        ),
    ),
}


STRUCTURED_INPUTS: dict[str, Property] = {
    "input_key": string(
        "Key of the map form that marks an input to substitute (e.g. {get_input: x}).",
        default="get_input",
    ),
    "input_values_validate": string(
        "STRICT fails when a declared input has no value; LAX does not.",
        default="LAX",
        constraints=(allowed_values("LAX", "STRICT"),),
    ),
}


DEPLOYMENT_OUTPUTS: dict[str, Attribute] = {
    "deploy_status_code": attribute("Exit code of the deployment.", PropertyType.STRING),
    "deploy_stderr": attribute("Standard error of the deployment.", PropertyType.STRING),
    "deploy_stdout": attribute("Standard output of the deployment.", PropertyType.STRING),
}


DEPLOYMENT_GROUP_OUTPUTS: dict[str, Attribute] = {
    "deploy_status_codes": attribute("Map of deployment name to its exit code.", PropertyType.MAP),
    "deploy_stderrs": attribute("Map of deployment name to its standard error.", PropertyType.MAP),
    "deploy_stdouts": attribute("Map of deployment name to its standard output.", PropertyType.MAP),
}


DEPLOYMENT_SERVERS = map_of(
    "Map of deployment name to server id.", required=True, update_allowed=True
)


@register
class SoftwareConfig(ResourceType):
    """OS::Heat::SoftwareConfig: A script or manifest, with its inputs and outputs, for deployments to apply to servers."""

    type_name = "OS::Heat::SoftwareConfig"
    description = (
        "A script or manifest, with its inputs and outputs, for deployments to apply to servers."
    )
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **CONFIG_IO,
            "config": string("The script or manifest to run."),
            "group": string(
                "Tool that applies the config on the server (script, puppet, ansible, ...).",
                default="Heat::Ungrouped",
            ),
        }
    )
    attributes: ClassVar[dict[str, Attribute]] = {
        "config": attribute("The config content.", PropertyType.STRING),
    }

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = _config_lifecycle("plain_config")


@register
class StructuredConfig(ResourceType):
    """OS::Heat::StructuredConfig: A software config whose content is a map (serialized as JSON), with get_input substitution."""

    type_name = "OS::Heat::StructuredConfig"
    description = "A software config whose content is a map (serialized as JSON), with get_input substitution."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **CONFIG_IO,
            "config": map_of("The configuration data as a map."),
            "group": string(
                "Tool that applies the config on the server (script, puppet, ansible, ...).",
                default="Heat::Ungrouped",
            ),
        }
    )
    attributes: ClassVar[dict[str, Attribute]] = {
        "config": attribute("The config content.", PropertyType.STRING),
    }

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = _config_lifecycle("plain_config")


@register
class SoftwareComponent(ResourceType):
    """OS::Heat::SoftwareComponent: A software config with one script or manifest per lifecycle action."""

    type_name = "OS::Heat::SoftwareComponent"
    description = "A software config with one script or manifest per lifecycle action."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **CONFIG_IO,
            "configs": list_of(
                "The configs, each for some lifecycle actions.",
                item=map_of(
                    "One config.",
                    {
                        "actions": list_of(
                            "Lifecycle actions the config runs for.",
                            item=string("One entry of the list."),
                            default=["CREATE", "UPDATE"],
                            constraints=(length(min=1),),
                        ),
                        "config": string("The script or manifest."),
                        "tool": string(
                            "Tool that applies the config (must be the same for all).",
                            required=True,
                        ),
                    },
                ),
                required=True,
                constraints=(length(min=1),),
            ),
        }
    )
    attributes: ClassVar[dict[str, Attribute]] = {
        "config": attribute("The config content.", PropertyType.STRING),
    }

    @classmethod
    def check_values(cls, values: PropertyValues, report: Report) -> None:
        """Each lifecycle action has at most one config."""
        seen: set[str] = set()
        for index, config in values.entries("configs"):
            actions = config.get("actions", ["CREATE", "UPDATE"])
            if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
                return
            if seen.intersection(actions):
                report(("configs", index), "more than one config for the same lifecycle action")
                return
            seen.update(actions)

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = _config_lifecycle("component_config")


@register
class SoftwareDeployment(ResourceType):
    """OS::Heat::SoftwareDeployment: Applies a software config to one server and waits for its result."""

    type_name = "OS::Heat::SoftwareDeployment"
    description = "Applies a software config to one server and waits for its result."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **DEPLOYMENT_COMMON,
            "server": string("Server (id) to apply the config to.", required=True),
        }
    )
    attributes: ClassVar[dict[str, Attribute]] = {**DEPLOYMENT_OUTPUTS}
    dynamic_attributes = True

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = _deployment_lifecycle(structured=False)


@register
class StructuredDeployment(ResourceType):
    """OS::Heat::StructuredDeployment: Applies a structured config to one server, substituting its inputs."""

    type_name = "OS::Heat::StructuredDeployment"
    description = "Applies a structured config to one server, substituting its inputs."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **DEPLOYMENT_COMMON,
            **STRUCTURED_INPUTS,
            "server": string("Server (id) to apply the config to.", required=True),
        }
    )
    attributes: ClassVar[dict[str, Attribute]] = {**DEPLOYMENT_OUTPUTS}
    dynamic_attributes = True

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = _deployment_lifecycle(structured=True)


@register
class SoftwareDeploymentGroup(ResourceType):
    """OS::Heat::SoftwareDeploymentGroup: Applies one software config to several servers."""

    type_name = "OS::Heat::SoftwareDeploymentGroup"
    description = "Applies one software config to several servers."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **DEPLOYMENT_COMMON,
            "servers": DEPLOYMENT_SERVERS,
        }
    )
    attributes: ClassVar[dict[str, Attribute]] = {**DEPLOYMENT_GROUP_OUTPUTS}
    dynamic_attributes = True


@register
class StructuredDeploymentGroup(ResourceType):
    """OS::Heat::StructuredDeploymentGroup: Applies one structured config to several servers."""

    type_name = "OS::Heat::StructuredDeploymentGroup"
    description = "Applies one structured config to several servers."
    properties: ClassVar[dict[str, Property]] = by_name(
        {
            **DEPLOYMENT_COMMON,
            **STRUCTURED_INPUTS,
            "servers": DEPLOYMENT_SERVERS,
        }
    )
    attributes: ClassVar[dict[str, Attribute]] = {**DEPLOYMENT_GROUP_OUTPUTS}
    dynamic_attributes = True


@register
class CloudConfig(ResourceType):
    """OS::Heat::CloudConfig: A cloud-init cloud-config document, written as a map, for a server's user_data."""

    type_name = "OS::Heat::CloudConfig"
    description = "A cloud-init cloud-config document, written as a map, for a server's user_data."
    properties: ClassVar[dict[str, Property]] = {
        "cloud_config": map_of("The cloud-config content, serialized as YAML."),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "config": attribute("The cloud-config document.", PropertyType.STRING),
    }

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = _config_lifecycle("cloud_config")


@register
class MultipartMime(ResourceType):
    """OS::Heat::MultipartMime: Combines several configs into one multipart MIME document for user_data."""

    type_name = "OS::Heat::MultipartMime"
    description = "Combines several configs into one multipart MIME document for user_data."
    properties: ClassVar[dict[str, Property]] = {
        "group": string("Tool that applies the config on the server.", default="Heat::Ungrouped"),
        "parts": list_of(
            "The parts of the message.",
            item=map_of(
                "One part.",
                {
                    "config": string("Inline content, or the id of another config.", required=True),
                    "filename": string("File name of the part."),
                    "subtype": string("MIME subtype of the part."),
                    "type": string(
                        "Whether the part is text or itself multipart.",
                        default="text",
                        constraints=(allowed_values("text", "multipart"),),
                    ),
                },
            ),
            default=[],
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "config": attribute("The multipart MIME document.", PropertyType.STRING),
    }

    (
        create,
        check_create_complete,
        update,
        check_update_complete,
        delete,
        check_delete_complete,
        resolve_attributes,
        find_by_tag,
    ) = _config_lifecycle("multipart_config")


@register
class DeployedServer(ResourceType):
    """OS::Heat::DeployedServer: A server that already exists outside the cloud, to receive software deployments."""

    type_name = "OS::Heat::DeployedServer"
    description = "A server that already exists outside the cloud, to receive software deployments."
    properties: ClassVar[dict[str, Property]] = {
        "deployment_swift_data": map_of(
            "Swift container and object that hold deployment data for POLL_TEMP_URL.",
            {
                "container": string("Swift container name.", constraints=(length(min=1),)),
                "object": string("Swift object name.", constraints=(length(min=1),)),
            },
            default={},
            update_allowed=True,
        ),
        "metadata": map_of("Key/value metadata (deprecated).", update_allowed=True),
        "name": string("Name of the server.", update_allowed=True),
        "software_config_transport": string(
            "How the server fetches its software configuration metadata.",
            default="POLL_SERVER_CFN",
            update_allowed=True,
            constraints=(
                allowed_values(
                    "POLL_SERVER_CFN", "POLL_SERVER_HEAT", "POLL_TEMP_URL", "ZAQAR_MESSAGE"
                ),
            ),
        ),
    }
    attributes: ClassVar[dict[str, Attribute]] = {
        "name": attribute("Name of the server.", PropertyType.STRING),
        "os_collect_config": attribute(
            "Configuration for os-collect-config on the server.", PropertyType.MAP
        ),
    }

    def create(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_server import create

        return create(ctx)

    def update(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_server import update

        return update(ctx)

    def delete(self, ctx: ResourceContext) -> Wait | None:
        from heatctl.engine.software_server import delete

        return delete(ctx)

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        from heatctl.engine.software_server import attributes

        return attributes(ctx)

    check_create_complete = check_update_complete = check_delete_complete = _done
    find_by_tag = not_in_cloud
