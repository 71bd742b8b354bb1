"""Neutron trunks: a parent port carrying subports, each on its own VLAN.

Rules as Neutron's trunk plugin has them: a port is the parent of one trunk at most and
cannot be a subport at the same time (409); a (segmentation_type, segmentation_id) pair
is used once per trunk (409 DuplicateSubPort); a disabled trunk refuses subport changes
and a trunk whose parent port is bound (device_id set) cannot be deleted (409). The
trunk is DOWN until its parent is bound, then ACTIVE. Parent and subports cannot be
deleted while in the trunk (network_ports asks `port_in_trunk`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from heatctl.sandbox.network_generic import (
    BOOL,
    Collection,
    Spec,
    bad_request,
    conflict,
    in_choices,
    in_range,
)
from heatctl.sandbox.web import ApiError, Body, Request, Response, json_response, public

if TYPE_CHECKING:
    from heatctl.sandbox.network import NetworkService

SUBPORT_OWNER = "trunk:subport"


class Trunks:
    """The trunks collection and its add_subports/remove_subports/get_subports actions."""

    def __init__(self, net: NetworkService) -> None:
        self.net = net
        self.cloud = net.cloud
        self.trunks = Collection(
            net,
            Spec(
                kind="trunk",
                path="/trunks",
                singular="trunk",
                plural="trunks",
                label="Trunk",
                error="TrunkNotFound",
                fields={
                    "name": str,
                    "description": str,
                    "port_id": str,
                    "admin_state_up": BOOL,
                    "sub_ports": list,
                    "tags": list,
                    "tenant_id": str,
                    "project_id": str,
                },
                required=("port_id",),
                updatable=("name", "description", "admin_state_up"),
                defaults=lambda entity: {"name": "", "admin_state_up": True, "sub_ports": []},
                tags=True,
                validate=self._validate,
                before_delete=self._before_delete,
                view=self._view,
            ),
        )

    def routes(self, r: Callable[..., None]) -> None:
        """Register the collection and the subport actions."""
        self.trunks.routes(r)
        r("PUT", "/v2.0/trunks/{id}/add_subports", self.add_subports)
        r("PUT", "/v2.0/trunks/{id}/remove_subports", self.remove_subports)
        r("GET", "/v2.0/trunks/{id}/get_subports", self.get_subports)

    def _view(self, c: Collection, body: Body) -> Body:
        view = public(body)
        parent = self.cloud.load("port", body["port_id"])
        bound = bool(parent and parent.get("device_id"))
        view["status"] = "ACTIVE" if bound else "DOWN"
        return view

    def owner_of(self, port_id: str) -> tuple[Body, str] | None:
        """(trunk, "parent" | "subport") of a port in a trunk, else None."""
        for trunk in self.trunks.all():
            if trunk["port_id"] == port_id:
                return trunk, "parent"
            if any(s["port_id"] == port_id for s in trunk["sub_ports"]):
                return trunk, "subport"
        return None

    def port_in_trunk(self, port_id: str) -> None:
        """409 when a port about to be deleted is a trunk's parent or subport."""
        found = self.owner_of(port_id)
        if found is None:
            return
        trunk, role = found
        if role == "parent":
            raise conflict(
                f"Port {port_id} is currently a parent port for trunk {trunk['id']}.",
                "PortInUseAsTrunkParent",
            )
        raise conflict(
            f"Port {port_id} is currently a subport for trunk {trunk['id']}.",
            "PortInUseAsSubPort",
        )

    def _validate(self, c: Collection, request: Request, body: Body) -> None:
        parent = self.net.find("port", str(body["port_id"]))
        if self.owner_of(parent["id"]) is not None:
            raise conflict(f"Port {parent['id']} is in use by another trunk.", "TrunkPortInUse")
        if parent["device_owner"].startswith("network:"):
            raise conflict(
                f"Port {parent['id']} is currently in use and is not eligible for use as a "
                "parent port.",
                "ParentPortInUse",
            )
        subports = body["sub_ports"]
        body["sub_ports"] = []
        self._add(body, subports)

    def _add(self, trunk: Body, subports: Any) -> None:
        if not isinstance(subports, list):
            raise bad_request("Invalid input for sub_ports. Reason: not a list.", "HTTPBadRequest")
        added: list[Body] = []
        for item in subports:
            sub = self._subport(trunk, item, [*trunk["sub_ports"], *added])
            added.append(sub)
        for sub in added:
            port = self.net.find("port", sub["port_id"])
            port["device_owner"], port["device_id"] = SUBPORT_OWNER, trunk["id"]
            self.net.ports.save_port(port)
        trunk["sub_ports"] = [*trunk["sub_ports"], *added]

    def _subport(self, trunk: Body, item: Any, current: list[Body]) -> Body:
        if not isinstance(item, dict) or "port_id" not in item:
            raise bad_request(
                f"Invalid input for sub_ports. Reason: {item} is missing port_id.",
                "HTTPBadRequest",
            )
        kind = item.get("segmentation_type", "vlan")
        in_choices(kind, "segmentation_type", ("vlan", "inherit"))
        seg_id = item.get("segmentation_id")
        if isinstance(seg_id, str) and seg_id.isdigit():
            seg_id = int(seg_id)  # Neutron's convert_to_int
        if kind == "vlan":
            if seg_id is None:
                raise bad_request(
                    "Invalid input for operation: segmentation_id is required for vlan.",
                    "InvalidInput",
                )
            in_range(seg_id, "segmentation_id", 1, 4094)
        port = self.net.find("port", str(item["port_id"]))
        if port["id"] == trunk["port_id"] or self.owner_of(port["id"]) is not None:
            found = self.owner_of(port["id"])
            owner = found[0]["id"] if found else trunk["id"]
            raise conflict(
                f"Port {port['id']} is currently a subport for trunk {owner}.",
                "PortInUseAsSubPort",
            )
        if port["device_id"]:
            raise conflict(f"Port {port['id']} is in use by {port['device_id']}.", "PortInUse")
        for other in current:
            if other["port_id"] == port["id"] or (
                kind == "vlan"
                and other["segmentation_type"] == kind
                and other["segmentation_id"] == seg_id
            ):
                raise conflict(
                    f"segmentation type {kind} and segmentation ID {seg_id} already in use "
                    f"on trunk {trunk['id']}.",
                    "DuplicateSubPort",
                )
        return {"port_id": port["id"], "segmentation_type": kind, "segmentation_id": seg_id}

    def _changeable(self, request: Request) -> tuple[Body, Any]:
        trunk = self.trunks.find(request.params["id"])
        data = request.json()
        if not isinstance(data, dict) or not isinstance(data.get("sub_ports"), list):
            raise bad_request("Invalid input: the body must have a list 'sub_ports'.")
        if not trunk["admin_state_up"]:
            raise conflict(f"Trunk {trunk['id']} is currently disabled.", "TrunkDisabled")
        return trunk, data["sub_ports"]

    def add_subports(self, request: Request) -> Response:
        """PUT /trunks/{id}/add_subports: answers the trunk unwrapped, as Neutron does."""
        trunk, items = self._changeable(request)
        self._add(trunk, items)
        self.trunks.save(trunk)
        return json_response(200, self._view(self.trunks, trunk))

    def remove_subports(self, request: Request) -> Response:
        """PUT /trunks/{id}/remove_subports (by port_id)."""
        trunk, items = self._changeable(request)
        wanted = [str(i.get("port_id")) for i in items if isinstance(i, dict)]
        present = {s["port_id"] for s in trunk["sub_ports"]}
        for port_id in wanted:
            if port_id not in present:
                raise ApiError(
                    404,
                    f"SubPort {port_id} of trunk {trunk['id']} could not be found.",
                    kind="SubPortNotFound",
                )
        for port_id in wanted:
            port = self.cloud.load("port", port_id)
            if port is not None and port["device_owner"] == SUBPORT_OWNER:
                port["device_owner"], port["device_id"] = "", ""
                self.net.ports.save_port(port)
        trunk["sub_ports"] = [s for s in trunk["sub_ports"] if s["port_id"] not in wanted]
        self.trunks.save(trunk)
        return json_response(200, self._view(self.trunks, trunk))

    def get_subports(self, request: Request) -> Response:
        """GET /trunks/{id}/get_subports."""
        trunk = self.trunks.find(request.params["id"])
        return json_response(200, {"sub_ports": trunk["sub_ports"]})

    def _before_delete(self, c: Collection, request: Request, body: Body) -> None:
        if self._view(c, body)["status"] == "ACTIVE":
            raise conflict(f"Trunk {body['id']} is currently in use.", "TrunkInUse")
        for sub in body["sub_ports"]:
            port = self.cloud.load("port", sub["port_id"])
            if port is not None and port["device_owner"] == SUBPORT_OWNER:
                port["device_owner"], port["device_id"] = "", ""
                self.net.ports.save_port(port)
