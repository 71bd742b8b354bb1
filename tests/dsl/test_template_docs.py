"""docs/template.md documents every template command and option."""

from __future__ import annotations

import click

from heatctl.commands.template import template
from tests.conftest import ROOT


def test_every_command_and_option_is_documented():
    page = (ROOT / "docs" / "template.md").read_text()
    for name, command in template.commands.items():
        assert f"## template {name}" in page, name
        assert command.help, name
        for param in command.params:
            if isinstance(param, click.Option):
                longest = max(param.opts, key=len)
                assert f"`{longest}" in page or f"{longest} " in page, (name, longest)
                assert param.help, (name, longest)


def test_template_group_is_registered():
    from heatctl.cli import COMMAND_GROUPS

    assert COMMAND_GROUPS["template"][0] == "heatctl.commands.template"
