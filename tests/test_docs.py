"""docs/ stays true: a page per command group naming every command, help text everywhere."""

from __future__ import annotations

import click
import pytest

from heatctl.cli import COMMAND_GROUPS, cli
from tests.conftest import ROOT


def _commands(group: click.Command, prefix: str) -> list[tuple[str, click.Command]]:
    found = [(prefix, group)]
    if isinstance(group, click.Group):
        for name in group.list_commands(None):  # type: ignore[arg-type]
            sub = group.get_command(None, name)  # type: ignore[arg-type]
            assert sub is not None
            found.extend(_commands(sub, f"{prefix} {name}"))
    return found


@pytest.mark.parametrize("group_name", sorted(COMMAND_GROUPS))
def test_group_has_a_docs_page_naming_every_command(group_name):
    page = ROOT / "docs" / f"{group_name}.md"
    assert page.exists(), f"docs/{group_name}.md is missing"
    text = page.read_text()
    command = cli.get_command(None, group_name)  # type: ignore[arg-type]
    assert command is not None
    for path, _ in _commands(command, f"heatctl {group_name}"):
        assert path in text, f"docs/{group_name}.md does not mention `{path}`"


@pytest.mark.parametrize("group_name", sorted(COMMAND_GROUPS))
def test_every_command_and_option_has_help(group_name):
    command = cli.get_command(None, group_name)  # type: ignore[arg-type]
    assert command is not None
    for path, sub in _commands(command, f"heatctl {group_name}"):
        assert sub.help or sub.short_help, f"`{path}` has no help text"
        for param in sub.params:
            if isinstance(param, click.Option) and not param.hidden:
                assert param.help, f"`{path}` option {param.opts} has no help text"


def test_readme_links_every_docs_page():
    readme = (ROOT / "README.md").read_text()
    for page in sorted((ROOT / "docs").glob("*.md")):
        assert f"docs/{page.name}" in readme, f"README.md does not link docs/{page.name}"
