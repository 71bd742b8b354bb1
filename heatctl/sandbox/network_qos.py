"""Neutron QoS: policies and their bandwidth-limit, DSCP-marking and minimum-bandwidth
rules (what OS::Neutron::QoSPolicy and its rule resources manage)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from heatctl.sandbox.neutron_common import check_name_like, list_response, new_standard, stamp
from heatctl.sandbox.web import (
    ApiError,
    Body,
    Request,
    Response,
    as_bool,
    check_fields,
    empty,
    json_response,
    new_id,
    public,
)

if TYPE_CHECKING:
    from heatctl.sandbox.network import NetworkService

BOOL = (bool, str, int)
POLICY_FIELDS: dict[str, Any] = {
    "name": str,
    "description": str,
    "shared": BOOL,
    "is_default": BOOL,
    "tags": list,
    "tenant_id": str,
    "project_id": str,
}
DIRECTIONS = ("egress", "ingress")
# Minimum packet rate rules may also guarantee a rate for both directions together.
PACKET_RATE_DIRECTIONS = ("any", "egress", "ingress")
# URL segment -> (rule type, body key, fields, required)
RULES: dict[str, tuple[str, str, dict[str, Any], tuple[str, ...]]] = {
    "bandwidth_limit_rules": (
        "bandwidth_limit",
        "bandwidth_limit_rule",
        {"max_kbps": int, "max_burst_kbps": int, "direction": str},
        ("max_kbps",),
    ),
    "dscp_marking_rules": ("dscp_marking", "dscp_marking_rule", {"dscp_mark": int}, ("dscp_mark",)),
    "minimum_bandwidth_rules": (
        "minimum_bandwidth",
        "minimum_bandwidth_rule",
        {"min_kbps": int, "direction": str},
        ("min_kbps",),
    ),
    "minimum_packet_rate_rules": (
        "minimum_packet_rate",
        "minimum_packet_rate_rule",
        {"min_kpps": int, "direction": str},
        ("min_kpps",),
    ),
}
DSCP_MARKS = {0, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 46, 48, 56}


class QoS:
    """qos/policies and their rule sub-collections."""

    def __init__(self, net: NetworkService) -> None:
        self.net = net
        self.cloud = net.cloud

    def routes(self, r: Callable[..., None]) -> None:
        """Register the QoS routes."""
        base = "/v2.0/qos/policies"
        r("GET", "/v2.0/qos/rule-types", self.rule_types)
        r(
            "GET",
            base,
            lambda q: list_response(
                q,
                self.cloud,
                "policies",
                "qos/policies",
                [self.view(p) for p in self.cloud.query("qos_policy")],
            ),
        )
        r("POST", base, self.create)
        r(
            "GET",
            base + "/{id}",
            lambda q: json_response(200, {"policy": self.view(self.find(q.params["id"]))}),
        )
        r("PUT", base + "/{id}", self.update)
        r("DELETE", base + "/{id}", self.delete)
        for segment in RULES:
            r("GET", f"{base}/{{id}}/{segment}", lambda q, s=segment: self.list_rules(q, s))
            r("POST", f"{base}/{{id}}/{segment}", lambda q, s=segment: self.create_rule(q, s))
            for method in ("GET", "PUT", "DELETE"):
                r(method, f"{base}/{{id}}/{segment}/{{rule}}", lambda q, s=segment: self.rule(q, s))

    def find(self, policy_id: str) -> Body:
        """A policy or Neutron's QosPolicyNotFound."""
        return self.cloud.require(
            "qos_policy",
            policy_id,
            f"QoS policy {policy_id} could not be found.",
            error_kind="QosPolicyNotFound",
        )

    def view(self, body: Body) -> Body:
        """A policy with its rules embedded."""
        view = public(body)
        view["rules"] = [
            public(rule) for rule in self.cloud.store.query("qos_rule", parent=body["id"])
        ]
        return view

    def rule_types(self, request: Request) -> Response:
        """GET /v2.0/qos/rule-types."""
        return json_response(200, {"rule_types": [{"type": kind} for kind, *_ in RULES.values()]})

    def create(self, request: Request) -> Response:
        """POST /v2.0/qos/policies."""
        entity = request.entity("policy")
        check_fields(entity, POLICY_FIELDS, where="policy", neutron=True)
        check_name_like(entity.get("name"), "name")
        project = self.net.project(request, entity)
        body: Body = {
            "id": new_id(),
            "name": entity.get("name", ""),
            "shared": as_bool(entity.get("shared", False), "shared"),
            "is_default": as_bool(entity.get("is_default", False), "is_default"),
            **new_standard(self.cloud, project, entity),
            "_cols": {"project": project},
        }
        self.cloud.save("qos_policy", body)
        return json_response(201, {"policy": self.view(body)})

    def update(self, request: Request) -> Response:
        """PUT /v2.0/qos/policies/{id}."""
        body = self.find(request.params["id"])
        entity = request.entity("policy")
        allowed = {k: POLICY_FIELDS[k] for k in ("name", "description", "shared", "is_default")}
        check_fields(entity, allowed, where="policy", neutron=True)
        check_name_like(entity.get("name"), "name")
        for key, value in entity.items():
            body[key] = as_bool(value, key) if allowed[key] is BOOL else value
        stamp(self.cloud, body)
        self.cloud.save("qos_policy", body)
        return json_response(200, {"policy": self.view(body)})

    def delete(self, request: Request) -> Response:
        """DELETE: 409 QosPolicyInUse while a network or port uses the policy."""
        body = self.find(request.params["id"])
        for kind in ("network", "port"):
            for item in self.cloud.store.query(kind):
                if item.get("qos_policy_id") == body["id"]:
                    raise ApiError(
                        409,
                        f"QoS Policy {body['id']} is used by {kind} {item['id']}.",
                        kind="QosPolicyInUse",
                    )
        for rule in self.cloud.store.query("qos_rule", parent=body["id"]):
            self.cloud.store.delete("qos_rule", rule["id"])
        self.cloud.store.delete("qos_policy", body["id"])
        return empty(204)

    # -- rules -------------------------------------------------------------------------
    def _validate(self, segment: str, entity: Body, policy: Body, own: str | None) -> None:
        rule_type, key, fields, required = RULES[segment]
        check_fields(entity, fields, required=() if own else required, where=key, neutron=True)
        directions = PACKET_RATE_DIRECTIONS if rule_type == "minimum_packet_rate" else DIRECTIONS
        if entity.get("direction", "egress") not in directions:
            raise ApiError(
                400,
                f"Invalid input for direction. Reason: "
                f"'{entity['direction']}' is not in {list(directions)}.",
                kind="HTTPBadRequest",
            )
        for key, value in entity.items():
            if key != "direction" and isinstance(value, int) and value < 0:
                raise ApiError(
                    400,
                    f"Invalid input for {key}. Reason: '{value}' is too small - must be at "
                    "least '0'.",
                    kind="HTTPBadRequest",
                )
        if "dscp_mark" in entity and entity["dscp_mark"] not in DSCP_MARKS:
            raise ApiError(
                400,
                f"Invalid input for dscp_mark. Reason: "
                f"'{entity['dscp_mark']}' is not in {sorted(DSCP_MARKS)}.",
                kind="HTTPBadRequest",
            )
        for other in self.cloud.store.query("qos_rule", parent=policy["id"]):
            same = other["type"] == rule_type and other.get("direction") == entity.get(
                "direction", other.get("direction")
            )
            if same and other["id"] != own:
                raise ApiError(
                    409,
                    f"Rule {rule_type} already exists in QoS policy {policy['id']}.",
                    kind="QoSRulesConflict",
                )

    def create_rule(self, request: Request, segment: str) -> Response:
        """POST a rule into a policy."""
        policy = self.find(request.params["id"])
        rule_type, key, fields, _ = RULES[segment]
        entity = request.entity(key)
        self._validate(segment, entity, policy, None)
        rule: Body = {
            "id": new_id(),
            "type": rule_type,
            "qos_policy_id": policy["id"],
            **entity,
            "_cols": {"parent": policy["id"]},
        }
        if "direction" in fields:
            rule.setdefault("direction", "egress")
        if "max_burst_kbps" in fields:
            rule.setdefault("max_burst_kbps", 0)
        self.cloud.save("qos_rule", rule)
        return json_response(201, {key: public(rule)})

    def list_rules(self, request: Request, segment: str) -> Response:
        """GET the rules of one type in a policy."""
        policy = self.find(request.params["id"])
        rule_type, key, _, _ = RULES[segment]
        rules = [
            public(r)
            for r in self.cloud.store.query("qos_rule", parent=policy["id"])
            if r["type"] == rule_type
        ]
        return json_response(200, {f"{key}s": rules})

    def rule(self, request: Request, segment: str) -> Response:
        """GET, PUT or DELETE one rule."""
        policy = self.find(request.params["id"])
        rule_type, key, _, _ = RULES[segment]
        rule = self.cloud.load("qos_rule", request.params["rule"])
        if rule is None or rule["qos_policy_id"] != policy["id"] or rule["type"] != rule_type:
            raise ApiError(
                404,
                f"QoS rule {request.params['rule']} for policy {policy['id']} could not be found.",
                kind="QosRuleNotFound",
            )
        if request.method == "DELETE":
            self.cloud.store.delete("qos_rule", rule["id"])
            return empty(204)
        if request.method == "PUT":
            entity = request.entity(key)
            self._validate(segment, entity, policy, rule["id"])
            rule.update(entity)
            self.cloud.save("qos_rule", rule)
        return json_response(200, {key: public(rule)})
