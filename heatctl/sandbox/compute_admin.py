"""Nova's admin APIs: host aggregates, per-project quota sets, and the admin-only policy
that guards them and flavor management (a member's token gets Nova's 403)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from heatctl.sandbox.clock import iso
from heatctl.sandbox.web import ApiError, Body, Request, Response, empty, json_response

if TYPE_CHECKING:
    from heatctl.sandbox.compute import ComputeService

HOSTS = ("sandbox",)  # the sandbox's one compute host
# Nova's default quotas beyond those the sandbox enforces (cloud.DEFAULT_QUOTAS).
MORE_DEFAULTS = {
    "injected_files": 5,
    "injected_file_content_bytes": 10240,
    "injected_file_path_bytes": 255,
    "fixed_ips": -1,
    "floating_ips": 10,
    "security_groups": 10,
    "security_group_rules": 20,
    "networks": 3,
}
NETWORK_QUOTAS = (
    "fixed_ips",
    "floating_ips",
    "security_groups",
    "security_group_rules",
    "networks",
)
INJECTED_QUOTAS = ("injected_files", "injected_file_content_bytes", "injected_file_path_bytes")
ENFORCED = (
    "instances",
    "cores",
    "ram",
    "key_pairs",
    "server_groups",
    "server_group_members",
    "metadata_items",
)


def require_admin(request: Request, rule: str) -> None:
    """Nova's policy check for an admin-only rule."""
    if not request.is_admin:
        raise ApiError(403, f"Policy doesn't allow {rule} to be performed.")


class ComputeAdmin:
    """/os-aggregates and /os-quota-sets."""

    def __init__(self, compute: ComputeService) -> None:
        self.compute = compute
        self.cloud = compute.cloud

    def routes(self, r: Callable[..., None]) -> None:
        """Register the admin routes."""
        r("GET", "/v2.1/os-aggregates", self.list_aggregates)
        r("POST", "/v2.1/os-aggregates", self.create_aggregate)
        r("GET", "/v2.1/os-aggregates/{id}", self.show_aggregate)
        r("PUT", "/v2.1/os-aggregates/{id}", self.update_aggregate)
        r("DELETE", "/v2.1/os-aggregates/{id}", self.delete_aggregate)
        r("POST", "/v2.1/os-aggregates/{id}/action", self.aggregate_action)
        r("GET", "/v2.1/os-quota-sets/{project}", self.quota_set)
        r("GET", "/v2.1/os-quota-sets/{project}/detail", self.quota_set)
        r("GET", "/v2.1/os-quota-sets/{project}/defaults", self.quota_set)
        r("PUT", "/v2.1/os-quota-sets/{project}", self.update_quota_set)
        r("DELETE", "/v2.1/os-quota-sets/{project}", self.delete_quota_set)

    # -- aggregates ----------------------------------------------------------------------
    def _aggregate(self, request: Request) -> Body:
        key = request.params["id"]
        return self.cloud.require("aggregate", key, f"Aggregate {key} could not be found.")

    @staticmethod
    def _view(body: Body) -> Body:
        return {k: v for k, v in body.items() if not k.startswith("_")}

    def list_aggregates(self, request: Request) -> Response:
        """GET /os-aggregates (admin)."""
        require_admin(request, "os_compute_api:os-aggregates:index")
        aggregates = [self._view(a) for a in self.cloud.query("aggregate")]
        return json_response(200, {"aggregates": aggregates})

    def show_aggregate(self, request: Request) -> Response:
        """GET /os-aggregates/{id} (admin)."""
        require_admin(request, "os_compute_api:os-aggregates:show")
        return json_response(200, {"aggregate": self._view(self._aggregate(request))})

    def _check_name(self, name: Any, own: str | None = None) -> None:
        if not isinstance(name, str) or not name.strip() or len(name) > 255:
            raise ApiError(400, f"Invalid input for field/attribute name. Value: {name}.")
        for other in self.cloud.query("aggregate"):
            if other["name"] == name and str(other["id"]) != own:
                raise ApiError(409, f"Aggregate {name} already exists.")

    def create_aggregate(self, request: Request) -> Response:
        """POST /os-aggregates (admin): name unique, optional availability zone."""
        require_admin(request, "os_compute_api:os-aggregates:create")
        entity = request.entity("aggregate")
        unknown = set(entity) - {"name", "availability_zone"}
        if unknown:
            raise ApiError(400, f"Invalid input for field/attribute aggregate: {sorted(unknown)}")
        self._check_name(entity.get("name"))
        zone = entity.get("availability_zone")
        if zone is not None and not isinstance(zone, str):
            raise ApiError(400, "Invalid input for field/attribute availability_zone.")
        number = self.cloud.store.next_seq()
        from heatctl.sandbox.web import new_id

        body: Body = {
            "id": number,
            "uuid": new_id(),
            "name": entity["name"],
            "availability_zone": zone,
            "hosts": [],
            "metadata": {"availability_zone": zone} if zone else {},
            "created_at": iso(self.cloud.now()).rstrip("Z"),
            "updated_at": None,
            "deleted_at": None,
            "deleted": False,
            "_cols": {"id": str(number)},
        }
        self.cloud.save("aggregate", body)
        return json_response(200, {"aggregate": self._view(body)})

    def update_aggregate(self, request: Request) -> Response:
        """PUT /os-aggregates/{id} (admin): name and availability zone."""
        require_admin(request, "os_compute_api:os-aggregates:update")
        body = self._aggregate(request)
        entity = request.entity("aggregate")
        if not entity or set(entity) - {"name", "availability_zone"}:
            raise ApiError(400, "Invalid input for field/attribute aggregate.")
        if "name" in entity:
            self._check_name(entity["name"], str(body["id"]))
            body["name"] = entity["name"]
        if "availability_zone" in entity:
            zone = entity["availability_zone"]
            body["availability_zone"] = zone
            body["metadata"].pop("availability_zone", None)
            if zone:
                body["metadata"]["availability_zone"] = zone
        body["updated_at"] = iso(self.cloud.now()).rstrip("Z")
        self.cloud.save("aggregate", body)
        return json_response(200, {"aggregate": self._view(body)})

    def delete_aggregate(self, request: Request) -> Response:
        """DELETE /os-aggregates/{id} (admin): refused while it has hosts."""
        require_admin(request, "os_compute_api:os-aggregates:delete")
        body = self._aggregate(request)
        if body["hosts"]:
            raise ApiError(
                400,
                f"Cannot remove host from aggregate {body['id']}. Reason: "
                "Host aggregate is not empty.",
            )
        self.cloud.store.delete("aggregate", str(body["id"]))
        return empty(200)

    def aggregate_action(self, request: Request) -> Response:
        """POST /os-aggregates/{id}/action: add_host, remove_host, set_metadata."""
        body = self._aggregate(request)
        data = request.json()
        name = next(iter(data), "") if isinstance(data, dict) and len(data) == 1 else ""
        args = data.get(name) if name else None
        if name not in ("add_host", "remove_host", "set_metadata") or not isinstance(args, dict):
            raise ApiError(400, "Invalid input for field/attribute action.")
        require_admin(request, f"os_compute_api:os-aggregates:{name}")
        if name == "set_metadata":
            self._set_metadata(body, args.get("metadata"))
        else:
            self._move_host(body, name, args.get("host"))
        body["updated_at"] = iso(self.cloud.now()).rstrip("Z")
        self.cloud.save("aggregate", body)
        return json_response(200, {"aggregate": self._view(body)})

    @staticmethod
    def _set_metadata(body: Body, metadata: Any) -> None:
        if not isinstance(metadata, dict):
            raise ApiError(400, "Invalid input for field/attribute metadata.")
        for key, value in metadata.items():
            if value is None:
                body["metadata"].pop(str(key), None)
            else:
                body["metadata"][str(key)] = str(value)
        if "availability_zone" in metadata:
            body["availability_zone"] = metadata["availability_zone"]

    @staticmethod
    def _move_host(body: Body, action: str, host: Any) -> None:
        if not isinstance(host, str) or host not in HOSTS:
            raise ApiError(404, f"Compute host {host} could not be found.")
        if action == "add_host":
            if host in body["hosts"]:
                raise ApiError(409, f"Aggregate {body['id']} already has host {host}.")
            body["hosts"].append(host)
        elif host not in body["hosts"]:
            raise ApiError(404, f"Cannot remove host {host} in aggregate {body['id']}")
        else:
            body["hosts"].remove(host)

    # -- quota sets ----------------------------------------------------------------------
    def _names(self, request: Request) -> tuple[str, ...]:
        from heatctl.sandbox.compute import microversion

        version = microversion(request)
        names = list(ENFORCED)
        if version < (2, 57):
            names += INJECTED_QUOTAS
        if version < (2, 36):
            names += NETWORK_QUOTAS
        return tuple(names)

    def limit(self, project: str, name: str) -> int:
        """A project's limit for one quota."""
        if name in ENFORCED:
            return self.cloud.quota("compute", name, project)
        own = self.cloud.store.get("compute_quota", project) or {}
        return int(own.get("limits", {}).get(name, MORE_DEFAULTS[name]))

    def quota_set(self, request: Request) -> Response:
        """GET /os-quota-sets/{project}[/detail|/defaults]: own project, or admin."""
        project = request.params["project"]
        if project != request.project_id:
            require_admin(request, "os_compute_api:os-quota-sets:show")
        defaults = request.path.endswith("/defaults")
        quotas: Body = {
            name: self.limit("" if defaults else project, name) for name in self._names(request)
        }
        if request.path.endswith("/detail"):
            used = self.compute.usage(project)
            quotas = {
                k: {"limit": v, "in_use": used.get(k, 0), "reserved": 0} for k, v in quotas.items()
            }
        return json_response(200, {"quota_set": {"id": project, **quotas}})

    def update_quota_set(self, request: Request) -> Response:
        """PUT /os-quota-sets/{project} (admin): integers >= -1 for the known names."""
        require_admin(request, "os_compute_api:os-quota-sets:update")
        values = request.entity("quota_set")
        values.pop("force", None)
        allowed = self._names(request)
        unknown = sorted(set(values) - set(allowed))
        if unknown:
            raise ApiError(
                400,
                "Invalid input for field/attribute quota_set. Additional properties are "
                f"not allowed ({', '.join(repr(u) for u in unknown)} were unexpected)",
            )
        limits: dict[str, int] = {}
        for key, value in values.items():
            try:
                number = int(value)
                if isinstance(value, bool) or number < -1:
                    raise ValueError(value)
            except (TypeError, ValueError):
                raise ApiError(
                    400, f"Invalid input for field/attribute {key}. Value: {value}."
                ) from None
            limits[key] = number
        project = request.params["project"]
        record = self.cloud.store.get("compute_quota", project) or {"id": project, "limits": {}}
        record["limits"].update(limits)
        record["_cols"] = {"id": project, "project": project}
        self.cloud.save("compute_quota", record)
        quotas = {name: self.limit(project, name) for name in allowed}
        return json_response(200, {"quota_set": quotas})

    def delete_quota_set(self, request: Request) -> Response:
        """DELETE /os-quota-sets/{project} (admin): back to the defaults."""
        require_admin(request, "os_compute_api:os-quota-sets:delete")
        self.cloud.store.delete("compute_quota", request.params["project"])
        return empty(202)
