"""Fidelity of the sandbox's admin APIs: openstacksdk's own functional tests for Keystone's
projects, users, groups, services and endpoints, Nova's and Cinder's quota sets and
Cinder's volume types, run against the sandbox as its admin (all pass)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from heatctl.sandbox import Sandbox
from tests.sandbox.test_sdk_functional import NEEDS, _counts, _missing

MODULES = {
    "identity.v3.test_project": 2,
    "identity.v3.test_user": 1,
    "identity.v3.test_group": 1,
    "identity.v3.test_service": 1,
    "identity.v3.test_endpoint": 1,
    "compute.v2.test_quota_set": 1,
    "block_storage.v3.test_type": 1,
    "block_storage.v3.test_quota_set": 1,
}


@pytest.mark.skipif(bool(_missing()), reason=f"needs the packages {', '.join(NEEDS)}")
def test_openstacksdk_admin_functional_tests(tmp_path: Path) -> None:
    import openstack

    site = Path(openstack.__file__).parent.parent
    report = tmp_path / "report.xml"
    with Sandbox(state_path=tmp_path / "sandbox.db") as sandbox:
        env = {
            **os.environ,
            "OS_CLIENT_CONFIG_FILE": str(sandbox.write_clouds_yaml(tmp_path / "clouds.yaml")),
            "OS_CLOUD": "devstack-admin",
            "OPENSTACKSDK_FUNC_TEST_TIMEOUT": "20",
            "OS_TEST_TIMEOUT": "40",
        }
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "ignore"]
        command += [f"--rootdir={site}", f"--junitxml={report}", "--pyargs"]
        command += [f"openstack.tests.functional.{name}" for name in MODULES]
        run = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
        )
        assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
        leftovers = sandbox.inventory()
    passed, failed = _counts(report)
    summary = {name: (passed[name], passed[name] + failed[name]) for name in MODULES}
    assert all(passed[name] >= floor for name, floor in MODULES.items()), summary
    assert not any(failed.values()), summary
    # The SDK's tests clean up after themselves; what they made must really be gone.
    assert leftovers == {}, leftovers
