"""OS::Heat::DeployedServer (Heat's deployed_server.py + server_base.py): a server that
exists outside Nova and receives software deployments. No cloud call is made for the
server itself; its physical id is a uuid.

Its metadata is `os-collect-config` (how the agent polls) plus `deployments` (written by
each deployment to it). With software_config_transport POLL_TEMP_URL, as Heat: a Swift
container (deployment_swift_data.container, or the physical name) and object
(deployment_swift_data.object, or a uuid) hold the metadata; the agent reads it with a GET
TempURL (os_collect_config.request.metadata_url); deployments write the object (heatctl
through the Swift API, Heat through a PUT TempURL kept as metadata_put_url).
POLL_SERVER_CFN / POLL_SERVER_HEAT / ZAQAR_MESSAGE name Heat APIs heatctl does not have:
the metadata stays in heatctl's state and os_collect_config says where Heat would be,
without credentials.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.software_store import software_store
from heatctl.engine.wait import Wait


def _server_id(ctx: ResourceContext) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"heatctl:{ctx.tag}:server"))


def create(ctx: ResourceContext) -> Wait | None:
    ctx.physical_id = ctx.physical_id or _server_id(ctx)
    _populate(ctx)
    return None


def update(ctx: ResourceContext) -> Wait | None:
    """A changed transport or Swift location moves the metadata (the old object goes)."""
    if {"software_config_transport", "deployment_swift_data"} & set(ctx.changed):
        _remove_temp_url(ctx)
        _populate(ctx)
    return None


def delete(ctx: ResourceContext) -> Wait | None:
    _remove_temp_url(ctx)
    return None


def _populate(ctx: ResourceContext) -> None:
    """Heat's _populate_deployments_metadata."""
    transport = str(ctx.properties.get("software_config_transport") or "POLL_SERVER_CFN")
    occ: dict[str, Any] = {"collectors": []}
    where = f"heatctl://stacks/{ctx.stack_name}/resources/{ctx.name}"
    if transport == "POLL_TEMP_URL":
        occ["request"] = {"metadata_url": _create_temp_url(ctx)}
        occ["collectors"].append("request")
    elif transport == "POLL_SERVER_HEAT":
        occ["heat"] = {"stack_id": f"{ctx.stack_name}/{ctx.stack_id}", "resource_name": ctx.name}
        occ["collectors"].append("heat")
    elif transport == "ZAQAR_MESSAGE":
        occ["zaqar"] = {"queue_id": ctx.physical_name()}
        occ["collectors"].append("zaqar")
    else:
        occ["cfn"] = {
            "metadata_url": f"{where}/metadata",
            "stack_name": ctx.stack_name,
            "path": f"{ctx.name}.Metadata",
        }
        occ["collectors"].append("cfn")
    occ["collectors"].append("local")
    ctx.data["metadata"] = {"os-collect-config": occ}
    if ctx.data.get("metadata_put_url"):
        from heatctl.engine import software_swift

        deployments = software_store(ctx).server_metadata(ctx.physical_id or "")
        body = {**ctx.data["metadata"], "deployments": deployments}
        software_swift.put_object(
            ctx, ctx.data["metadata_container"], ctx.data["metadata_object_name"], json.dumps(body)
        )


def _create_temp_url(ctx: ResourceContext) -> str:
    from heatctl.engine import software_swift

    swift_data = ctx.properties.get("deployment_swift_data") or {}
    container = str(swift_data.get("container") or ctx.physical_name())
    name = str(
        swift_data.get("object") or uuid.uuid5(uuid.NAMESPACE_URL, f"heatctl:{ctx.tag}:metadata")
    )
    software_swift.put_container(ctx, container)
    url = software_swift.temp_url(ctx, container, name, "GET")
    ctx.data.update(
        metadata_container=container,
        metadata_object_name=name,
        metadata_put_url=software_swift.temp_url(ctx, container, name, "PUT"),
    )
    return url


def _remove_temp_url(ctx: ResourceContext) -> None:
    if not ctx.data.get("metadata_object_name"):
        return
    from heatctl.engine import software_swift

    container = ctx.data["metadata_container"]
    software_swift.delete_object(ctx, container, ctx.data["metadata_object_name"])
    software_swift.delete_container_if_empty(ctx, container)
    for key in ("metadata_container", "metadata_object_name", "metadata_put_url"):
        ctx.data.pop(key, None)


def attributes(ctx: ResourceContext) -> dict[str, Any]:
    return {
        "name": str(ctx.properties.get("name") or ctx.physical_name()),
        "os_collect_config": dict((ctx.data.get("metadata") or {}).get("os-collect-config", {})),
    }


def server_user_data(ctx: ResourceContext) -> str | None:
    """OS::Nova::Server's user_data as Heat sends it for RAW and SOFTWARE_CONFIG: a value
    that is the id of a stored software config (get_resource of a CloudConfig, a
    MultipartMime...) is replaced by that config's content."""
    value = ctx.properties.get("user_data")
    if not value:
        return None
    fmt = str(ctx.properties.get("user_data_format") or "HEAT_CFNTOOLS")
    if fmt in ("RAW", "SOFTWARE_CONFIG") and _is_uuid(str(value)):
        store = getattr(ctx.journal, "store", None)
        found = software_store(ctx).find_config(str(value)) if store is not None else None
        if found is not None:
            return found.config if isinstance(found.config, str) else json.dumps(found.config)
    return str(value)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
