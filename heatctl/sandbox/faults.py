"""Latency and fault rules: data that says which requests to slow down or break, and how.

A rule has a name, a `match` and an `action`:

    {"name": "nova-busy",
     "match": {"service": "compute", "method": "POST", "path": "/servers$",
               "resource": "server", "name": "web-*", "metadata": {"role": "db"},
               "nth": 2, "probability": 0.5, "times": 1},
     "action": {"delay": 0.2 | [0.05, 0.3], "concurrency": 4,
                "status": 503, "retry_after": 2, "message": "...",
                "headers": {...}, "reset": false, "state": "error" | "stuck",
                "commit_then": 503}}

Every match key is optional. `nth` fires on the Nth matching call only (`every` on each
Nth), `probability` uses the rule set's seeded generator, `times` caps how often a rule
fires. Responses from a request a rule fired on carry `X-Sandbox-Rule: <name>`.
"""

from __future__ import annotations

import fnmatch
import random
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heatctl.errors import InvalidInput
from heatctl.sandbox.services import specs

MATCH_KEYS = {
    "service",
    "method",
    "path",
    "resource",
    "name",
    "metadata",
    "nth",
    "every",
    "probability",
    "times",
}
ACTION_KEYS = {
    "concurrency",
    "delay",
    "status",
    "retry_after",
    "message",
    "headers",
    "reset",
    "state",
    "commit_then",
}
SERVICES = {
    "identity",
    "compute",
    "network",
    "volume",
    "image",
    "object-store",
    *(spec.type for spec in specs()),
}  # + generic.py services
STATES = {"error", "stuck"}
# Collection names in paths -> the resource kind a rule names.
RESOURCES = {
    "servers": "server",
    "os-keypairs": "keypair",
    "flavors": "flavor",
    "networks": "network",
    "subnets": "subnet",
    "ports": "port",
    "routers": "router",
    "floatingips": "floatingip",
    "security-groups": "security_group",
    "security-group-rules": "security_group_rule",
    "volumes": "volume",
    "images": "image",
    "os-server-groups": "server_group",
    "tokens": "token",
    "os-volume_attachments": "volume_attachment",
}


@dataclass
class Decision:
    """What the matching rules ask for on one request."""

    rules: list[str] = field(default_factory=list)
    delay: float = 0.0
    status: int | None = None
    message: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    reset: bool = False
    state: str | None = None
    commit_then: int | None = None
    # Concurrency caps: the request waits for a slot in each before it is served.
    slots: list[threading.BoundedSemaphore] = field(default_factory=list)


@dataclass
class Rule:
    """One validated rule with its counters."""

    name: str
    match: dict[str, Any]
    action: dict[str, Any]
    matched: int = 0
    fired: int = 0
    path_regex: re.Pattern[str] | None = None
    slots: threading.BoundedSemaphore | None = None

    def to_dict(self) -> dict[str, Any]:
        """The rule as given, with its counters."""
        return {
            "name": self.name,
            "match": self.match,
            "action": self.action,
            "matched": self.matched,
            "fired": self.fired,
        }


@dataclass
class RequestFacts:
    """What rules can match on, taken from one request."""

    service: str
    method: str
    path: str
    resource: str | None
    name: str | None
    metadata: dict[str, Any]


def _problem(problems: list[str], where: str, message: str) -> None:
    problems.append(f"{where}: {message}")


def validate_rule(data: Any, index: int) -> tuple[Rule | None, list[str]]:
    """Check one rule; return it or the list of problems found."""
    where = f"rules[{index}]"
    problems: list[str] = []
    if not isinstance(data, dict):
        return None, [f"{where}: a rule must be a mapping"]
    for key in set(data) - {"name", "match", "action"}:
        _problem(problems, where, f"unknown key '{key}' (expected name, match, action)")
    match, action = data.get("match") or {}, data.get("action") or {}
    if not isinstance(match, dict) or not isinstance(action, dict):
        return None, [*problems, f"{where}: match and action must be mappings"]
    for key in set(match) - MATCH_KEYS:
        _problem(problems, f"{where}.match", f"unknown key '{key}'")
    for key in set(action) - ACTION_KEYS:
        _problem(problems, f"{where}.action", f"unknown key '{key}'")
    if match.get("service") is not None and match["service"] not in SERVICES:
        _problem(
            problems,
            f"{where}.match.service",
            f"'{match['service']}' is not one of {', '.join(sorted(SERVICES))}",
        )
    if action.get("state") is not None and action["state"] not in STATES:
        _problem(problems, f"{where}.action.state", "must be 'error' or 'stuck'")
    for key in ("status", "commit_then"):
        value = action.get(key)
        if value is not None and (not isinstance(value, int) or not 400 <= value <= 599):
            _problem(problems, f"{where}.action.{key}", "must be an HTTP status from 400 to 599")
    _check_delay(problems, where, action.get("delay"))
    concurrency = action.get("concurrency")
    if concurrency is not None and (
        not isinstance(concurrency, int) or isinstance(concurrency, bool) or concurrency < 1
    ):
        _problem(problems, f"{where}.action.concurrency", "must be a positive integer")
    for key, kind in (
        ("probability", (int, float)),
        ("nth", int),
        ("every", int),
        ("times", int),
    ):
        value = match.get(key)
        if value is not None and (
            not isinstance(value, kind) or isinstance(value, bool) or value < 0
        ):
            _problem(problems, where, f"{key} must be a non-negative number")
    regex = None
    if match.get("path"):
        try:
            regex = re.compile(str(match["path"]))
        except re.error as error:
            _problem(problems, f"{where}.match.path", f"not a valid regular expression: {error}")
    if problems:
        return None, problems
    name = str(data.get("name") or f"rule-{index + 1}")
    rule = Rule(name, dict(match), dict(action), path_regex=regex)
    if concurrency:
        rule.slots = threading.BoundedSemaphore(concurrency)
    return rule, []


def _check_delay(problems: list[str], where: str, value: Any) -> None:
    """A delay is seconds, or [low, high] for a uniform random delay."""
    if value is None:
        return
    if isinstance(value, list):
        ok = (
            len(value) == 2
            and all(
                isinstance(v, int | float) and not isinstance(v, bool) and v >= 0 for v in value
            )
            and value[0] <= value[1]
        )
    else:
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    if not ok:
        _problem(problems, where, "delay must be a non-negative number or [low, high]")


class RuleSet:
    """The active rules, evaluated in order for every request."""

    def __init__(self, rules: list[dict[str, Any]] | None = None, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self.rules: list[Rule] = []
        self.random = random.Random(seed)
        if rules:
            self.add(rules)

    def add(self, rules: list[dict[str, Any]]) -> list[Rule]:
        """Validate and append rules; InvalidInput lists every problem at once."""
        built, problems = [], []
        for index, data in enumerate(rules, start=len(self.rules)):
            rule, found = validate_rule(data, index)
            problems.extend(found)
            if rule is not None:
                built.append(rule)
        if problems:
            raise InvalidInput("invalid sandbox fault rules:\n  " + "\n  ".join(problems))
        with self._lock:
            self.rules.extend(built)
        return built

    def clear(self, name: str | None = None) -> int:
        """Remove all rules, or the ones with a name; returns how many went."""
        with self._lock:
            before = len(self.rules)
            self.rules = [r for r in self.rules if name is not None and r.name != name]
            return before - len(self.rules)

    def evaluate(self, facts: RequestFacts) -> Decision:
        """Every rule that matches and fires contributes its action."""
        decision = Decision()
        with self._lock:
            for rule in self.rules:
                if self._fires(rule, facts):
                    self._apply(rule, decision)
        return decision

    def _fires(self, rule: Rule, facts: RequestFacts) -> bool:
        if not _matches(rule, facts):
            return False
        rule.matched += 1
        match = rule.match
        times = match.get("times", 1 if "nth" in match else None)
        if times is not None and rule.fired >= times:
            return False
        if "nth" in match and rule.matched != match["nth"]:
            return False
        if "every" in match and match["every"] and rule.matched % match["every"]:
            return False
        if "probability" in match and self.random.random() >= float(match["probability"]):
            return False
        rule.fired += 1
        return True

    def _apply(self, rule: Rule, decision: Decision) -> None:
        action = rule.action
        decision.rules.append(rule.name)
        delay = action.get("delay", 0)
        if isinstance(delay, list):
            delay = self.random.uniform(float(delay[0]), float(delay[1]))
        decision.delay += float(delay)
        if rule.slots is not None:
            decision.slots.append(rule.slots)
        decision.reset = decision.reset or bool(action.get("reset"))
        if action.get("status") and decision.status is None:
            decision.status = int(action["status"])
            decision.message = action.get("message")
        if action.get("retry_after") is not None:
            decision.headers["Retry-After"] = str(int(action["retry_after"]))
        decision.headers.update({str(k): str(v) for k, v in (action.get("headers") or {}).items()})
        decision.state = action.get("state") or decision.state
        if action.get("commit_then"):
            decision.commit_then = int(action["commit_then"])
            decision.message = action.get("message") or decision.message


def _matches(rule: Rule, facts: RequestFacts) -> bool:
    match = rule.match
    if match.get("service") and match["service"] != facts.service:
        return False
    if match.get("method") and str(match["method"]).upper() != facts.method:
        return False
    if rule.path_regex is not None and not rule.path_regex.search(facts.path):
        return False
    if match.get("resource") and match["resource"] != facts.resource:
        return False
    if match.get("name") and not fnmatch.fnmatchcase(facts.name or "", str(match["name"])):
        return False
    wanted = match.get("metadata") or {}
    return all(str(facts.metadata.get(k)) == str(v) for k, v in wanted.items())


def request_facts(service: str, method: str, path: str, body: Any) -> RequestFacts:
    """Resource kind from the path; name and metadata from the request body."""
    resource = None
    for segment in path.split("/"):
        if segment in RESOURCES:
            resource = RESOURCES[segment]
    if service == "object-store":
        parts = [p for p in path.split("/") if p]
        resource = {3: "container", 4: "object"}.get(min(len(parts), 4))
    entity = body
    if isinstance(body, dict) and len(body) == 1 and isinstance(next(iter(body.values())), dict):
        entity = next(iter(body.values()))
    name: str | None = None
    metadata: dict[str, Any] = {}
    if isinstance(entity, dict):
        name = entity.get("name") if isinstance(entity.get("name"), str) else None
        found = entity.get("metadata")
        metadata = found if isinstance(found, dict) else {}
    if service == "object-store" and name is None:
        name = path.rstrip("/").rsplit("/", 1)[-1]
    return RequestFacts(service, method, path, resource, name, metadata)


def load_rules(source: str | Path | list[dict[str, Any]] | None) -> tuple[list[Any], int]:
    """Rules (and the seed) from a YAML/JSON file, a list of dicts, or nothing."""
    if source is None:
        return [], 0
    if isinstance(source, list):
        return source, 0
    from heatctl.dsl.loader import load_file, plain

    document = plain(load_file(source, expect=(dict, list), what="rules file"))
    if isinstance(document, list):
        return document, 0
    unknown = set(document) - {"rules", "seed"}
    if unknown:
        raise InvalidInput(
            f"{source}: unknown top-level key(s) {', '.join(sorted(unknown))} "
            "(expected 'rules' and 'seed')"
        )
    rules, seed = document.get("rules") or [], document.get("seed", 0)
    if not isinstance(rules, list) or not isinstance(seed, int):
        raise InvalidInput(f"{source}: 'rules' must be a list and 'seed' an integer")
    return rules, seed
