"""Fidelity of the sandbox's Neutron extensions: openstacksdk's own functional tests for
them (shipped in its wheel), next to the core subsets of test_sdk_functional.py.

Each module must keep at least the pass count measured when this test was written; a
drop is a regression in the sandbox. Measured: 46 of 50 pass; test_segment's other four tests cannot pass on any
cloud (the test class never sets SEGMENT_ID unless SEGMENT_EXTENSION is set).
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
    "network.v2.test_address_scope": 4,  # of 4
    "network.v2.test_subnet_pool": 10,  # of 10
    "network.v2.test_subnet_from_subnet_pool": 1,  # of 1
    "network.v2.test_trunk": 5,  # of 5
    "network.v2.test_rbac_policy": 3,  # of 3
    "network.v2.test_segment": 1,  # of 5
    "network.v2.test_quota": 1,  # of 1
    "network.v2.test_qos_minimum_packet_rate_rule": 4,  # of 4
    "network.v2.test_port_forwarding": 4,  # of 4
    "network.v2.test_vpnaas": 4,  # of 4
    "network.v2.test_sfc": 1,  # of 1
    "network.v2.test_taas": 8,  # of 8
}
NEEDS = ("fixtures", "oslotest", "testtools", "testscenarios", "oslo_config")


def _missing() -> list[str]:
    return [name for name in NEEDS if importlib.util.find_spec(name) is None]


@pytest.mark.skipif(bool(_missing()), reason=f"needs the packages {', '.join(NEEDS)}")
def test_openstacksdk_network_extension_tests(tmp_path: Path) -> None:
    with Sandbox(state_path=tmp_path / "sandbox.db") as sandbox:
        clouds = sandbox.write_clouds_yaml(tmp_path / "clouds.yaml")
        report = tmp_path / "report.xml"
        env = {
            **os.environ,
            "OS_CLIENT_CONFIG_FILE": str(clouds),
            "OS_CLOUD": "devstack-admin",
            "OPENSTACKSDK_FUNC_TEST_TIMEOUT": "30",
            "OS_TEST_TIMEOUT": "60",
        }
        modules = [f"openstack.tests.functional.{name}" for name in MINIMUM_PASSES]
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
        assert sandbox.inventory() == {}, "openstacksdk's tests clean up after themselves"
    assert report.exists(), run.stdout[-3000:] + run.stderr[-3000:]
    passed, failed = _counts(report)
    summary = {name: (passed[name], passed[name] + failed[name]) for name in MINIMUM_PASSES}
    print("openstacksdk network extension tests against the sandbox (passed, ran):", summary)
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
