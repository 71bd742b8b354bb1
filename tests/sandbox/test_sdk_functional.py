"""Fidelity: openstacksdk's own functional tests (shipped in its wheel) against the sandbox.

The subsets are the ones reference/sandbox.md recommends. Each module must keep at least
the pass count measured when this test was written (see docs/sandbox.md); a drop is a
regression in the sandbox. Measured: all 107 pass. The suite needs the test extras openstacksdk's base test class
imports (fixtures, oslotest, testtools, testscenarios, oslo.config).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from heatctl.sandbox import Sandbox

# module -> minimum passing tests (measured; the total per module is in the comment)
MINIMUM_PASSES = {
    "network.v2.test_network": 10,  # of 10
    "network.v2.test_subnet": 10,  # of 10
    "network.v2.test_port": 10,  # of 10
    "network.v2.test_router": 10,  # of 10
    "network.v2.test_router_add_remove_interface": 1,  # of 1
    "network.v2.test_security_group": 10,  # of 10
    "network.v2.test_security_group_rule": 3,  # of 3
    "network.v2.test_floating_ip": 12,  # of 12
    "network.v2.test_qos_policy": 5,  # of 5
    "network.v2.test_qos_bandwidth_limit_rule": 4,  # of 4
    "network.v2.test_qos_dscp_marking_rule": 4,  # of 4
    "network.v2.test_qos_minimum_bandwidth_rule": 4,  # of 4
    "network.v2.test_extension": 2,  # of 2
    "compute.v2.test_server": 4,  # of 4
    "compute.v2.test_keypair": 2,  # of 2
    "compute.v2.test_volume_attachment": 1,  # of 1
    "compute.v2.test_flavor": 3,  # of 3
    "block_storage.v3.test_volume": 1,  # of 1
    "object_store.v1.test_container": 3,  # of 3
    "object_store.v1.test_obj": 4,  # of 4
    "object_store.v1.test_account": 2,  # of 2
    "image.v2.test_image": 2,  # of 2
}
NEEDS = ("fixtures", "oslotest", "testtools", "testscenarios", "oslo_config")


def _missing() -> list[str]:
    return [name for name in NEEDS if importlib.util.find_spec(name) is None]


@pytest.mark.skipif(bool(_missing()), reason=f"needs the packages {', '.join(NEEDS)}")
def test_openstacksdk_functional_subsets(tmp_path: Path) -> None:
    timings = {
        "server_build": 0.3,
        "volume_create": 0.2,
        "volume_attach": 0.1,
        "volume_detach": 0.1,
    }
    with Sandbox(state_path=tmp_path / "sandbox.db", timings=timings) as sandbox:
        clouds = sandbox.write_clouds_yaml(tmp_path / "clouds.yaml")
        # test_image uploads this file from the working directory.
        (tmp_path / "CONTRIBUTING.rst").write_text("uploaded by openstacksdk's image test\n")
        report = tmp_path / "report.xml"
        env = {
            **os.environ,
            "OS_CLIENT_CONFIG_FILE": str(clouds),
            "OS_CLOUD": "devstack-admin",
            "OPENSTACKSDK_FUNC_TEST_TIMEOUT": "30",
            "OS_TEST_TIMEOUT": "60",  # per test; openstacksdk defaults to 5 s
        }
        modules = [f"openstack.tests.functional.{name}" for name in MINIMUM_PASSES]
        # With the rootdir at site-packages, junit class names carry the module path.
        import openstack

        site = Path(openstack.__file__).parent.parent
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:cacheprovider",
                "-W",
                "ignore",
                f"--rootdir={site}",
                f"--junitxml={report}",
                "--pyargs",
                *modules,
            ],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    passed, failed = _counts(report)
    summary = {name: (passed[name], passed[name] + failed[name]) for name in MINIMUM_PASSES}
    print("openstacksdk functional tests against the sandbox (passed, ran):", summary)
    regressions = {
        name: summary[name] for name, floor in MINIMUM_PASSES.items() if passed[name] < floor
    }
    assert not regressions, f"fewer passes than measured: {regressions}"


def _counts(report: Path) -> tuple[Counter[str], Counter[str]]:
    passed: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for case in ET.parse(report).getroot().iter("testcase"):
        module = case.get("classname", "").removeprefix("openstack.tests.functional.")
        module = module.rsplit(".", 1)[0]
        if case.find("skipped") is not None:
            continue
        bad = case.find("failure") is not None or case.find("error") is not None
        (failed if bad else passed)[module] += 1
    return passed, failed
