"""Progress of a stack operation, for people and for programs.

- `LiveProgress`: a rich live view on a terminal: every resource with its status and
  elapsed time, and the overall count;
- `PlainProgress`: one timestamped line per transition (logs, CI, pipes), plus a heartbeat
  line while nothing changes for a long time;
- `JsonProgress`: the same events as NDJSON, one object per line (`--json`).

Every text that reaches them goes through `redact` with the stack's secrets first.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import IO, Any, Protocol

from heatctl.engine.records import redact


@dataclass(frozen=True)
class ProgressEvent:
    """One transition of the stack (resource None) or of one of its resources."""

    stack: str
    status: str
    resource: str | None = None
    type: str | None = None
    reason: str = ""
    time: float = field(default_factory=time.time)

    def to_json(self) -> dict[str, Any]:
        return {
            "time": _iso(self.time),
            "stack": self.stack,
            "resource": self.resource,
            "type": self.type,
            "status": self.status,
            "reason": self.reason,
        }


def _iso(stamp: float) -> str:
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Progress(Protocol):
    def event(self, event: ProgressEvent) -> None: ...

    def heartbeat(self, elapsed: float, waiting: Sequence[str]) -> None: ...

    def close(self) -> None: ...


class _Redacting:
    def __init__(self, secrets: Sequence[str]) -> None:
        self.secrets = list(secrets)
        self.lock = threading.Lock()

    def clean(self, event: ProgressEvent) -> ProgressEvent:
        if not self.secrets:
            return event
        return ProgressEvent(
            event.stack,
            event.status,
            event.resource,
            event.type,
            redact(event.reason, self.secrets),
            event.time,
        )


def _waiting_text(elapsed: float, waiting: Sequence[str]) -> str:
    names = ", ".join(waiting[:5]) + (f" and {len(waiting) - 5} more" if len(waiting) > 5 else "")
    return f"still waiting after {elapsed:.0f}s for {len(waiting)} resource(s): {names}"


class PlainProgress(_Redacting):
    """`2026-11-25T13:10:09Z web/net CREATE_COMPLETE` lines on a stream."""

    def __init__(
        self, stream: IO[str], secrets: Sequence[str] = (), *, only_failures: bool = False
    ) -> None:
        super().__init__(secrets)
        self.stream = stream
        self.only_failures = only_failures

    def event(self, event: ProgressEvent) -> None:
        if self.only_failures and not event.status.endswith("FAILED"):
            return
        event = self.clean(event)
        where = f"{event.stack}/{event.resource}" if event.resource else event.stack
        line = f"{_iso(event.time)} {where} {event.status}"
        if event.reason and event.reason != "state changed":
            line += f": {event.reason}"
        with self.lock:
            self.stream.write(line + "\n")
            self.stream.flush()

    def heartbeat(self, elapsed: float, waiting: Sequence[str]) -> None:
        if self.only_failures:
            return
        with self.lock:
            self.stream.write(f"{_iso(time.time())} {_waiting_text(elapsed, waiting)}\n")
            self.stream.flush()

    def close(self) -> None:
        pass


class JsonProgress(_Redacting):
    """NDJSON: one event object per line; heartbeats as {"heartbeat": ...}."""

    def __init__(self, stream: IO[str], secrets: Sequence[str] = ()) -> None:
        super().__init__(secrets)
        self.stream = stream

    def event(self, event: ProgressEvent) -> None:
        line = json.dumps(self.clean(event).to_json(), sort_keys=True)
        with self.lock:
            self.stream.write(line + "\n")
            self.stream.flush()

    def heartbeat(self, elapsed: float, waiting: Sequence[str]) -> None:
        line = json.dumps({"heartbeat": {"elapsed": round(elapsed, 1), "waiting": list(waiting)}})
        with self.lock:
            self.stream.write(line + "\n")
            self.stream.flush()

    def close(self) -> None:
        pass


@dataclass
class _Row:
    type: str
    status: str = "INIT_COMPLETE"
    reason: str = ""
    started: float | None = None
    finished: float | None = None


class LiveProgress(_Redacting):
    """A rich Live table of resources (status, elapsed) with an overall count."""

    def __init__(self, console: Any, stack: str, secrets: Sequence[str] = ()) -> None:
        from rich.live import Live

        super().__init__(secrets)
        self.stack = stack
        self.rows: dict[str, _Row] = {}
        self.stack_status = ""
        self.note = ""
        self.live = Live(
            console=console, refresh_per_second=4, transient=False, get_renderable=self._render
        )
        self.live.start()

    def event(self, event: ProgressEvent) -> None:
        event = self.clean(event)
        with self.lock:
            if event.resource is None:
                self.stack_status = event.status
                return
            row = self.rows.setdefault(event.resource, _Row(event.type or ""))
            row.status, row.reason = event.status, event.reason
            if event.status.endswith("IN_PROGRESS"):
                row.started, row.finished = event.time, None
            elif row.started is not None:
                row.finished = event.time

    def heartbeat(self, elapsed: float, waiting: Sequence[str]) -> None:
        with self.lock:
            self.note = _waiting_text(elapsed, waiting)

    def _render(self) -> Any:
        from rich.markup import escape
        from rich.table import Table

        with self.lock:
            done = sum(
                r.status.endswith("COMPLETE") and r.status != "INIT_COMPLETE"
                for r in self.rows.values()
            )
            title = escape(f"{self.stack} {self.stack_status}")
            table = Table(title=title, caption=escape(self.note) if self.note else None)
            for column in ("resource", "type", "status", "elapsed", "reason"):
                table.add_column(column)
            now = time.time()
            for name in sorted(self.rows):
                row = self.rows[name]
                end = row.finished or now
                elapsed = f"{end - row.started:.1f}s" if row.started else ""
                # Names and reasons come from templates and clouds: text, never markup.
                cells = (escape(name), escape(row.type), _styled(row.status))
                table.add_row(*cells, elapsed, escape(row.reason))
            table.add_row("", "", f"{done}/{len(self.rows)} done", "", "")
        return table

    def close(self) -> None:
        self.live.stop()


def _styled(status: str) -> str:
    if status.endswith("FAILED"):
        return f"[red]{status}[/red]"
    if status.endswith("COMPLETE"):
        return f"[green]{status}[/green]"
    return f"[yellow]{status}[/yellow]"
