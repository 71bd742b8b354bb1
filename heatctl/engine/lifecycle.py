"""The lifecycle of a resource type plugin: the Protocol, and what each call is given.

Resource type classes (heatctl/resources/*.py, one per type) implement these methods next
to their declared schema. The engine creates one plugin instance per call; everything a
plugin must remember between calls goes in `ctx.data`, which the store keeps, so a
crashed operation can be resumed by another process.

Each action is "start, then poll": `create` begins it and returns None when already done
or `Wait(seconds | None)` to be polled with `check_create_complete` (same for update and
delete). Failure is raised as `ResourceFailed` with a message for the user; cloud errors
raised through `ctx.call` are already classified (retry.py).

Crash safety rules for plugins:
- every cloud call goes through `ctx.call(...)`, which journals an intent before the call
  and its result after, and retries by the policy;
- a created cloud resource carries `ctx.tag` (in its tags, metadata or description), and
  `find_by_tag` finds it, so an interrupted create is adopted and never made twice;
- `delete` treats "already gone" (404) as done.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, runtime_checkable

from heatctl.engine.retry import RetryPolicy, call_with_retries
from heatctl.engine.wait import Wait
from heatctl.errors import OperationFailed

Progress = Wait | None
T = TypeVar("T")


class ResourceFailed(OperationFailed):
    """The resource's action failed; the message says why, in the user's terms."""


class Journal(Protocol):
    """Where intents and results of cloud calls are written (the state store)."""

    def record_intent(
        self, stack_id: str, resource_id: str | None, call: str, request: Any
    ) -> int: ...

    def record_result(self, operation_id: int, *, ok: bool, result: Any = None) -> None: ...


@dataclass
class ResourceContext:
    """Everything one lifecycle call may use. `physical_id` and `data` are saved after it."""

    stack_id: str
    stack_name: str
    resource_id: str
    name: str
    type: str
    tag: str
    properties: dict[str, Any]
    physical_id: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    old_properties: dict[str, Any] = field(default_factory=dict)
    changed: tuple[str, ...] = ()
    connection_factory: Callable[[], Any] | None = None
    journal: Journal | None = None
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)
    now: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    secret_attributes: tuple[str, ...] = ()
    attributes: dict[str, Any] = field(default_factory=dict)
    """Attribute values a plugin knows before the action completes (stored with the
    result of resolve_attributes when it does)."""
    signals: Callable[[str], list[dict[str, Any]]] = lambda target: []
    """The signals sent so far to the resource with this physical id (the state store)."""

    @property
    def conn(self) -> Any:
        """The openstacksdk Connection (opened on first use)."""
        if self.connection_factory is None:
            raise ResourceFailed(f"{self.name}: {self.type} needs a cloud, and none is connected")
        return self.connection_factory()

    def physical_name(self, max_length: int = 63) -> str:
        """A cloud name like Heat's: `<stack>-<resource>-<suffix>`, the suffix from the tag
        (stable across retries and resumes), shortened to fit `max_length`."""
        suffix = hashlib.sha256(self.tag.encode()).hexdigest()[:8]
        head = f"{self.stack_name}-{self.name}"[: max(1, max_length - len(suffix) - 1)]
        return f"{head}-{suffix}"

    def call(
        self,
        what: str,
        fn: Callable[[], T],
        *,
        request: dict[str, Any] | None = None,
        creates: bool = False,
        lookup: Callable[[], T | None] | None = None,
        conflict_retries: int = 0,
    ) -> T:
        """Make one cloud call: journal the intent, retry by the policy, journal the result."""
        op = None
        if self.journal is not None:
            op = self.journal.record_intent(self.stack_id, self.resource_id, what, request or {})
        policy = self.retry_policy
        if conflict_retries:
            policy = RetryPolicy(**{**policy.__dict__, "conflict_retries": conflict_retries})
        try:
            result = call_with_retries(
                fn,
                what=what,
                policy=policy,
                creates=creates,
                lookup=lookup,
                sleep=self.sleep,
            )
        except BaseException as error:
            if self.journal is not None and op is not None:
                self.journal.record_result(op, ok=False, result={"error": str(error)})
            raise
        if self.journal is not None and op is not None:
            self.journal.record_result(op, ok=True, result=summarize(result))
        return result


def summarize(result: Any) -> Any:
    """What of a call's result goes in the journal: ids, not whole bodies (no secrets)."""
    if result is None or isinstance(result, bool | int | float | str):
        return result
    identity = getattr(result, "id", None)
    if identity is not None:
        return {"id": str(identity)}
    if isinstance(result, list | tuple):
        return {"count": len(result)}
    return {"type": type(result).__name__}


@runtime_checkable
class ResourceLifecycle(Protocol):
    """What a resource type implements to be created, updated and deleted by the engine."""

    def create(self, ctx: ResourceContext) -> Progress:
        """Begin creating; set ctx.physical_id as soon as the cloud gives one."""
        ...

    def check_create_complete(self, ctx: ResourceContext) -> Progress: ...

    def update(self, ctx: ResourceContext) -> Progress:
        """Change ctx.changed properties in place (ctx.old_properties has the previous ones)."""
        ...

    def check_update_complete(self, ctx: ResourceContext) -> Progress: ...

    def delete(self, ctx: ResourceContext) -> Progress:
        """Begin deleting ctx.physical_id; a resource already gone counts as deleted."""
        ...

    def check_delete_complete(self, ctx: ResourceContext) -> Progress: ...

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        """The attribute values to store once an action completes (get_attr reads these)."""
        ...

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        """The physical id of a cloud resource carrying ctx.tag, if one exists."""
        ...


def not_in_cloud(self: Any, ctx: ResourceContext) -> str | None:
    """find_by_tag of types that have no cloud object (their state is heatctl's own);
    `stack check` skips the types that use it."""
    return None


class NoCloudLifecycle:
    """Defaults for types that live only in heatctl's state (no cloud object)."""

    def create(self, ctx: ResourceContext) -> Progress:
        ctx.physical_id = ctx.physical_id or ctx.physical_name()
        return None

    def check_create_complete(self, ctx: ResourceContext) -> Progress:
        return None

    def update(self, ctx: ResourceContext) -> Progress:
        return None

    def check_update_complete(self, ctx: ResourceContext) -> Progress:
        return None

    def delete(self, ctx: ResourceContext) -> Progress:
        return None

    def check_delete_complete(self, ctx: ResourceContext) -> Progress:
        return None

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        return {}

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        return None
