"""The write-ahead journal of cloud calls: an intent row is committed before each call, and
its result after. `stack resume` reads intents without a result: those calls may or may
not have reached the cloud, which is why creates are looked up by tag before being sent
again.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from heatctl.engine.records import OperationRecord, dumps, now

if TYPE_CHECKING:
    from heatctl.engine.store import StateStore


class Journal:
    """The operations table of a state store."""

    def __init__(self, store: StateStore) -> None:
        self.store = store

    def record_intent(
        self, stack_id: str, resource_id: str | None, call: str, request: Mapping[str, Any]
    ) -> int:
        """Write, and commit, the intent of a cloud call before it is made. Returns its id."""
        with self.store.transaction() as db:
            table = db.table("operations")
            table.insert(
                {
                    "stack_id": stack_id,
                    "resource_id": resource_id,
                    "call": call,
                    "request": dumps(dict(request)),
                    "state": "intent",
                    "result": None,
                    "pid": os.getpid(),
                    "started_at": now(),
                    "finished_at": None,
                }
            )
            last = table.last_pk
            assert last is not None
            return int(last)

    def record_result(self, operation_id: int, *, ok: bool, result: Any = None) -> None:
        """Write the outcome of a journalled call."""
        with self.store.transaction() as db:
            db.table("operations").update(
                operation_id,
                {
                    "state": "done" if ok else "failed",
                    "result": dumps(result),
                    "finished_at": now(),
                },
            )

    def unfinished_operations(self, stack_id: str) -> list[OperationRecord]:
        """Calls whose intent was written but whose result never was (a crash in between)."""
        with self.store._mutex:
            rows = list(
                self.store.db.table("operations").rows_where(
                    "stack_id = ? AND state = 'intent'", [stack_id], order_by="id"
                )
            )
        return [OperationRecord.from_row(row) for row in rows]

    def operations(self, stack_id: str) -> list[OperationRecord]:
        with self.store._mutex:
            rows = list(
                self.store.db.table("operations").rows_where(
                    "stack_id = ?", [stack_id], order_by="id"
                )
            )
        return [OperationRecord.from_row(row) for row in rows]
