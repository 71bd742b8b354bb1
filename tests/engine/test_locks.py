"""Stack locks, tested with real processes: waiting, naming the holder, dead-holder takeover."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from heatctl.engine import locks
from heatctl.engine.store import StateStore
from heatctl.errors import ConflictError, ExitCode

ROOT = Path(__file__).resolve().parents[2]

HOLD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from heatctl.engine.store import StateStore
    from heatctl.engine import locks
    store = StateStore.open(Path(sys.argv[1]))
    lock = locks.acquire(store, sys.argv[2], command="heatctl stack create web", lock_timeout=10)
    print("locked", flush=True)
    sys.stdin.readline()          # hold until told to go, or until killed
    lock.release()
    print("released", flush=True)
    """
)

CRITICAL = textwrap.dedent(
    """
    import os, sys, time
    from pathlib import Path
    from heatctl.engine.store import StateStore
    from heatctl.engine import locks
    store = StateStore.open(Path(sys.argv[1]))
    log = Path(sys.argv[3])
    for _ in range(3):
        with locks.acquire(store, sys.argv[2], command="worker", lock_timeout=30, poll_interval=0.01):
            with log.open("a") as f:
                f.write(f"in {os.getpid()}\\n")
            time.sleep(0.02)
            with log.open("a") as f:
                f.write(f"out {os.getpid()}\\n")
    """
)


def _spawn(code: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    with StateStore.open(tmp_path) as opened:
        yield opened


def test_second_operation_waits_then_fails_naming_the_holder(
    store: StateStore, tmp_path: Path
) -> None:
    child = _spawn(HOLD, str(tmp_path), "stack-1")
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "locked"
        started = time.monotonic()
        with pytest.raises(ConflictError) as info:
            locks.acquire(
                store, "stack-1", command="heatctl stack delete", lock_timeout=0.3, stack_name="web"
            )
        assert time.monotonic() - started >= 0.3
        assert info.value.exit_code == ExitCode.CONFLICT
        assert f"pid {child.pid}" in info.value.message
        assert "'web' is locked" in info.value.message
        assert "heatctl stack create web" in info.value.message
        # The holder lets go while we wait: we get the lock within the timeout.
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
        with locks.acquire(store, "stack-1", command="delete", lock_timeout=10) as lock:
            assert lock.took_over_from is None and lock.is_held()
    finally:
        child.kill()
        child.wait()


def test_lock_of_a_killed_process_is_taken_over(store: StateStore, tmp_path: Path) -> None:
    child = _spawn(HOLD, str(tmp_path), "stack-1")
    assert child.stdout is not None and child.stdout.readline().strip() == "locked"
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    lock = locks.acquire(store, "stack-1", command="heatctl stack resume", lock_timeout=0)
    assert lock.took_over_from is not None and lock.took_over_from.pid == child.pid
    assert lock.is_held()
    lock.release()
    assert not lock.is_held()


def test_a_reused_pid_does_not_keep_a_lock(store: StateStore) -> None:
    # Our own (live) pid, but recorded with another start time: the pid was reused.
    store.db.execute(
        "INSERT INTO locks (stack_id, token, pid, host, process_start, command, acquired_at)"
        " VALUES ('s', 'old', ?, ?, 'boot:1', 'old run', 0)",
        [os.getpid(), locks.socket.gethostname()],
    )
    store.db.conn.commit()
    with locks.acquire(store, "s", command="new", lock_timeout=0) as lock:
        assert lock.took_over_from is not None and lock.took_over_from.token == "old"


def test_a_live_holder_of_another_host_is_never_presumed_dead() -> None:
    holder = locks.Holder(pid=999999, host="elsewhere", process_start="", command="", acquired_at=0)
    assert not locks.holder_is_dead(holder, host="here")
    assert locks.holder_is_dead(holder, host="elsewhere")  # no such pid on "this" host


def test_our_own_live_process_is_alive() -> None:
    me = locks.current_holder("x")
    assert not locks.holder_is_dead(me)


def test_release_is_idempotent_and_only_drops_our_lock(store: StateStore) -> None:
    first = locks.acquire(store, "s", command="a")
    first.release()
    second = locks.acquire(store, "s", command="b")
    first.release()  # a stale handle must not drop someone else's lock
    assert second.is_held()
    second.release()


def test_processes_never_hold_the_same_lock_at_once(store: StateStore, tmp_path: Path) -> None:
    log = tmp_path / "log"
    children = [_spawn(CRITICAL, str(tmp_path), "shared", str(log)) for _ in range(4)]
    for child in children:
        assert child.wait(timeout=60) == 0
    lines = log.read_text().split()
    events = list(zip(lines[::2], lines[1::2], strict=True))
    assert len(events) == 24
    for enter, leave in zip(events[::2], events[1::2], strict=True):
        assert enter[0] == "in" and leave[0] == "out" and enter[1] == leave[1]
    assert store.integrity_check() == "ok"
