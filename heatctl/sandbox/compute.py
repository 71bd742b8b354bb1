"""Nova: version document, flavors, keypairs, server groups, limits, quotas.

Servers, their actions and volume attachments are in compute_servers.py.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any

from heatctl.sandbox.clock import iso
from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.compute_admin import require_admin
from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    Router,
    check_fields,
    empty,
    json_response,
    new_id,
    public,
)

MAX_MICROVERSION = "2.96"
FLAVORS = [  # DevStack's m1 family: (id, name, ram MB, vcpus, disk GB)
    ("1", "m1.tiny", 512, 1, 1),
    ("2", "m1.small", 2048, 1, 20),
    ("3", "m1.medium", 4096, 2, 40),
    ("4", "m1.large", 8192, 4, 80),
    ("5", "m1.xlarge", 16384, 8, 160),
]
KEYPAIR_NAME = re.compile(r"^[a-zA-Z0-9 _@.:-]{1,255}$")
FLAVOR_FIELDS: dict[str, Any] = {
    "name": str,
    "ram": (int, str),
    "vcpus": (int, str),
    "disk": (int, str),
    "id": (str, type(None)),
    "swap": (int, str),
    "OS-FLV-EXT-DATA:ephemeral": (int, str),
    "rxtx_factor": (int, float, str),
    "os-flavor-access:is_public": bool,
    "description": (str, type(None)),
}


def microversion(request: Request) -> tuple[int, int]:
    """The compute microversion a request asked for (2.1 when none)."""
    text = request.header("openstack-api-version").replace("compute", "").strip() or request.header(
        "x-openstack-nova-api-version"
    )
    if text == "latest":
        text = MAX_MICROVERSION
    try:
        major, minor = text.split(".") if text else ("2", "1")
        return int(major), int(minor)
    except ValueError:
        raise ApiError(
            400,
            f"Version {text} is not supported by the API. Minimum is 2.1 and "
            f"maximum is {MAX_MICROVERSION}.",
        ) from None


class ComputeService:
    """Nova's v2.1 API (servers are delegated to compute_servers.Servers)."""

    def __init__(self, cloud: Cloud) -> None:
        from heatctl.sandbox.compute_admin import ComputeAdmin
        from heatctl.sandbox.compute_servers import Servers

        self.cloud = cloud
        self.servers = Servers(self)
        self.admin = ComputeAdmin(self)
        self.router = Router()
        r = self.router.add
        r("GET", "", self.versions)
        r("GET", "/v2.1", self.version)
        r("GET", "/v2.1/flavors", lambda q: self.list_flavors(q, detail=False))
        r("GET", "/v2.1/flavors/detail", lambda q: self.list_flavors(q, detail=True))
        r("POST", "/v2.1/flavors", self.create_flavor)
        r("GET", "/v2.1/flavors/{id}", self.show_flavor)
        r("PUT", "/v2.1/flavors/{id}", self.update_flavor)
        r("DELETE", "/v2.1/flavors/{id}", self.delete_flavor)
        r("POST", "/v2.1/flavors/{id}/action", self.flavor_access_action)
        r("GET", "/v2.1/flavors/{id}/os-flavor-access", self.flavor_access)
        r("GET", "/v2.1/flavors/{id}/os-extra_specs", self.extra_specs)
        r("POST", "/v2.1/flavors/{id}/os-extra_specs", self.extra_specs)
        r("GET", "/v2.1/flavors/{id}/os-extra_specs/{key}", self.extra_spec)
        r("PUT", "/v2.1/flavors/{id}/os-extra_specs/{key}", self.extra_spec)
        r("DELETE", "/v2.1/flavors/{id}/os-extra_specs/{key}", self.extra_spec)
        r("GET", "/v2.1/os-keypairs", self.list_keypairs)
        r("POST", "/v2.1/os-keypairs", self.create_keypair)
        r("GET", "/v2.1/os-keypairs/{name}", self.show_keypair)
        r("DELETE", "/v2.1/os-keypairs/{name}", self.delete_keypair)
        r("GET", "/v2.1/os-server-groups", self.list_groups)
        r("POST", "/v2.1/os-server-groups", self.create_group)
        r("GET", "/v2.1/os-server-groups/{id}", self.show_group)
        r("DELETE", "/v2.1/os-server-groups/{id}", self.delete_group)
        r("GET", "/v2.1/limits", self.limits)
        r("GET", "/v2.1/os-availability-zone", self.zones)
        r("GET", "/v2.1/os-availability-zone/detail", self.zones)
        self.admin.routes(r)
        self.servers.routes(r)

    # -- discovery -----------------------------------------------------------------------
    def _v21(self) -> Body:
        return {
            "id": "v2.1",
            "status": "CURRENT",
            "version": MAX_MICROVERSION,
            "min_version": "2.1",
            "updated": "2013-07-23T11:33:21Z",
            "links": [{"rel": "self", "href": f"{self.cloud.base_url}/compute/v2.1/"}],
            "media-types": [
                {
                    "base": "application/json",
                    "type": "application/vnd.openstack.compute+json;version=2.1",
                }
            ],
        }

    def versions(self, request: Request) -> Response:
        """GET /compute."""
        return json_response(200, {"versions": [self._v21()]})

    def version(self, request: Request) -> Response:
        """GET /compute/v2.1: advertises the microversion range."""
        return json_response(200, {"version": self._v21()})

    # -- flavors -------------------------------------------------------------------------
    def flavor_view(self, flavor: Body, detail: bool = True) -> Body:
        """A flavor as Nova 2.61+ shows it."""
        href = f"{self.cloud.base_url}/compute/v2.1/flavors/{flavor['id']}"
        links = [{"rel": "self", "href": href}, {"rel": "bookmark", "href": href}]
        if not detail:
            return {
                "id": flavor["id"],
                "name": flavor["name"],
                "links": links,
                "description": flavor.get("description"),
            }
        return {**public(flavor), "links": links}

    def find_flavor(self, flavor_id: str, status: int = 404) -> Body:
        """A flavor by id; Nova's message when missing."""
        return self.cloud.require(
            "flavor", flavor_id, f"Flavor {flavor_id} could not be found.", status=status
        )

    def list_flavors(self, request: Request, detail: bool) -> Response:
        """GET /flavors[/detail] with is_public, minRam, minDisk, limit, marker."""
        flavors = [f for f in self.cloud.query("flavor") if self.visible(request, f)]
        # Nova: an admin sees all flavors unless is_public is given; others public ones
        # and private ones their project was given access to.
        is_public = (request.arg("is_public") or "none").lower()
        if is_public in ("true", "1", "yes"):
            flavors = [f for f in flavors if f["os-flavor-access:is_public"]]
        elif is_public in ("false", "0", "no"):
            flavors = [f for f in flavors if not f["os-flavor-access:is_public"]]
        for arg, key in (("minRam", "ram"), ("minDisk", "disk")):
            if request.arg(arg):
                flavors = [f for f in flavors if f[key] >= int(request.arg(arg) or 0)]
        flavors.sort(key=lambda f: (f["ram"], f["id"]))
        page, links = nova_page(request, self.cloud, flavors, "flavors")
        body: Body = {"flavors": [self.flavor_view(f, detail) for f in page]}
        if links:
            body["flavors_links"] = links
        return json_response(200, body)

    @staticmethod
    def visible(request: Request, flavor: Body) -> bool:
        """Whether the caller may see a flavor (Nova's flavor access rules)."""
        return bool(
            request.is_admin
            or flavor["os-flavor-access:is_public"]
            or request.project_id in flavor.get("_access", [])
        )

    def show_flavor(self, request: Request) -> Response:
        """GET /flavors/{id}."""
        flavor = self.find_flavor(request.params["id"])
        if not self.visible(request, flavor):
            raise ApiError(404, f"Flavor {flavor['id']} could not be found.")
        return json_response(200, {"flavor": self.flavor_view(flavor)})

    def new_flavor(self, entity: Body) -> Body:
        """Store a flavor (seeding and the admin API)."""
        flavor = {
            "id": str(entity.get("id") or new_id()),
            "name": entity["name"],
            "ram": int(entity["ram"]),
            "vcpus": int(entity["vcpus"]),
            "disk": int(entity.get("disk", 0)),
            "OS-FLV-EXT-DATA:ephemeral": int(entity.get("OS-FLV-EXT-DATA:ephemeral", 0)),
            "OS-FLV-DISABLED:disabled": False,
            "swap": int(entity.get("swap") or 0),
            "rxtx_factor": float(entity.get("rxtx_factor", 1.0)),
            "os-flavor-access:is_public": entity.get("os-flavor-access:is_public", True),
            "description": entity.get("description"),
            "extra_specs": {},
        }
        self.cloud.save("flavor", flavor)
        return flavor

    def create_flavor(self, request: Request) -> Response:
        """POST /flavors (admin)."""
        require_admin(request, "os_compute_api:os-flavor-manage:create")
        entity = request.entity("flavor")
        check_fields(
            entity, FLAVOR_FIELDS, required=("name", "ram", "vcpus", "disk"), where="flavor"
        )
        if entity.get("id") and self.cloud.store.get("flavor", str(entity["id"])):
            raise ApiError(409, f"Flavor with ID {entity['id']} already exists.")
        if self.cloud.store.query("flavor", name=entity["name"]):
            raise ApiError(409, f"Flavor with name {entity['name']} already exists.")
        try:
            flavor = self.new_flavor(entity)
        except ValueError as error:
            raise ApiError(400, f"Invalid input for field/attribute flavor: {error}") from None
        return json_response(200, {"flavor": self.flavor_view(flavor)})

    def update_flavor(self, request: Request) -> Response:
        """PUT /flavors/{id}: only the description may change (2.55+)."""
        require_admin(request, "os_compute_api:os-flavor-manage:update")
        flavor = self.find_flavor(request.params["id"])
        entity = request.entity("flavor")
        check_fields(
            entity, {"description": (str, type(None))}, required=("description",), where="flavor"
        )
        flavor["description"] = entity["description"]
        self.cloud.save("flavor", flavor)
        return json_response(200, {"flavor": self.flavor_view(flavor)})

    def flavor_access(self, request: Request) -> Response:
        """GET /flavors/{id}/os-flavor-access: projects given a private flavor."""
        flavor = self.find_flavor(request.params["id"])
        if flavor["os-flavor-access:is_public"]:
            raise ApiError(404, "Access list not available for public flavors.")
        access = [{"flavor_id": flavor["id"], "tenant_id": t} for t in flavor.get("_access", [])]
        return json_response(200, {"flavor_access": access})

    def flavor_access_action(self, request: Request) -> Response:
        """POST /flavors/{id}/action: addTenantAccess / removeTenantAccess."""
        flavor = self.find_flavor(request.params["id"])
        data = request.json()
        name = next(iter(data), "") if isinstance(data, dict) else ""
        require_admin(request, f"os_compute_api:os-flavor-access:{_snake(name)}")
        args = data.get(name) if name else None
        tenant = str(args.get("tenant", "")) if isinstance(args, dict) else ""
        if name not in ("addTenantAccess", "removeTenantAccess") or not tenant:
            raise ApiError(400, "Invalid input for field/attribute action.")
        if flavor["os-flavor-access:is_public"]:
            raise ApiError(409, "Can not add access to a public flavor.")
        access = list(flavor.get("_access", []))
        if name == "addTenantAccess":
            if tenant in access:
                raise ApiError(
                    409,
                    f"Flavor access already exists for flavor {flavor['id']} "
                    f"and project {tenant} combination.",
                )
            access.append(tenant)
        elif tenant not in access:
            raise ApiError(
                404, f"Flavor access not found for {flavor['id']} / {tenant} combination."
            )
        else:
            access.remove(tenant)
        flavor["_access"] = access
        self.cloud.save("flavor", flavor)
        return self.flavor_access(request)

    def delete_flavor(self, request: Request) -> Response:
        """DELETE /flavors/{id} (admin): 202."""
        require_admin(request, "os_compute_api:os-flavor-manage:delete")
        flavor = self.find_flavor(request.params["id"])
        self.cloud.store.delete("flavor", flavor["id"])
        return empty(202)

    def extra_specs(self, request: Request) -> Response:
        """GET/POST /flavors/{id}/os-extra_specs."""
        flavor = self.find_flavor(request.params["id"])
        if request.method == "POST":
            require_admin(request, "os_compute_api:os-flavor-extra-specs:create")
            specs = request.json().get("extra_specs") if isinstance(request.json(), dict) else None
            if not isinstance(specs, dict):
                raise ApiError(400, "Invalid input for field/attribute extra_specs.")
            flavor["extra_specs"] = {
                **flavor["extra_specs"],
                **{k: str(v) for k, v in specs.items()},
            }
            self.cloud.save("flavor", flavor)
        return json_response(200, {"extra_specs": flavor["extra_specs"]})

    def extra_spec(self, request: Request) -> Response:
        """GET/PUT/DELETE /flavors/{id}/os-extra_specs/{key}."""
        flavor, key = self.find_flavor(request.params["id"]), request.params["key"]
        if request.method in ("PUT", "DELETE"):
            action = "update" if request.method == "PUT" else "delete"
            require_admin(request, f"os_compute_api:os-flavor-extra-specs:{action}")
        if request.method == "PUT":
            data = request.json()
            if not isinstance(data, dict) or key not in data:
                raise ApiError(400, "Request body and URI mismatch")
            flavor["extra_specs"][key] = str(data[key])
            self.cloud.save("flavor", flavor)
            return json_response(200, {key: flavor["extra_specs"][key]})
        if key not in flavor["extra_specs"]:
            raise ApiError(404, f"Flavor {flavor['id']} has no extra specs with key {key}.")
        if request.method == "DELETE":
            del flavor["extra_specs"][key]
            self.cloud.save("flavor", flavor)
            return empty(202)
        return json_response(200, {key: flavor["extra_specs"][key]})

    # -- keypairs ------------------------------------------------------------------------
    def _keypair_key(self, request: Request, name: str) -> str:
        return f"{request.arg('user_id') or request.user_id}/{name}"

    def create_keypair(self, request: Request) -> Response:
        """POST /os-keypairs: import a public key or generate a pair (private key returned)."""
        entity = request.entity("keypair")
        check_fields(
            entity,
            {"name": str, "public_key": str, "type": str, "user_id": str},
            required=("name",),
            where="keypair",
        )
        name, user = entity["name"], entity.get("user_id") or request.user_id
        if not KEYPAIR_NAME.match(name):
            raise ApiError(400, "Keypair data is invalid: Keypair name contains unsafe characters")
        if self.cloud.store.get("keypair", f"{user}/{name}"):
            raise ApiError(409, f"Key pair '{name}' already exists.")
        count = len(self.cloud.store.query("keypair", owner=user))
        if self.cloud.over_quota("compute", "key_pairs", count, project=request.project_id):
            raise ApiError(403, "Quota exceeded, too many key pairs.")
        private, public_key = None, entity.get("public_key")
        if public_key is None:
            private, public_key = generate_keypair()
        keypair = {
            "name": name,
            "public_key": public_key,
            "type": entity.get("type", "ssh"),
            "fingerprint": fingerprint(public_key),
            "user_id": user,
            "created_at": iso(self.cloud.now()).replace("Z", ".000000"),
            "id": self.cloud.store.next_seq(),
            "deleted": False,
            "deleted_at": None,
            "updated_at": None,
            "_cols": {"id": f"{user}/{name}", "owner": user, "project": request.project_id},
        }
        self.cloud.save("keypair", keypair)
        shown = {k: keypair[k] for k in ("name", "public_key", "fingerprint", "user_id", "type")}
        if private:
            shown["private_key"] = private
        return json_response(201 if microversion(request) >= (2, 2) else 200, {"keypair": shown})

    def list_keypairs(self, request: Request) -> Response:
        """GET /os-keypairs: each wrapped in {"keypair": ...}."""
        user = request.arg("user_id") or request.user_id
        keys = self.cloud.query("keypair", owner=user)
        page, links = nova_page(request, self.cloud, keys, "os-keypairs", key="name")
        body: Body = {
            "keypairs": [
                {"keypair": {k: kp[k] for k in ("name", "public_key", "fingerprint", "type")}}
                for kp in page
            ]
        }
        if links:
            body["keypairs_links"] = links
        return json_response(200, body)

    def show_keypair(self, request: Request) -> Response:
        """GET /os-keypairs/{name}."""
        keypair = self._find_keypair(request)
        return json_response(200, {"keypair": public(keypair)})

    def _find_keypair(self, request: Request) -> Body:
        name = request.params["name"]
        user = request.arg("user_id") or request.user_id
        return self.cloud.require(
            "keypair", f"{user}/{name}", f"Keypair {name} not found for user {user}"
        )

    def delete_keypair(self, request: Request) -> Response:
        """DELETE /os-keypairs/{name}: 204 from 2.2 on (202 before)."""
        keypair = self._find_keypair(request)
        self.cloud.store.delete("keypair", f"{keypair['user_id']}/{keypair['name']}")
        return empty(204 if microversion(request) >= (2, 2) else 202)

    # -- server groups -------------------------------------------------------------------
    def create_group(self, request: Request) -> Response:
        """POST /os-server-groups (policy at 2.64+, policies before)."""
        entity = request.entity("server_group")
        check_fields(
            entity,
            {"name": str, "policy": str, "policies": list, "rules": dict},
            required=("name",),
            where="server_group",
        )
        policy = entity.get("policy") or (entity.get("policies") or ["affinity"])[0]
        if policy not in ("affinity", "anti-affinity", "soft-affinity", "soft-anti-affinity"):
            raise ApiError(
                400,
                f"Invalid input for field/attribute policy. Value: {policy}. "
                f"'{policy}' is not one of ['anti-affinity', 'affinity', "
                "'soft-anti-affinity', 'soft-affinity']",
            )
        count = self.cloud.store.count("server_group", request.project_id)
        if self.cloud.over_quota("compute", "server_groups", count, project=request.project_id):
            raise ApiError(403, "Quota exceeded, too many server groups.")
        group = {
            "id": new_id(),
            "name": entity["name"],
            "policy": policy,
            "policies": [policy],
            "rules": entity.get("rules", {}),
            "members": [],
            "metadata": {},
            "project_id": request.project_id,
            "user_id": request.user_id,
            "_cols": {"project": request.project_id},
        }
        self.cloud.save("server_group", group)
        return json_response(200, {"server_group": self.group_view(request, group)})

    @staticmethod
    def group_view(request: Request, group: Body) -> Body:
        """Policy as a string from 2.64, a list before."""
        view = public(group)
        if microversion(request) >= (2, 64):
            view.pop("policies", None)
            view.pop("metadata", None)
        else:
            view.pop("policy", None)
            view.pop("rules", None)
        return view

    def list_groups(self, request: Request) -> Response:
        """GET /os-server-groups."""
        groups = self.cloud.query("server_group", project=request.project_id)
        return json_response(200, {"server_groups": [self.group_view(request, g) for g in groups]})

    def show_group(self, request: Request) -> Response:
        """GET /os-server-groups/{id}."""
        group = self.cloud.require(
            "server_group",
            request.params["id"],
            f"Instance group {request.params['id']} could not be found.",
        )
        return json_response(200, {"server_group": self.group_view(request, group)})

    def delete_group(self, request: Request) -> Response:
        """DELETE /os-server-groups/{id}."""
        group = self.cloud.require(
            "server_group",
            request.params["id"],
            f"Instance group {request.params['id']} could not be found.",
        )
        self.cloud.store.delete("server_group", group["id"])
        return empty(204)

    # -- limits, quotas, zones -----------------------------------------------------------
    def usage(self, project: str) -> dict[str, int]:
        """Instances, cores and RAM used by a project's servers."""
        count, cores, ram = self.cloud.store.totals("server", project)
        return {"instances": count, "cores": cores, "ram": ram}

    def limits(self, request: Request) -> Response:
        """GET /limits: absolute limits and what is used."""
        used = self.usage(request.project_id)
        q = lambda name: self.cloud.quota("compute", name, request.project_id)  # noqa: E731
        absolute = {
            "maxTotalInstances": q("instances"),
            "maxTotalCores": q("cores"),
            "maxTotalRAMSize": q("ram"),
            "maxTotalKeypairs": q("key_pairs"),
            "maxServerMeta": q("metadata_items"),
            "maxServerGroups": q("server_groups"),
            "maxServerGroupMembers": q("server_group_members"),
            "totalInstancesUsed": used["instances"],
            "totalCoresUsed": used["cores"],
            "totalRAMUsed": used["ram"],
            "totalServerGroupsUsed": self.cloud.store.count("server_group", request.project_id),
        }
        if microversion(request) < (2, 36):  # proxied network limits, dropped in 2.36
            network = self.cloud.quota
            absolute.update(
                maxSecurityGroups=network("network", "security_group"),
                maxSecurityGroupRules=network("network", "security_group_rule"),
                maxTotalFloatingIps=network("network", "floatingip"),
                totalSecurityGroupsUsed=0,
                totalFloatingIpsUsed=0,
            )
        return json_response(200, {"limits": {"absolute": absolute, "rate": []}})

    def zones(self, request: Request) -> Response:
        """GET /os-availability-zone."""
        return json_response(
            200,
            {
                "availabilityZoneInfo": [
                    {"zoneName": "nova", "zoneState": {"available": True}, "hosts": None}
                ]
            },
        )


def nova_page(
    request: Request, cloud: Cloud, items: list[Body], path: str, key: str = "id"
) -> tuple[list[Body], list[Body]]:
    """Nova's limit/marker paging with a `next` link."""
    marker = request.arg("marker")
    if marker:
        keys = [str(item.get(key)) for item in items]
        if marker not in keys:
            raise ApiError(400, f"marker [{marker}] not found")
        items = items[keys.index(marker) + 1 :]
    limit_text = request.arg("limit")
    if not limit_text:
        return items, []
    try:
        limit = int(limit_text)
    except ValueError:
        raise ApiError(
            400,
            f"Invalid input for query parameters limit. Value: {limit_text}. "
            f"'{limit_text}' does not match '^[0-9]*$'",
        ) from None
    if len(items) <= limit:
        return items, []
    page = items[:limit]
    href = f"{cloud.base_url}/compute/v2.1/{path}?limit={limit}&marker={page[-1][key]}"
    return page, [{"rel": "next", "href": href}]


def generate_keypair() -> tuple[str, str]:
    """A new RSA key pair as Nova makes it: (private PEM, OpenSSH public key)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public_key = (
        key.public_key()
        .public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
        .decode()
    )
    return private, public_key + " Generated-by-Nova"


def fingerprint(public_key: str) -> str:
    """The MD5 fingerprint of an OpenSSH public key; 400 if it is not one."""
    parts = public_key.strip().split()
    try:
        blob = base64.b64decode(parts[1], validate=True)
        if len(parts) < 2 or not parts[0].startswith(("ssh-", "ecdsa-")) or len(blob) < 16:
            raise ValueError(public_key)
    except (ValueError, IndexError):
        raise ApiError(400, "Keypair data is invalid: failed to generate fingerprint") from None
    digest = hashlib.md5(blob, usedforsecurity=False).hexdigest()
    return ":".join(digest[i : i + 2] for i in range(0, 32, 2))


def _snake(action: str) -> str:
    """addTenantAccess -> add_tenant_access (Nova's policy rule names)."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", action).lower()
