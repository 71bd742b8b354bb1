"""Parameter constraints: parsing them from a template and checking values against them.

The data class is `heatctl.resources.schema.Constraint` (shared with resource property
schemas). Kinds, as in Heat's heat/engine/constraints.py:

- length {min, max}: strings, comma_delimited_list and json values (len());
- range {min, max}: numbers;
- modulo {step, offset}: numbers (HOT 2017-02-24 and later);
- allowed_values [...]: any type; a list value must have every item allowed;
- allowed_pattern: strings; the regular expression must match the **whole** value;
- custom_constraint: a named check. Checks that need no cloud (ip_addr, net_cidr, mac_addr,
  iso_8601, json_string, timezone, dns_name, ...) run here; service lookups (glance.image,
  nova.flavor, ...) need a cloud and are only checked by name.

A failed check gives the constraint's own `description` when it has one (as Heat does),
else a message in Heat's wording.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from heatctl.resources.schema import Constraint

# Which parameter types each constraint kind applies to (Heat's valid_types).
APPLIES_TO: Mapping[str, frozenset[str]] = {
    "length": frozenset({"string", "comma_delimited_list", "json"}),
    "range": frozenset({"number"}),
    "modulo": frozenset({"number"}),
    "allowed_values": frozenset({"string", "number", "comma_delimited_list", "json", "boolean"}),
    "allowed_pattern": frozenset({"string"}),
    "custom_constraint": frozenset({"string", "number", "comma_delimited_list", "json", "boolean"}),
}

# Service-backed custom constraints from Heat's setup.cfg (heat.constraints): they look the
# value up in a cloud service, so without a cloud only their name can be checked.
SERVICE_CONSTRAINTS = frozenset(
    {
        "barbican.container",
        "barbican.secret",
        "blazar.reservation",
        "cinder.backup",
        "cinder.qos_specs",
        "cinder.snapshot",
        "cinder.volume",
        "cinder.vtype",
        "designate.zone",
        "glance.image",
        "keystone.domain",
        "keystone.group",
        "keystone.project",
        "keystone.region",
        "keystone.role",
        "keystone.service",
        "keystone.user",
        "magnum.cluster_template",
        "manila.share_network",
        "manila.share_snapshot",
        "manila.share_type",
        "mistral.workflow",
        "neutron.address_scope",
        "neutron.flow_classifier",
        "neutron.lbaas.listener",
        "neutron.lbaas.loadbalancer",
        "neutron.lbaas.pool",
        "neutron.lbaas.provider",
        "neutron.network",
        "neutron.port",
        "neutron.port_pair",
        "neutron.port_pair_group",
        "neutron.qos_policy",
        "neutron.router",
        "neutron.security_group",
        "neutron.segment",
        "neutron.subnet",
        "neutron.subnetpool",
        "neutron.taas.tap_flow",
        "neutron.taas.tap_service",
        "nova.flavor",
        "nova.host",
        "nova.keypair",
        "nova.network",
        "nova.server",
        "octavia.availabilityzone",
        "octavia.availabilityzoneprofile",
        "octavia.flavor",
        "octavia.flavorprofile",
        "octavia.l7policy",
        "octavia.listener",
        "octavia.loadbalancer",
        "octavia.pool",
        "trove.flavor",
        "zaqar.queue",
        "ironic.portgroup",
        "ironic.node",
    }
)


def _is_ip(value: Any) -> bool:
    try:
        ipaddress.ip_address(str(value))
    except ValueError:
        return False
    return True


def _is_cidr(value: Any) -> bool:
    text = str(value)
    if "/" not in text:
        return False
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def _is_json(value: Any) -> bool:
    if not isinstance(value, str):
        return isinstance(value, dict | list)
    try:
        json.loads(value)
    except ValueError:
        return False
    return True


def _is_timezone(value: Any) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _is_iso8601(value: Any) -> bool:
    import datetime

    text = str(value).replace("Z", "+00:00")
    try:
        datetime.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


_MAC = re.compile(r"^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$")
_DNS_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
_DNS_NAME = re.compile(rf"^({_DNS_LABEL}\.)*{_DNS_LABEL}\.?$")
_CRON_FIELD = re.compile(r"^[\d*/,\-A-Za-z?LW#]+$")


def _is_dns_name(value: Any) -> bool:
    text = str(value)
    return len(text) <= 255 and bool(_DNS_NAME.match(text))


def _is_cron(value: Any) -> bool:
    fields = str(value).split()
    return 5 <= len(fields) <= 7 and all(_CRON_FIELD.match(f) for f in fields)


# Custom constraints heatctl checks locally, without a cloud.
LOCAL_CONSTRAINTS: Mapping[str, Callable[[Any], bool]] = {
    "ip_addr": _is_ip,
    "net_cidr": _is_cidr,
    "ip_or_cidr": lambda v: _is_ip(v) or _is_cidr(v),
    "mac_addr": lambda v: bool(_MAC.match(str(v))),
    "json_string": _is_json,
    "timezone": _is_timezone,
    "iso_8601": _is_iso8601,
    "expiration": _is_iso8601,
    "dns_name": _is_dns_name,
    "dns_domain": lambda v: _is_dns_name(v) and str(v).endswith("."),
    "rel_dns_name": lambda v: _is_dns_name(v) and not str(v).endswith("."),
    "cron_expression": _is_cron,
    "test_constr": lambda v: True,
}

CUSTOM_CONSTRAINTS = frozenset(LOCAL_CONSTRAINTS) | SERVICE_CONSTRAINTS


class ConstraintSyntaxError(ValueError):
    """A constraint is written wrongly in the template (not a value problem)."""


def _number(value: Any, what: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ConstraintSyntaxError(f"{what} must be a number, not {value!r}")
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                raise ConstraintSyntaxError(f"{what} must be a number, not {value!r}") from None
    return value


def _bounds(kind: str, args: Any) -> dict[str, int | float]:
    if not isinstance(args, Mapping):
        raise ConstraintSyntaxError(f"{kind} must be a mapping with 'min' and/or 'max'")
    unknown = [k for k in args if k not in ("min", "max")]
    if unknown:
        raise ConstraintSyntaxError(f"{kind} takes only 'min' and 'max', not '{unknown[0]}'")
    if "min" not in args and "max" not in args:
        raise ConstraintSyntaxError(f"{kind} needs 'min' or 'max'")
    bounds = {k: _number(v, f"{kind} {k}") for k, v in args.items() if v is not None}
    if "min" in bounds and "max" in bounds and bounds["min"] > bounds["max"]:
        raise ConstraintSyntaxError(f"{kind} min ({bounds['min']}) is greater than max")
    return bounds


def _modulo(args: Any) -> dict[str, int | float]:
    if not isinstance(args, Mapping) or set(args) != {"step", "offset"}:
        raise ConstraintSyntaxError("modulo must be a mapping with 'step' and 'offset'")
    step, offset = _number(args["step"], "modulo step"), _number(args["offset"], "modulo offset")
    if step == 0:
        raise ConstraintSyntaxError("modulo step cannot be 0")
    if abs(offset) >= abs(step):
        raise ConstraintSyntaxError("modulo offset must be smaller (by absolute value) than step")
    if step * offset < 0:
        raise ConstraintSyntaxError("modulo step and offset must be both positive or negative")
    return {"step": step, "offset": offset}


def make_constraint(kind: str, args: Any, description: str | None = None) -> Constraint:
    """A checked Constraint; raises ConstraintSyntaxError when `args` do not fit `kind`."""
    if kind in ("length", "range"):
        args = _bounds(kind, args)
    elif kind == "modulo":
        args = _modulo(args)
    elif kind == "allowed_values":
        if not isinstance(args, list):
            raise ConstraintSyntaxError("allowed_values must be a list")
        args = tuple(args)
    elif kind == "allowed_pattern":
        if not isinstance(args, str):
            raise ConstraintSyntaxError("allowed_pattern must be a string")
        try:
            re.compile(args)
        except re.error as exc:
            raise ConstraintSyntaxError(f"allowed_pattern is not a valid regex: {exc}") from None
    elif kind == "custom_constraint":
        if not isinstance(args, str):
            raise ConstraintSyntaxError("custom_constraint must be a constraint name")
    else:
        raise ConstraintSyntaxError(f"unknown constraint '{kind}'")
    if description is not None and not isinstance(description, str):
        description = str(description)
    return Constraint(kind, args, description)


def _shown(value: Any, hidden: bool) -> str:
    return "******" if hidden else str(value)


def _allowed(constraint: Constraint, value: Any, param_type: str) -> bool:
    allowed = constraint.args
    if isinstance(value, list):
        return all(v in allowed or str(v) in map(str, allowed) for v in value)
    if param_type == "number":
        try:
            return float(value) in {float(a) for a in allowed if _is_number_text(a)}
        except (TypeError, ValueError):
            return False
    if param_type == "boolean":
        return str(value).lower() in {str(a).lower() for a in allowed}
    return str(value) in {str(a) for a in allowed}


def _is_number_text(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, bool)


def violation(
    constraint: Constraint, value: Any, param_type: str, *, hidden: bool = False
) -> str | None:
    """Why `value` breaks `constraint`, or None when it satisfies it.

    `value` is the typed value (see parameters.coerce). With `hidden`, the value never
    appears in the message.
    """
    ok, message = _check(constraint, value, param_type, hidden)
    if ok:
        return None
    return constraint.description or message


def _check(constraint: Constraint, value: Any, param_type: str, hidden: bool) -> tuple[bool, str]:
    kind, args = constraint.kind, constraint.args
    shown = _shown(value, hidden)
    if kind in ("length", "range"):
        low, high = args.get("min"), args.get("max")
        if kind == "length":
            try:
                measured: float = len(value)
            except TypeError:
                return False, f"length constraint does not apply to {shown}"
        else:
            measured = value
        ok = (low is None or measured >= low) and (high is None or measured <= high)
        what = f"length ({int(measured)})" if kind == "length" else shown
        return ok, f"{what} is out of range (min: {low}, max: {high})"
    if kind == "modulo":
        step, offset = args["step"], args["offset"]
        return value % step == offset, (
            f"{shown} is not a multiple of {step} with an offset of {offset}"
        )
    if kind == "allowed_values":
        listed = ", ".join(str(a) for a in args)
        return _allowed(constraint, value, param_type), (
            f'"{shown}" is not an allowed value [{listed}]'
        )
    if kind == "allowed_pattern":
        match = re.match(args, str(value))
        ok = match is not None and match.end() == len(str(value))
        return ok, f'"{shown}" does not match pattern "{args}"'
    return _check_custom(args, value, shown)


def _check_custom(name: str, value: Any, shown: str) -> tuple[bool, str]:
    check = LOCAL_CONSTRAINTS.get(name)
    if check is None:  # a service lookup: cannot be checked without the cloud
        return True, ""
    return check(value), f'"{shown}" does not validate {name}'


def violations(
    constraints: Sequence[Constraint], value: Any, param_type: str, *, hidden: bool = False
) -> list[str]:
    """Every constraint message `value` fails (empty when it satisfies them all)."""
    found = []
    for constraint in constraints:
        message = violation(constraint, value, param_type, hidden=hidden)
        if message is not None:
            found.append(message)
    return found
