"""Crash safety end to end: `heatctl stack create/update/delete` of a 50-resource stack on
the sandbox cloud (over HTTP, through openstacksdk) is killed with SIGKILL at a random
point, then `heatctl stack resume` finishes it. After every run the sandbox holds exactly
the stack's resources (none leaked, none twice) and the state file is sound.

7 seeds x 3 operations = 21 kills. The cloud is a Sandbox served by the test process, as
a real cloud outlives the heatctl process that talks to it."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from heatctl.engine.store import StateStore
from heatctl.sandbox import Sandbox

from .crash_sandbox_template import template

ROOT = Path(__file__).resolve().parents[2]
KINDS = (
    "network/network",
    "network/subnet",
    "network/port",
    "network/security_group",
    "volume/volume",
)
EVENTS = {"create": 102, "update": 68, "delete": 102}  # events each operation writes


def events(db: Path) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=30)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM events").fetchone()[0])
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


def heatctl(
    env: dict[str, str], *args: str, kill_when: Callable[[], bool] | None = None
) -> int | None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "heatctl", "stack", *args, "--os-cloud", "sandbox"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while kill_when is not None and proc.poll() is None and time.monotonic() < deadline:
        if kill_when():
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
            return None
        time.sleep(0.002)
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    if proc.returncode:
        print(err[-3000:])  # shown when the test fails
    return proc.returncode


def check(sandbox: Sandbox, state: Path, present: bool) -> None:
    inventory = sandbox.inventory()
    cloud_ids = [i for kind in KINDS for i in inventory.get(kind, [])]
    assert len(cloud_ids) == len(set(cloud_ids))
    with StateStore.open(state) as store:
        assert store.integrity_check() == "ok"
        stack = store.find_stack("c")
        if not present:
            assert stack is None and cloud_ids == [], f"leaked: {cloud_ids}"
            return
        assert stack is not None and str(stack.status).endswith("_COMPLETE"), stack
        rows = store.resources(stack.id, current_only=False)
        assert len(rows) == 50
        assert sorted(r.physical_id or "" for r in rows) == sorted(cloud_ids), (
            "cloud and state differ"
        )


@pytest.mark.parametrize("seed", range(7))
def test_sigkill_and_resume_on_the_sandbox(tmp_path: Path, seed: int) -> None:
    rng = random.Random(1000 + seed)
    v1, v2 = tmp_path / "v1.yaml", tmp_path / "v2.yaml"
    v1.write_text(template(1))
    v2.write_text(template(2))
    sandbox = Sandbox(state_path=tmp_path / "cloud.db").start()
    state = tmp_path / "state"
    db = state / "state.db"
    env = {
        **os.environ,
        "OS_CLIENT_CONFIG_FILE": str(sandbox.write_clouds_yaml(tmp_path / "clouds.yaml")),
        "HEATCTL_STATE_DIR": str(state),
        "PYTHONPATH": str(ROOT),
    }
    try:
        for op, args, final in (
            ("create", ("create", str(v1), "--name", "c"), True),
            ("update", ("update", "c", "-t", str(v2)), True),
            ("delete", ("delete", "c", "--yes"), False),
        ):
            base, k = events(db), rng.randint(2, EVENTS[op] - 2)
            target = base + k
            killed = heatctl(env, *args, kill_when=lambda t=target: events(db) >= t)
            assert killed is None, f"{op} finished before the kill"
            assert heatctl(env, "resume", "c", "--lock-timeout", "30") == 0
            check(sandbox, state, present=final)
    finally:
        sandbox.stop()
