"""What hangs off a Nova server: metadata, network interfaces, volume attachments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    check_fields,
    empty,
    json_response,
    new_id,
)

if TYPE_CHECKING:
    from heatctl.sandbox.compute_servers import Servers


class ServerParts:
    """Sub-resources of servers; the Servers collection routes to these."""

    def __init__(self, servers: Servers) -> None:
        self.servers = servers
        self.cloud = servers.cloud

    # -- metadata ----------------------------------------------------------------------
    def metadata(self, request: Request) -> Response:
        """GET (read), PUT (replace) or POST (merge) /servers/{id}/metadata."""
        body = self.servers.find(request.params["id"])
        if request.method in ("PUT", "POST"):
            data = request.json()
            items = data.get("metadata") if isinstance(data, dict) else None
            if not isinstance(items, dict) or not all(isinstance(v, str) for v in items.values()):
                raise ApiError(400, "Invalid input for field/attribute metadata.")
            body["metadata"] = items if request.method == "PUT" else {**body["metadata"], **items}
            if len(body["metadata"]) > self.cloud.quota("compute", "metadata_items"):
                raise ApiError(403, "Quota exceeded for metadata_items")
            self.cloud.save("server", body)
        return json_response(200, {"metadata": body["metadata"]})

    def metadata_item(self, request: Request) -> Response:
        """GET/PUT/DELETE /servers/{id}/metadata/{key}."""
        body, key = self.servers.find(request.params["id"]), request.params["key"]
        if request.method == "PUT":
            meta = request.json().get("meta") if isinstance(request.json(), dict) else None
            if not isinstance(meta, dict) or list(meta) != [key]:
                raise ApiError(400, "Request body and URI mismatch")
            body["metadata"][key] = str(meta[key])
            self.cloud.save("server", body)
            return json_response(200, {"meta": {key: body["metadata"][key]}})
        if key not in body["metadata"]:
            raise ApiError(404, "Metadata item was not found")
        if request.method == "DELETE":
            del body["metadata"][key]
            self.cloud.save("server", body)
            return empty(204)
        return json_response(200, {"meta": {key: body["metadata"][key]}})

    # -- interfaces --------------------------------------------------------------------
    def _interface(self, port: Body) -> Body:
        return {
            "port_id": port["id"],
            "net_id": port["network_id"],
            "mac_addr": port["mac_address"],
            "fixed_ips": port["fixed_ips"],
            "port_state": self.servers.net.ports.port_view(port)["status"],
            "tag": None,
        }

    def interfaces(self, request: Request) -> Response:
        """GET /servers/{id}/os-interface."""
        body = self.servers.find(request.params["id"])
        ports = self.cloud.store.query("port", owner=body["id"])
        return json_response(200, {"interfaceAttachments": [self._interface(p) for p in ports]})

    def attach_interface(self, request: Request) -> Response:
        """POST /servers/{id}/os-interface with port_id or net_id."""
        body = self.servers.find(request.params["id"])
        entity = request.entity("interfaceAttachment")
        check_fields(
            entity,
            {"port_id": str, "net_id": str, "fixed_ips": list, "tag": str},
            where="interfaceAttachment",
        )
        fixed = entity.get("fixed_ips") or [{}]
        if not isinstance(fixed[0], dict) or not isinstance(fixed[0].get("ip_address", ""), str):
            raise ApiError(400, "Invalid input for field/attribute fixed_ips.")
        item = (
            {"port": entity["port_id"]}
            if entity.get("port_id")
            else {"uuid": entity.get("net_id"), "fixed_ip": fixed[0].get("ip_address")}
        )
        groups = self.servers.security_groups(request, [{"name": n} for n in body["_sg_names"]])
        port = self.servers.port_for(request, body["id"], item, groups)
        return json_response(200, {"interfaceAttachment": self._interface(port)})

    def detach_interface(self, request: Request) -> Response:
        """DELETE /servers/{id}/os-interface/{port}: 202."""
        body = self.servers.find(request.params["id"])
        port = self.cloud.load("port", request.params["port"])
        if port is None or port["device_id"] != body["id"]:
            raise ApiError(404, f"Port {request.params['port']} is not attached")
        if port.get("_nova_created"):
            self.servers.net.ports.delete_port(port)
        else:
            port.update(device_id="", device_owner="")
            self.servers.net.ports.save_port(port)
        return empty(202)

    # -- volume attachments --------------------------------------------------------------
    def attach(
        self, body: Body, volume: Body, device: str | None, delete: bool, tag: str | None
    ) -> Body:
        """Record an attachment on the server and start the volume attaching."""
        used = {a["device"] for a in body["_attachments"]}
        if device is None:
            device = next(
                f"/dev/vd{c}" for c in "bcdefghijklmnopqrstuvwxyz" if f"/dev/vd{c}" not in used
            )
        attachment = {
            "id": volume["id"],
            "volumeId": volume["id"],
            "serverId": body["id"],
            "device": device,
            "tag": tag,
            "delete_on_termination": delete,
            "attachment_id": new_id(),
            "bdm_uuid": new_id(),
        }
        body["_attachments"] = [*body["_attachments"], attachment]
        self.servers.volumes.attach(volume, body["id"], device, attachment["attachment_id"])
        return attachment

    def attach_volume(self, request: Request) -> Response:
        """POST /servers/{id}/os-volume_attachments: the volume must be available."""
        body = self.servers.find(request.params["id"])
        entity = request.entity("volumeAttachment")
        check_fields(
            entity,
            {
                "volumeId": str,
                "device": (str, type(None)),
                "tag": str,
                "delete_on_termination": bool,
            },
            required=("volumeId",),
            where="volumeAttachment",
        )
        if body["status"] not in ("ACTIVE", "SHUTOFF", "PAUSED", "SUSPENDED"):
            raise ApiError(
                409,
                f"Cannot 'attach_volume' instance {body['id']} while it is in "
                f"vm_state {body['OS-EXT-STS:vm_state']}",
            )
        volume = self.servers.volumes.find(entity["volumeId"], status=404)
        if volume["status"] != "available":
            raise ApiError(
                400,
                f"Invalid volume: volume {volume['id']} status must be "
                f"available, but current status is: {volume['status']}",
            )
        attachment = self.attach(
            body,
            volume,
            entity.get("device"),
            bool(entity.get("delete_on_termination", False)),
            entity.get("tag"),
        )
        self.cloud.save("server", body)
        return json_response(200, {"volumeAttachment": attachment})

    def _find_attachment(self, request: Request) -> tuple[Body, Body]:
        body = self.servers.find(request.params["id"])
        for attachment in body["_attachments"]:
            if attachment["volumeId"] == request.params["volume"]:
                return body, attachment
        raise ApiError(404, f"Volume {request.params['volume']} is not attached to {body['id']}")

    def attachments(self, request: Request) -> Response:
        """GET /servers/{id}/os-volume_attachments."""
        body = self.servers.find(request.params["id"])
        return json_response(200, {"volumeAttachments": body["_attachments"]})

    def attachment(self, request: Request) -> Response:
        """GET /servers/{id}/os-volume_attachments/{volume}."""
        return json_response(200, {"volumeAttachment": self._find_attachment(request)[1]})

    def update_attachment(self, request: Request) -> Response:
        """PUT: only delete_on_termination may change (2.85+)."""
        body, attachment = self._find_attachment(request)
        entity = request.entity("volumeAttachment")
        check_fields(
            entity,
            {
                "volumeId": str,
                "delete_on_termination": bool,
                "device": str,
                "tag": str,
                "id": str,
                "serverId": str,
            },
            where="volumeAttachment",
        )
        if "delete_on_termination" in entity:
            attachment["delete_on_termination"] = entity["delete_on_termination"]
        self.cloud.save("server", body)
        return empty(202)

    def detach_volume(self, request: Request) -> Response:
        """DELETE /servers/{id}/os-volume_attachments/{volume}: 202, volume detaching."""
        body, attachment = self._find_attachment(request)
        body["_attachments"] = [a for a in body["_attachments"] if a is not attachment]
        self.cloud.save("server", body)
        volume = self.cloud.load("volume", attachment["volumeId"])
        if volume is not None:
            self.servers.volumes.detach(volume, body["id"], self.cloud.timings.volume_detach)
        return empty(202)

    def remote_console(self, request: Request) -> Response:
        """POST /servers/{id}/remote-consoles: a console URL (nothing listens there)."""
        body = self.servers.find(request.params["id"])
        entity = request.entity("remote_console")
        check_fields(
            entity,
            {"protocol": str, "type": str},
            required=("protocol", "type"),
            where="remote_console",
        )
        if entity["protocol"] not in ("vnc", "spice", "rdp", "serial", "mks"):
            raise ApiError(
                400, f"Invalid input for field/attribute protocol. Value: {entity['protocol']}."
            )
        if body["status"] != "ACTIVE":
            raise ApiError(409, f"Instance {body['id']} is not ready")
        url = f"{self.cloud.base_url}/console/{entity['type']}/?token={new_id()}"
        return json_response(200, {"remote_console": {**entity, "url": url}})

    def tags(self, request: Request) -> Response:
        """GET, PUT (replace) or DELETE (all) /servers/{id}/tags (2.26+)."""
        body = self.servers.find(request.params["id"])
        if request.method == "PUT":
            data = request.json()
            tags = data.get("tags") if isinstance(data, dict) else None
            if not isinstance(tags, list) or not all(isinstance(t, str) and t for t in tags):
                raise ApiError(400, "Invalid input for field/attribute tags.")
            if len(tags) > 50:
                raise ApiError(400, "The number of tags exceeded the per-server limit 50")
            body["tags"] = sorted(set(tags))
        elif request.method == "DELETE":
            body["tags"] = []
        if request.method != "GET":
            self.cloud.save("server", body)
        if request.method == "DELETE":
            return empty(204)
        return json_response(200, {"tags": body.get("tags", [])})

    def tag(self, request: Request) -> Response:
        """GET (check), PUT (add) or DELETE one tag of a server."""
        body, tag = self.servers.find(request.params["id"]), request.params["tag"]
        tags = list(body.get("tags") or [])
        if request.method == "PUT":
            status = 204 if tag in tags else 201
            body["tags"] = sorted({*tags, tag})
            self.cloud.save("server", body)
            return empty(status)
        if tag not in tags:
            raise ApiError(404, f"Tag {tag} could not be found for instance {body['id']}.")
        if request.method == "DELETE":
            body["tags"] = [t for t in tags if t != tag]
            self.cloud.save("server", body)
        return empty(204)
