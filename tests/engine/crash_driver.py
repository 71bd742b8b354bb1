"""Run one stack operation against the persistent cloud (the process a crash test kills).

python -m tests.engine.crash_driver STATE_DIR CLOUD_DB create|update|delete|resume
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from heatctl.engine.planner import TypeInfo
from heatctl.engine.stack import RunOptions, StackEngine
from heatctl.engine.store import StateStore
from tests.engine.fake_model import FakeModel
from tests.engine.persistent_cloud import PersistentCloud, PersistentPlugin

N = 50


def template(version: int) -> dict[str, dict[str, Any]]:
    """50 resources in 5 layers of 10; each needs two of the layer before it.
    Version 2 changes some in place (size), replaces some (cidr), drops 5, adds 5."""
    resources: dict[str, dict[str, Any]] = {}
    for i in range(N):
        layer, j = divmod(i, 10)
        props: dict[str, Any] = {"size": 1}
        if layer:
            props["needs"] = [
                {"get_resource": f"r{(layer - 1) * 10 + j}"},
                {"get_resource": f"r{(layer - 1) * 10 + (j + 1) % 10}"},
            ]
        if version == 2 and j in (1, 2):
            props["size"] = 2
        if version == 2 and j == 3:
            props["cidr"] = "10.2.0.0/16"
        resources[f"r{i}"] = {"properties": props}
    if version == 2:
        for i in range(45, 50):
            del resources[f"r{i}"]
        for i in range(5):
            resources[f"extra{i}"] = {
                "properties": {"size": 1, "needs": [{"get_resource": f"r{40 + i}"}]}
            }
    return resources


def engine(state: Path, cloud_db: Path) -> tuple[StackEngine, StateStore, PersistentCloud]:
    store = StateStore.open(state)
    cloud = PersistentCloud(cloud_db)
    plugin = PersistentPlugin(cloud)
    info = TypeInfo(updatable=frozenset({"size", "needs"}))
    return StackEngine(store, lambda t: plugin, lambda t: info), store, cloud


def model_for(stack: Any) -> FakeModel:
    return FakeModel.of(
        {n: {"properties": r.get("properties", {})} for n, r in stack.template["resources"].items()}
    )


def main(state: str, cloud_db: str, action: str) -> int:
    eng, _store, _ = engine(Path(state), Path(cloud_db))
    options = RunOptions(max_parallel=10, lock_timeout=30, command=f"crash-driver {action}")
    if action == "create":
        result = eng.create("crash", FakeModel.of(template(1)), options)
    elif action == "update":
        result = eng.update("crash", FakeModel.of(template(2)), options)
    elif action == "delete":
        result = eng.delete("crash", options)
    else:
        result = eng.resume("crash", model_for, options)
    print(result.stack.status, flush=True)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
