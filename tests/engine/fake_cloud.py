"""An in-memory 'cloud' and a lifecycle plugin for it: plain Python, for engine tests that
need no OpenStack (the walker, apply and crash-recovery logic)."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from heatctl.engine.lifecycle import ResourceContext, ResourceFailed
from heatctl.engine.walker import Wait


@dataclass
class FakeCloud:
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    log: list[str] = field(default_factory=list)
    fail_create: set[str] = field(default_factory=set)
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def post(self, tag: str, name: str, props: dict[str, Any]) -> str:
        with self._lock:
            oid = f"obj-{next(self._ids)}"
            self.objects[oid] = {"tag": tag, "name": name, "props": dict(props), "polls": 0}
            self.log.append(f"create {name}")
            return oid

    def by_tag(self, tag: str) -> list[str]:
        with self._lock:
            return [oid for oid, obj in self.objects.items() if obj["tag"] == tag]

    def delete(self, oid: str) -> None:
        with self._lock:
            obj = self.objects.pop(oid, None)
            if obj is not None:
                self.log.append(f"delete {obj['name']}")


class FakePlugin:
    """Create = POST, ready on the first poll; update in place; delete is immediate."""

    def __init__(self, cloud: FakeCloud, polls: int = 1) -> None:
        self.cloud = cloud
        self.polls = polls

    def create(self, ctx: ResourceContext) -> Wait | None:
        if ctx.name in self.cloud.fail_create:
            raise ResourceFailed(f"{ctx.name}: No valid host was found")
        ctx.physical_id = ctx.call(
            "fake.create",
            lambda: self.cloud.post(ctx.tag, ctx.name, ctx.properties),
            request={"name": ctx.name},
            creates=True,
            lookup=lambda: self.find_by_tag(ctx),
        )
        ctx.data["polls"] = 0
        return Wait(0.0)

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        ctx.data["polls"] = ctx.data.get("polls", 0) + 1
        return None if ctx.data["polls"] >= self.polls else Wait(0.0)

    def update(self, ctx: ResourceContext) -> Wait | None:
        assert ctx.physical_id is not None
        self.cloud.objects[ctx.physical_id]["props"] = dict(ctx.properties)
        self.cloud.log.append(f"update {ctx.name} {','.join(ctx.changed)}")
        return None

    def check_update_complete(self, ctx: ResourceContext) -> Wait | None:
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        assert ctx.physical_id is not None
        ctx.call("fake.delete", lambda: self.cloud.delete(ctx.physical_id or ""))
        return None

    def check_delete_complete(self, ctx: ResourceContext) -> Wait | None:
        return None

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        return {"id": ctx.physical_id, "secret": f"key-of-{ctx.name}"}

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        found = self.cloud.by_tag(ctx.tag)
        return found[0] if found else None
