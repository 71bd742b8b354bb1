"""Records of the state store (what a row means, as typed values) and secret masking."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from heatctl.engine.states import Status

MASK = "******"


def now() -> float:
    """Wall-clock time stored in the state file (seconds since the epoch)."""
    return time.time()


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


@dataclass(frozen=True)
class StackRecord:
    """A stack as stored. `parameters` has hidden values masked."""

    id: str
    name: str
    status: Status
    status_reason: str
    template: dict[str, Any]
    environment: dict[str, Any]
    parameters: dict[str, Any]
    hidden_parameters: tuple[str, ...]
    files: dict[str, str]
    timeout_mins: int | None
    disable_rollback: bool
    parent_id: str | None
    created_at: float
    updated_at: float

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> StackRecord:
        return cls(
            id=row["id"],
            name=row["name"],
            status=Status.parse(row["status"]),
            status_reason=row["status_reason"] or "",
            template=loads(row["template"]) or {},
            environment=loads(row["environment"]) or {},
            parameters=loads(row["parameters"]) or {},
            hidden_parameters=tuple(loads(row["hidden_parameters"]) or ()),
            files=loads(row["files"]) or {},
            timeout_mins=row["timeout_mins"],
            disable_rollback=bool(row["disable_rollback"]),
            parent_id=row["parent_id"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )


@dataclass(frozen=True)
class ResourceRecord:
    """A resource as stored. `attributes` has secret attributes masked.

    `tag` names the resource in the cloud (heatctl stack id + resource name, plus a
    generation suffix for replacements) so an interrupted create can be found again.
    `requires` names the resources it depended on when it was last written (the order
    in which it must be deleted before them, even after the template changed).
    `data` is the plugin's own memory between calls (e.g. when a wait started), kept in
    the store so that a resumed operation picks up where the crashed one stopped.
    `current` is False for a row that an update replaced and that waits for cleanup.
    """

    id: str
    stack_id: str
    name: str
    type: str
    status: Status
    status_reason: str
    physical_id: str | None
    properties: dict[str, Any]
    attributes: dict[str, Any]
    secret_attributes: tuple[str, ...]
    metadata: dict[str, Any]
    requires: tuple[str, ...]
    data: dict[str, Any]
    tag: str
    generation: int
    current: bool
    replaces: str | None
    deletion_policy: str
    created_at: float
    updated_at: float

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ResourceRecord:
        return cls(
            id=row["id"],
            stack_id=row["stack_id"],
            name=row["name"],
            type=row["type"],
            status=Status.parse(row["status"]),
            status_reason=row["status_reason"] or "",
            physical_id=row["physical_id"],
            properties=loads(row["properties"]) or {},
            attributes=loads(row["attributes"]) or {},
            secret_attributes=tuple(loads(row["secret_attributes"]) or ()),
            metadata=loads(row["metadata"]) or {},
            requires=tuple(loads(row["requires"]) or ()),
            data=loads(row["data"]) or {},
            tag=row["tag"],
            generation=row["generation"],
            current=bool(row["current"]),
            replaces=row["replaces"],
            deletion_policy=row["deletion_policy"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
        )


@dataclass(frozen=True)
class EventRecord:
    """One status transition of a stack (resource_name None) or of one of its resources."""

    id: int
    stack_id: str
    resource_name: str | None
    physical_id: str | None
    status: Status
    reason: str
    timestamp: float

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> EventRecord:
        return cls(
            id=row["id"],
            stack_id=row["stack_id"],
            resource_name=row["resource_name"],
            physical_id=row["physical_id"],
            status=Status.parse(row["status"]),
            reason=row["reason"] or "",
            timestamp=row["timestamp"],
        )


@dataclass(frozen=True)
class OperationRecord:
    """One journalled cloud call: the intent is written before the call, the result after."""

    id: int
    stack_id: str
    resource_id: str | None
    call: str
    request: dict[str, Any]
    state: str  # "intent" until the result is known, then "done" or "failed"
    result: Any
    pid: int
    started_at: float
    finished_at: float | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> OperationRecord:
        return cls(
            id=row["id"],
            stack_id=row["stack_id"],
            resource_id=row["resource_id"],
            call=row["call"],
            request=loads(row["request"]) or {},
            state=row["state"],
            result=loads(row["result"]),
            pid=row["pid"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
        )


def resource_tag(stack_id: str, name: str, generation: int = 1) -> str:
    """The name/tag a resource carries in the cloud, unique per stack, resource and generation."""
    base = f"heatctl-{stack_id}-{name}"
    return base if generation == 1 else f"{base}-g{generation}"


def new_resource_row(
    stack_id: str,
    name: str,
    type_name: str,
    *,
    resource_id: str | None = None,
    properties: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
    requires: Iterable[str] = (),
    deletion_policy: str = "Delete",
    generation: int = 1,
    replaces: str | None = None,
) -> dict[str, Any]:
    """A resources-table row in INIT_COMPLETE (the store inserts it)."""
    stamp = now()
    return {
        "id": resource_id or uuid.uuid4().hex,
        "stack_id": stack_id,
        "name": name,
        "type": type_name,
        "status": "INIT_COMPLETE",
        "status_reason": "",
        "physical_id": None,
        "properties": dumps(dict(properties or {})),
        "attributes": dumps({}),
        "secret_attributes": dumps([]),
        "metadata": dumps(dict(metadata or {})),
        "requires": dumps(sorted(set(requires))),
        "data": dumps({}),
        "tag": resource_tag(stack_id, name, generation),
        "generation": generation,
        "current": 0 if replaces else 1,
        "replaces": replaces,
        "deletion_policy": deletion_policy,
        "created_at": stamp,
        "updated_at": stamp,
    }


def export_resource(record: ResourceRecord) -> dict[str, Any]:
    """A JSON-ready view of one resource (attributes already masked by the store)."""
    return {
        "type": record.type,
        "status": str(record.status),
        "status_reason": record.status_reason,
        "physical_id": record.physical_id,
        "tag": record.tag,
        "properties": record.properties,
        "attributes": record.attributes,
        "deletion_policy": record.deletion_policy,
        "requires": list(record.requires),
    }


def redact(value: Any, secrets: Sequence[str]) -> Any:
    """A copy of a JSON-like value with every occurrence of a secret string masked."""
    if not secrets:
        return value
    if isinstance(value, str):
        for secret in sorted(secrets, key=len, reverse=True):
            value = value.replace(secret, MASK)
        return value
    if isinstance(value, Mapping):
        return {key: redact(item, secrets) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact(item, secrets) for item in value]
    return value


def masked(values: Mapping[str, Any], secret_names: Iterable[str]) -> dict[str, Any]:
    secret = set(secret_names)
    return {key: (MASK if key in secret else value) for key, value in values.items()}
