"""Server actions as a table: which states allow them and what they change to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from heatctl.sandbox.clock import iso
from heatctl.sandbox.web import ApiError, Body, Request, Response, empty, json_response

if TYPE_CHECKING:
    from heatctl.sandbox.compute_servers import Servers

ACTIVE = {"status": "ACTIVE", "OS-EXT-STS:vm_state": "active", "OS-EXT-STS:power_state": 1}
SHUTOFF = {"status": "SHUTOFF", "OS-EXT-STS:vm_state": "stopped", "OS-EXT-STS:power_state": 4}
# action -> (statuses it is allowed from, changes applied)
TRANSITIONS: dict[str, tuple[set[str], Body]] = {
    "os-stop": ({"ACTIVE", "ERROR"}, SHUTOFF),
    "os-start": ({"SHUTOFF"}, ACTIVE),
    "reboot": ({"ACTIVE", "SHUTOFF", "ERROR"}, ACTIVE),
    "pause": (
        {"ACTIVE"},
        {"status": "PAUSED", "OS-EXT-STS:vm_state": "paused", "OS-EXT-STS:power_state": 3},
    ),
    "unpause": ({"PAUSED"}, ACTIVE),
    "suspend": (
        {"ACTIVE"},
        {"status": "SUSPENDED", "OS-EXT-STS:vm_state": "suspended", "OS-EXT-STS:power_state": 4},
    ),
    "resume": ({"SUSPENDED"}, ACTIVE),
    "shelve": (
        {"ACTIVE", "SHUTOFF"},
        {
            "status": "SHELVED_OFFLOADED",
            "OS-EXT-STS:vm_state": "shelved_offloaded",
            "OS-EXT-STS:power_state": 4,
        },
    ),
    "unshelve": ({"SHELVED_OFFLOADED", "SHELVED"}, ACTIVE),
    "rebuild": ({"ACTIVE", "SHUTOFF", "ERROR"}, ACTIVE),
    "rescue": ({"ACTIVE", "SHUTOFF"}, {"status": "RESCUE", "OS-EXT-STS:vm_state": "rescued"}),
    "unrescue": ({"RESCUE"}, ACTIVE),
    "resize": (
        {"ACTIVE", "SHUTOFF"},
        {"status": "VERIFY_RESIZE", "OS-EXT-STS:vm_state": "resized"},
    ),
    "confirmResize": ({"VERIFY_RESIZE"}, ACTIVE),
    "revertResize": ({"VERIFY_RESIZE"}, ACTIVE),
}
NO_STATE_CHANGE = {
    "lock",
    "unlock",
    "addSecurityGroup",
    "removeSecurityGroup",
    "changePassword",
    "createImage",
    "createBackup",
    "os-resetState",
    "os-getConsoleOutput",
    "forceDelete",
    "restore",
    "trigger_crash_dump",
    "migrate",
    "os-migrateLive",
    "evacuate",
}


def run_action(servers: Servers, request: Request, body: Body) -> Response:
    """Apply one action from the request body to a server."""
    data = request.json()
    if not isinstance(data, dict) or len(data) != 1:
        raise ApiError(400, "There is no such action: the body must name exactly one action.")
    name, args = next(iter(data.items()))
    if name in TRANSITIONS:
        allowed, changes = TRANSITIONS[name]
        if body["status"] not in allowed:
            raise ApiError(
                409,
                f"Cannot '{name}' instance {body['id']} while it is in "
                f"vm_state {body['OS-EXT-STS:vm_state']}",
            )
        if name == "resize":
            _resize(servers, body, args)
        body.update(changes)
        body["OS-EXT-STS:task_state"] = None
    elif name in NO_STATE_CHANGE:
        result = _other(servers, request, body, name, args)
        if result is not None:
            return result
    else:
        raise ApiError(400, f"There is no such action: {name}")
    body["updated"] = iso(servers.cloud.now())
    servers.cloud.save("server", body)
    return empty(202)


def _resize(servers: Servers, body: Body, args: Any) -> None:
    ref = (args or {}).get("flavorRef") if isinstance(args, dict) else None
    flavor = servers.compute.find_flavor(str(ref), status=400)
    body["flavor"].update(
        vcpus=flavor["vcpus"], ram=flavor["ram"], disk=flavor["disk"], original_name=flavor["name"]
    )


def _other(servers: Servers, request: Request, body: Body, name: str, args: Any) -> Response | None:
    if name in ("lock", "unlock"):
        body["locked"] = name == "lock"
        body["locked_reason"] = (
            (args or {}).get("locked_reason") if name == "lock" and isinstance(args, dict) else None
        )
    elif name in ("addSecurityGroup", "removeSecurityGroup"):
        group = str((args or {}).get("name", ""))
        servers.security_groups(request, [{"name": group}])
        names = [n for n in body["_sg_names"] if n != group]
        body["_sg_names"] = [*names, group] if name == "addSecurityGroup" else names
    elif name == "os-resetState":
        state = (args or {}).get("state", "error") if isinstance(args, dict) else "error"
        body.update(status="ERROR" if state == "error" else "ACTIVE")
        body["OS-EXT-STS:vm_state"] = state
    elif name == "os-getConsoleOutput":
        return json_response(200, {"output": f"sandbox console of {body['name']}\nlogin: "})
    elif name == "forceDelete":
        servers.release(body)
        return empty(202)
    elif name == "createImage":
        return create_image(servers, request, body, args)
    return None


IMAGE_FROM = {"ACTIVE", "SHUTOFF", "PAUSED", "SUSPENDED"}


def create_image(servers: Servers, request: Request, body: Body, args: Any) -> Response:
    """createImage: a snapshot image in Glance, `queued`, then `saving`, then `active`.

    From microversion 2.45 Nova answers {"image_id": ...}; before, a Location header."""
    from heatctl.sandbox.compute import microversion

    name = args.get("name") if isinstance(args, dict) else None
    metadata = (args or {}).get("metadata") or {} if isinstance(args, dict) else {}
    if not isinstance(name, str) or not name.strip() or not isinstance(metadata, dict):
        raise ApiError(400, "Invalid input for field/attribute createImage.")
    if body["status"] not in IMAGE_FROM:
        raise ApiError(
            409,
            f"Cannot 'createImage' instance {body['id']} while it is in "
            f"vm_state {body['OS-EXT-STS:vm_state']}",
        )
    cloud = servers.cloud
    base = cloud.load("image", str((body.get("image") or {}).get("id", ""))) or {}
    properties = {str(k): str(v) for k, v in metadata.items()}
    image = cloud.services["image"].new_image(  # type: ignore[attr-defined]
        request.project_id,
        {
            **properties,
            "name": name,
            "disk_format": base.get("disk_format") or "qcow2",
            "container_format": base.get("container_format") or "bare",
            "visibility": "private",
            "min_disk": int(body["flavor"].get("disk", 0)),
            "image_type": "snapshot",
            "instance_uuid": body["id"],
            "base_image_ref": base.get("id", ""),
        },
    )
    image["status"] = "saving"
    cloud.schedule(image, cloud.timings.volume_create, {"status": "active", "size": 1024})
    cloud.save("image", image)
    if microversion(request) >= (2, 45):
        return json_response(202, {"image_id": image["id"]})
    return empty(202, {"Location": f"{cloud.base_url}/image/v2/images/{image['id']}"})
