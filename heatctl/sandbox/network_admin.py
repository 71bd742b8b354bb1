"""Neutron administration: RBAC policies, network segments, provider attributes, quotas.

- rbac-policies share a network, QoS policy, security group, address scope or subnet
  pool with a project or with everyone ('*'); a '*' policy makes the object show
  `shared: true` (`router:external: true` for access_as_external). Duplicates are 409,
  and a policy other projects' ports depend on cannot be removed (409 RbacPolicyInUse).
- segments and provider networks allocate (network_type, physical_network,
  segmentation_id) from one space: the same VLAN on the same physical network twice is
  409, a flat physical network is used once. Segments go with their network; a segment
  with subnets cannot be deleted (409 SegmentInUse). Both are admin only (403).
- quotas are per project (GET/PUT/DELETE /quotas/{project}); DELETE returns to defaults.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from heatctl.sandbox.cloud import DEFAULT_QUOTAS
from heatctl.sandbox.network_generic import (
    NULLABLE_STR,
    Collection,
    Spec,
    bad_request,
    conflict,
    in_choices,
    in_range,
)
from heatctl.sandbox.neutron_common import new_standard
from heatctl.sandbox.web import ApiError, Body, Request, Response, empty, json_response, new_id

if TYPE_CHECKING:
    from heatctl.sandbox.network import NetworkService

RBAC_TYPES = {
    "network": ("access_as_shared", "access_as_external"),
    "qos_policy": ("access_as_shared",),
    "security_group": ("access_as_shared",),
    "address_scope": ("access_as_shared",),
    "subnetpool": ("access_as_shared",),
}
NETWORK_TYPES = ("local", "flat", "vlan", "vxlan", "gre", "geneve")
TUNNELS = ("vxlan", "gre", "geneve")
# Neutron's quota resources (DevStack defaults for the ones the sandbox does not seed).
QUOTA_DEFAULTS = {**DEFAULT_QUOTAS["network"], "rbac_policy": 10, "subnetpool": -1, "trunk": -1}


def forbidden(rule: str) -> ApiError:
    """Neutron's policy refusal."""
    return ApiError(403, f"({rule}) is disallowed by policy", kind="PolicyNotAuthorized")


class Admin:
    """rbac-policies, segments, provider attribute checks and per-project quotas."""

    def __init__(self, net: NetworkService) -> None:
        self.net = net
        self.cloud = net.cloud
        self.rbac = Collection(
            net,
            Spec(
                kind="rbac_policy",
                path="/rbac-policies",
                singular="rbac_policy",
                plural="rbac_policies",
                label="RBAC policy",
                error="RbacPolicyNotFound",
                fields={
                    "object_type": str,
                    "object_id": str,
                    "action": str,
                    "target_tenant": str,
                    "target_project": str,
                    "tenant_id": str,
                    "project_id": str,
                },
                required=("object_type", "object_id", "action"),
                updatable=("target_tenant",),
                validate=self._validate_rbac,
                validate_update=self._update_rbac,
                before_delete=lambda c, q, body: self._remove_rbac(body),
            ),
        )
        self.segments = Collection(
            net,
            Spec(
                kind="segment",
                path="/segments",
                singular="segment",
                plural="segments",
                label="Segment",
                error="SegmentNotFound",
                fields={
                    "network_id": str,
                    "network_type": str,
                    "physical_network": NULLABLE_STR,
                    "segmentation_id": (int, str, type(None)),
                    "name": NULLABLE_STR,
                    "description": str,
                    "tenant_id": str,
                    "project_id": str,
                },
                required=("network_id", "network_type"),
                updatable=("name", "description"),
                defaults=lambda entity: {"name": None, "physical_network": None},
                validate=self._validate_segment,
                before_delete=self._delete_segment,
            ),
        )

    def routes(self, r: Callable[..., None]) -> None:
        """Register RBAC, segments and quotas."""
        self.rbac.routes(r)
        self.segments.routes(r)
        r("GET", "/v2.0/quotas", self.list_quotas)
        r("GET", "/v2.0/quotas/{project}", self.get_quota)
        r("GET", "/v2.0/quotas/{project}/details", self.quota_details)
        r("GET", "/v2.0/quotas/{project}/default", self.quota_defaults)
        r("PUT", "/v2.0/quotas/{project}", self.put_quota)
        r("DELETE", "/v2.0/quotas/{project}", self.delete_quota)

    # -- RBAC ------------------------------------------------------------------------
    def _validate_rbac(self, c: Collection, request: Request, body: Body) -> None:
        kind, action = body["object_type"], body["action"]
        if kind not in RBAC_TYPES:
            raise bad_request(
                f"Invalid input for object_type. Reason: '{kind}' is not in {sorted(RBAC_TYPES)}.",
                "HTTPBadRequest",
            )
        if action not in RBAC_TYPES[kind]:
            raise bad_request(
                f"Invalid action '{action}' for object type '{kind}'. Valid actions: "
                f"{', '.join(RBAC_TYPES[kind])}",
                "InvalidInput",
            )
        body["target_tenant"] = str(
            body.pop("target_project", None) or body.get("target_tenant") or ""
        )
        if not body["target_tenant"]:
            raise bad_request(
                "Failed to parse request. Required attribute 'target_tenant' not specified",
                "HTTPBadRequest",
            )
        self.net.find_any(kind, str(body["object_id"]))
        for other in c.all():
            same = all(other[k] == body[k] for k in ("object_type", "object_id", "action"))
            if same and other["target_tenant"] == body["target_tenant"]:
                raise conflict(
                    "An RBAC policy already exists with those values.", "DuplicateRbacPolicy"
                )
        self._apply_rbac(body, on=True)

    def _apply_rbac(self, policy: Body, *, on: bool) -> None:
        """A '*' policy shows on the object (shared / router:external)."""
        if policy["target_tenant"] != "*":
            return
        obj = self.net.find_any(policy["object_type"], policy["object_id"])
        flag = "router:external" if policy["action"] == "access_as_external" else "shared"
        if not on and any(
            other["id"] != policy["id"]
            and other["object_id"] == policy["object_id"]
            and other["action"] == policy["action"]
            and other["target_tenant"] == "*"
            for other in self.rbac.all()
        ):
            return
        obj[flag] = on
        self.cloud.save(policy["object_type"], obj)

    def _update_rbac(self, c: Collection, body: Body, changes: Body) -> None:
        self._check_in_use(body)
        self._apply_rbac(body, on=False)
        self._apply_rbac({**body, **changes}, on=True)

    def _check_in_use(self, policy: Body) -> None:
        if policy["object_type"] != "network":
            return
        network = self.cloud.load("network", policy["object_id"])
        if network is None:
            return
        target = policy["target_tenant"]
        for port in self.cloud.query("port", parent=network["id"]):
            owner = port["project_id"]
            if owner != network["project_id"] and target in ("*", owner):
                raise conflict(
                    f"RBAC policy on object {network['id']} cannot be removed because other "
                    "objects depend on it.",
                    "RbacPolicyInUse",
                )

    def _remove_rbac(self, policy: Body) -> None:
        self._check_in_use(policy)
        if self.cloud.load(policy["object_type"], policy["object_id"]) is not None:
            self._apply_rbac(policy, on=False)

    # -- segments and provider attributes ----------------------------------------------
    def _validate_segment(self, c: Collection, request: Request, body: Body) -> None:
        if not request.is_admin:
            raise forbidden("rule:create_segment")
        network = self.net.find("network", str(body["network_id"]))
        body["segmentation_id"] = self.allocate(
            body["network_type"], body.get("physical_network"), body.get("segmentation_id")
        )
        body["_cols"]["parent"] = network["id"]

    def allocate(self, kind: str, physnet: Any, seg_id: Any, skip: Any = None) -> int | None:
        """Check a (type, physical network, id) triple and return the id (allocated when
        not given); 400 for a malformed one, 409 when it is in use."""
        in_choices(kind, "network_type", NETWORK_TYPES)
        if isinstance(seg_id, str):
            seg_id = int(seg_id) if seg_id.isdigit() else seg_id
        if kind in ("flat", "vlan") and not physnet:
            raise bad_request(
                f"physical_network required for {kind} provider network", "InvalidInput"
            )
        if kind in (*TUNNELS, "local") and physnet:
            raise bad_request(
                f"{kind} provider network does not take a physical_network", "InvalidInput"
            )
        if kind in ("flat", "local") and seg_id is not None:
            raise bad_request(
                f"segmentation_id prohibited for {kind} provider network", "InvalidInput"
            )
        used = self._used(kind, physnet, skip)
        if kind == "flat":
            if used:
                raise conflict(
                    f"Unable to create the flat network. Physical network {physnet} is in use.",
                    "FlatNetworkInUse",
                )
            return None
        if kind == "local":
            return None
        top = 4094 if kind == "vlan" else 16777215
        if seg_id is None:
            seg_id = next(i for i in range(1, top + 1) if i not in used)
        in_range(seg_id, "segmentation_id", 1, top)
        if seg_id in used:
            if kind == "vlan":
                raise conflict(
                    f"Unable to create the network. The VLAN {seg_id} on physical network "
                    f"{physnet} is in use.",
                    "VlanIdInUse",
                )
            raise conflict(
                f"Unable to create the network. The tunnel ID {seg_id} is in use.", "TunnelIdInUse"
            )
        return int(seg_id)

    def _used(self, kind: str, physnet: Any, skip: Any = None) -> set[Any]:
        used: set[Any] = set()
        for seg in self.segments.all():
            same = seg["network_type"] == kind and seg.get("physical_network") == physnet
            if same and seg["id"] != skip:
                used.add(seg.get("segmentation_id"))
        return used

    def provider(self, request: Request, entity: Body, current: Body | None = None) -> Body:
        """The provider:* attributes of a network create or update, checked (admin only)."""
        keys = ("provider:network_type", "provider:physical_network", "provider:segmentation_id")
        if not any(k in entity for k in keys):
            return {}
        if not request.is_admin:
            raise forbidden("rule:create_network:provider:network_type")
        if current is not None and self.cloud.query("port", parent=current["id"]):
            raise bad_request(
                "Invalid input for operation: Plugin does not support updating provider "
                "attributes of a network with ports.",
                "InvalidInput",
            )
        old = dict(current or {})
        merged = {**{k: old.get(k) for k in keys}, **{k: entity.get(k, old.get(k)) for k in keys}}
        if "provider:segmentation_id" not in entity and "provider:network_type" in entity:
            merged["provider:segmentation_id"] = None
        merged["provider:network_type"] = merged["provider:network_type"] or "geneve"
        merged["provider:segmentation_id"] = self.allocate(
            str(merged["provider:network_type"]),
            merged["provider:physical_network"],
            merged["provider:segmentation_id"],
            skip=old.get("_segment"),  # its own segment does not count against itself
        )
        return merged

    def network_segment(self, network: Body) -> None:
        """Create or update the segment ML2 keeps for a network's provider attributes."""
        segment = self.cloud.load("segment", str(network.get("_segment") or "")) or {
            "id": new_id(),
            "name": None,
            "network_id": network["id"],
            **new_standard(self.cloud, network["project_id"], {}),
            "_cols": {"project": network["project_id"], "parent": network["id"]},
        }
        segment.pop("tags", None)
        segment["network_type"] = network["provider:network_type"]
        segment["physical_network"] = network["provider:physical_network"]
        segment["segmentation_id"] = network["provider:segmentation_id"]
        self.cloud.save("segment", segment)
        if network.get("_segment") != segment["id"]:
            network["_segment"] = segment["id"]
            self.cloud.save("network", network)

    def check_subnet_segment(self, network: Body, segment_id: str) -> None:
        """A subnet's segment must be one of its network's."""
        segment = self.segments.find(segment_id)
        if segment["network_id"] != network["id"]:
            raise bad_request(
                f"Invalid input for operation: Segment {segment_id} is not on network "
                f"{network['id']}.",
                "InvalidInput",
            )

    def _delete_segment(self, c: Collection, request: Request, body: Body) -> None:
        subnets = [s["id"] for s in self.cloud.query("subnet") if s.get("segment_id") == body["id"]]
        if subnets:
            raise conflict(
                f"Segment '{body['id']}' cannot be deleted while it is in use: subnet(s) "
                f"{', '.join(subnets)}",
                "SegmentInUse",
            )

    def network_deleted(self, network: Body) -> None:
        """What goes with a network: its segments and RBAC policies."""
        for seg in self.segments.all(parent=network["id"]):
            self.cloud.store.delete("segment", seg["id"])
        for policy in self.rbac.all():
            if policy["object_id"] == network["id"]:
                self.cloud.store.delete("rbac_policy", policy["id"])

    # -- quotas ----------------------------------------------------------------------
    def limits(self, project: str) -> dict[str, int]:
        """The quotas in force for a project."""
        base = {
            k: self.cloud.quota("network", k) if k in DEFAULT_QUOTAS["network"] else v
            for k, v in QUOTA_DEFAULTS.items()
        }
        own = self.cloud.load("network_quota", project)
        return {**base, **(own["quota"] if own else {})}

    def over_quota(self, project: str, name: str, used: int) -> bool:
        """True if one more `name` would pass the project's limit."""
        limit = self.limits(project).get(name, -1)
        return limit >= 0 and used + 1 > limit

    def get_quota(self, request: Request) -> Response:
        """GET /v2.0/quotas/{project}."""
        return json_response(200, {"quota": self.limits(request.params["project"])})

    def quota_defaults(self, request: Request) -> Response:
        """GET /v2.0/quotas/{project}/default: the limits a project without its own has."""
        base = {
            k: self.cloud.quota("network", k) if k in DEFAULT_QUOTAS["network"] else v
            for k, v in QUOTA_DEFAULTS.items()
        }
        return json_response(200, {"quota": base})

    def quota_details(self, request: Request) -> Response:
        """GET /v2.0/quotas/{project}/details: limit, used and reserved per resource."""
        project = request.params["project"]
        kinds = {"security_group_rule": "sg_rule"}
        details = {
            name: {
                "limit": limit,
                "used": self.cloud.store.count(kinds.get(name, name), project),
                "reserved": 0,
            }
            for name, limit in self.limits(project).items()
        }
        return json_response(200, {"quota": details})

    def list_quotas(self, request: Request) -> Response:
        """GET /v2.0/quotas: the projects with quotas of their own."""
        items = [
            {**self.limits(q["id"]), "project_id": q["id"], "tenant_id": q["id"]}
            for q in self.cloud.query("network_quota")
        ]
        return json_response(200, {"quotas": items})

    def put_quota(self, request: Request) -> Response:
        """PUT /v2.0/quotas/{project} (admin): unknown resources and values below -1 are 400."""
        if not request.is_admin:
            raise forbidden("rule:update_quota")
        project = request.params["project"]
        values = request.entity("quota")
        unknown = sorted(set(values) - set(QUOTA_DEFAULTS))
        if unknown:
            raise bad_request(f"Unrecognized attribute(s) '{', '.join(unknown)}'", "HTTPBadRequest")
        clean: dict[str, int] = {}
        for key, value in values.items():
            try:
                number = int(value)
            except (TypeError, ValueError):
                number = -2
            if isinstance(value, bool) or number < -1:
                raise bad_request(
                    f"Invalid input for {key}. Reason: '{value}' is not an integer or is "
                    "smaller than -1.",
                    "HTTPBadRequest",
                )
            clean[key] = number
        own = self.cloud.load("network_quota", project) or {"id": project, "quota": {}}
        own["quota"] = {**own["quota"], **clean}
        own["_cols"] = {"project": project}
        self.cloud.save("network_quota", own)
        return json_response(200, {"quota": self.limits(project)})

    def delete_quota(self, request: Request) -> Response:
        """DELETE /v2.0/quotas/{project}: back to the defaults."""
        if not request.is_admin:
            raise forbidden("rule:delete_quota")
        self.cloud.store.delete("network_quota", request.params["project"])
        return empty(204)
