"""State shared by the sandbox's services: store, clock, timings, quotas, lazy transitions."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from typing import Any

from heatctl.sandbox.clock import Clock
from heatctl.sandbox.store import Store
from heatctl.sandbox.web import ApiError, Body

# Defaults as a fresh DevStack sets them (nova, neutron, cinder default quotas).
DEFAULT_QUOTAS: dict[str, dict[str, int]] = {
    "compute": {
        "instances": 10,
        "cores": 20,
        "ram": 51200,
        "key_pairs": 100,
        "server_groups": 10,
        "server_group_members": 10,
        "metadata_items": 128,
    },
    "network": {
        "network": 100,
        "subnet": 100,
        "port": 500,
        "router": 10,
        "floatingip": 50,
        "security_group": 10,
        "security_group_rule": 100,
    },
    "volume": {"volumes": 10, "gigabytes": 1000, "snapshots": 10, "backups": 10},
}


@dataclass
class Timings:
    """How long (in clock seconds) each asynchronous step takes."""

    server_build: float = 1.0
    volume_create: float = 0.5
    volume_attach: float = 0.0
    volume_detach: float = 0.0
    server_delete: float = 0.0
    volume_delete: float = 0.0
    token_ttl: float = 3600.0

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Timings:
        """Timings with the given fields overridden (unknown names are an error)."""
        timings = cls()
        for key, value in (data or {}).items():
            if not hasattr(timings, key):
                raise ValueError(f"unknown timing '{key}'")
            setattr(timings, key, float(value))
        return timings


@dataclass
class Account:
    """A user who can log in, with the one project it has roles on."""

    user_id: str
    user_name: str
    project_id: str
    project_name: str
    admin: bool


@dataclass
class Identity:
    """The seeded DevStack-like identity: the admin (the sandbox's main user) and, as in
    DevStack, `demo` and `alt_demo`, each a member of its own project."""

    project_id: str
    project_name: str
    user_id: str
    user_name: str
    password: str
    domain_id: str = "default"
    domain_name: str = "Default"
    others: list[Account] = field(default_factory=list)

    @property
    def accounts(self) -> list[Account]:
        """Every account, the admin first."""
        admin = Account(self.user_id, self.user_name, self.project_id, self.project_name, True)
        return [admin, *self.others]

    def account(self, user_id: str) -> Account:
        """The account of a user id (the admin's for unknown ids, e.g. old tokens)."""
        for account in self.accounts:
            if account.user_id == user_id:
                return account
        return self.accounts[0]


@dataclass
class Cloud:
    """Everything the service modules share. One lock serialises all state changes."""

    store: Store
    clock: Clock
    identity: Identity
    timings: Timings = field(default_factory=Timings)
    quotas: dict[str, dict[str, int]] = field(default_factory=dict)
    base_url: str = ""
    lock: threading.RLock = field(default_factory=threading.RLock)
    # Set by fault rules for the request in flight ("error", "stuck"): lifecycle faults.
    lifecycle: str | None = None
    # While seeding, every saved resource is marked so leak checks can leave it out.
    seeding: bool = False

    def now(self) -> float:
        """The sandbox clock's time."""
        return self.clock.now()

    # -- persistence with lazy transitions --------------------------------------------
    def load(self, kind: str, id_: str) -> Body | None:
        """A resource with every transition that is due by now applied (and saved)."""
        body = self.store.get(kind, id_)
        if body is not None and body.get("_next"):
            self._settle(kind, body)
            if body.get("_gone"):
                return None
        return body

    def query(self, kind: str, **filters: str | None) -> list[Body]:
        """Resources of a kind with their due transitions applied."""
        bodies = self.store.query(kind, **filters)
        for body in bodies:
            if body.get("_next"):
                self._settle(kind, body)
        return [body for body in bodies if not body.get("_gone")]

    def save(self, kind: str, body: Body) -> None:
        """Write a resource; its index columns travel in body['_cols']."""
        cols = body.get("_cols", {})
        if self.seeding:
            body["_seeded"] = True
        if "_seq" not in body:
            body["_seq"] = self.store.next_seq()
        self.store.put(
            kind,
            body,
            amounts=_amounts(kind, body),
            id_=cols.get("id"),
            project=cols.get("project", ""),
            parent=cols.get("parent", ""),
            owner=cols.get("owner", ""),
        )

    def schedule(self, body: Body, delay: float, changes: Body) -> None:
        """Apply `changes` to the resource once `delay` seconds have passed on the clock."""
        body.setdefault("_next", []).append([self.now() + delay, changes])

    def _settle(self, kind: str, body: Body) -> None:
        now = self.now()
        pending = body["_next"]
        due = [step for step in pending if step[0] <= now]
        if not due:
            return
        for _, changes in due:
            body.update(changes)
        body["_next"] = [step for step in pending if step[0] > now]
        if body.get("_gone"):  # a delete that took its time has finished
            self.store.delete(kind, str(body.get("_cols", {}).get("id") or body["id"]))
            return
        self.save(kind, body)

    def delete_later(self, kind: str, body: Body, delay: float, changes: Body) -> None:
        """Delete now (delay 0) or show `changes` until `delay` seconds have passed."""
        if delay <= 0:
            self.store.delete(kind, str(body.get("_cols", {}).get("id") or body["id"]))
            return
        body.update(changes)
        self.schedule(body, delay, {"_gone": True})
        self.save(kind, body)

    def require(
        self, kind: str, id_: str, message: str, *, status: int = 404, error_kind: str | None = None
    ) -> Body:
        """Load a resource or raise the service's not-found error."""
        body = self.load(kind, id_)
        if body is None:
            raise ApiError(status, message, kind=error_kind)
        return body

    # -- quotas ----------------------------------------------------------------------
    def quota(self, service: str, name: str, project: str | None = None) -> int:
        """The limit for one quota (-1 means unlimited): the project's own (set through
        the os-quota-sets API, records `<service>_quota`), else the cloud's default."""
        if project:
            own = self.store.get(f"{service}_quota", project)
            if own is not None and name in own.get("limits", {}):
                return int(own["limits"][name])
        return self.quotas.get(service, {}).get(name, DEFAULT_QUOTAS[service].get(name, -1))

    def set_quotas(self, service: str, values: dict[str, int]) -> None:
        """Change limits (the control API and library callers use this)."""
        if service not in DEFAULT_QUOTAS:
            raise ValueError(f"unknown service '{service}'")
        for key, value in values.items():
            if key not in DEFAULT_QUOTAS[service]:
                raise ValueError(f"unknown {service} quota '{key}'")
            self.quotas.setdefault(service, {})[key] = int(value)
        self.store.set_meta("quotas", json.dumps(self.quotas))

    def over_quota(
        self, service: str, name: str, used: int, requested: int = 1, project: str | None = None
    ) -> bool:
        """True if using `requested` more would pass the limit."""
        limit = self.quota(service, name, project)
        return limit >= 0 and used + requested > limit


def _amounts(kind: str, body: Body) -> tuple[int, int]:
    """The numbers quotas add up: a volume's gigabytes, a server's cores and RAM."""
    if kind == "volume":
        return int(body.get("size", 0)), 0
    if kind == "server":
        return int(body["flavor"]["vcpus"]), int(body["flavor"]["ram"])
    return 0, 0
