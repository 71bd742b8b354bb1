"""Neutron subnet pools and address scopes, and subnets that take their CIDR from a pool.

A pool hands out prefixes from its `prefixes`; a subnet created with `subnetpool_id` and
no `cidr` gets the first free block of `prefixlen` (the pool's default_prefixlen when
not given). Pools in one address scope may not overlap; a pool's prefixes only grow;
a pool with subnets, or a scope with pools, cannot be deleted (409).
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from heatctl.sandbox.network_generic import (
    BOOL,
    INT,
    NULLABLE_STR,
    Collection,
    Spec,
    bad_request,
    conflict,
    in_choices,
)
from heatctl.sandbox.web import ApiError, Body, Request

if TYPE_CHECKING:
    from heatctl.sandbox.network import NetworkService

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(prefixes: Any) -> list[Network]:
    if not isinstance(prefixes, list) or not prefixes:
        raise bad_request("Invalid input for prefixes. Reason: a non-empty list of CIDRs.")
    try:
        nets = [ipaddress.ip_network(str(p), strict=False) for p in prefixes]
    except ValueError as error:
        raise bad_request(
            f"Invalid input for prefixes. Reason: {error}.", "HTTPBadRequest"
        ) from None
    if len({n.version for n in nets}) > 1:
        raise bad_request(
            "Cannot mix IPv4 and IPv6 prefixes in a subnet pool.", "PrefixVersionMismatch"
        )
    return list(ipaddress.collapse_addresses(nets))  # type: ignore[type-var]


def _check_bounds(body: Body) -> None:
    top = 32 if body["ip_version"] == 4 else 128
    low, default, high = (
        int(body[k]) for k in ("min_prefixlen", "default_prefixlen", "max_prefixlen")
    )
    for name, value in (
        ("min_prefixlen", low),
        ("default_prefixlen", default),
        ("max_prefixlen", high),
    ):
        if not 0 <= value <= top:
            raise bad_request(
                f"Illegal prefix bounds: {name}={value}, maximum for IPv{body['ip_version']} is {top}.",
                "IllegalSubnetPoolPrefixBounds",
            )
    if not low <= default <= high:
        raise bad_request(
            f"Illegal prefix bounds: min_prefixlen={low}, default_prefixlen={default}, "
            f"max_prefixlen={high}.",
            "IllegalSubnetPoolPrefixBounds",
        )
    smallest = min(n.prefixlen for n in _networks(body["prefixes"]))
    if smallest < low:
        raise bad_request(
            f"Illegal prefix bounds: prefix /{smallest} is shorter than min_prefixlen={low}.",
            "IllegalSubnetPoolPrefixBounds",
        )


def _pool_defaults(entity: Body) -> Body:
    nets = _networks(entity.get("prefixes"))
    version = nets[0].version
    low = int(entity.get("min_prefixlen", 8 if version == 4 else 64))
    return {
        "name": "",
        "ip_version": version,
        "min_prefixlen": low,
        "default_prefixlen": int(entity.get("default_prefixlen", low)),
        "max_prefixlen": int(entity.get("max_prefixlen", 32 if version == 4 else 128)),
        "default_quota": None,
        "address_scope_id": None,
        "shared": False,
        "is_default": False,
    }


class Pools:
    """subnetpools and address-scopes, and the CIDR allocation subnets use."""

    def __init__(self, net: NetworkService) -> None:
        self.net = net
        self.cloud = net.cloud
        self.pools = Collection(
            net,
            Spec(
                kind="subnetpool",
                path="/subnetpools",
                singular="subnetpool",
                plural="subnetpools",
                label="Subnet pool",
                error="SubnetPoolNotFound",
                fields={
                    "name": str,
                    "description": str,
                    "prefixes": list,
                    "default_prefixlen": INT,
                    "min_prefixlen": INT,
                    "max_prefixlen": INT,
                    "default_quota": (int, str, type(None)),
                    "address_scope_id": NULLABLE_STR,
                    "shared": BOOL,
                    "is_default": BOOL,
                    "tags": list,
                    "tenant_id": str,
                    "project_id": str,
                },
                required=("prefixes",),
                updatable=(
                    "name",
                    "description",
                    "prefixes",
                    "default_prefixlen",
                    "min_prefixlen",
                    "max_prefixlen",
                    "default_quota",
                    "address_scope_id",
                    "is_default",
                ),
                defaults=_pool_defaults,
                tags=True,
                validate=self._validate_pool,
                validate_update=self._update_pool,
                before_delete=self._delete_pool,
            ),
        )
        self.scopes = Collection(
            net,
            Spec(
                kind="address_scope",
                path="/address-scopes",
                singular="address_scope",
                plural="address_scopes",
                label="Address scope",
                error="AddressScopeNotFound",
                fields={
                    "name": str,
                    "ip_version": INT,
                    "shared": BOOL,
                    "tenant_id": str,
                    "project_id": str,
                },
                required=("name", "ip_version"),
                updatable=("name", "shared"),
                defaults=lambda entity: {"shared": False},
                validate=lambda c, q, body: in_choices(body["ip_version"], "ip_version", (4, 6)),
                validate_update=self._update_scope,
                before_delete=self._delete_scope,
            ),
        )

    def routes(self, r: Any) -> None:
        """Register both collections."""
        self.pools.routes(r)
        self.scopes.routes(r)

    # -- pools -----------------------------------------------------------------------
    def _validate_pool(self, c: Collection, request: Request, body: Body) -> None:
        body["prefixes"] = [str(n) for n in _networks(body["prefixes"])]
        _check_bounds(body)
        if body.get("is_default"):
            for other in c.all():
                if other.get("is_default") and other["ip_version"] == body["ip_version"]:
                    raise bad_request(
                        f"A default subnetpool for this IP family has already been set. "
                        f"Only one default may exist per IP family: {other['id']}",
                        "DefaultSubnetPoolExists",
                    )
        self._check_scope(body, body["prefixes"])

    def _check_scope(self, pool: Body, prefixes: list[str]) -> None:
        scope_id = pool.get("address_scope_id")
        if not scope_id:
            return
        scope = self.scopes.find(str(scope_id))
        if scope["ip_version"] != pool["ip_version"]:
            raise bad_request(
                f"Illegal subnetpool association: subnetpool {pool['id']} cannot be associated "
                f"with address scope {scope_id} because subnetpool ip_version is not "
                f"{scope['ip_version']}.",
                "IllegalSubnetPoolAssociationToAddressScope",
            )
        mine = [ipaddress.ip_network(p) for p in prefixes]
        for other in self.pools.all():
            if other["id"] == pool["id"] or other.get("address_scope_id") != scope_id:
                continue
            if any(a.overlaps(ipaddress.ip_network(b)) for a in mine for b in other["prefixes"]):
                raise bad_request(
                    f"Illegal subnetpool association: subnetpool {pool['id']} cannot associate "
                    f"with address scope {scope_id} because subnetpool prefixes overlap with "
                    f"subnetpool {other['id']}.",
                    "AddressScopePrefixConflict",
                )

    def _update_pool(self, c: Collection, body: Body, changes: Body) -> None:
        merged = {**body, **changes}
        if "prefixes" in changes:
            new = _networks(changes["prefixes"])
            old = [ipaddress.ip_network(p) for p in body["prefixes"]]
            if any(not any(o.subnet_of(n) for n in new if n.version == o.version) for o in old):  # type: ignore[arg-type]
                raise bad_request(
                    f"Illegal update to prefixes: {sorted(str(n) for n in new)} is not a "
                    f"superset of the existing prefixes {body['prefixes']}; prefixes can "
                    "only be added.",
                    "IllegalSubnetPoolPrefixUpdate",
                )
            merged["prefixes"] = changes["prefixes"] = [str(n) for n in new]
        _check_bounds(merged)
        self._check_scope(merged, merged["prefixes"])

    def _delete_pool(self, c: Collection, request: Request, body: Body) -> None:
        used = [s for s in self.cloud.query("subnet") if s.get("subnetpool_id") == body["id"]]
        if used:
            raise conflict(
                f"Unable to complete operation on subnet pool {body['id']}. "
                f"{len(used)} subnet(s) are allocated from the pool.",
                "SubnetPoolInUse",
            )

    # -- scopes ----------------------------------------------------------------------
    def _update_scope(self, c: Collection, body: Body, changes: Body) -> None:
        if body.get("shared") and changes.get("shared") is False:
            raise bad_request(
                "Unsharing an address scope is not supported.", "AddressScopeUpdateError"
            )

    def _delete_scope(self, c: Collection, request: Request, body: Body) -> None:
        for pool in self.pools.all():
            if pool.get("address_scope_id") == body["id"]:
                raise conflict(
                    f"Unable to complete operation on address scope {body['id']}. There "
                    "are one or more subnet pools in use on the address scope.",
                    "AddressScopeInUse",
                )

    # -- allocation for subnets ------------------------------------------------------
    def allocate(self, entity: Body, network: Body) -> tuple[str, str]:
        """(cidr, pool id) for a subnet asking a pool; 409 SubnetAllocationError when full."""
        pool_id = entity.get("subnetpool_id")
        if not pool_id and entity.get("use_default_subnetpool"):
            version = int(entity.get("ip_version", 4))
            defaults = [
                p for p in self.pools.all() if p["is_default"] and p["ip_version"] == version
            ]
            if not defaults:
                raise bad_request(f"No default subnetpool found for IPv{version}", "NotFound")
            pool_id = defaults[0]["id"]
        pool = self.pools.find(str(pool_id))
        if int(entity.get("ip_version") or pool["ip_version"]) != pool["ip_version"]:
            raise bad_request(
                "Bad subnets request: Cannot allocate requested subnet from the available set "
                "of prefixes.",
                "IpVersionMismatch",
            )
        taken = [
            ipaddress.ip_network(s["cidr"])
            for s in self.cloud.query("subnet")
            if s.get("subnetpool_id") == pool["id"]
        ]
        if entity.get("cidr"):
            return self._check_requested(pool, str(entity["cidr"]), taken), pool["id"]
        length = int(entity.get("prefixlen") or pool["default_prefixlen"])
        if not pool["min_prefixlen"] <= length <= pool["max_prefixlen"]:
            raise bad_request(
                f"Invalid input for operation: prefixlen {length} is outside the pool's "
                f"bounds {pool['min_prefixlen']}..{pool['max_prefixlen']}.",
                "InvalidInput",
            )
        for prefix in pool["prefixes"]:
            block = ipaddress.ip_network(prefix)
            if block.prefixlen > length:
                continue
            for candidate in block.subnets(new_prefix=length):
                if not any(candidate.overlaps(t) for t in taken):
                    return str(candidate), pool["id"]
        raise ApiError(
            409,
            f"Insufficient prefix space to allocate subnet size /{length}",
            kind="SubnetAllocationError",
        )

    @staticmethod
    def _check_requested(pool: Body, cidr: str, taken: list[Any]) -> str:
        try:
            wanted = ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            raise bad_request(
                f"Invalid input for cidr. Reason: '{cidr}' is not a valid IP subnet.",
                "HTTPBadRequest",
            ) from None
        inside = any(wanted.subnet_of(ipaddress.ip_network(p)) for p in pool["prefixes"])  # type: ignore[arg-type]
        if not inside or not pool["min_prefixlen"] <= wanted.prefixlen <= pool["max_prefixlen"]:
            raise bad_request(
                f"Cannot allocate requested subnet {wanted} from the available set of prefixes.",
                "SubnetAllocationError",
            )
        if any(wanted.overlaps(t) for t in taken):
            raise ApiError(
                409,
                f"Unable to allocate subnet with prefix length {wanted.prefixlen}, "
                f"{wanted} is already allocated.",
                kind="SubnetAllocationError",
            )
        return str(wanted)
