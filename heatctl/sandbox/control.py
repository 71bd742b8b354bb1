"""The control API under /__sandbox__/ (a path no OpenStack API uses).

GET  /__sandbox__/status            resource counts, clock, rules, request count
POST /__sandbox__/reset             wipe and reseed the state
GET|POST|DELETE /__sandbox__/rules  list / add (one rule or a list) / clear fault rules
DELETE /__sandbox__/rules/{name}    remove one rule
GET|POST /__sandbox__/clock         read / {"advance": seconds}
GET|DELETE /__sandbox__/requests    the request log / clear it
GET  /__sandbox__/inventory         resources created since seeding, by service/kind
GET|PUT /__sandbox__/quotas         limits per service
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from heatctl.errors import InvalidInput
from heatctl.sandbox.web import ApiError, Request, Response, empty, json_response

if TYPE_CHECKING:
    from heatctl.sandbox.sandbox import Sandbox


def control_handler(sandbox: Sandbox) -> Any:
    """A function answering control API requests for one sandbox."""

    def handle(request: Request, sub: str) -> Response:
        """Route one control request."""
        method = request.method
        if sub in ("", "/status") and method == "GET":
            return json_response(200, sandbox.status())
        if sub == "/reset" and method == "POST":
            sandbox.reset()
            return json_response(200, sandbox.status())
        if sub == "/rules":
            return _rules(sandbox, request)
        if sub.startswith("/rules/") and method == "DELETE":
            removed = sandbox.rules.clear(sub[len("/rules/") :])
            if not removed:
                raise ApiError(404, f"no rule named {sub[len('/rules/') :]}")
            return empty(204)
        if sub == "/clock":
            return _clock(sandbox, request)
        if sub == "/requests":
            if method == "DELETE":
                sandbox.app.clear_log()
                return empty(204)
            return json_response(200, {"requests": sandbox.app.records()})
        if sub == "/inventory" and method == "GET":
            return json_response(200, {"inventory": sandbox.inventory()})
        if sub == "/quotas":
            return _quotas(sandbox, request)
        raise ApiError(404, f"no control endpoint {method} /__sandbox__{sub}")

    return handle


def _rules(sandbox: Sandbox, request: Request) -> Response:
    if request.method == "GET":
        return json_response(200, {"rules": [r.to_dict() for r in sandbox.rules.rules]})
    if request.method == "DELETE":
        sandbox.rules.clear()
        return empty(204)
    if request.method != "POST":
        raise ApiError(405, "use GET, POST or DELETE")
    data = request.json()
    rules = data.get("rules", [data]) if isinstance(data, dict) else data
    if not isinstance(rules, list):
        raise ApiError(400, 'expected a rule, a list of rules or {"rules": [...]}')
    try:
        added = sandbox.rules.add(rules)
    except InvalidInput as error:
        raise ApiError(400, error.message) from None
    return json_response(201, {"rules": [r.to_dict() for r in added]})


def _clock(sandbox: Sandbox, request: Request) -> Response:
    if request.method == "POST":
        data = request.json()
        seconds = data.get("advance") if isinstance(data, dict) else None
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds < 0:
            raise ApiError(400, 'expected {"advance": <non-negative seconds>}')
        sandbox.clock.advance(float(seconds))
    return json_response(200, {"now": sandbox.clock.now(), "virtual": sandbox.clock.virtual})


def _quotas(sandbox: Sandbox, request: Request) -> Response:
    if request.method == "PUT":
        data = request.json()
        if not isinstance(data, dict):
            raise ApiError(400, 'expected {"compute": {...}, "network": {...}, ...}')
        try:
            for service, values in data.items():
                if not isinstance(values, dict):
                    raise ValueError(f"{service}: expected a mapping of limits")
                sandbox.cloud.set_quotas(service, values)
        except (ValueError, TypeError) as error:
            raise ApiError(400, str(error)) from None
    return json_response(200, {"quotas": sandbox.quotas()})
