"""A cloud in its own SQLite file, shared by processes, for crash tests of the engine
(a process is SIGKILLed mid-operation and another one resumes against the same cloud).
Objects take `ready_after` seconds after creation to become ready."""

from __future__ import annotations

import sqlite3
import time
import uuid
from pathlib import Path
from typing import Any

from heatctl.engine.lifecycle import ResourceContext
from heatctl.engine.walker import Wait


class PersistentCloud:
    def __init__(self, path: Path, ready_after: float = 0.05) -> None:
        self.path = path
        self.ready_after = ready_after
        self.conn = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=wal")
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS objects (id TEXT PRIMARY KEY, tag TEXT, name TEXT,"
            " props TEXT, created REAL)"
        )

    def post(self, tag: str, name: str, props: dict[str, Any]) -> str:
        oid = uuid.uuid4().hex
        self.conn.execute(
            "INSERT INTO objects VALUES (?, ?, ?, ?, ?)", [oid, tag, name, repr(props), time.time()]
        )
        return oid

    def get(self, oid: str) -> tuple[str, float] | None:
        row = self.conn.execute("SELECT tag, created FROM objects WHERE id = ?", [oid]).fetchone()
        return (row[0], row[1]) if row else None

    def by_tag(self, tag: str) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM objects WHERE tag = ?", [tag])]

    def delete(self, oid: str) -> None:
        self.conn.execute("DELETE FROM objects WHERE id = ?", [oid])

    def tags(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT tag FROM objects ORDER BY tag")]

    def inventory(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.conn.execute("SELECT id, tag FROM objects")}


class PersistentPlugin:
    """Create = POST (tagged), ready after the cloud's delay; update in place; delete."""

    def __init__(self, cloud: PersistentCloud) -> None:
        self.cloud = cloud

    def create(self, ctx: ResourceContext) -> Wait | None:
        ctx.physical_id = ctx.call(
            "thing.create",
            lambda: self.cloud.post(ctx.tag, ctx.name, ctx.properties),
            creates=True,
            lookup=lambda: self.find_by_tag(ctx),
        )
        return Wait(self.cloud.ready_after)

    def check_create_complete(self, ctx: ResourceContext) -> Wait | None:
        assert ctx.physical_id is not None
        found = self.cloud.get(ctx.physical_id)
        if found is None:
            raise RuntimeError(f"{ctx.name}: {ctx.physical_id} vanished")
        left = found[1] + self.cloud.ready_after - time.time()
        return Wait(left) if left > 0 else None

    def update(self, ctx: ResourceContext) -> Wait | None:
        return Wait(self.cloud.ready_after)

    def check_update_complete(self, ctx: ResourceContext) -> Wait | None:
        return None

    def delete(self, ctx: ResourceContext) -> Wait | None:
        ctx.call("thing.delete", lambda: self.cloud.delete(ctx.physical_id or ""))
        return None

    def check_delete_complete(self, ctx: ResourceContext) -> Wait | None:
        return None

    def resolve_attributes(self, ctx: ResourceContext) -> dict[str, Any]:
        return {"id": ctx.physical_id}

    def find_by_tag(self, ctx: ResourceContext) -> str | None:
        found = self.cloud.by_tag(ctx.tag)
        return found[0] if found else None
