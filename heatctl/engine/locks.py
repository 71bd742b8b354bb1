"""Per-stack locks in the state file: one operation at a time on a stack.

A lock row names its holder (pid, host, process start time, command). A second operation
waits up to `lock_timeout` seconds and then fails with ConflictError (exit 4) naming the
holder. A lock whose holder is dead is taken over: on the same host the holder is dead
when its pid no longer exists, is a zombie, or belongs to a process started at another
time (pid reuse, or a reboot: the start time includes the kernel boot id). Locks of
other hosts are never presumed dead, because we cannot see their processes.

Take-over is a compare-and-swap on the lock's random token inside one BEGIN IMMEDIATE
transaction, so two waiters that both see a dead holder cannot both win.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from heatctl.engine.store import StateStore
from heatctl.errors import ConflictError


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a lock."""

    pid: int
    host: str
    process_start: str
    command: str
    acquired_at: float
    token: str = ""

    def describe(self) -> str:
        since = datetime.fromtimestamp(self.acquired_at, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"pid {self.pid} on {self.host} ({self.command or 'heatctl'}, since {since})"

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Holder:
        return cls(
            pid=row["pid"],
            host=row["host"],
            process_start=row["process_start"] or "",
            command=row["command"] or "",
            acquired_at=row["acquired_at"],
            token=row["token"],
        )


def process_start_time(pid: int) -> str:
    """An identity for the process `pid` that changes when the pid is reused: the kernel
    boot id plus the start time in clock ticks from /proc. Empty where /proc is absent."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        boot_id = Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""
    # The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    fields = stat[stat.rindex(")") + 2 :].split()
    return f"{boot_id}:{fields[19]}"


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2 :].split()[0] == "Z"


def holder_is_dead(holder: Holder, host: str | None = None) -> bool:
    """True only when we can be sure: same host, and the process is gone or is another one."""
    if holder.host != (host or socket.gethostname()):
        return False
    try:
        os.kill(holder.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # exists, owned by someone else
    if _is_zombie(holder.pid):
        return True
    current = process_start_time(holder.pid)
    return bool(holder.process_start and current and current != holder.process_start)


def current_holder(command: str) -> Holder:
    """A Holder describing this process."""
    pid = os.getpid()
    return Holder(
        pid=pid,
        host=socket.gethostname(),
        process_start=process_start_time(pid),
        command=command,
        acquired_at=time.time(),
        token=uuid.uuid4().hex,
    )


@dataclass
class StackLock:
    """A held lock. Use as a context manager, or call release()."""

    store: StateStore
    stack_id: str
    holder: Holder
    took_over_from: Holder | None = None

    def release(self) -> None:
        """Drop the lock if it is still ours (the token check makes a double release harmless)."""
        with self.store.transaction() as db:
            db.execute(
                "DELETE FROM locks WHERE stack_id = ? AND token = ?",
                [self.stack_id, self.holder.token],
            )

    def is_held(self) -> bool:
        row = self.store.db.execute(
            "SELECT token FROM locks WHERE stack_id = ?", [self.stack_id]
        ).fetchone()
        return bool(row and row[0] == self.holder.token)

    def __enter__(self) -> StackLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _try_acquire(store: StateStore, stack_id: str, me: Holder) -> tuple[bool, Holder | None]:
    """One attempt. Returns (acquired, the other holder or the dead one taken over)."""
    with store.transaction() as db:
        rows = list(db.query("SELECT * FROM locks WHERE stack_id = ?", [stack_id]))
        values = [me.token, me.pid, me.host, me.process_start, me.command, me.acquired_at]
        if not rows:
            db.execute(
                "INSERT INTO locks (token, pid, host, process_start, command, acquired_at,"
                " stack_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [*values, stack_id],
            )
            return True, None
        other = Holder.from_row(rows[0])
        if not holder_is_dead(other):
            return False, other
        swapped = db.execute(
            "UPDATE locks SET token = ?, pid = ?, host = ?, process_start = ?, command = ?,"
            " acquired_at = ? WHERE stack_id = ? AND token = ?",
            [*values, stack_id, other.token],
        ).rowcount
        return swapped == 1, other


def acquire(
    store: StateStore,
    stack_id: str,
    *,
    command: str,
    lock_timeout: float = 0.0,
    stack_name: str | None = None,
    poll_interval: float = 0.1,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> StackLock:
    """Lock a stack for this process, waiting up to lock_timeout seconds for the holder.

    Raises ConflictError (exit 4) naming the holder when the wait runs out.
    """
    me = current_holder(command)
    deadline = clock() + lock_timeout
    while True:
        acquired, other = _try_acquire(store, stack_id, me)
        if acquired:
            return StackLock(store, stack_id, me, took_over_from=other)
        remaining = deadline - clock()
        if remaining <= 0:
            assert other is not None
            raise ConflictError(
                f"stack {stack_name or stack_id!r} is locked by {other.describe()}",
                hint=f"waited {lock_timeout:g}s; raise --lock-timeout to wait longer",
            )
        sleep(min(poll_interval, remaining))
