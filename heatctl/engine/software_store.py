"""Software configs and deployments as heatctl's own objects (Heat keeps them behind its
API, heatctl in the state file: tables software_configs and software_deployments).

A config is immutable once made (Heat's too): its id is the physical id of the config
resource, and any deployment, in the same stack or another (a nested one), finds it by id.
A deployment row holds what Heat's software_deployment object holds: server, derived config,
input values, action, status and reason, and the output values a signal brought.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed

if TYPE_CHECKING:
    from heatctl.engine.store import StateStore

IN_PROGRESS, COMPLETE, FAILED = "IN_PROGRESS", "COMPLETE", "FAILED"


@dataclass
class SoftwareConfig:
    """One stored config (Heat's software config: group, config, inputs, outputs, options)."""

    id: str
    name: str
    group: str = "Heat::Ungrouped"
    config: Any = ""
    inputs: list[dict[str, Any]] = field(default_factory=list)
    outputs: list[dict[str, Any]] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)

    def as_metadata(self) -> dict[str, Any]:
        """The form os-collect-config and the heat-config hooks read (Heat's
        format_software_config)."""
        return {
            "id": self.id,
            "name": self.name,
            "group": self.group,
            "config": self.config,
            "inputs": self.inputs,
            "outputs": self.outputs,
            "options": self.options,
        }


@dataclass
class Deployment:
    """One stored deployment of a config to a server."""

    id: str
    server_id: str
    config_id: str
    input_values: dict[str, Any]
    action: str
    status: str
    status_reason: str
    output_values: dict[str, Any]
    stack_id: str
    resource_name: str


def _dump(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


class SoftwareStore:
    """The two tables, over the state store's connection and lock."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    # -- configs ------------------------------------------------------------------------
    def create_config(self, config: SoftwareConfig, stack_id: str) -> SoftwareConfig:
        """Store a config under its id (a new uuid when it has none)."""
        config.id = config.id or str(uuid.uuid4())
        with self.store.transaction() as db:
            db.table("software_configs").insert(
                {
                    "id": config.id,
                    "name": config.name,
                    "group_name": config.group,
                    "config": _dump(config.config),
                    "inputs": _dump(config.inputs),
                    "outputs": _dump(config.outputs),
                    "options": _dump(config.options),
                    "stack_id": stack_id,
                    "created_at": time.time(),
                },
                replace=True,
            )
        return config

    def find_config(self, config_id: str) -> SoftwareConfig | None:
        with self.store._mutex:
            row = self.store.db.execute(
                "SELECT id, name, group_name, config, inputs, outputs, options"
                " FROM software_configs WHERE id = ?",
                [config_id],
            ).fetchone()
        if row is None:
            return None
        return SoftwareConfig(
            id=row[0],
            name=row[1] or "",
            group=row[2],
            config=json.loads(row[3]),
            inputs=json.loads(row[4]) or [],
            outputs=json.loads(row[5]) or [],
            options=json.loads(row[6]) or {},
        )

    def get_config(self, config_id: str, who: str) -> SoftwareConfig:
        """The config, or ResourceFailed naming `who` wanted it (Heat's NotFound)."""
        found = self.find_config(config_id)
        if found is None:
            raise ResourceFailed(f"{who}: software config {config_id} was not found")
        return found

    def delete_config(self, config_id: str) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM software_configs WHERE id = ?", [config_id])

    # -- deployments --------------------------------------------------------------------
    def save_deployment(self, deployment: Deployment) -> None:
        row = {
            "id": deployment.id,
            "server_id": deployment.server_id,
            "config_id": deployment.config_id,
            "input_values": _dump(deployment.input_values),
            "action": deployment.action,
            "status": deployment.status,
            "status_reason": deployment.status_reason,
            "output_values": _dump(deployment.output_values),
            "stack_id": deployment.stack_id,
            "resource_name": deployment.resource_name,
            "created_at": time.time(),
            "updated_at": time.time(),
        }
        with self.store.transaction() as db:
            existing = db.execute(
                "SELECT created_at FROM software_deployments WHERE id = ?", [deployment.id]
            ).fetchone()
            if existing is not None:
                row["created_at"] = existing[0]
            db.table("software_deployments").insert(row, replace=True)

    def find_deployment(self, deployment_id: str) -> Deployment | None:
        with self.store._mutex:
            rows = list(
                self.store.db.table("software_deployments").rows_where("id = ?", [deployment_id])
            )
        return _deployment(rows[0]) if rows else None

    def delete_deployment(self, deployment_id: str) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM software_deployments WHERE id = ?", [deployment_id])

    def server_metadata(self, server_id: str) -> list[dict[str, Any]]:
        """The `deployments` list of a server's metadata: the derived config of each of its
        deployments, sorted by config name (Heat's metadata_software_deployments)."""
        with self.store._mutex:
            rows = list(
                self.store.db.table("software_deployments").rows_where("server_id = ?", [server_id])
            )
        configs = [self.find_config(str(row["config_id"])) for row in rows]
        found = sorted((c for c in configs if c is not None), key=lambda c: c.name)
        return [c.as_metadata() for c in found]


def _deployment(row: dict[str, Any]) -> Deployment:
    return Deployment(
        id=row["id"],
        server_id=row["server_id"],
        config_id=row["config_id"] or "",
        input_values=json.loads(row["input_values"] or "{}"),
        action=row["action"] or "",
        status=row["status"],
        status_reason=row["status_reason"] or "",
        output_values=json.loads(row["output_values"] or "{}"),
        stack_id=row["stack_id"] or "",
        resource_name=row["resource_name"] or "",
    )


def software_store(ctx: ResourceContext) -> SoftwareStore:
    """The software store of the state file the engine runs on. The journal a context
    carries is that state file's (heatctl.engine.journal.Journal has `.store`)."""
    store = getattr(ctx.journal, "store", None)
    if store is None:
        raise ResourceFailed(f"{ctx.name}: {ctx.type} needs heatctl's state store")
    return SoftwareStore(store)
