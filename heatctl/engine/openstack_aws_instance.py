"""AWS::EC2::Instance as Heat runs it (heat/engine/resources/aws/ec2/instance.py): a Nova
server (ImageId -> image, InstanceType -> flavor), on the given NetworkInterfaces (ports),
or on a port Heat makes in SubnetId, with the Volumes attached once it is ACTIVE. Tags
become server metadata. Updates: Tags (metadata), InstanceType (resize, then confirm),
NetworkInterfaces/SubnetId (interfaces detached and attached). Every IP attribute is
Heat's "first address" of the server.

AWS::EC2::Volume and AWS::EC2::VolumeAttachment reuse the Cinder volume kind and the
OS::Cinder::VolumeAttachment lifecycle with the AWS property names.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.openstack import TAG_KEY, CloudKind, drop_none
from heatctl.engine.openstack_aws import security_group_ids
from heatctl.engine.openstack_kinds import SERVER, VOLUME
from heatctl.engine.openstack_links import VolumeAttachmentLifecycle
from heatctl.engine.wait import Wait

# -- user data -----------------------------------------------------------------------


def cfn_userdata(user_data: str) -> str:
    """The user data as Heat sends it for an Instance (user_data_format HEAT_CFNTOOLS):
    a multipart MIME message whose `cfn-userdata` part is the template's UserData and
    whose cloud-config part makes cloud-init's default user `ec2-user`."""
    message = MIMEMultipart()
    config = MIMEText("user: ec2-user\n", "cloud-config", "utf-8")
    config.add_header("Content-Disposition", "attachment", filename="cloud-config")
    message.attach(config)
    part = MIMEText(user_data, "x-cfninitdata", "utf-8")
    part.add_header("Content-Disposition", "attachment", filename="cfn-userdata")
    message.attach(part)
    return message.as_string()


# -- create ----------------------------------------------------------------------------


def _security_groups(props: dict[str, Any]) -> list[str] | None:
    groups = [*(props.get("SecurityGroups") or []), *(props.get("SecurityGroupIds") or [])]
    return [str(g) for g in groups] or None


def _interface_ports(interfaces: list[Any]) -> list[str]:
    """NetworkInterfaces (ids, or maps with NetworkInterfaceId and DeviceIndex) -> port
    ids in DeviceIndex order (a bare id's index is its place in the list)."""
    nics = [
        entry if isinstance(entry, dict) else {"NetworkInterfaceId": entry, "DeviceIndex": i}
        for i, entry in enumerate(interfaces)
    ]
    nics.sort(key=lambda nic: int(nic.get("DeviceIndex", 0)))
    return [str(nic["NetworkInterfaceId"]) for nic in nics]


def _subnet_port(ctx: ResourceContext, subnet_id: str) -> str:
    """The port Heat makes in SubnetId (with the instance's security groups); it is
    the instance's, deleted with it. Tagged, so a crash never makes two."""
    conn = ctx.conn
    subnet = conn.network.find_subnet(subnet_id, ignore_missing=False)
    groups = _security_groups(ctx.properties)
    body = drop_none(
        {
            "is_admin_state_up": True,
            "network_id": subnet.network_id,
            "fixed_ips": [{"subnet_id": subnet.id}],
            "security_group_ids": security_group_ids(conn, groups) if groups else None,
            "tags": [ctx.tag],
        }
    )
    port = ctx.call(
        "port.create",
        lambda: conn.network.create_port(**body),
        creates=True,
        lookup=lambda: next(iter(conn.network.ports(tags=ctx.tag)), None),
    )
    ctx.data["port_id"] = str(port.id)
    return str(port.id)


def _networks(ctx: ResourceContext) -> list[dict[str, Any]] | str:
    props = ctx.properties
    if props.get("NetworkInterfaces"):
        return [{"port": port} for port in _interface_ports(props["NetworkInterfaces"])]
    if props.get("SubnetId"):
        return [{"port": _subnet_port(ctx, str(props["SubnetId"]))}]
    return "auto"


def _metadata(props: dict[str, Any]) -> dict[str, str]:
    return {str(t["Key"]): str(t["Value"]) for t in props.get("Tags") or []}


def _hints(props: dict[str, Any]) -> dict[str, Any] | None:
    hints: dict[str, Any] = {}
    for item in props.get("NovaSchedulerHints") or []:
        key, value = item["Key"], item["Value"]
        if key in hints:
            hints[key] = [*(hints[key] if isinstance(hints[key], list) else [hints[key]]), value]
        else:
            hints[key] = value
    return hints or None


def _server_body(ctx: ResourceContext) -> dict[str, Any]:
    p = ctx.properties
    conn = ctx.conn
    if p.get("BlockDeviceMappings"):
        raise ResourceFailed(
            f"{ctx.name}: BlockDeviceMappings (volumes from snapshots at boot) are not"
            " supported by heatctl yet; attach volumes with the Volumes property"
        )
    networks = _networks(ctx)
    groups = _security_groups(p)
    return drop_none(
        {
            "name": ctx.physical_name(),
            "image_id": conn.image.find_image(p["ImageId"], ignore_missing=False).id,
            "flavor_id": conn.compute.find_flavor(p["InstanceType"], ignore_missing=False).id,
            "key_name": p.get("KeyName"),
            "networks": networks,
            # With ports, the groups are the ports' (set on the port Heat makes).
            "security_groups": [{"name": g} for g in groups]
            if groups and networks == "auto"
            else None,
            # Nova takes user data base64-encoded (openstacksdk's proxy sends it as given).
            "user_data": base64.b64encode(
                cfn_userdata(str(p.get("UserData") or "")).encode()
            ).decode(),
            "metadata": {**_metadata(p), TAG_KEY: ctx.tag},
            "tags": [ctx.tag],
            "availability_zone": p.get("AvailabilityZone"),
            "scheduler_hints": _hints(p),
        }
    )


def _server(ctx: ResourceContext) -> Any:
    server = ctx.call("server.get", lambda: SERVER.get(ctx.conn, ctx.physical_id or ""))
    if server is None:
        raise ResourceFailed(f"{ctx.name}: server {ctx.physical_id} disappeared")
    if str(server.status).upper() == "ERROR":
        fault = getattr(server, "fault", None) or {}
        reason = fault.get("message") if isinstance(fault, dict) else None
        raise ResourceFailed(
            f"{ctx.name}: server went to ERROR" + (f": {reason}" if reason else "")
        )
    return server


def _volume_status(ctx: ResourceContext, volume_id: str) -> str:
    volume = ctx.call(
        "volume.get", lambda: ctx.conn.block_storage.find_volume(volume_id, ignore_missing=True)
    )
    return "missing" if volume is None else str(volume.status).lower()


def _attach(ctx: ResourceContext, volume: str, device: str | None) -> None:
    body = {"volume_id": volume, **({"device": device} if device else {})}
    ctx.call(
        "server.attach_volume",
        lambda: ctx.conn.compute.create_volume_attachment(ctx.physical_id, **body),
    )


def _attach_next(ctx: ResourceContext) -> Wait | None:
    """Heat's _attach_volumes: attach one volume per poll, then wait for each to be in-use."""
    done: list[str] = ctx.data.setdefault("attached", [])
    for item in ctx.properties.get("Volumes") or []:
        volume = str(item["VolumeId"])
        if volume not in done:
            _attach(ctx, volume, item.get("Device"))
            done.append(volume)
            return Wait(None)
    for volume in done:
        status = _volume_status(ctx, volume)
        if status in ("error", "error_attaching", "missing"):
            raise ResourceFailed(f"{ctx.name}: attaching volume {volume} failed ({status})")
        if status != "in-use":
            return Wait(None)
    return None


# -- update ----------------------------------------------------------------------------


def _update_steps(ctx: ResourceContext) -> list[list[Any]]:
    """The update as a list of [action, argument] steps run one per poll (Heat's
    ServerUpdateProgress list)."""
    steps: list[list[Any]] = []
    if "Tags" in ctx.changed:
        steps.append(["metadata", None])
    if "InstanceType" in ctx.changed:
        flavor = ctx.conn.compute.find_flavor(ctx.properties["InstanceType"], ignore_missing=False)
        steps += [["resize", str(flavor.id)], ["confirm", None]]
    if {"NetworkInterfaces", "SubnetId"} & set(ctx.changed):
        steps += _interface_steps(ctx)
    return steps


def _interface_steps(ctx: ResourceContext) -> list[list[Any]]:
    old = _interface_ports(ctx.old_properties.get("NetworkInterfaces") or [])
    new = _interface_ports(ctx.properties.get("NetworkInterfaces") or [])
    if old and new:  # only the differences move
        return [["detach", p] for p in old if p not in new] + [
            ["attach", p] for p in new if p not in old
        ]
    ports = ctx.call(
        "server.interfaces", lambda: list(ctx.conn.compute.server_interfaces(ctx.physical_id))
    )
    steps: list[list[Any]] = [["detach", str(i.port_id)] for i in ports]
    steps.append(["drop_subnet_port", None])
    if new:
        return steps + [["attach", p] for p in new]
    if ctx.properties.get("SubnetId"):
        return [*steps, ["attach_subnet", str(ctx.properties["SubnetId"])]]
    return [*steps, ["attach", None]]


def _run_step(ctx: ResourceContext, action: str, arg: Any) -> bool:
    """Start one step; True when it needs no polling."""
    compute, sid = ctx.conn.compute, ctx.physical_id or ""
    if action == "metadata":
        meta = {**_metadata(ctx.properties), TAG_KEY: ctx.tag}
        ctx.call("server.set_metadata", lambda: _replace_metadata(ctx, meta))
    elif action == "resize":
        ctx.call("server.resize", lambda: compute.resize_server(sid, arg))
        return False
    elif action == "confirm":
        ctx.call("server.confirm_resize", lambda: compute.confirm_server_resize(sid))
        return False
    elif action == "detach":
        ctx.call(
            "server.detach_interface",
            lambda: compute.delete_server_interface(arg, server=sid, ignore_missing=True),
        )
    elif action == "drop_subnet_port":
        _drop_subnet_port(ctx)
    elif action == "attach_subnet":
        port = _subnet_port(ctx, arg)
        ctx.call(
            "server.attach_interface", lambda: compute.create_server_interface(sid, port_id=port)
        )
    else:
        body = {"port_id": arg} if arg else {}
        ctx.call("server.attach_interface", lambda: compute.create_server_interface(sid, **body))
    return True


def _replace_metadata(ctx: ResourceContext, meta: dict[str, str]) -> None:
    """Heat's meta_update: the server's metadata becomes exactly the new tags."""
    compute, sid = ctx.conn.compute, ctx.physical_id or ""
    current = compute.get_server_metadata(sid).metadata or {}
    stale = [k for k in current if k not in meta]
    if stale:
        compute.delete_server_metadata(sid, stale)
    compute.set_server_metadata(sid, **meta)


def _drop_subnet_port(ctx: ResourceContext) -> None:
    port = ctx.data.pop("port_id", None)
    if port:
        ctx.call(
            "port.delete",
            lambda: ctx.conn.network.delete_port(port, ignore_missing=True),
            conflict_retries=6,
        )


def _step_done(ctx: ResourceContext, action: str) -> bool:
    status = str(_server(ctx).status).upper()
    if action == "resize":
        return status == "VERIFY_RESIZE"
    return status == "ACTIVE"


# -- attributes ------------------------------------------------------------------------


def first_address(server: Any) -> str:
    """Heat's Instance._ipaddress: the first address of the network whose name sorts
    last ('0.0.0.0' when there is none)."""
    networks = {
        name: [entry.get("addr") for entry in entries]
        for name, entries in dict(server.addresses or {}).items()
    }
    for name in sorted(networks, reverse=True):
        if networks[name]:
            return str(networks[name][0])
    return "0.0.0.0"


class InstanceLifecycle:
    """Methods the AWS::EC2::Instance class takes (see the module docstring)."""

    def create(self, ctx: ResourceContext) -> Wait | None:
        body = _server_body(ctx)
        server = ctx.call(
            "server.create",
            lambda: SERVER.create(ctx.conn, body),
            request={"name": body["name"]},
            creates=True,
            lookup=lambda: next(iter(SERVER.find_tagged(ctx.conn, ctx.tag)), None),
        )
        ctx.physical_id = str(server.id)
        return Wait(None)

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        if not ctx.data.get("active"):
            if str(_server(ctx).status).upper() != "ACTIVE":
                return Wait(None)
            ctx.data["active"] = True
        return _attach_next(ctx)

    def update(self, ctx: ResourceContext) -> Wait | None:
        ctx.data["steps"] = _update_steps(ctx)
        ctx.data["step"] = 0
        ctx.data["started"] = False
        return self.check_update_complete(ctx)

    def check_update_complete(self, ctx: ResourceContext) -> Wait | None:
        steps = ctx.data.get("steps") or []
        while ctx.data["step"] < len(steps):
            action, arg = steps[ctx.data["step"]]
            if not ctx.data["started"]:
                ctx.data["started"] = True
                if not _run_step(ctx, action, arg):
                    return Wait(None)
            elif not _step_done(ctx, action):
                return Wait(None)
            ctx.data["step"] += 1
            ctx.data["started"] = False
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        _drop_subnet_port(ctx)
        if ctx.physical_id:
            ctx.call("server.delete", lambda: SERVER.delete(ctx.conn, ctx.physical_id or ""))
        return Wait(None)

    def check_delete_complete(self, ctx: ResourceContext) -> Wait | None:
        server = ctx.call("server.get", lambda: SERVER.get(ctx.conn, ctx.physical_id or ""))
        if server is None:
            return None
        if str(server.status).upper() == "ERROR":
            raise ResourceFailed(f"{ctx.name}: server went to ERROR while deleting")
        return Wait(None)

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        server = ctx.call("server.get", lambda: SERVER.get(ctx.conn, ctx.physical_id or ""))
        if server is None:
            return {}
        address = first_address(server)
        zone = ctx.properties.get("AvailabilityZone") or getattr(server, "availability_zone", None)
        return {
            "PublicIp": address,
            "PrivateIp": address,
            "PublicDnsName": address,
            "PrivateDnsName": address,
            "AvailabilityZone": zone,
        }

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        found = ctx.call("server.find", lambda: SERVER.find_tagged(ctx.conn, ctx.tag))
        return str(found[0].id) if found else None


# -- Volume, VolumeAttachment ----------------------------------------------------------


def _volume_body(ctx: ResourceContext) -> dict[str, Any]:
    p = ctx.properties
    if p.get("SnapshotId"):
        raise ResourceFailed(
            f"{ctx.name}: restoring a volume from a backup (SnapshotId) is not supported"
            " by heatctl yet"
        )
    return drop_none(
        {
            "name": ctx.physical_name(),
            "size": p.get("Size"),
            "availability_zone": p.get("AvailabilityZone") or None,
            "metadata": {**_metadata(p), TAG_KEY: ctx.tag},
        }
    )


EC2_VOLUME = CloudKind(
    what="volume",
    create=VOLUME.create,
    get=VOLUME.get,
    delete=VOLUME.delete,
    find_tagged=VOLUME.find_tagged,
    body=_volume_body,
    ready=VOLUME.ready,
    attributes=lambda v: {},
)

_ATTACHMENT_NAMES = {"InstanceId": "instance_uuid", "VolumeId": "volume_id", "Device": "mountpoint"}


@contextmanager
def _os_names(ctx: ResourceContext) -> Iterator[None]:
    """ctx.properties under the OS::Cinder::VolumeAttachment names for one call."""
    saved = ctx.properties
    ctx.properties = {_ATTACHMENT_NAMES.get(k, k): v for k, v in saved.items()}
    try:
        yield
    finally:
        ctx.properties = saved


def _as_os(method: Callable[..., Any]) -> Callable[..., Any]:
    def call(self: Any, ctx: ResourceContext) -> Any:
        with _os_names(ctx):
            return method(VolumeAttachmentLifecycle(), ctx)

    call.__doc__ = method.__doc__
    return call


class Ec2VolumeAttachmentLifecycle:
    """AWS::EC2::VolumeAttachment: OS::Cinder::VolumeAttachment's lifecycle."""

    create = _as_os(VolumeAttachmentLifecycle.create)
    check_create_complete = _as_os(VolumeAttachmentLifecycle.check_create_complete)
    update = _as_os(VolumeAttachmentLifecycle.update)
    check_update_complete = _as_os(VolumeAttachmentLifecycle.check_update_complete)
    delete = _as_os(VolumeAttachmentLifecycle.delete)
    check_delete_complete = _as_os(VolumeAttachmentLifecycle.check_delete_complete)
    resolve_attributes = _as_os(VolumeAttachmentLifecycle.resolve_attributes)
    find_by_tag = _as_os(VolumeAttachmentLifecycle.find_by_tag)
