"""networking-sfc: flow classifiers, port pairs, port pair groups and port chains.

A port pair is used by one group, a group and a flow classifier by one chain (409
otherwise, and 409 when deleting something a group or chain still uses); an ingress/
egress pair of ports makes one port pair only.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from heatctl.sandbox.network_generic import (
    INT,
    NULLABLE_STR,
    Collection,
    Spec,
    bad_request,
    conflict,
    in_choices,
    in_range,
)
from heatctl.sandbox.web import Body, Request


def _users(
    c: Collection, kind: str, field: str, obj_id: str, skip: str | None = None
) -> list[Body]:
    return [x for x in c.cloud.query(kind) if obj_id in (x.get(field) or []) and x["id"] != skip]


def _validate_classifier(c: Collection, request: Request, body: Body) -> None:
    in_choices(body["ethertype"], "ethertype", ("IPv4", "IPv6"))
    if body.get("protocol") is not None:
        in_choices(body["protocol"], "protocol", ("tcp", "udp", "icmp"))
    for side in ("source", "destination"):
        low, high = body.get(f"{side}_port_range_min"), body.get(f"{side}_port_range_max")
        in_range(low, f"{side}_port_range_min", 0, 65535)
        in_range(high, f"{side}_port_range_max", 0, 65535)
        if (low is not None or high is not None) and body.get("protocol") not in ("tcp", "udp"):
            raise bad_request(
                "Invalid input for operation: port ranges are only for tcp and udp.",
                "FlowClassifierInvalidProtocol",
            )
        if low is not None and high is not None and low > high:
            raise bad_request(f"Invalid port range {low}:{high}.", "FlowClassifierInvalidPortRange")
        prefix = body.get(f"{side}_ip_prefix")
        if prefix is not None:
            try:
                version = ipaddress.ip_network(prefix, strict=False).version
            except ValueError:
                raise bad_request(
                    f"Invalid input for {side}_ip_prefix. Reason: '{prefix}' is not a valid "
                    "IP subnet.",
                    "HTTPBadRequest",
                ) from None
            if f"IPv{version}" != body["ethertype"]:
                raise bad_request(
                    f"Flow Classifier ethertype {body['ethertype']} does not match "
                    f"{side}_ip_prefix {prefix}.",
                    "FlowClassifierIpPrefixFormatConflictWithEthertype",
                )
        port = body.get(f"logical_{side}_port")
        if port:
            c.net.find("port", str(port))
    if not body.get("logical_source_port"):
        raise bad_request(
            "Flow Classifier requires a logical_source_port.", "FlowClassifierInvalidPortValue"
        )


def _delete_classifier(c: Collection, request: Request, body: Body) -> None:
    if _users(c, "port_chain", "flow_classifiers", body["id"]):
        raise conflict(f"Flow Classifier {body['id']} in use.", "FlowClassifierInUse")


def _validate_pair(c: Collection, request: Request, body: Body) -> None:
    ingress = c.net.find("port", str(body["ingress"]))
    egress = c.net.find("port", str(body["egress"]))
    if ingress["network_id"] != egress["network_id"]:
        raise bad_request(
            f"Port Pair ingress port {ingress['id']} and egress port {egress['id']} are on "
            "different networks.",
            "PortPairIngressEgressDifferentHost",
        )
    for other in c.all():
        if (other["ingress"], other["egress"]) == (ingress["id"], egress["id"]):
            raise conflict(
                f"Port Pair with ingress port {ingress['id']} and egress port {egress['id']} "
                "is already used by another Port Pair.",
                "PortPairIngressEgressInUse",
            )


def _delete_pair(c: Collection, request: Request, body: Body) -> None:
    if _users(c, "port_pair_group", "port_pairs", body["id"]):
        raise conflict(f"Port Pair {body['id']} in use.", "PortPairInUse")


def _members(c: Collection, body: Body, field: str, kind: str, users: str) -> None:
    for member in body.get(field) or []:
        c.net.find_any(kind, str(member))
        taken = _users(c, users, field, str(member), skip=body["id"])
        if taken:
            label = {"port_pair": "Port Pair", "port_pair_group": "Port Pair Group"}.get(
                kind, "Flow Classifier"
            )
            raise conflict(
                f"{label} {member} in use by {taken[0]['id']}.",
                f"{label.replace(' ', '')}InUse",
            )


def _validate_group(c: Collection, request: Request | None, body: Body) -> None:
    _members(c, body, "port_pairs", "port_pair", "port_pair_group")


def _delete_group(c: Collection, request: Request, body: Body) -> None:
    if _users(c, "port_chain", "port_pair_groups", body["id"]):
        raise conflict(f"Port Pair Group {body['id']} in use.", "PortPairGroupInUse")


def _validate_chain(c: Collection, request: Request | None, body: Body) -> None:
    if not body.get("port_pair_groups"):
        raise bad_request(
            "Invalid input for port_pair_groups. Reason: the list is empty.", "HTTPBadRequest"
        )
    _members(c, body, "port_pair_groups", "port_pair_group", "port_chain")
    _members(c, body, "flow_classifiers", "flow_classifier", "port_chain")
    params = {"correlation": "mpls", "symmetric": False, **(body.get("chain_parameters") or {})}
    in_choices(params["correlation"], "correlation", ("mpls", "nsh"))
    body["chain_parameters"] = params
    if body.get("chain_id") is None:
        used = {x.get("chain_id") for x in c.all()}
        body["chain_id"] = next(i for i in range(1, 65536) if i not in used)


def _updater(validate: Any) -> Any:
    def update(c: Collection, body: Body, changes: Body) -> None:
        merged = {**body, **changes}
        validate(c, None, merged)

    return update


FLOW_CLASSIFIER = Spec(
    kind="flow_classifier",
    path="/sfc/flow_classifiers",
    singular="flow_classifier",
    plural="flow_classifiers",
    label="Flow Classifier",
    error="FlowClassifierNotFound",
    fields={
        "name": str,
        "description": str,
        "ethertype": str,
        "protocol": NULLABLE_STR,
        "source_port_range_min": INT,
        "source_port_range_max": INT,
        "destination_port_range_min": INT,
        "destination_port_range_max": INT,
        "source_ip_prefix": NULLABLE_STR,
        "destination_ip_prefix": NULLABLE_STR,
        "logical_source_port": NULLABLE_STR,
        "logical_destination_port": NULLABLE_STR,
        "l7_parameters": dict,
        "tenant_id": str,
        "project_id": str,
    },
    updatable=("name", "description"),
    defaults=lambda entity: {
        "name": "",
        "ethertype": "IPv4",
        "protocol": None,
        "l7_parameters": {},
        **{
            f"{side}_{key}": None
            for side in ("source", "destination")
            for key in ("port_range_min", "port_range_max", "ip_prefix")
        },
        "logical_destination_port": None,
    },
    validate=_validate_classifier,
    before_delete=_delete_classifier,
)

PORT_PAIR = Spec(
    kind="port_pair",
    path="/sfc/port_pairs",
    singular="port_pair",
    plural="port_pairs",
    label="Port Pair",
    error="PortPairNotFound",
    fields={
        "name": str,
        "description": str,
        "ingress": str,
        "egress": str,
        "service_function_parameters": dict,
        "tenant_id": str,
        "project_id": str,
    },
    required=("ingress", "egress"),
    updatable=("name", "description"),
    defaults=lambda entity: {
        "name": "",
        "service_function_parameters": {"correlation": None, "weight": 1},
    },
    validate=_validate_pair,
    before_delete=_delete_pair,
)

PORT_PAIR_GROUP = Spec(
    kind="port_pair_group",
    path="/sfc/port_pair_groups",
    singular="port_pair_group",
    plural="port_pair_groups",
    label="Port Pair Group",
    error="PortPairGroupNotFound",
    fields={
        "name": str,
        "description": str,
        "port_pairs": list,
        "port_pair_group_parameters": dict,
        "tenant_id": str,
        "project_id": str,
    },
    updatable=("name", "description", "port_pairs"),
    defaults=lambda entity: {
        "name": "",
        "port_pairs": [],
        "port_pair_group_parameters": {"lb_fields": [], "ppg_n_tuple_mapping": {}},
    },
    validate=_validate_group,
    validate_update=_updater(_validate_group),
    before_delete=_delete_group,
)

PORT_CHAIN = Spec(
    kind="port_chain",
    path="/sfc/port_chains",
    singular="port_chain",
    plural="port_chains",
    label="Port Chain",
    error="PortChainNotFound",
    fields={
        "name": str,
        "description": str,
        "port_pair_groups": list,
        "flow_classifiers": list,
        "chain_parameters": dict,
        "chain_id": (int, type(None)),
        "tenant_id": str,
        "project_id": str,
    },
    required=("port_pair_groups",),
    updatable=("name", "description", "port_pair_groups", "flow_classifiers"),
    defaults=lambda entity: {"name": "", "flow_classifiers": [], "chain_id": None},
    validate=_validate_chain,
    validate_update=_updater(_validate_chain),
)

SPECS = [FLOW_CLASSIFIER, PORT_PAIR, PORT_PAIR_GROUP, PORT_CHAIN]
