"""Aodh v2 (/alarming/v2/alarms): alarms of every rule type Aodh registers, plus the
legacy `threshold` rule that Heat's OS::Aodh::Alarm (and so AWS::CloudWatch::Alarm)
still sends.

Alarms are bare JSON objects keyed by `alarm_id`; names are unique per project (409);
each type needs its `<type>_rule` with the rule's required fields (400 otherwise); action
URLs must use a notifier scheme Aodh knows. A new alarm is in `insufficient data`: the
sandbox has no metrics to evaluate, so it stays there unless its state is set through
PUT /v2/alarms/{id}/state.
"""

from __future__ import annotations

from typing import Any

from heatctl.sandbox.cloud import Cloud
from heatctl.sandbox.generic import Collection, GenericService, ServiceSpec
from heatctl.sandbox.web import ApiError, Body, Request, Response, json_response, public

ALARM = "alarm"
KIND = "aodh_alarm"
OPERATORS = {"lt", "le", "eq", "ne", "ge", "gt"}
SEVERITIES = {"low", "moderate", "critical"}
STATES = {"ok", "alarm", "insufficient data"}
SCHEMES = {
    "http",
    "https",
    "trust+http",
    "trust+https",
    "log",
    "test",
    "zaqar",
    "trust+zaqar",
    "trust+heat",
}
THRESHOLD_DEFAULTS: Body = {"comparison_operator": "eq", "evaluation_periods": 1, "granularity": 60}
# Rule type -> (required fields, defaults).
RULES: dict[str, tuple[tuple[str, ...], Body]] = {
    "threshold": (
        ("meter_name", "threshold"),
        {
            "comparison_operator": "eq",
            "statistic": "avg",
            "period": 60,
            "evaluation_periods": 1,
            "query": [],
            "exclude_outliers": False,
        },
    ),
    "gnocchi_resources_threshold": (
        ("metric", "resource_id", "resource_type", "threshold", "aggregation_method"),
        THRESHOLD_DEFAULTS,
    ),
    "gnocchi_aggregation_by_metrics_threshold": (
        ("metrics", "threshold", "aggregation_method"),
        THRESHOLD_DEFAULTS,
    ),
    "gnocchi_aggregation_by_resources_threshold": (
        ("metric", "query", "resource_type", "threshold", "aggregation_method"),
        THRESHOLD_DEFAULTS,
    ),
    "event": ((), {"event_type": "*", "query": []}),
    "composite": ((), {}),
    "loadbalancer_member_health": (("pool_id", "stack_id", "autoscaling_group_id"), {}),
    "prometheus": (("query", "threshold"), {"comparison_operator": "eq"}),
}
FIELDS: dict[str, Any] = {
    "name": str,
    "type": str,
    "description": (str, type(None)),
    "enabled": (bool, type(None)),
    "state": (str, type(None)),
    "state_reason": (str, type(None)),
    "severity": (str, type(None)),
    "repeat_actions": (bool, type(None)),
    "alarm_actions": (list, type(None)),
    "ok_actions": (list, type(None)),
    "insufficient_data_actions": (list, type(None)),
    "time_constraints": (list, type(None)),
    "project_id": (str, type(None)),
    "user_id": (str, type(None)),
    **{f"{rule}_rule": (dict, type(None)) for rule in RULES},
    "composite_rule": (dict, list, type(None)),
}


def _error(error: ApiError) -> Response:
    """wsme's error body as Aodh answers it."""
    fault = "Client" if error.status < 500 else "Server"
    body = {"error_message": {"faultstring": error.message, "faultcode": fault, "debuginfo": None}}
    return json_response(error.status, body, dict(error.headers))


def _versions(base_url: str) -> tuple[int, Body]:
    value = {
        "id": "v2",
        "status": "stable",
        "updated": "2013-02-13T00:00:00Z",
        "links": [{"href": f"{base_url}/alarming/v2", "rel": "self"}],
    }
    return 200, {"versions": {"values": [value]}}


def check_alarm(svc: GenericService, project: str, alarm: Body, own_id: str | None) -> None:
    """Aodh's validation of a whole alarm (create, or update after the merge)."""
    kind = alarm.get("type")
    if kind not in RULES:
        raise ApiError(
            400,
            f"Invalid input for field/attribute type. Value: '{kind}'. Value should be one "
            f"of: {', '.join(sorted(RULES))}",
        )
    for other in svc.cloud.query(KIND, project=project):
        if other["name"] == alarm["name"] and other["alarm_id"] != own_id:
            raise ApiError(409, f"Alarm with name='{alarm['name']}' exists")
    _check_rule(alarm, str(kind))
    for name, allowed in (("severity", SEVERITIES), ("state", STATES)):
        if alarm.get(name) not in allowed:
            raise ApiError(
                400, f"Invalid input for field/attribute {name}. Value: '{alarm.get(name)}'."
            )
    for key in ("alarm_actions", "ok_actions", "insufficient_data_actions"):
        for url in alarm.get(key) or []:
            scheme = str(url).split(":", 1)[0] if ":" in str(url) else ""
            if scheme not in SCHEMES:
                raise ApiError(400, f"Unsupported action {url}")
    for constraint in alarm.get("time_constraints") or []:
        if (
            not isinstance(constraint, dict)
            or not constraint.get("name")
            or not constraint.get("start")
        ):
            raise ApiError(400, "A time constraint needs a name and a start (cron expression).")


def _check_rule(alarm: Body, kind: str) -> None:
    key = f"{kind}_rule"
    rule = alarm.get(key)
    if rule is None:
        raise ApiError(400, f"{key} must be set for {kind} type alarm")
    if kind == "composite":
        if not isinstance(rule, dict) or not ({"and", "or"} & set(rule)):
            raise ApiError(400, "composite_rule must be an 'and' or an 'or' of rules")
        return
    required, defaults = RULES[kind]
    missing = [name for name in required if rule.get(name) in (None, "")]
    if missing:
        raise ApiError(400, f"Invalid input for field/attribute {key}: '{missing[0]}' is mandatory")
    operator = rule.get("comparison_operator", "eq")
    if operator not in OPERATORS:
        raise ApiError(
            400, f"Invalid input for field/attribute comparison_operator. Value: '{operator}'."
        )
    periods = rule.get("evaluation_periods", 1)
    if not isinstance(periods, int) or not 1 <= periods <= 100:
        raise ApiError(
            400, f"Invalid input for field/attribute evaluation_periods. Value: '{periods}'."
        )
    alarm[key] = {**defaults, **rule}


def _describe(alarm: Body) -> str:
    """Aodh's default description of an alarm."""
    rule = alarm.get(f"{alarm['type']}_rule") or {}
    if "threshold" in rule:
        what = rule.get("metric") or rule.get("meter_name") or rule.get("query") or "metrics"
        how = rule.get("aggregation_method") or rule.get("statistic") or "value"
        return (
            f"Alarm when {what} is {rule.get('comparison_operator', 'eq')} a {how} of "
            f"{rule['threshold']} over {rule.get('granularity') or rule.get('period', 60)} seconds"
        )
    return f"{alarm['type'].replace('_', ' ').capitalize()} alarm rule"


def _create(svc: GenericService, request: Request, body: Body) -> None:
    check_alarm(svc, body["project_id"], body, None)
    body["description"] = body.get("description") or _describe(body)
    body["user_id"] = request.user_id
    body["state_timestamp"] = body["timestamp"] = svc.now_iso()


def _update(svc: GenericService, request: Request, body: Body, changes: Body) -> None:
    merged = {**body, **changes}
    check_alarm(svc, body["project_id"], merged, body["alarm_id"])
    changes.update({k: merged[k] for k in merged if k.endswith("_rule") and merged[k] is not None})
    if changes.get("state", body["state"]) != body["state"]:
        changes["state_timestamp"] = svc.now_iso()
    changes["timestamp"] = svc.now_iso()


def _view(svc: GenericService, body: Body) -> Body:
    view = public(body)
    view.pop("id", None)
    return {k: v for k, v in view.items() if not (k.endswith("_rule") and v is None)}


def _list_body(svc: GenericService, c: Collection, items: list[Body], request: Request) -> Any:
    """A bare list; Aodh filters with q.field/q.op/q.value triples (eq only here)."""
    fields, values = request.query.get("q.field", []), request.query.get("q.value", [])
    for name, value in zip(fields, values, strict=False):
        items = [i for i in items if str(i.get(name)) == value]
    return items


class AodhService(GenericService):
    """Aodh's API; state has its own routes."""

    def extra_routes(self) -> None:
        """GET/PUT /v2/alarms/{id}/state."""
        self.router.add("GET", "/v2/alarms/{alarm_id}/state", self.get_state)
        self.router.add("PUT", "/v2/alarms/{alarm_id}/state", self.put_state)

    def get_state(self, request: Request) -> Response:
        """The alarm's state, as a JSON string."""
        alarm = self.find(ALARMS, request.params["alarm_id"], request)
        return json_response(200, alarm["state"])

    def put_state(self, request: Request) -> Response:
        """Set the state (a JSON string body)."""
        alarm = self.find(ALARMS, request.params["alarm_id"], request)
        state = request.json()
        if state not in STATES:
            raise ApiError(400, f"Invalid input for field/attribute state. Value: '{state}'.")
        if state != alarm["state"]:
            alarm["state"], alarm["state_timestamp"] = state, self.now_iso()
            alarm["state_reason"] = "Manually set via API"
        self.save(ALARMS, alarm)
        return json_response(200, state)


ALARMS = Collection(
    name=ALARM,
    kind=KIND,
    path="/v2/alarms",
    plural="alarms",
    fields=FIELDS,
    required=("name", "type"),
    defaults={
        "description": None,
        "enabled": True,
        "state": "insufficient data",
        "state_reason": "Not evaluated yet",
        "severity": "low",
        "repeat_actions": False,
        "alarm_actions": [],
        "ok_actions": [],
        "insufficient_data_actions": [],
        "time_constraints": [],
        "project_id": "",
    },
    updatable=tuple(name for name in FIELDS if name not in ("project_id", "user_id")),
    id_field="alarm_id",
    timestamps=None,
    on_create=_create,
    on_update=_update,
    view=_view,
    list_body=_list_body,
    not_found="Alarm {id} not found",
)
SPEC = ServiceSpec(
    type="alarming",
    name="aodh",
    prefix="/alarming",
    endpoint="/alarming",
    versions=_versions,
    collections=(ALARMS,),
    error=_error,
)


def make(cloud: Cloud) -> AodhService:
    """The Aodh service of a sandbox."""
    return AodhService(cloud, SPEC)
