"""Reading a stack's events, once or following them while an operation runs (possibly in
another process: the store is the only channel)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from heatctl.engine.records import EventRecord, redact
from heatctl.engine.store import StateStore
from heatctl.engine.views import secret_values


@dataclass(frozen=True)
class EventView:
    """One event as shown to a user (secrets already masked)."""

    stack: str
    event: EventRecord
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.event.id,
            "time": datetime.fromtimestamp(self.event.timestamp, UTC).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
            "stack": self.stack,
            "resource": self.event.resource_name,
            "physical_id": self.event.physical_id,
            "status": str(self.event.status),
            "reason": self.reason,
        }

    def to_json_line(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True)

    def to_text(self) -> str:
        data = self.as_dict()
        where = f"{self.stack}/{data['resource']}" if data["resource"] else self.stack
        text = f"{data['time']} {where} {data['status']}"
        return f"{text}: {self.reason}" if self.reason and self.reason != "state changed" else text


def follow_events(
    store: StateStore,
    name_or_id: str,
    *,
    follow: bool = False,
    poll_interval: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[EventView]:
    """Yield the stack's events in order; with follow, keep going until the stack is no
    longer IN_PROGRESS (an operation ended, in this process or another)."""
    stack = store.get_stack(name_or_id)
    secrets = secret_values(store, stack.id)
    last = 0
    while True:
        for event in store.events(stack.id, after_id=last):
            last = event.id
            yield EventView(stack.name, event, redact(event.reason, secrets))
        if not follow:
            return
        if not store.stack_by_id(stack.id).status.in_progress:
            for event in store.events(stack.id, after_id=last):
                last = event.id
                yield EventView(stack.name, event, redact(event.reason, secrets))
            return
        sleep(poll_interval)
