"""`heatctl resource-type list|show`."""

from __future__ import annotations

import json

from heatctl.errors import ExitCode


def test_list_json_has_every_type_with_a_description(run_cli):
    result = run_cli("resource-type", "list", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    names = [row["type"] for row in rows]
    assert "OS::Nova::Server" in names and "OS::Heat::RandomString" in names
    assert names == sorted(names)
    assert all(row["description"] for row in rows)


def test_list_pattern(run_cli):
    result = run_cli("resource-type", "list", "OS::Cinder::*", "--json")
    assert result.exit_code == 0, result.output
    names = [row["type"] for row in json.loads(result.stdout)]
    assert "OS::Cinder::Volume" in names
    assert all(name.startswith("OS::Cinder::") for name in names)
    assert json.loads(run_cli("resource-type", "list", "Nothing*", "--json").stdout) == []


def test_list_text(run_cli):
    result = run_cli("resource-type", "list")
    assert result.exit_code == 0
    assert "OS::Neutron::Port" in result.stdout


def test_show_text_lists_properties_and_attributes(run_cli):
    result = run_cli("resource-type", "show", "OS::Heat::RandomString")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "length  integer, default 32, update replaces, range 1..512" in out
    assert "Number of characters to generate." in out
    assert "character_classes[].class" in out
    assert "Attributes" in out and "value  string" in out
    assert "\n  sequence  " not in out  # hidden legacy property


def test_show_mentions_the_rules_across_properties(run_cli):
    result = run_cli("resource-type", "show", "OS::Neutron::RouterInterface")
    assert "Also checked: Exactly one of subnet and port." in result.stdout
    data = json.loads(run_cli("resource-type", "show", "OS::Heat::Value", "--json").stdout)
    assert data["rules"] == ""


def test_show_all_includes_hidden(run_cli):
    result = run_cli("resource-type", "show", "--all", "OS::Heat::RandomString")
    assert "\n  sequence  string, " in result.stdout and "hidden (legacy)" in result.stdout


def test_show_all_names_the_new_property_of_an_alias(run_cli):
    result = run_cli("resource-type", "show", "--all", "OS::Neutron::Port")
    assert "hidden (legacy name of network)" in result.stdout
    data = json.loads(
        run_cli("resource-type", "show", "--all", "--json", "OS::Neutron::Port").stdout
    )
    assert data["properties"]["network_id"]["alias_of"] == "network"


def test_show_json(run_cli):
    result = run_cli("resource-type", "show", "OS::Nova::Server", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    flavor = data["properties"]["flavor"]
    assert flavor["type"] == "string" and flavor["required"] and flavor["update_allowed"]
    assert flavor["constraints"] == [{"custom_constraint": "nova.flavor"}]
    assert "port" in data["properties"]["networks"]["item"]["schema"]
    assert "first_address" not in data["attributes"]  # hidden
    assert data["attributes"]["networks"]["description"]


def test_show_unknown_type_suggests(run_cli):
    result = run_cli("resource-type", "show", "OS::Nova::Servr")
    assert result.exit_code == ExitCode.INVALID
    assert "unknown resource type 'OS::Nova::Servr'" in result.stderr
    assert "did you mean 'OS::Nova::Server'" in result.stderr
    assert "Traceback" not in result.output


def test_reference_page_is_up_to_date():
    from heatctl.resources.reference import reference_markdown
    from tests.conftest import ROOT

    page = (ROOT / "docs" / "resource-types.md").read_text()
    assert page == reference_markdown(), (
        "regenerate: python -m heatctl.resources.reference > docs/resource-types.md"
    )


def test_command_page_documents_every_option():
    from heatctl.commands.resource_type import resource_type
    from tests.conftest import ROOT

    page = (ROOT / "docs" / "resource-type.md").read_text()
    for name, command in resource_type.commands.items():
        assert f"heatctl resource-type {name}" in page
        for param in command.params:
            for opt in getattr(param, "opts", []):
                if opt.startswith("--"):
                    assert opt in page, opt
