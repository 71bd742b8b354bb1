"""Helpers for the intrinsic function tests: scopes and a fake resource resolver."""

from __future__ import annotations

from typing import Any

from heatctl.dsl.functions import Scope, evaluate
from heatctl.dsl.functions.hot import select_path
from heatctl.dsl.versions import CFN_KEY, HEAT_CFN_KEY, HOT_KEY, VersionSpec, get_version


def version(name: str) -> VersionSpec:
    """A version by its value: HOT dates/aliases, 'aws' or 'heatcfn'."""
    if name == "aws":
        return get_version(CFN_KEY, "2010-09-09")
    if name == "heatcfn":
        return get_version(HEAT_CFN_KEY, "2012-12-12")
    return get_version(HOT_KEY, name)


class FakeResources:
    """A ResourceResolver over a dict: {name: {"ref": id, "attrs": {attr: value}}}."""

    def __init__(self, resources: dict[str, dict[str, Any]]) -> None:
        self.resources = resources
        self.calls: list[tuple[Any, ...]] = []

    def reference(self, name: str) -> Any:
        self.calls.append(("reference", name))
        if name not in self.resources:
            raise LookupError(name)
        return self.resources[name].get("ref", f"{name}-id")

    def attribute(self, name: str, attr: str, path: list[Any]) -> Any:
        self.calls.append(("attribute", name, attr, list(path)))
        attrs = self.resources[name].get("attrs", {})
        if attr not in attrs:
            raise LookupError(attr)
        return select_path(attrs[attr], path)

    def all_attributes(self, name: str) -> Any:
        self.calls.append(("all_attributes", name))
        return dict(self.resources[name].get("attrs", {}))

    def has_resource(self, name: str) -> bool:
        return name in self.resources


SERVER = {
    "server": {
        "ref": "5f0c-server",
        "attrs": {
            "name": "web-1",
            "networks": {"private": ["10.0.0.5", "fd00::5"]},
            "addresses": [{"addr": "10.0.0.5"}],
        },
    },
    "port": {"ref": "port-uuid", "attrs": {"fixed_ips": [{"ip_address": "10.0.0.7"}]}},
}


def run(value: Any, v: str = "2021-04-16", **scope: Any) -> Any:
    """Evaluate `value` under version `v` with the given Scope fields."""
    return evaluate(value, Scope(version=version(v), **scope))
