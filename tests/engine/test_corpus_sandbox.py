"""Every HOT template of ../shared/corpus whose resource types heatctl can deploy is created
and deleted on the sandbox. Parameters without a default get a plausible value (an image,
a flavor, a key pair the test creates, the seeded networks). Templates meant to fail
(TestResource fail: true, bad values on purpose) or needing what the sandbox lacks (Fedora
images) fail with a clear reason; none may crash, and none may leave anything behind."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import yaml

from heatctl.engine import runtime
from heatctl.engine.model import Source, load_model
from heatctl.engine.runtime import open_store
from heatctl.engine.stack import RunOptions, StackEngine
from heatctl.errors import HeatctlError
from heatctl.sandbox import Sandbox

from ..conftest import corpus_path

KEY = "heatctl-corpus"
BY_CONSTRAINT = {
    "glance.image": "cirros",
    "nova.flavor": "m1.tiny",
    "nova.keypair": KEY,
    "neutron.network": "private",
    "neutron.subnet": "private-subnet",
}
BY_WORD = [
    ("cidr", "10.77.0.0/24"),
    ("gateway", "10.77.0.1"),
    ("pool_start", "10.77.0.10"),
    ("pool_end", "10.77.0.200"),
    ("dns", "8.8.8.8"),
    ("flavor", "m1.tiny"),
    ("instance_type", "m1.tiny"),
    ("image", "cirros"),
    ("key", KEY),
    ("public", "public"),
    ("external", "public"),
    ("subnet", "private-subnet"),
    ("net", "private"),
    ("pass", "secret1"),
]
EXPECTED_AT_LEAST = 57  # of 74 with deployable types, measured 2026-11-25


def guess(name: str, spec: dict[str, Any]) -> str:
    for constraint in spec.get("constraints") or []:
        if isinstance(constraint, dict):
            if constraint.get("custom_constraint") in BY_CONSTRAINT:
                return BY_CONSTRAINT[constraint["custom_constraint"]]
            if constraint.get("allowed_values"):
                return str(constraint["allowed_values"][0])
    low = name.lower()
    for word, value in BY_WORD:
        if word in low:
            return value
    kind = spec.get("type")
    return {"number": "1", "boolean": "true", "json": "{}", "comma_delimited_list": "a"}.get(
        kind, "x"
    )


# A wait condition needs a server that signals it; the sandbox's servers run nothing.
NEEDS_A_RUNNING_SERVER = {"OS::Heat::WaitCondition", "AWS::CloudFormation::WaitCondition"}


def deployable(doc: Any) -> bool:
    if not isinstance(doc, dict) or "heat_template_version" not in doc:
        return False
    types = [r.get("type") for r in (doc.get("resources") or {}).values() if isinstance(r, dict)]
    if NEEDS_A_RUNNING_SERVER & set(types):
        return False
    return all(isinstance(t, str) and runtime._deployable_class(t) is not None for t in types)


def test_corpus_templates_create_and_delete_cleanly(tmp_path: Path) -> None:
    root = corpus_path()
    templates = []
    for path in sorted(root.rglob("*.yaml")):
        if "tosca" in path.parts:
            continue
        with warnings.catch_warnings():
            try:
                doc = yaml.safe_load(path.read_text())
            except yaml.YAMLError:
                continue
        if deployable(doc):
            templates.append((path, doc))
    sandbox = Sandbox(state_path=tmp_path / "cloud.db").start()
    connection = sandbox.connection()
    connection.compute.create_keypair(name=KEY)
    store = open_store(tmp_path / "state")
    engine = StackEngine(
        store,
        runtime.plugin_for,
        runtime.type_info,
        connection_factory=lambda: connection,
        secret_attributes=runtime.secret_attributes,
    )
    created, failed = [], {}
    try:
        for index, (path, doc) in enumerate(templates):
            params = {
                n: guess(n, s)
                for n, s in (doc.get("parameters") or {}).items()
                if isinstance(s, dict) and "default" not in s
            }
            name = f"c{index}"
            try:
                model = load_model(Source(str(path), parameters=params), stack_name=name)
            except HeatctlError as error:  # invalid on purpose, or our guesses are refused
                failed[path.name] = str(error)
                continue
            result = engine.create(name, model, RunOptions(timeout=120))
            if result.ok:
                created.append(path.name)
            else:
                failed[path.name] = result.stack.status_reason
            deleted = engine.delete(name, RunOptions(timeout=120))
            assert deleted.ok, f"{path}: {deleted.stack.status_reason}"
            left = {k: v for k, v in sandbox.inventory().items() if k != "compute/keypair"}
            assert left == {}, f"{path} left {left}"
    finally:
        sandbox.stop()
    print(f"\n{len(created)} of {len(templates)} corpus templates created and deleted cleanly")
    assert len(created) >= EXPECTED_AT_LEAST, failed
