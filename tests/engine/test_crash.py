"""Crash safety: SIGKILL a stack operation at random points, resume, and check that the cloud
holds exactly what the state says (no leak, no duplicate) and the state file is sound.

The cloud here is a shared SQLite file with a 20 ms "build" per resource, so kills land
before, during and after cloud calls; the same test against the sandbox cloud is the
end-to-end version."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from heatctl.engine.states import State

from .crash_driver import engine

ROOT = Path(__file__).resolve().parents[2]


def _count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=30)
    try:
        return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:  # table not there yet
        return 0
    finally:
        conn.close()


def run_driver(
    state: Path, cloud: Path, action: str, kill_when: Callable[[], bool] | None = None
) -> int | None:
    """Run the driver; with kill_when, SIGKILL it as soon as the condition holds.
    Returns the exit code, or None when it was killed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.engine.crash_driver", str(state), str(cloud), action],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    if kill_when is None:
        proc.communicate(timeout=120)
        return proc.returncode
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if kill_when():
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return None
        time.sleep(0.002)
    proc.communicate(timeout=60)
    return proc.returncode


def check_consistent(state: Path, cloud_db: Path, expect_stack: bool) -> None:
    _eng, store, cloud = engine(state, cloud_db)
    assert store.integrity_check() == "ok"
    counts = Counter(cloud.tags())
    assert [t for t, n in counts.items() if n > 1] == [], "duplicated cloud resources"
    stack = store.find_stack("crash")
    if not expect_stack:
        assert stack is None and counts == Counter(), "leaked cloud resources"
        return
    assert stack is not None and stack.status.state is State.COMPLETE, stack and stack.status
    rows = store.resources(stack.id, current_only=False)
    assert {r.tag for r in rows} == set(counts), "cloud and state disagree"
    inventory = cloud.inventory()
    assert all(inventory[r.physical_id] == r.tag for r in rows)
    store.close()


def resume_until_done(state: Path, cloud: Path, fallback: str) -> None:
    _eng, store, _ = engine(state, cloud)
    stack = store.find_stack("crash")
    store.close()
    if stack is None:
        assert run_driver(state, cloud, fallback) == 0  # killed before the stack existed
        return
    if stack.status.state is State.COMPLETE:
        return
    assert run_driver(state, cloud, "resume") == 0


OBJECTS = "SELECT COUNT(*) FROM objects"
EVENTS = "SELECT COUNT(*) FROM events"


@pytest.mark.parametrize("seed", range(7))
def test_sigkill_during_create_update_delete_then_resume(tmp_path: Path, seed: int) -> None:
    """Each run kills three operations at a random point inside them: after k cloud objects
    exist (create), after k more events (update), when k objects are left (delete)."""
    rng = random.Random(seed)
    state, cloud = tmp_path / "state", tmp_path / "cloud.db"
    db = state / "state.db"
    killed = []

    k = rng.randint(1, 40)  # margin: the last objects come fast
    killed.append(run_driver(state, cloud, "create", lambda: _count(cloud, OBJECTS) >= k))
    resume_until_done(state, cloud, "create")
    check_consistent(state, cloud, expect_stack=True)

    base, k = _count(db, EVENTS), rng.randint(2, 60)  # an update makes 76 events
    killed.append(run_driver(state, cloud, "update", lambda: _count(db, EVENTS) >= base + k))
    resume_until_done(state, cloud, "update")
    check_consistent(state, cloud, expect_stack=True)
    _eng, store, _ = engine(state, cloud)
    names = {r.name for r in store.resources(store.get_stack("crash").id)}
    assert "extra0" in names and "r49" not in names and len(names) == 50
    store.close()

    k = rng.randint(10, 49)
    killed.append(run_driver(state, cloud, "delete", lambda: _count(cloud, OBJECTS) <= k))
    _eng, store, _ = engine(state, cloud)
    stack = store.find_stack("crash")
    store.close()
    if stack is not None:
        assert run_driver(state, cloud, "resume") == 0
    check_consistent(state, cloud, expect_stack=False)
    assert killed == [None, None, None], "every operation was killed mid-way"
