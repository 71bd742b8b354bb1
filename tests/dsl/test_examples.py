"""The shipped examples validate, resolve and graph."""

from __future__ import annotations

import yaml

from tests.conftest import ROOT

WEB = str(ROOT / "examples" / "web.yaml")
ENV = str(ROOT / "examples" / "env.yaml")


def test_web_example_validates(run_cli):
    result = run_cli("template", "validate", WEB, "-e", ENV)
    assert result.exit_code == 0, result.output
    assert "resources: 8, parameters: 8, outputs: 4, graph depth: 4" in result.stdout


def test_web_example_resolves_with_environment(run_cli):
    result = run_cli("template", "resolve", WEB, "-e", ENV, "-P", "key_name=mykey")
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(result.stdout)
    resources = doc["resources"]
    assert resources["subnet"]["properties"]["cidr"] == "10.20.0.0/24"
    assert resources["subnet"]["properties"]["dns_nameservers"] == ["9.9.9.9"]
    assert resources["server"]["properties"]["flavor"] == "m1.tiny"
    assert resources["server"]["properties"]["key_name"] == "mykey"
    assert resources["floating_ip"]["properties"]["port_id"] == {"get_resource": "port"}
    assert "conditions" not in doc  # has_key is fully known


def test_web_example_graph(run_cli):
    result = run_cli("template", "graph", WEB, "--format", "json")
    assert result.exit_code == 0, result.output
    data = yaml.safe_load(result.stdout)
    assert (data["depth"], data["width"]) == (4, 3)
    assert data["levels"][0] == ["network", "router", "security_group"]


def test_stack_name_resolves_the_pseudo_parameter(run_cli):
    result = run_cli("template", "resolve", WEB, "--stack-name", "demo")
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(result.stdout)
    assert doc["resources"]["network"]["properties"]["name"] == "demo-net"
